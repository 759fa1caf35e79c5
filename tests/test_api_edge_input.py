"""What the schema fuzzer (tests/test_api_fuzz.py) found, each pinned down: numbers no database column
holds in any path, query or body field of any /api/v1 route; bodies that are not UTF-8, not JSON or
nested too deep; a check carrying more to read than one check may. Each is a Chinese refusal ({"code", "message"}, 4xx), never a 500, nothing written."""

from __future__ import annotations

import base64
import json

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sanshen.service import check_pass, users
from sanshen.web import api
from storage.db import transaction
from storage.models import AuditEvent
from tests.attachment_files import xlsx_file

pytestmark = pytest.mark.db

# Past PostgreSQL's INTEGER and BIGINT, past SQLite's 64-bit INTEGER, and below zero.
HUGE = (2**31, 2**63, 10**30, -(2**63) - 1)


def _int_fields(model) -> list[str]:
    return [name for name, field in model.model_fields.items() if field.annotation in (int, int | None)]


def _routes() -> list[tuple[str, APIRoute]]:
    return [(method, route) for route in api.router.routes if isinstance(route, APIRoute)
            for method in sorted(route.methods)]


def _audit_rows(team) -> int:
    with transaction(team.ctx.engine, readonly=True) as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


def _valid_body(route: APIRoute, draft_id: int) -> dict:
    """A body every field of which has a plausible value, so that the number is what gets looked at."""
    [param] = route.dependant.body_params
    body = {}
    for name, field in param.field_info.annotation.model_fields.items():
        if field.annotation in (int, int | None):
            body[name] = draft_id
        elif field.annotation in (bool, bool | None):
            body[name] = False
        elif field.annotation == list[str] | None or "date" in str(field.annotation) or name == "attachments":
            continue
        else:
            body[name] = "测试" if name not in ("slug",) else "ceshi"
    return body


@pytest.fixture
def everyone(app, team):
    who, token = users.add_user(team.ctx, None, "quan", sorted(users.known_roles(team.ctx)), now=team.ctx.clock())
    client = TestClient(app, raise_server_exceptions=False)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


@pytest.mark.parametrize("huge", HUGE, ids=["int32+1", "int64+1", "1e30", "-int64-1"])
def test_a_number_no_column_holds_is_refused_in_every_field_of_every_route(everyone, team, huge):
    draft_id = team.submit().id
    wrong = []
    for method, route in _routes():
        ints = [p.name for p in route.dependant.path_params if p.field_info.annotation in (int, int | None)]
        texts = [p.name for p in route.dependant.path_params if p.name not in ints]
        queries = [p.name for p in route.dependant.query_params if p.field_info.annotation in (int, int | None)]
        bodies = _int_fields(route.dependant.body_params[0].field_info.annotation) if route.dependant.body_params else []
        for where in [*(("path", n) for n in ints), *(("query", n) for n in queries), *(("body", n) for n in bodies)]:
            path = route.path
            for name in ints:
                path = path.replace(f"{{{name}}}", str(huge if where == ("path", name) else draft_id))
            for name in texts:
                path = path.replace(f"{{{name}}}", "通知公告")
            params = {where[1]: huge} if where[0] == "query" else {}
            kwargs = {}
            if route.dependant.body_params:
                body = _valid_body(route, draft_id)
                if where[0] == "body":
                    body[where[1]] = huge
                kwargs["json"] = body
            before = _audit_rows(team)
            response = everyone.request(method, path, params=params, **kwargs)
            seen = f"{method} {route.path} {where}: {response.status_code} {response.text[:200]}"
            if response.status_code >= 500 or response.status_code < 400 and where[0] != "query":
                wrong.append(seen)
            elif response.status_code >= 400 and set(response.json()) != {"code", "message"}:
                wrong.append(seen)
            if response.status_code >= 400 and _audit_rows(team) != before:
                wrong.append(f"{seen}: written")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("content", [b'{"title": "\xff\xfe\xa0"}', b"\x81\x82",
                                     b"[" * 5000 + b"]" * 5000, b'{"title": ', b'{"title": "a"'],
                         ids=["not-utf8-in-json", "not-utf8", "nested-5000-deep", "cut-short", "unclosed"])
def test_a_body_that_is_not_json_is_refused_in_chinese(everyone, team, content):
    before = _audit_rows(team)
    response = everyone.post("/api/v1/drafts", content=content, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.json() == {"code": "bad_json", "message": response.json()["message"]}
    assert "JSON" in response.json()["message"] and "未做任何更改" in response.json()["message"]
    response = everyone.post("/api/v1/drafts", content=content)  # no content type: not read as JSON at all
    assert response.status_code == 422 and response.json()["code"] == "bad_request", response.text
    assert _audit_rows(team) == before


def test_a_text_field_nested_as_deep_as_json_goes_is_refused_not_a_crash(everyone, team):
    deep = "[" * 900 + '"x"' + "]" * 900
    before = _audit_rows(team)
    response = everyone.post("/api/v1/drafts", content=f'{{"title": {deep}, "body": "正文"}}',
                             headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["code"] == "bad_request", response.text
    assert json.loads(response.text)["message"].startswith("请求参数有误")
    assert _audit_rows(team) == before


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _check(client, payload):
    return client.post("/api/v1/check", json={"text": "会议按时召开。", **payload})


def test_a_check_stops_reading_attachments_at_its_character_cap(everyone):
    # Each sheet well under the cap of one attachment, together past the cap of one check: refused
    # as too large for a check (413), the workbook read no further than the cap.
    rows = [["会议按时召开，研究部署安全生产工作。" * 40] for _ in range(20)]  # 14 400 characters a sheet
    workbook = xlsx_file({f"表{n}": rows for n in range(1, 11)})
    r = _check(everyone, {"attachments": [{"name": "汇总.xlsx", "content_base64": _b64(workbook)}]})
    assert r.status_code == 413 and r.json()["code"] == "check_too_large", r.text
    assert "汇总.xlsx" in r.json()["message"] and str(check_pass.API_MAX_CHARS) in r.json()["message"]
    # a text file past the cap alone: the same 413, not the stored-attachment refusal
    big = ("会议按时召开。" * (check_pass.API_MAX_CHARS // 7 + 1)).encode()
    r = _check(everyone, {"attachments": [{"name": "a.txt", "content_base64": _b64(big)}]})
    assert r.status_code == 413 and r.json()["code"] == "check_too_large"
    # under the cap the same workbook's first sheets are checked
    r = _check(everyone, {"attachments": [{"name": "汇总.xlsx", "content_base64": _b64(xlsx_file({"表1": rows}))}]})
    assert r.status_code == 200, r.text


def test_a_check_carries_a_bounded_number_and_size_of_files(everyone):
    image = {"name": "图.png", "content_base64": _b64(b"\x89PNG" + b"\0" * 1024)}
    r = _check(everyone, {"attachments": [image] * (check_pass.API_MAX_ATTACHMENTS + 1)})
    assert r.status_code == 422 and r.json()["code"] == "bad_request" and "attachments" in r.json()["message"]
    assert _check(everyone, {"attachments": [image] * check_pass.API_MAX_ATTACHMENTS}).status_code == 200
    huge = {"name": "图.png", "content_base64": _b64(b"\0" * (check_pass.API_MAX_ATTACHMENT_BYTES + 1))}
    r = _check(everyone, {"attachments": [huge]})
    assert r.status_code == 413 and r.json()["code"] == "check_too_large" and "MB" in r.json()["message"]
