"""A mail's HTML shown in a page, as it will look, without loosening the page's CSP.

Mail HTML carries its styles inline (mail clients ignore style sheets), which the site's
Content-Security-Policy (``style-src 'self'``, tracker/core/security.py) refuses; an iframe's
``srcdoc`` inherits that policy. So a preview page frames a separate response: the mail alone,
with a policy of its own that allows inline styles and nothing else (no script, no request
anywhere, no form), sandboxed, framable only by the site's own pages. Links to pages open in
the page that holds the frame (the site's pages refuse to be framed); links within the mail
(a digest's list of sections) stay in the frame.
"""

from __future__ import annotations

import re

from flask import Response, make_response

SANDBOX = "allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"

CSP = "; ".join(
    [
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self'",
        f"sandbox {SANDBOX}",
    ]
)

# A link's opening tag as the mail templates write it, unless it points within the mail.
PAGE_LINK = re.compile(r'<a href="(?!#)')


def document(html: str) -> Response:
    """The response holding ``html`` (a whole mail) for a preview's iframe."""
    response = make_response(PAGE_LINK.sub('<a target="_top" href="', html))
    response.mimetype = "text/html"
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "no-store"
    return response
