"""依申请公开 through the service: register, deadlines, 补正, 延期, reply through its workflow, send, archive."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from flows.requests import sweep_requests
from review.refusals import Conflict, InvalidInput, NotPermitted
from sanshen.service import drafts, requests
from storage.models import AuditEvent, Draft, InfoRequest, Notification
from tests.foia_support import REPLY_BODY, WITHHELD_WHY

pytestmark = pytest.mark.db


def test_a_request_received_the_friday_before_spring_festival_is_due_after_it(office):
    office.team.clock.at = datetime(2026, 2, 13, 2, 0, tzinfo=UTC)  # Friday 13 Feb 2026, 10:00 in Beijing
    req = office.register(channel="当面")
    assert req.received_on == "2026-02-13" and req.due_on == "2026-03-19"
    assert req.working_days_left == 20 and not req.overdue
    assert "提交之日" in req.receipt_rule


def test_register_masks_the_applicant_outside_the_file(office):
    req = office.register(received_on=date(2026, 11, 24))
    assert req.due_on == "2026-12-22" and req.status == "registered"
    assert req.applicant_name == "张三丰" and req.applicant_id_number == "11010519491231002X"  # foia sees it
    listed = requests.list_requests(office.ctx, office["ling"], now=office.now())
    assert [r.applicant for r in listed] == ["张**"]
    seen_by_leader = requests.show(office.ctx, office["ling"], req.id, now=office.now())
    assert seen_by_leader.applicant_id_number == "110105********002X"
    assert seen_by_leader.applicant_contact == "139****5678"
    with office.ctx.engine.connect() as conn:
        payloads = [str(p) for p in conn.execute(select(AuditEvent.payload)).scalars()]
    assert not any("张三丰" in p or "11010519491231002X" in p or "13912345678" in p for p in payloads)
    with pytest.raises(NotPermitted):
        requests.list_requests(office.ctx, office["bian"], now=office.now())
    with pytest.raises(NotPermitted):
        requests.register(office.ctx, office["bian"], requests.RequestInput("网络", "自然人", "李四", "某信息"),
                          now=office.now())
    with pytest.raises(InvalidInput):
        office.register(channel="邮件")
    with pytest.raises(InvalidInput):
        office.register(received_on=date(2026, 12, 1))  # after today


def test_correction_stops_the_clock_and_restarts_it(office):
    req = office.register(received_on=date(2026, 11, 24))
    stopped = requests.ask_correction(office.ctx, office["gong1"], req.id, note="请明确所需信息的年份与区域",
                                      now=office.now())
    assert stopped.clock_stopped and stopped.due_on is None and stopped.status == "awaiting_correction"
    with pytest.raises(Conflict):
        office.reply(req.id)  # 予以公开 not possible while waiting for the applicant
    office.team.clock.at = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    resumed = requests.resume(office.ctx, office["gong1"], req.id, note="申请人补正：2025年某街道", now=office.now())
    # 20 working days from Mon 30 Nov (not from 24 Nov)
    assert resumed.due_on == "2026-12-28" and not resumed.clock_stopped
    with pytest.raises(Conflict):  # one notice only (第三十条: 一次性告知)
        requests.ask_correction(office.ctx, office["gong1"], req.id, note="再补正", now=office.now())
    assert [s.action for s in resumed.steps] == ["registered", "correction_asked", "resumed"]


def test_an_extension_needs_a_leader_and_is_granted_once(office):
    req = office.register(received_on=date(2026, 11, 24), office="住房保障科")
    with pytest.raises(Conflict):
        requests.approve_extension(office.ctx, office["ling"], req.id, now=office.now())  # not asked
    requests.ask_extension(office.ctx, office["gong1"], req.id, reason="需调取多个部门的档案", now=office.now())
    with pytest.raises(NotPermitted):
        requests.approve_extension(office.ctx, office["gong2"], req.id, now=office.now())
    approved = requests.approve_extension(office.ctx, office["ling"], req.id, comment="同意", now=office.now())
    assert approved.extended and approved.extension_approved_by == "ling"
    assert approved.due_on is None or approved.due_on != "2026-12-22"
    assert approved.deadline_problem is not None  # the 40th working day is in 2027, a year not yet known
    assert "2027" in approved.deadline_problem and "chinese-calendar" in approved.deadline_problem
    with pytest.raises(Conflict):
        requests.ask_extension(office.ctx, office["gong1"], req.id, reason="再延期", now=office.now())


def test_an_extension_within_a_known_year(office):
    office.team.clock.at = datetime(2026, 2, 13, 2, 0, tzinfo=UTC)
    req = office.register(channel="当面", office="住房保障科")
    requests.ask_extension(office.ctx, office["gong1"], req.id, reason="需征求第三方意见", now=office.now())
    assert requests.approve_extension(office.ctx, office["ling"], req.id, now=office.now()).due_on == "2026-04-17"


def test_a_withheld_reply_without_a_ground_is_refused_and_writes_nothing(office):
    req = office.register(received_on=date(2026, 11, 24), office="住房保障科")
    before = office.team.count(AuditEvent)
    for ground, why in ((None, WITHHELD_WHY), ("third_party", "无"), ("领导不同意", WITHHELD_WHY)):
        with pytest.raises(InvalidInput):
            office.reply(req.id, kind="不予公开", ground=ground, explanation=why)
    assert office.team.count(AuditEvent) == before
    done = office.reply(req.id, kind="不予公开", ground="保护第三方合法权益", explanation=WITHHELD_WHY)
    assert done.reply_ground_label == "保护第三方合法权益" and done.status == "replying"


def test_handlers_drafting_one_reply_at_once_leave_one_reply_draft_and_no_orphan(office):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    req = office.register(received_on=date(2026, 11, 24), office="住房保障科")
    now = office.now()
    start = threading.Barrier(4)

    def draft(who: str) -> str:
        start.wait()
        try:
            requests.draft_reply(office.ctx, office[who], req.id, kind="予以公开", ground=None, explanation=None,
                                 body=REPLY_BODY, now=now)
        except Conflict as exc:
            return exc.code
        return "drafted"

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(draft, ["gong1", "gong2", "gong1", "gong2"]))
    assert outcomes.count("drafted") == 1, outcomes
    replies = office.team.rows(select(Draft.id).where(Draft.kind == "reply"))
    recorded = office.team.rows(select(InfoRequest.reply_draft_id).where(InfoRequest.id == req.id))
    assert replies == recorded  # one reply draft, the request's: a loser's draft was never stored


def test_a_reply_goes_through_its_workflow_then_is_sent_and_archived(office):
    req = office.register(received_on=date(2026, 11, 24), office="住房保障科")
    drafted = office.reply(req.id)
    draft = drafts.show(office.ctx, office["fa"], drafted.reply_draft)
    assert [s.name for s in draft.stages] == ["机器预审", "承办", "法律审核", "领导签发"]
    assert draft.kind == "reply" and draft.disclosure == "依申请公开"
    with pytest.raises(Conflict):
        requests.send(office.ctx, office["gong1"], req.id, now=office.now())  # not signed off yet
    with pytest.raises(NotPermitted):  # the drafter does not check their own reply
        drafts.sign(office.ctx, office["gong1"], drafted.reply_draft, stage="承办", now=office.now())
    assert (drafted.reply_draft, "法律审核") not in [(q.id, q.stage) for q in drafts.queue(office.ctx, office["fa"], now=office.now())]
    drafts.sign(office.ctx, office["gong2"], drafted.reply_draft, stage="承办", now=office.now())
    assert (drafted.reply_draft, "法律审核") in [(q.id, q.stage) for q in drafts.queue(office.ctx, office["fa"], now=office.now())]
    drafts.sign(office.ctx, office["fa"], drafted.reply_draft, stage="法律审核", now=office.now())
    drafts.sign(office.ctx, office["ling"], drafted.reply_draft, stage="领导签发", now=office.now())
    sent = requests.send(office.ctx, office["gong1"], req.id, note="电子邮件送达", now=office.now())
    assert sent.status == "sent" and sent.reply_status == "approved"  # never published on the site
    archived = requests.archive(office.ctx, office["gong1"], req.id, now=office.now())
    assert archived.status == "archived" and len(archived.archive_digest) == 64
    assert [s.action for s in archived.steps] == ["registered", "reply_drafted", "sent", "archived"]
    with office.ctx.engine.connect() as conn:
        logged = list(conn.execute(select(AuditEvent.action).where(AuditEvent.action.like("request.%"))
                                   .order_by(AuditEvent.seq)).scalars())
    assert logged == ["request.registered", "request.reply_drafted", "request.sent", "request.archived"]


def test_an_overdue_request_warns_then_escalates_once(office):
    req = office.register(received_on=date(2026, 11, 24), office="住房保障科")  # due 22 Dec
    engine = office.ctx.engine
    assert sweep_requests(engine, now=datetime(2026, 12, 10, 2, tzinfo=UTC)) == 0  # 8 working days left
    assert sweep_requests(engine, now=datetime(2026, 12, 17, 2, tzinfo=UTC)) == 1  # 3 left: warned
    assert sweep_requests(engine, now=datetime(2026, 12, 18, 2, tzinfo=UTC)) == 0  # once
    assert sweep_requests(engine, now=datetime(2026, 12, 22, 15, tzinfo=UTC)) == 0  # 23:00 on the due day
    assert sweep_requests(engine, now=datetime(2026, 12, 22, 16, 30, tzinfo=UTC)) == 1  # 00:30 on 23 Dec
    assert sweep_requests(engine, now=datetime(2026, 12, 23, 2, tzinfo=UTC)) == 0
    rows = office.team.rows(select(Notification).order_by(Notification.id))
    kinds = {(n.kind, n.user_id) for n in rows}
    ids = {name: office[name].id for name in ("gong1", "gong2", "ling", "guan")}
    assert kinds == {("request_due_soon", ids["gong1"]), ("request_due_soon", ids["gong2"]),
                     ("request_escalated", ids["ling"]), ("request_escalated", ids["guan"])}
    late = requests.show(office.ctx, office["gong1"], req.id, now=datetime(2026, 12, 23, 2, tzinfo=UTC))
    assert late.overdue and late.working_days_left == -1
    assert [s.action for s in late.steps][-2:] == ["warned", "escalated"]
    stored = office.team.rows(select(InfoRequest))[0]
    assert stored.escalated_at is not None
    with pytest.raises(Conflict):  # too late to extend
        requests.ask_extension(office.ctx, office["gong1"], req.id, reason="来不及",
                               now=datetime(2026, 12, 23, 2, tzinfo=UTC))
    assert timedelta(0) <= stored.escalated_at - datetime(2026, 12, 22, 16, 30, tzinfo=UTC)


def test_a_holiday_file_gives_due_dates_in_a_year_the_package_lacks(office, tmp_path):
    from dataclasses import replace

    from disclosure.workdays import WorkCalendar

    year = max(WorkCalendar.from_package().years) + 1
    schedule = tmp_path / "holidays.toml"
    schedule.write_text(f'[{year}]\nholidays = ["{year}-01-01"]\nmake_up_days = []\n', encoding="utf-8")
    office.team.clock.at = datetime(year - 1, 12, 21, 2, tzinfo=UTC)
    late = office.register()
    assert late.due_on is None and str(year) in late.deadline_problem  # not guessed
    office.ctx.settings = replace(office.ctx.settings, holiday_file=schedule)
    calendar = requests.work_calendar(office.ctx.settings)
    sweep_requests(office.ctx.engine, now=office.now(), calendar=calendar)  # fills in the due day it lacked
    shown = requests.show(office.ctx, office["gong1"], late.id, now=office.now())
    assert shown.deadline_problem is None and shown.due_on.startswith(str(year))
    again = office.register()
    assert again.deadline_problem is None and again.due_on is not None and again.due_on.startswith(str(year))
    schedule.write_text("[oops\n", encoding="utf-8")
    with pytest.raises(InvalidInput):
        office.register()
