"""The webhook channel against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import pytest

from flows.webhook import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    WebhookConfig,
    WebhookError,
    deliver,
    verify_signature,
)


def _config(server, path: str, **kw) -> WebhookConfig:
    return WebhookConfig(url=server.url + path, secret="共享密钥", backoff=0.01, **kw)


def test_post_is_signed_with_hmac_sha256(server):
    status = deliver(_config(server, "/hook"), {"draft_id": 7, "title": "标题"}, delivery_id="webhook:7:abc")
    assert status == 200
    (got,) = server.received
    assert got.json() == {"draft_id": 7, "title": "标题"}
    assert got.headers[SIGNATURE_HEADER].startswith("sha256=")
    assert verify_signature(got.body, "共享密钥", got.headers[SIGNATURE_HEADER])
    assert not verify_signature(got.body, "wrong", got.headers[SIGNATURE_HEADER])
    assert not verify_signature(got.body + b" ", "共享密钥", got.headers[SIGNATURE_HEADER])
    assert got.headers[DELIVERY_HEADER] == "webhook:7:abc"


def test_server_errors_are_retried_with_backoff(server):
    server.fail_first = 2
    pauses = []
    assert deliver(_config(server, "/flaky"), {"n": 1}, delivery_id="d", sleep=pauses.append) == 200
    assert len(server.received) == 1
    assert pauses == [0.01, 0.02]


def test_gives_up_after_the_configured_attempts(server):
    server.fail_first = 5
    with pytest.raises(WebhookError, match="HTTP 500"):
        deliver(_config(server, "/flaky", attempts=2), {"n": 1}, delivery_id="d", sleep=lambda _: None)
    assert server.received == []


def test_client_errors_are_not_retried_now(server):
    pauses = []
    with pytest.raises(WebhookError, match="HTTP 400"):
        deliver(_config(server, "/reject"), {"n": 1}, delivery_id="d", sleep=pauses.append)
    assert pauses == []


def test_connection_refused_raises(server):
    url = server.url
    server.stop()
    with pytest.raises(WebhookError, match="ConnectError"):
        deliver(WebhookConfig(url=url + "/hook", secret="k", attempts=2, backoff=0.0), {}, delivery_id="d",
                sleep=lambda _: None)
    server.start()  # the fixture stops it again
