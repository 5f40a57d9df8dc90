"""A real OpenID provider for the single sign-on tests (the ``oidc-provider-mock`` package).

It serves discovery, the authorization code flow and end-session over HTTP on a free port of
127.0.0.1, from a thread. The test plays the person at the provider: it POSTs the provider's
own authorization form with the subject to log in as. The provider's claims for a subject are
set through its ``PUT /users/<sub>``.

Beside the provider's own answers, ``Provider`` can record the token requests it receives (to
see the PKCE verifier the application sends) and replace one token response with another
genuine response of the same provider (a token issued to another application).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import threading
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import oidc_provider_mock
import requests
from werkzeug.serving import make_server

TIMEOUT = 10


class Provider:
    """One provider server; ``issuer`` is its address."""

    def __init__(self, token_max_age: timedelta = timedelta(hours=1)) -> None:
        self.app = oidc_provider_mock.app(access_token_max_age=token_max_age)
        self.token_requests: list[dict[str, list[str]]] = []
        self.token_authorizations: list[str] = []
        self.paths: list[str] = []  # of every request, in order
        self.next_token_response: dict | None = None
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,))

    def wsgi(self, environ, start_response):
        """The provider, watching its token endpoint."""
        self.paths.append(environ.get("PATH_INFO", ""))
        if environ.get("PATH_INFO") != "/oauth2/token":
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        self.token_requests.append(parse_qs(body.decode()))
        self.token_authorizations.append(environ.get("HTTP_AUTHORIZATION", ""))
        replacement, self.next_token_response = self.next_token_response, None
        if replacement is None:
            return self.app(environ, start_response)
        answer = json.dumps(replacement).encode()
        start_response(
            "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(answer)))]
        )
        return [answer]

    def set_user(self, sub: str, **claims: object) -> None:
        requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=TIMEOUT).raise_for_status()

    def authorize(self, url: str, sub: str) -> str:
        """Log in at the provider as ``sub`` on its authorization page ``url``; the address it
        sends the browser back to."""
        answer = requests.post(url, data={"sub": sub}, allow_redirects=False, timeout=TIMEOUT)
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    def token_response_for(self, client_id: str, sub: str, nonce: str) -> dict:
        """A complete code flow of another application ``client_id`` at this provider: its
        token response (an ID token whose audience is ``client_id``)."""
        redirect_uri = "http://127.0.0.1:9/other-app/callback"
        query = urlencode(
            {
                "response_type": "code",
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "scope": "openid profile email",
                "state": "other-app-state",
                "nonce": nonce,
            }
        )
        back = self.authorize(f"{self.issuer}/oauth2/authorize?{query}", sub)
        code = parse_qs(urlsplit(back).query)["code"][0]
        answer = requests.post(
            f"{self.issuer}/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": client_id,
                "client_secret": "other-secret",
            },
            timeout=TIMEOUT,
        )
        answer.raise_for_status()
        return answer.json()


@contextmanager
def running_provider(token_max_age: timedelta = timedelta(hours=1)):
    provider = Provider(token_max_age)
    provider.thread.start()
    try:
        yield provider
    finally:
        provider.server.shutdown()
        provider.thread.join(5)
        provider.server.server_close()


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of ``verifier`` (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def with_query(url: str, **changes: str) -> str:
    """``url`` with some of its query parameters replaced."""
    parts = urlsplit(url)
    query = {**query_of(url), **changes}
    return parts._replace(query=urlencode(query)).geturl()
