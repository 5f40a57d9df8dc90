"""Giao việc: meetings → tasks → unit assignments → progress."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tracker.config import Config
from tracker.core import db
from tracker.core.clock import Clock
from tracker.core.paths import resource_dir


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application; ``test_config`` overrides settings (tests)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=resource_dir("templates"),
        static_folder=resource_dir("static"),
    )
    app.config.update(Config(app.instance_path).as_dict())
    if test_config:
        app.config.update(test_config)
    app.extensions["clock"] = Clock(app.config["TIMEZONE"])

    from tracker import application as web
    from tracker.assignments import concurrency
    from tracker.core import extensions, i18n, logs, security
    from tracker.notifications import receivers as notification_receivers
    from tracker.reminders import events as event_mails
    from tracker.web import assets
    from tracker.webhooks import receivers as webhook_receivers

    logs.init_app(app)  # JSON log lines and request ids, before anything logs
    security.init_app(app)  # TRACKER_PROXY_FIX: trust one reverse proxy's X-Forwarded-*
    db.init_app(app)

    extensions.csrf.init_app(app)
    extensions.htmx.init_app(app)
    extensions.login_manager.init_app(app)
    extensions.babel.init_app(
        app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone
    )
    i18n.init_app(app)
    web.init_app(app)
    concurrency.init_app(app)
    assets.init_app(app)  # fingerprinted, compressed static files (WhiteNoise)
    event_mails.connect()  # the unit's mails on the domain signals of the workflow
    webhook_receivers.connect()  # and the same events, POSTed to the webhooks that hear them
    notification_receivers.connect()  # and the officers' notifications in the application
    return app
