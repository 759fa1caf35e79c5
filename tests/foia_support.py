"""Fixture ``office``: the team (tests/team.py) plus the 信息公开 staff who handle requests
(gong1, gong2: foia) and the legal reviewer (fa: legal), and helpers to walk a request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from sanshen.service import drafts, requests, users
from tests.team import Team

STAFF = {"gong1": ("foia",), "gong2": ("foia",), "fa": ("legal",)}
REPLY_BODY = "张某：\n您于近日提交的政府信息公开申请收悉。经审查，现答复如下：您申请的信息属于主动公开范围，现予提供。\n"
WITHHELD_WHY = "所申请信息含第三方企业的商业秘密，经书面征求意见，第三方不同意公开"


@dataclass
class Office:
    team: Team

    @property
    def ctx(self):
        return self.team.ctx

    def __getitem__(self, name: str):
        return self.team[name]

    def now(self) -> datetime:
        return self.team.clock.advance(timedelta(minutes=1))

    def register(self, **fields) -> requests.RequestDetail:
        fields.setdefault("channel", "网络")
        fields.setdefault("applicant_kind", "自然人")
        fields.setdefault("applicant_name", "张三丰")
        fields.setdefault("applicant_id_number", "11010519491231002X")
        fields.setdefault("applicant_contact", "13912345678")
        fields.setdefault("description", "本区2025年老旧小区改造项目清单")
        return requests.register(self.ctx, self["gong1"], requests.RequestInput(**fields), now=self.now())

    def reply(self, request_id: int, kind: str = "予以公开", ground: str | None = None,
              explanation: str | None = None, body: str = REPLY_BODY) -> requests.RequestDetail:
        drafted = requests.draft_reply(self.ctx, self["gong1"], request_id, kind=kind, ground=ground,
                                       explanation=explanation, body=body, now=self.now())
        self.team.settle()  # the reply's automated pass, as the worker would run it
        return drafted

    def sign_reply(self, draft_id: int) -> None:
        for stage, who in (("承办", "gong2"), ("法律审核", "fa"), ("领导签发", "ling")):
            drafts.sign(self.ctx, self[who], draft_id, stage=stage, now=self.now())

    def answer(self, request_id: int, **reply) -> requests.RequestDetail:
        """Assign, reply, sign the reply through its workflow, send."""
        req = requests.show(self.ctx, self["gong1"], request_id, now=self.now())
        if not req.office:
            requests.assign(self.ctx, self["gong1"], request_id, office="住房保障科", now=self.now())
        drafted = self.reply(request_id, **reply)
        self.sign_reply(drafted.reply_draft)
        return requests.send(self.ctx, self["gong1"], request_id, note="电子邮件送达", now=self.now())


@pytest.fixture
def office(team) -> Office:
    for name, roles in STAFF.items():
        team.people[name], team.tokens[name] = users.add_user(team.ctx, None, name, roles, display=name.upper(),
                                                              now=team.clock())
    return Office(team)
