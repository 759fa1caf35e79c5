"""The webhook channel: an HTTP POST of JSON, signed with HMAC-SHA256, retried with backoff.

Headers: ``X-Sanshen-Signature: sha256=<hex HMAC-SHA256 of the body>`` and
``X-Sanshen-Delivery: <id>``; the delivery id is the same on every retry of one
publication, so a receiver that remembers ids sees each publication once even if a
worker dies between the receiver's answer and the worker recording it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

SIGNATURE_HEADER = "X-Sanshen-Signature"
DELIVERY_HEADER = "X-Sanshen-Delivery"


@dataclass(frozen=True)
class WebhookConfig:
    url: str
    secret: str
    timeout: float = 10.0
    attempts: int = 3  # tries within one delivery; the outbox retries later with its own backoff
    backoff: float = 0.5  # seconds before the 2nd try, doubled each time


class WebhookError(RuntimeError):
    pass


def signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, secret: str, header: str) -> bool:
    """What a receiver does: compare the header with its own HMAC, in constant time."""
    return hmac.compare_digest(signature(body, secret), header or "")


def encode(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def deliver(
    config: WebhookConfig, document: dict, *, delivery_id: str,
    client: httpx.Client | None = None, sleep: Callable[[float], None] = time.sleep,
) -> int:
    """POST ``document``; retry on connection errors and 5xx/429. Returns the final status."""
    body = encode(document)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        SIGNATURE_HEADER: signature(body, config.secret),
        DELIVERY_HEADER: delivery_id,
    }
    own = client is None
    client = client or httpx.Client(timeout=config.timeout)
    try:
        error = "no attempt made"
        for attempt in range(config.attempts):
            if attempt:
                sleep(config.backoff * 2 ** (attempt - 1))
            try:
                response = client.post(config.url, content=body, headers=headers)
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
                continue
            if response.status_code < 300:
                return response.status_code
            error = f"HTTP {response.status_code}"
            if response.status_code < 500 and response.status_code != 429:
                break  # the receiver refuses this request; retrying now will not help
        raise WebhookError(f"webhook {config.url} failed after {attempt + 1} tries: {error}")
    finally:
        if own:
            client.close()
