"""Text no database can take (a NUL; a lone surrogate, which only a JSON escape can carry) sent to
every route of the app, in every text it reads: a Chinese 422, nothing written, never a 500."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from fastapi.testclient import TestClient
from pydantic.fields import FieldInfo
from sqlalchemy import func, select

from sanshen.service import users
from storage.db import transaction
from storage.models import AuditEvent
from tests.web_support import csrf_of, signed_in

pytestmark = pytest.mark.db

NUL = "\x00"
SURROGATE = "\ud800"
# A surrogate's would-be UTF-8 bytes: the server decodes them to U+FFFD.
SURROGATE_BYTES = "%ED%A0%80"
TEMPLATES = Path(__file__).resolve().parent.parent / "sanshen" / "templates"
# Every field a page's forms send, for the routes that read their form themselves.
FORM_FIELDS = sorted(set(re.findall(r'<(?:input|textarea|select)[^>]*\bname="(\w+)"',
                                    "".join(p.read_text(encoding="utf-8") for p in TEMPLATES.glob("*.html"))))
                     - {"csrf_token"})


def _is_number(field: FieldInfo) -> bool:
    return field.annotation in (int, int | None)


def _params(dependant: Dependant, kind: str) -> list:
    """The route's ``kind`` parameters ("path_params", "query_params", "body_params"), its dependencies' too."""
    return [*getattr(dependant, kind), *(p for d in dependant.dependencies for p in _params(d, kind))]


def _request(route: RouteContext, method: str, bad: str, *, draft_id: int, csrf: str) -> dict:
    """Arguments of a request putting ``bad`` in every text the route reads: path, query and body."""
    path = route.path
    for param in _params(route.dependant, "path_params"):
        path = path.replace(f"{{{param.name}}}", str(draft_id) if _is_number(param.field_info) else _in_url(bad))
    query = "&".join(f"{name}={_in_url(bad)}" for name in [*(p.name for p in _params(route.dependant, "query_params")), "q"])
    request = {"method": method, "url": f"{path}?{query}"}
    if method == "GET":
        return request
    if path.startswith("/api/"):
        [body] = _params(route.dependant, "body_params")
        data = {name: draft_id if _is_number(f) else False if f.annotation is bool else bad
                for name, f in body.field_info.annotation.model_fields.items()}
        return {**request, "content": json.dumps(data), "headers": {"content-type": "application/json"}}
    declared = _params(route.dependant, "body_params")
    numbers = {p.name for p in declared if _is_number(p.field_info)}
    fields = {*FORM_FIELDS, *(p.name for p in declared)}
    form = "&".join(f"{name}={'1' if name in numbers else _in_url(bad)}" for name in sorted(fields))
    return {**request, "content": f"{form}&csrf_token={quote(csrf)}",
            "headers": {"content-type": "application/x-www-form-urlencoded"}}


def _in_url(bad: str) -> str:
    """``bad`` in a URL or a form: a surrogate can only be sent as its would-be UTF-8 bytes."""
    return SURROGATE_BYTES if bad == SURROGATE else quote(bad)


def _routes(application) -> list[tuple[RouteContext, str]]:
    """Every route and method of the app, its routers' routes included (as the app serves them)."""
    return [(route, method) for route in iter_route_contexts(application.routes)
            if isinstance(route.original_route, APIRoute) for method in sorted(route.methods - {"HEAD"})]


def _audit_rows(team) -> int:
    with transaction(team.ctx.engine, readonly=True) as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "lone-surrogate"])
def test_text_no_database_takes_is_refused_on_every_route(app, team, bad):
    everyone, token = users.add_user(team.ctx, None, "quan", sorted(users.known_roles(team.ctx)),
                                     now=team.ctx.clock())
    draft_id = team.submit().id
    wrong = []
    for route, method in _routes(app):
        client = TestClient(app, raise_server_exceptions=False)
        client.cookies = signed_in(app, everyone.name).cookies
        client.headers["Authorization"] = f"Bearer {token}"
        csrf = csrf_of(client.get("/notifications").text)
        before = _audit_rows(team)
        response = client.request(**_request(route, method, bad, draft_id=draft_id, csrf=csrf),
                                  follow_redirects=False)
        api = route.path.startswith("/api/")
        where = f"{method} {route.path}: {response.status_code}" + (f" {response.text}" if api else "")
        if response.status_code >= 500:
            wrong.append(where)
        elif bad == NUL or api and method != "GET":  # a text the app could not store reached it
            if response.status_code != 422 or "含有" not in response.text:
                wrong.append(where)
            elif api and set(response.json()) != {"code", "message"}:
                wrong.append(where)
            if _audit_rows(team) != before:
                wrong.append(f"{where}: written")
    assert not wrong, "\n".join(wrong)
