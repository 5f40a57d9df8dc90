"""Single sign-on with an OpenID provider: the Authlib client, and which account an identity is.

The provider is found by discovery (``{issuer}/.well-known/openid-configuration``, loaded on the
first use and kept by the client). Authlib keeps the state, the nonce and the PKCE verifier
(S256) of a login in the session and checks them in ``authorize_access_token``, which also
checks the ID token's signature, issuer, audience (our client id), expiry and nonce.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from flask import current_app, url_for
from peewee import fn
from werkzeug.security import generate_password_hash

from tracker.core.clock import get_clock
from tracker.core.db import database
from tracker.models import User
from tracker.models.audit import record
from tracker.models.users import hash_method

logger = logging.getLogger(__name__)

NAME = "sso"
_EXTENSION = "tracker.sso"
# In the session of a login made through the provider, so logging out can offer its logout.
SESSION_KEY = "login_method"
SESSION_VALUE = "oidc"
# Set by /logout for the login page that follows it: offer the provider's logout.
LOGOUT_KEY = "oidc_logout"
NEXT_KEY = "oidc_next"
# A created account is read-only (tracker/policy.py: viewers read everything, change nothing);
# an admin gives it its real role and unit.
CREATED_ROLE = "viewer"
# Seconds of clock difference with the provider tolerated on an ID token's times.
LEEWAY = 60
TIMEOUT = 10


def enabled() -> bool:
    """Whether an OpenID provider is configured (TRACKER_OIDC_ISSUER and _CLIENT_ID)."""
    config = current_app.config
    return bool(config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID"))


def passwords_allowed() -> bool:
    """Whether the login form takes passwords: always without SSO, else as configured."""
    return not enabled() or bool(current_app.config.get("OIDC_LOCAL_PASSWORDS", True))


def client():
    """This application's Authlib client of the provider, made on first use.

    One per application (kept in ``app.extensions``), so each keeps its own discovery.
    """
    # Authlib (with cryptography) and requests are loaded where single sign-on is used, not
    # in every web worker of an office that has none (about 15 MiB each).
    from authlib.integrations.flask_client import OAuth

    app = current_app._get_current_object()
    oauth = app.extensions.get(_EXTENSION)
    if oauth is None:
        config = app.config
        oauth = OAuth(app)
        oauth.register(
            NAME,
            client_id=config["OIDC_CLIENT_ID"],
            client_secret=config["OIDC_CLIENT_SECRET"],
            server_metadata_url=f"{config['OIDC_ISSUER']}/.well-known/openid-configuration",
            client_kwargs={
                "scope": "openid profile email",
                "code_challenge_method": "S256",
                "default_timeout": TIMEOUT,
            },
        )
        app.extensions[_EXTENSION] = oauth
    return oauth.create_client(NAME)


def external_url(endpoint: str) -> str:
    """``endpoint``'s address as the provider knows it: under TRACKER_BASE_URL (register
    ``{TRACKER_BASE_URL}/login/oidc/callback`` as the redirect URI at the provider)."""
    return current_app.config["BASE_URL"] + url_for(endpoint)


def id_token_options() -> dict[str, dict]:
    """What the ID token must say: our issuer, and our client id among its audience.

    Authlib's default compares the audience with our client id only through ``azp``: a token
    whose audience is another application but whose ``azp`` names ours would pass. Here the
    audience itself must name us (``azp``, when present, is still checked by Authlib).
    """
    config = current_app.config
    return {
        "iss": {"essential": True, "values": [config["OIDC_ISSUER"]]},
        "aud": {"essential": True, "values": [config["OIDC_CLIENT_ID"]]},
    }


def logout_url() -> str | None:
    """The provider's end-session address (RP-initiated logout) if its discovery names one,
    coming back to the login page; None too when the provider cannot be reached."""
    import requests

    sso = client()
    try:
        endpoint = sso.load_server_metadata().get("end_session_endpoint")
    except (requests.RequestException, ValueError):
        logger.warning("OpenID provider discovery failed", exc_info=True)
        return None
    if not endpoint:
        return None
    return sso.create_logout_url(
        post_logout_redirect_uri=external_url("auth.login"),
        client_id=current_app.config["OIDC_CLIENT_ID"],
    )["url"]


@dataclass(frozen=True)
class Identity:
    """What the provider says about the person: the value matched to an account, and more."""

    subject: str
    key: str  # the username or e-mail address, as configured by OIDC_MATCH
    name: str
    email: str
    email_verified: bool


class IdentityError(Exception):
    """The provider's answer names no usable identity (a required claim is missing)."""


def identity(claims: dict) -> Identity:
    """The identity in ``claims`` (the ID token's, completed from userinfo if needed)."""
    config = current_app.config
    email = str(claims.get("email") or "").strip()
    verified = claims.get("email_verified")
    if config["OIDC_MATCH"] == "email":
        key = email
        # An address the provider says it has not verified proves nothing.
        if verified is False:
            key = ""
    else:
        key = str(claims.get(config["OIDC_USERNAME_CLAIM"]) or "").strip()
    if not key or not claims.get("sub"):
        raise IdentityError(config["OIDC_USERNAME_CLAIM"])
    return Identity(
        subject=str(claims["sub"]),
        key=key,
        name=str(claims.get("name") or "").strip(),
        email=email,
        email_verified=verified is not False,
    )


def needs_userinfo(claims: dict) -> bool:
    """Whether the ID token lacks the claim that is matched (then userinfo is asked)."""
    config = current_app.config
    claim = "email" if config["OIDC_MATCH"] == "email" else config["OIDC_USERNAME_CLAIM"]
    return not claims.get(claim)


def find_account(person: Identity) -> User | None:
    """The account ``person`` logs in as (active or not), or None."""
    if current_app.config["OIDC_MATCH"] == "email":
        matches = list(
            User.select()
            .where(User.email.is_null(False), User.email != "")
            .where(fn.LOWER(User.email) == person.key.lower())
            .limit(2)
        )
        # Two accounts with one address: which one is meant cannot be told.
        return matches[0] if len(matches) == 1 else None
    return User.get_or_none(User.username == person.key)


def create_account(person: Identity) -> User | None:
    """A new read-only account for ``person`` (TRACKER_OIDC_CREATE_USERS), or None when its
    name is taken or too long. Its password is random and told to no one: it logs in by SSO."""
    username = person.key
    if len(username) > 60 or User.select().where(User.username == username).exists():
        return None
    user = User(
        username=username,
        full_name=(person.name or username)[:200],
        email=person.email[:200] if person.email_verified else "",
        role=CREATED_ROLE,
        unit=None,
        created_at=get_clock().now(),
    )
    user.password_hash = generate_password_hash(secrets.token_urlsafe(32), method=hash_method())
    with database.atomic():
        user.save()
        record(None, "create", user, after={"via": "oidc", "role": CREATED_ROLE})
    return user
