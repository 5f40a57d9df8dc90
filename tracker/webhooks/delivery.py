"""One HTTP POST of a webhook's delivery: a 2xx answer is success, anything else an error
that says whether trying again could help.

The standard library's client with a timeout (no dependency added). Redirects are not
followed: a POST redirected elsewhere would carry the signed event to an address nobody chose.
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from urllib.parse import urlsplit

# Answers that will not change by waiting: the address or the request is wrong. Others (5xx,
# 408 Request Timeout, 425 Too Early, 429 Too Many Requests) are tried again later.
RETRYABLE_4XX = frozenset({408, 425, 429})


class DeliveryError(Exception):
    """The receiver did not accept the delivery; ``permanent`` when retrying cannot help."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:
        return None  # the 3xx is then raised as an HTTPError


_OPENER = urllib.request.build_opener(_NoRedirect)


def origin(url: str) -> str:
    """The scheme and host of an address, for lists and the audit trail: the path of a chat's
    incoming webhook is often its secret, so it is not repeated there."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def is_permanent(status: int) -> bool:
    """Whether an HTTP error status means the delivery will never succeed as it is."""
    return 300 <= status < 500 and status not in RETRYABLE_4XX


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST ``body`` to ``url``; return the 2xx status, or raise ``DeliveryError``."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read(4096)  # let the receiver finish its answer; it is not kept
            return response.status
    except urllib.error.HTTPError as exc:
        with exc:
            answer = exc.read(200).decode("utf-8", "replace").strip()
        message = f"Máy nhận trả lời HTTP {exc.code} {exc.reason}"
        if answer:
            message = f"{message}: {answer}"
        raise DeliveryError(message, is_permanent(exc.code)) from None
    except urllib.error.URLError as exc:
        raise DeliveryError(f"Không kết nối được máy nhận: {exc.reason}") from None
    except TimeoutError:
        raise DeliveryError(f"Máy nhận không trả lời sau {timeout:g} giây.") from None
    except (OSError, http.client.HTTPException) as exc:
        raise DeliveryError(f"Lỗi khi gửi: {exc.__class__.__name__}: {exc}") from None
