"""The REST API fuzzed from its own OpenAPI document (schemathesis, in-process over ASGI, no network).

Every operation under /api/v1 gets generated requests, half valid and half invalid by the schema
(any unicode incl. NUL, huge and negative integers, wrong types, missing and extra fields, bodies
that are not JSON, no token), each sent with the bearer token of a member of the cast who can reach
the operation, on one database (per module) that starts with drafts, opinions and a 依申请公开
request. Valid requests are steered at what exists (path ids of the first rows, fields mixed from a
valid body) so that they get past the first refusal. Each answer must be no server error, have a
status code the operation declares, the declared content type, and a body that matches the declared
model (``ErrorBody`` for the refusals); invalid requests must be refused. Bounded and reproducible: a
fixed number of examples per operation, derandomized, no deadline, no example database. (Lone
surrogates cannot be sent as UTF-8; tests/test_web_bad_text.py sends them, escaped, to every route.)
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import schemathesis
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sanshen.service import opinions, suggestions, users
from sanshen.web import api
from sanshen.web.app import create_app
from storage.clock import ManualClock
from tests.conftest import fresh_database
from tests.foia_support import STAFF, Office
from tests.team import CLEAN_BODY, ID_NUMBER, T0, TITLE, Team, open_context

pytestmark = pytest.mark.db

# Examples per operation; SANSHEN_FUZZ_EXAMPLES raises it for a longer run by hand.
EXAMPLES = int(os.environ.get("SANSHEN_FUZZ_EXAMPLES", "30"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]

EVERYONE = ("bian", "jiao1", "shen1", "bao", "ling", "guan", "gong1", "fa")
SIGNERS = ("jiao1", "shen1", "bao", "ling")
ADMIN = ("guan",)
FOIA = ("gong1", "gong2", "fa", "ling")
# Who may reach each operation (method, path); a GET not named here is fuzzed as anyone of the cast.
REACH: dict[tuple[str, str], tuple[str, ...]] = {
    ("POST", "/api/v1/drafts"): ("bian",),
    ("POST", "/api/v1/drafts/{draft_id}/revisions"): ("bian",),
    ("POST", "/api/v1/drafts/{draft_id}/revisions/preview"): ("bian",),
    ("POST", "/api/v1/drafts/{draft_id}/disclosure"): ("bian", "ling"),
    ("POST", "/api/v1/drafts/{draft_id}/sign"): SIGNERS,
    ("POST", "/api/v1/drafts/{draft_id}/return"): SIGNERS,
    ("POST", "/api/v1/drafts/{draft_id}/waive"): SIGNERS,
    ("POST", "/api/v1/drafts/{draft_id}/withdraw"): ("ling",),
    ("POST", "/api/v1/drafts/{draft_id}/claim"): SIGNERS,
    ("POST", "/api/v1/drafts/{draft_id}/unclaim"): SIGNERS,
    ("POST", "/api/v1/drafts/{draft_id}/comments"): ("jiao1", "shen1", "bian"),
    ("POST", "/api/v1/drafts/{draft_id}/suggestions"): ("jiao1", "shen1"),
    ("POST", "/api/v1/drafts/{draft_id}/suggestions/{suggestion_id}/accept"): ("bian",),
    ("POST", "/api/v1/drafts/{draft_id}/suggestions/{suggestion_id}/reject"): ("bian",),
    ("POST", "/api/v1/check"): EVERYONE,
    ("POST", "/api/v1/columns"): ADMIN,
    ("PATCH", "/api/v1/columns/{name}"): ADMIN,
    ("GET", "/api/v1/monitor/freshness"): ADMIN,
    ("POST", "/api/v1/sweeps"): ADMIN,
    ("GET", "/api/v1/sweeps/latest"): ADMIN,
    ("GET", "/api/v1/sweeps/{sweep_id}"): ADMIN,
    ("GET", "/api/v1/links"): ADMIN,
}


# Valid bodies: a positive case takes each field from here or keeps its generated value (a drawn mask
# decides), so that requests get past the first refusal and reach deeper into the service.
TEMPLATES: dict[tuple[str, str], dict] = {
    ("POST", "/api/v1/drafts"): {
        "title": TITLE, "body": CLEAN_BODY, "column": "通知公告", "kind": "notice", "disclosure": "主动公开",
        "disclosure_reason": None, "disclosure_ground": None, "urgent": False, "interprets": None,
        "publish_at": None, "expires_at": None},
    ("POST", "/api/v1/drafts/{draft_id}/revisions"): {
        "body": CLEAN_BODY + "请各单位认真落实。\n", "title": None, "comment": "已核实", "expect_voided": None},
    ("POST", "/api/v1/drafts/{draft_id}/revisions/preview"): {"body": CLEAN_BODY + "请各单位认真落实。\n", "title": None},
    ("POST", "/api/v1/drafts/{draft_id}/sign"): {"stage": None, "comment": "同意", "expect_hash": None},
    ("POST", "/api/v1/drafts/{draft_id}/return"): {"comment": "第二段数据需核实", "to_stage": None},
    ("POST", "/api/v1/drafts/{draft_id}/comments"): {
        "text": "请写明责任主体", "quote": "", "occurrence": 1, "start": None, "end": None, "part": "body",
        "revision": None},
    ("POST", "/api/v1/drafts/{draft_id}/suggestions"): {
        "old_text": "压实责任", "new_text": "压实各方责任", "reason": "", "occurrence": 1, "start": None, "end": None,
        "part": "body", "revision": None},
    ("POST", "/api/v1/check"): {"text": CLEAN_BODY, "kind": None, "disclosure": None, "disclosure_reason": None,
                                "title": None, "attachments": []},
    ("POST", "/api/v1/requests"): {
        "channel": "网络", "applicant_kind": "自然人", "applicant_name": "张三", "description": "本区老旧小区改造项目清单",
        "applicant_id_number": None, "applicant_contact": "", "organisation_kind": None, "received_on": None,
        "office": ""},
    ("POST", "/api/v1/requests/{request_id}/reply"): {
        "kind": "予以公开", "ground": None, "explanation": None, "body": "张某：您申请的信息现予提供。"},
    ("POST", "/api/v1/drafts/{draft_id}/waive"): {"finding_id": 1, "reason": "经核实为单位公开办公电话"},
    ("POST", "/api/v1/drafts/{draft_id}/withdraw"): {"reason": "数据有误"},
    ("POST", "/api/v1/drafts/{draft_id}/disclosure"): {"disclosure": "依申请公开", "reason": "涉及个人信息",
                                                       "ground": None, "explanation": None},
    ("POST", "/api/v1/requests/{request_id}/assign"): {"office": "住房保障科"},
    ("POST", "/api/v1/requests/{request_id}/correction"): {"note": "请明确年份与区域"},
    ("POST", "/api/v1/requests/{request_id}/extension"): {"reason": "需书面征求第三方意见"},
    ("POST", "/api/v1/columns"): {"name": "专题专栏", "slug": "zhuanti", "kind": "other", "update_days": None,
                                  "parent": None},
}
COLUMNS = ("通知公告", "要闻", "首页", "专题专栏")


def steer(case, mask: int, pins: list[int]) -> None:
    """Point a positive case at what exists: its path parameters at one of the first rows (or a
    registered column) where ``pins`` says so (> 0), and the fields ``mask`` leaves at their template."""
    for (name, value), pin in zip(sorted(case.path_parameters.items()), pins):
        if pin:
            case.path_parameters[name] = COLUMNS[pin - 1] if name == "name" else pin
    template = TEMPLATES.get((case.operation.method.upper(), case.operation.path))
    if template and isinstance(case.body, dict):
        for i, field in enumerate(template):
            if not mask >> i & 1:
                case.body[field] = template[field]


def reach(method: str, path: str) -> tuple[str, ...]:
    if (method, path) in REACH:
        return REACH[method, path]
    if path.startswith("/api/v1/requests"):
        return FOIA
    return EVERYONE


OPERATIONS = [(method, route.path) for route in api.router.routes if isinstance(route, APIRoute)
              for method in sorted(route.methods)]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory, default_checker):
    """One team for the whole module (the requests of each operation find what those before left),
    with some of everything: a fresh draft with a finding, one signed halfway with a comment and a
    suggestion on it, a registered request; plus the 信息公开 staff."""
    home = tmp_path_factory.mktemp("fuzz")
    with fresh_database(home) as db_url:
        ctx = open_context(home / "home", db_url, checker=default_checker, clock=ManualClock(T0))
        try:
            team = Team.gather(ctx)
            for name, roles in STAFF.items():
                team.people[name], team.tokens[name] = users.add_user(ctx, None, name, roles, now=team.clock())
            team.submit(f"联系人身份证号 {ID_NUMBER}。\n", title="关于做好防汛工作的通知", column="通知公告",
                        kind="notice")
            halfway = team.submit()
            team.walk(halfway.id, through="初审")
            opinions.add_comment(ctx, team["jiao2"], halfway.id, text="请写明责任主体", quote="压实责任",
                                 now=team.clock())
            suggestions.suggest(ctx, team["jiao2"], halfway.id, old_text="，确保", new_text="；确保",
                                reason="并列分句", now=team.clock())
            Office(team).register()
            yield team, schemathesis.openapi.from_asgi("/api/v1/openapi.json",
                                                      create_app(ctx, secret=b"test-secret"))
        finally:
            ctx.close()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p[7:]}" for m, p in OPERATIONS])
def test_the_api_answers_every_request_as_its_schema_says(fuzzed, method, path):
    team, schema = fuzzed
    operation = schema[path][method]
    people = reach(method, path)

    @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                          operation.as_strategy(GenerationMode.NEGATIVE)),
           who=st.sampled_from(people), mask=st.integers(0, 2**12 - 1),
           pins=st.lists(st.integers(0, len(COLUMNS)), min_size=2, max_size=2))
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def answers_as_declared(case, who, mask, pins):
        if case.meta is not None and case.meta.generation.mode is GenerationMode.POSITIVE:
            steer(case, mask, pins)
        team.clock.advance(timedelta(seconds=5))  # the /check rate limit lets a user through again
        if case.headers is None or "Authorization" in case.headers:  # a negative case may leave it out: 401
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {team.tokens[who]}"}
        statuses.add(case.call_and_validate(checks=CHECKS).status_code)

    statuses: set[int] = set()
    answers_as_declared()
    # The fuzzing got past the token and the body's parsing into the service at least once.
    assert statuses - {401, 422}, f"{method} {path}: only {sorted(statuses)}"
