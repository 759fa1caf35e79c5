"""A request body streamed past the size cap, with no Content-Length, through a real server: a 413
with the Chinese message, whatever the route was reading."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sanshen.web.limits import MAX_REQUEST_BYTES, TOO_LARGE_MESSAGE
from sanshen.web.server import serving_in_thread

pytestmark = pytest.mark.db

CHUNK = b"a" * (1024 * 1024)
TOTAL = 70 * 1024 * 1024
BOUNDARY = "sanshen-test-boundary"


def _chunked(head: bytes, tail: bytes) -> Iterator[bytes]:
    """``head``, 70 MB of filler, ``tail``: an iterator, so the client sends it chunked."""
    yield head
    for _ in range(TOTAL // len(CHUNK)):
        yield CHUNK
    yield tail


def _multipart_upload() -> Iterator[bytes]:
    head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"big.bin\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    return _chunked(head, f"\r\n--{BOUNDARY}--\r\n".encode())


@pytest.mark.parametrize(("path", "content_type", "body"), [
    ("/api/v1/drafts", "application/json", lambda: _chunked(b'{"title": "t", "body": "', b'"}')),
    ("/drafts", f"multipart/form-data; boundary={BOUNDARY}", _multipart_upload),
], ids=["api-json", "web-upload"])
def test_a_chunked_body_over_the_cap_is_answered_413(app, team, path, content_type, body):
    assert TOTAL > MAX_REQUEST_BYTES
    with serving_in_thread(app) as base:
        response = httpx.post(base + path, content=body(), timeout=120,
                              headers={"Content-Type": content_type, "Authorization": f"Bearer {team.tokens['bian']}"})
        assert response.status_code == 413
        assert TOO_LARGE_MESSAGE in response.text
        assert "content-length" not in response.request.headers
