"""Every text a request carries, refused before any route reads it when the database could not take it.

A NUL (PostgreSQL refuses it in text) or a lone surrogate (no UTF-8 form; a JSON "\\ud800" escape
decodes to one) would otherwise fail deep in a route, as a 500, wherever the text is stored, looked
up, or echoed in an answer.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from starlette.datastructures import UploadFile

from sanshen.service.validate import storable_text

_FORMS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
_JSON_BODY = "JSON 正文"


async def refuse_unstorable_text(request: Request) -> None:
    """App-wide dependency: bad input (422) if any path or query parameter, form field, uploaded
    file's name, or string of a JSON body holds a text :func:`storable_text` refuses."""
    for name, text in [*request.path_params.items(), *request.query_params.multi_items(),
                       *await _body_texts(request)]:
        storable_text(name, what="参数名")
        storable_text(text, what=f"参数“{name}”")


async def _body_texts(request: Request) -> list[tuple[str, str]]:
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media in _FORMS:
        form = await request.form()
        return [(name, (value.filename or "") if isinstance(value, UploadFile) else value)
                for name, value in form.multi_items()]
    if media == "application/json" or media.endswith("+json"):
        try:
            return list(_json_texts(await request.json(), _JSON_BODY))
        except (ValueError, RecursionError):  # not JSON after all: the route refuses it or reads no body
            return []
    return []


def _json_texts(value: object, name: str) -> Iterator[tuple[str, str]]:
    """(name, text) for every string in a JSON value, keys too, each named by its nearest key
    (walked with a stack, not recursion: a deeply nested value must not exhaust the call stack)."""
    stack: list[tuple[object, str]] = [(value, name)]
    while stack:
        item, name = stack.pop()
        if isinstance(item, str):
            yield name, item
        elif isinstance(item, list):
            stack.extend((element, name) for element in reversed(item))
        elif isinstance(item, dict):
            for key, element in reversed(item.items()):
                stack.append((element, key))
                stack.append((key, name))
