"""The draft service through a real database: submit, queue, sign, return, revise, waive, show."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from review.refusals import Conflict, InvalidInput, NotPermitted
from review.revision import content_hash, publish_meta
from sanshen.service import drafts
from sanshen.service.errors import NotFound, answer
from storage.models import Draft, Outbox, Revision, SignOff, StageTask, Waiver
from tests.team import CLEAN_BODY, ID_NUMBER, TITLE, settle

pytestmark = pytest.mark.db


def queue_ids(team, who):
    return [(i.id, i.stage) for i in drafts.queue(team.ctx, team[who], now=team.clock())]


def outbox(team, kind):
    return team.rows(select(Outbox).where(Outbox.kind == kind).order_by(Outbox.id))


def test_submit_stores_revision_one_with_canonical_hash_and_opens_first_stage(team):
    view = team.submit(column="要闻")
    meta = publish_meta(column="要闻", kind="news", disclosure="主动公开", interprets=None)
    assert view.revision == 1
    assert view.content_hash == content_hash(TITLE, CLEAN_BODY, [], meta)
    assert view.status == "in_review"
    detail = drafts.show(team.ctx, team["jiao1"], view.id)
    assert [(s.name, s.status) for s in detail.stages][:3] == [("机器预审", "done"), ("一校", "open"), ("初审", "pending")]
    assert detail.stages[0].signoffs[0].user == "system"
    assert [o.payload for o in outbox(team, "route")] == [{"draft_id": view.id}]
    assert outbox(team, "links") == []  # link checking is off in the tests' settings: nothing queued for it
    assert [o.payload for o in outbox(team, "check")] == [{"draft_id": view.id, "revision": 1}]


def test_queue_shows_a_draft_only_to_who_may_sign_its_open_stage(team):
    view = team.submit()
    assert all(queue_ids(team, p) == [(view.id, "一校")] for p in ("jiao1", "jiao2", "jiao3"))
    assert all(queue_ids(team, who) == [] for who in ("bian", "shen1", "bao", "ling", "guan"))
    team.sign("jiao1", view.id)
    assert queue_ids(team, "jiao1") == [] and queue_ids(team, "jiao2") == []
    assert queue_ids(team, "shen1") == [(view.id, "初审")]
    team.sign("shen1", view.id)
    # 三校分离: jiao1 signed 一校, so only jiao2 and jiao3 see 二校
    assert queue_ids(team, "jiao1") == [] and queue_ids(team, "jiao2") == [(view.id, "二校")]
    team.sign("jiao2", view.id)
    # 复审 ∥ 保密审查: shen1 signed 初审 and is kept out of 复审
    assert queue_ids(team, "shen1") == []
    assert queue_ids(team, "shen2") == [(view.id, "复审")]
    assert queue_ids(team, "bao") == [(view.id, "保密审查")]


def test_queue_puts_overdue_then_urgent_first(team):
    normal = team.submit(title="普通稿件")
    urgent = team.submit(title="紧急稿件", urgent=True)
    items = drafts.queue(team.ctx, team["jiao1"], now=team.clock())
    assert [i.id for i in items] == [urgent.id, normal.id]
    team.clock.advance(timedelta(hours=48))
    fresh = team.submit(title="新的紧急稿件", urgent=True)
    items = drafts.queue(team.ctx, team["jiao1"], now=team.clock())
    assert [(i.id, i.overdue, i.urgent) for i in items] == [
        (urgent.id, True, True), (normal.id, True, False), (fresh.id, False, True)]
    assert [i.id for i in drafts.queue(team.ctx, team["jiao1"], now=team.clock(), limit=2)] == [urgent.id, normal.id]


def test_full_walk_approves_and_queues_publication_of_the_signed_hash(team):
    view = team.submit()
    team.walk(view.id)
    detail = drafts.show(team.ctx, team["ling"], view.id)
    assert detail.status == "approved"
    assert all(s.status == "done" for s in detail.stages)
    assert all(so.content_hash == view.content_hash for s in detail.stages for so in s.signoffs)
    assert [o.payload for o in outbox(team, "publish")] == [{"draft_id": view.id, "content_hash": view.content_hash}]


def test_refusals_of_the_rules(team):
    view = team.submit()
    with pytest.raises(NotPermitted) as e:
        drafts.sign(team.ctx, team["bian"], view.id, now=team.clock())
    assert e.value.code == "author_signs" and answer(e.value).exit_code == 1
    with pytest.raises(NotPermitted) as e:
        team.sign("shen1", view.id)
    assert e.value.code == "missing_role"
    with pytest.raises(Conflict) as e:
        team.sign("jiao1", view.id, expect_hash="0" * 64)
    assert e.value.code == "stale_hash"
    with pytest.raises(Conflict):
        team.sign("ling", view.id, stage="终审")
    team.sign("jiao1", view.id, expect_hash=view.content_hash)
    team.sign("shen1", view.id)
    with pytest.raises(NotPermitted) as e:
        team.sign("jiao1", view.id, stage="二校")
    assert e.value.code == "separation"
    team.sign("jiao2", view.id)
    with pytest.raises(NotPermitted) as e:
        team.sign("shen1", view.id, stage="复审")
    assert e.value.code == "separation"
    assert team.count(SignOff) == 4  # system + three people; nothing half-written


def test_revise_voids_signoffs_restarts_and_shows_the_diff(team):
    view = team.submit()
    team.walk(view.id, through="初审")
    new_body = CLEAN_BODY.replace("确保群众安全", "确保人民群众生命财产安全")
    revised = settle(team.ctx, drafts.revise(team.ctx, team["bian"], view.id, new_body, comment="按初审意见修改", now=team.clock()))
    assert revised.revision == 2 and revised.content_hash != view.content_hash
    assert queue_ids(team, "jiao1") == [(view.id, "一校")]
    assert queue_ids(team, "shen1") == []
    detail = drafts.show(team.ctx, team["shen1"], view.id)
    assert [s.status for s in detail.stages][:3] == ["done", "open", "pending"]
    assert detail.diff_from == 1
    assert "-会议强调，要压实责任，确保群众安全。" in detail.diff
    assert "+会议强调，要压实责任，确保人民群众生命财产安全。" in detail.diff
    assert drafts.show(team.ctx, team["shen2"], view.id).diff is None
    voided = team.rows(select(SignOff).where(SignOff.voided_at.is_not(None)))
    assert sorted(s.stage for s in voided) == ["一校", "初审", "机器预审"]
    # the same reviewer signs 初审 again on the new revision
    team.walk(view.id, through="初审")


def test_revise_without_change_makes_no_revision(team):
    view = team.submit()
    with pytest.raises(Conflict) as e:
        settle(team.ctx, drafts.revise(team.ctx, team["bian"], view.id, CLEAN_BODY, now=team.clock()))
    assert e.value.code == "no_change"
    assert team.count(Revision) == 1


def test_return_to_author_then_revise(team):
    view = team.submit()
    team.sign("jiao1", view.id)
    returned = drafts.return_draft(team.ctx, team["shen1"], view.id, comment="数据需核实", now=team.clock())
    assert returned.status == "returned"
    assert queue_ids(team, "shen1") == [] and queue_ids(team, "jiao2") == []
    with pytest.raises(Conflict):
        team.sign("shen1", view.id)
    revised = settle(team.ctx, drafts.revise(team.ctx, team["bian"], view.id, CLEAN_BODY + "数据已核实。\n", now=team.clock()))
    assert revised.status == "in_review"
    assert queue_ids(team, "jiao1") == [(view.id, "一校")]


def test_return_to_an_earlier_stage_reopens_it(team):
    view = team.submit()
    team.walk(view.id, through="二校")
    drafts.return_draft(team.ctx, team["shen2"], view.id, comment="一校漏改", to_stage="一校", now=team.clock())
    assert queue_ids(team, "jiao1") == [(view.id, "一校")]
    open_tasks = team.rows(select(StageTask.stage).where(StageTask.status == "open"))
    assert open_tasks == ["一校"]


def test_error_finding_blocks_until_waived_at_an_allowed_stage(team):
    view = team.submit("经核实，申请人张三（身份证号 " + ID_NUMBER + "）已办结。\n")
    pii = [f for f in view.findings if f.category == "pii" and f.severity == "error"]
    assert pii, view.findings
    with pytest.raises(NotPermitted) as e:  # 一校 may not waive
        drafts.waive(team.ctx, team["jiao1"], view.id, pii[0].id, reason="已脱敏", now=team.clock())
    assert e.value.code == "not_waivable"
    team.sign("jiao1", view.id)
    with pytest.raises(InvalidInput):
        drafts.waive(team.ctx, team["shen1"], view.id, 999999, reason="无", now=team.clock())
    waived = drafts.waive(team.ctx, team["shen1"], view.id, pii[0].id, reason="当事人同意公开", now=team.clock())
    assert next(f for f in waived.findings if f.id == pii[0].id).waived
    assert team.count(Waiver) == 1


def test_policy_publishes_only_with_its_signed_interpretation(team):
    policy = team.submit(title="关于促进就业的若干政策", kind="policy")
    assert [f.rule for f in policy.findings] == ["disclosure.no-interpretation"]
    team.walk(policy.id, through="三校")
    with pytest.raises(Conflict) as e:  # 三同步: the last gate needs the interpretation
        team.sign("ling", policy.id)
    assert e.value.code == "blocking_findings"
    interp = team.submit(title="《关于促进就业的若干政策》解读", interprets=policy.id)
    assert interp.kind == "interpretation"
    assert drafts.show(team.ctx, team["ling"], policy.id).findings == ()  # re-checked
    team.sign("ling", policy.id)
    detail = drafts.show(team.ctx, team["ling"], policy.id)
    assert detail.status == "approved" and detail.interpretation == interp.id
    assert any(b.startswith(f"政策解读（稿件 #{interp.id}）") for b in detail.blockers)
    assert outbox(team, "publish") == []  # the interpretation is not signed yet
    team.walk(interp.id)
    published = sorted(o.payload["draft_id"] for o in outbox(team, "publish"))
    assert published == sorted([policy.id, interp.id])
    with pytest.raises(Conflict):
        team.submit(title="第二份解读", interprets=policy.id)


def test_disclosure_rules_refuse_at_submission(team):
    with pytest.raises(Conflict) as e:
        team.submit(disclosure="不予公开")
    assert e.value.code == "disclosure_reason_required"
    with pytest.raises(Conflict) as e:
        settle(team.ctx, drafts.submit(team.ctx, team["bian"], drafts.SubmitInput(title="无公开属性", body=CLEAN_BODY),
                      now=team.clock()))
    assert team.count(Draft) == 0


@pytest.mark.parametrize("body, code", [
    ("", "empty_body"),
    ("   \n", "empty_body"),
    ("字" * 200_001, "body_too_long"),
    ("正文\x07含响铃字符", "control_chars"),
])
def test_bad_bodies_exit_2_and_write_nothing(team, body, code):
    with pytest.raises(InvalidInput) as e:
        team.submit(body)
    assert e.value.code == code and answer(e.value).exit_code == 2
    assert team.count(Draft) == 0


def test_unknown_stage_and_draft_are_bad_input(team):
    view = team.submit()
    with pytest.raises(InvalidInput) as e:
        team.sign("jiao1", view.id, stage="四校")
    assert e.value.code == "unknown_stage"
    with pytest.raises(NotFound):
        team.sign("jiao1", 4242)
    with pytest.raises(InvalidInput):
        team.submit(kind="novel")


def test_idempotency_key_returns_the_same_draft(team):
    first = team.submit(idempotency_key="cms-42")
    again = team.submit(idempotency_key="cms-42")
    assert again.id == first.id
    assert team.count(Draft) == 1


def test_concurrent_signoff_loses_the_optimistic_lock(team):
    """Two proofreaders read the draft at the same version; the second to write is refused."""
    from casestore.apply import apply_events
    from casestore.load import load_case
    from review import transitions
    from storage.db import transaction

    view = team.submit()
    wf = team.ctx.workflow
    with transaction(team.ctx.engine, readonly=True) as session:
        stale_case = load_case(session, view.id)
        stale = session.get(Draft, view.id)
        session.expunge(stale)
    team.sign("jiao1", view.id)
    events = transitions.sign(wf, stale_case, team["jiao2"].actor(), stage=None, expect_hash=None, comment="",
                              now=team.clock())
    with pytest.raises(Conflict) as e:
        with transaction(team.ctx.engine) as session:
            apply_events(session, session.merge(stale, load=False), events, now=team.clock(), workflow=wf)
    assert e.value.code == "conflict" and "刚被他人处理" in e.value.message
    assert team.count(SignOff) == 2  # the system's and jiao1's


def test_two_simultaneous_signoffs_of_one_stage_one_wins(team):
    from concurrent.futures import ThreadPoolExecutor

    view = team.submit()
    now = team.clock()

    def attempt(who):
        try:
            drafts.sign(team.ctx, team[who], view.id, stage="一校", now=now)
            return "signed"
        except Conflict as e:
            return e.code

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(attempt, ["jiao1", "jiao2"]))
    assert outcomes.count("signed") == 1, outcomes  # the other: "conflict" or "stage_done"
    assert len(team.rows(select(SignOff).where(SignOff.stage == "一校"))) == 1
