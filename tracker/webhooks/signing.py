"""How a webhook's request is signed, so its receiver can tell it came from here, unchanged.

The signed material is the timestamp header's value, a dot, and the raw body, as bytes:
``HMAC-SHA256(key=secret as UTF-8, msg=timestamp + "." + body)``, sent in hex as
``X-Tracker-Signature: sha256=<hex>``. A receiver recomputes it over the bytes it received
(before any JSON parsing) and refuses an old timestamp, so a captured request cannot be replayed
later (docs/webhooks.md).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

SIGNATURE = "X-Tracker-Signature"
TIMESTAMP = "X-Tracker-Timestamp"
EVENT = "X-Tracker-Event"
DELIVERY = "X-Tracker-Delivery"
USER_AGENT = "GiaoViec-Webhook/1"


def delivery_id(key: str) -> str:
    """The delivery's id, derived from its outbox key: the same on every retry of it, so a
    receiver that got it once can ignore a resend."""
    return hashlib.sha256(f"webhook-delivery:{key}".encode()).hexdigest()[:32]


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The value of ``X-Tracker-Signature`` for ``body`` sent at ``timestamp``."""
    material = timestamp.encode("ascii") + b"." + body
    digest = hmac.new(secret.encode("utf-8"), material, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def headers(secret: str, kind: str, delivery: str, at: datetime, body: bytes) -> dict[str, str]:
    """Every header of one try of a delivery, signed as of the instant ``at``."""
    timestamp = str(int(at.timestamp()))
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        EVENT: kind,
        DELIVERY: delivery,
        TIMESTAMP: timestamp,
        SIGNATURE: signature(secret, timestamp, body),
    }


def verify(secret: str, timestamp: str, body: bytes, sent: str) -> bool:
    """Whether ``sent`` (the received signature header) signs ``body`` at ``timestamp``."""
    return hmac.compare_digest(signature(secret, timestamp, body), sent)
