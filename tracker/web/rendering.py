"""One helper decides whether a view answers with its whole page or one named block."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, make_response, render_template
from jinja2.ext import Extension
from jinja2_fragments.flask import render_block

from tracker.core.extensions import htmx


def wants_fragment() -> bool:
    """An htmx request that is neither boosted nor a history restore wants a fragment."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def form_error_status() -> int:
    """The status of a form shown again with its errors: 400, but 200 for htmx.

    htmx swaps only 2xx answers, so the errors would not appear beside the fields otherwise.
    """
    return 200 if wants_fragment() else 400


def render(
    template: str,
    block: str | None = None,
    status: int = 200,
    oob: list[tuple[str, str]] | None = None,
    **context: Any,
) -> Response:
    """Render ``template`` whole, or only ``block`` for htmx (plus out-of-band blocks).

    ``oob`` names further (template, block) pairs appended to the fragment; each of those
    blocks carries its own ``hx-swap-oob`` attribute.
    """
    if block and wants_fragment():
        body = render_block(template, block, **context)
        for oob_template, oob_block in oob or []:
            body += render_block(oob_template, oob_block, oob=True, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


class StripIndentation(Extension):
    """Drop the indentation of an HTML template's lines when the template is compiled.

    Pages lose a third of their bytes (the 15 KB budget) and nothing else: the newline before
    each line stays, so words and inline elements stay apart, and only the template's own text
    changes, never the data put into it (a report's line breaks and spaces are kept). Plain-text
    templates (mail) are left as written.
    """

    _INDENT = re.compile(r"\n[ \t]+")

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if name and name.endswith(".html"):
            return self._INDENT.sub("\n", source)
        return source
