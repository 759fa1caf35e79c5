"""The pure rules of 依申请公开: working days, the statutory deadline, what a reply must carry."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from disclosure.deadline import (
    ReplyClock,
    correction_notice_due,
    receipt_rule,
    reply_due,
    working_days_left,
)
from disclosure.reply import (
    ReplyRefused,
    check_explanation,
    decide_reply,
    decide_withholding,
)
from disclosure.terms import GROUNDS, Channel, ReplyKind, WithholdGround
from disclosure.workdays import OutsideCalendar, WorkCalendar, china_date

CAL = WorkCalendar.from_package()


def test_the_friday_before_spring_festival_2026():
    # 2026 春节: 2月15日（周日）至23日（周一）放假，2月14日（周六）、28日（周六）上班.
    received = date(2026, 2, 13)
    assert received.weekday() == 4
    assert CAL.is_working_day(date(2026, 2, 14))  # a Saturday made a working day
    assert not CAL.is_working_day(date(2026, 2, 16))  # a Monday in the holiday
    # day 1 is Sat 14 Feb, days 2–5 Tue 24–Fri 27, day 6 Sat 28 Feb, … day 20 Thu 19 Mar
    assert reply_due(CAL, received) == date(2026, 3, 19)
    # Weekends only would have given 13 March: the holiday and the make-up days both count.
    assert reply_due(CAL, received, extended=True) == date(2026, 4, 17)  # past 清明 (4–6 Apr)


def test_the_friday_before_national_day_2025():
    # 2025 国庆中秋: 10月1日至8日放假，9月28日（周日）、10月11日（周六）上班.
    assert reply_due(CAL, date(2025, 9, 26)) == date(2025, 10, 30)


def test_a_request_received_in_the_holiday_counts_from_the_next_working_day():
    # received online on 3 Oct 2025 (confirmed that day): day 1 is Thu 9 Oct
    assert CAL.add_working_days(date(2025, 10, 3), 1) == date(2025, 10, 9)
    assert reply_due(CAL, date(2025, 10, 3)) == date(2025, 11, 4)  # Sat 11 Oct is day 3


def test_the_day_of_receipt_is_not_counted():
    assert CAL.add_working_days(date(2026, 11, 2), 1) == date(2026, 11, 3)  # Monday → Tuesday
    assert CAL.add_working_days(date(2026, 11, 2), 0) == date(2026, 11, 2)


def test_correction_stops_the_clock_and_the_reply_restarts_it():
    clock = ReplyClock(date(2026, 3, 2))
    assert clock.due(CAL) == date(2026, 3, 30)
    assert ReplyClock(date(2026, 3, 2), stopped=True).due(CAL) is None  # 补正 notice out
    # the applicant answers on 20 March: the 20 working days run from then (条例第三十条)
    assert ReplyClock(date(2026, 3, 20)).due(CAL) == date(2026, 4, 20)  # 清明 4–6 Apr skipped
    assert correction_notice_due(CAL, date(2026, 3, 2)) == date(2026, 3, 11)


def test_a_year_the_package_does_not_know_is_refused_not_guessed():
    last = max(CAL.years)
    with pytest.raises(OutsideCalendar) as refused:
        reply_due(CAL, date(last, 12, 20))
    assert str(last + 1) in refused.value.message and "chinese-calendar" in refused.value.message
    with pytest.raises(OutsideCalendar):
        CAL.is_working_day(date(min(CAL.years) - 1, 6, 1))


def test_a_year_added_by_hand_is_used():
    last = max(CAL.years)
    jan1 = date(last + 1, 1, 1)
    extended = CAL.with_year(last + 1, holidays=[jan1], make_up_days=[])
    assert not extended.is_working_day(jan1)
    with pytest.raises(ValueError):
        CAL.with_year(last + 1, holidays=[date(last, 1, 1)], make_up_days=[])


def test_working_days_left_and_the_local_day():
    assert working_days_left(CAL, date(2026, 3, 16), date(2026, 3, 19)) == 3
    assert working_days_left(CAL, date(2026, 3, 20), date(2026, 3, 19)) == -1
    # 16:30 UTC on 13 Feb is already 14 Feb in Beijing
    assert china_date(datetime(2026, 2, 13, 16, 30, tzinfo=UTC)) == date(2026, 2, 14)


def test_every_term_has_a_label_and_an_article():
    for enum in (Channel, ReplyKind, WithholdGround):
        for member in enum:
            assert member.label and member.article, member
    assert [c.label for c in Channel] == ["当面", "信函", "网络", "传真"]
    assert [k.label for k in ReplyKind] == ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"]
    assert len(WithholdGround) == 8
    assert WithholdGround.of("国家秘密") is None and WithholdGround.of("属于国家秘密") is WithholdGround.STATE_SECRET
    assert "签收" in receipt_rule(Channel.LETTER) and "第三十一条" in receipt_rule(Channel.FAX)


def test_a_withholding_reply_needs_a_ground_from_the_list_and_an_explanation():
    with pytest.raises(ReplyRefused) as no_ground:
        decide_reply("不予公开", None, "涉及第三方商业秘密，第三方不同意公开")
    assert no_ground.value.code == "ground_required" and "属于国家秘密" in no_ground.value.message
    with pytest.raises(ReplyRefused) as bad:
        decide_reply("withheld", "领导不同意", "涉及第三方商业秘密，第三方不同意公开")
    assert bad.value.code == "bad_ground"
    for placeholder in ("无", " 无。", "——", "略", "N/A", "不予公开", "啊啊啊啊啊啊啊啊啊"):
        with pytest.raises(ReplyRefused):
            decide_reply("withheld", "third_party", placeholder)
    ok = decide_reply("不予公开", "保护第三方合法权益", "所申请信息含第三方商业秘密，经征求意见第三方不同意公开")
    assert ok.kind is ReplyKind.WITHHELD and ok.ground is WithholdGround.THIRD_PARTY
    assert decide_reply("disclosed", None, None).ground is None
    with pytest.raises(ReplyRefused):
        decide_reply("disclosed", "state_secret", "x")
    assert decide_reply("unavailable", "not_held", "经检索本机关未制作也未获取该信息").ground.label == "本机关不掌握相关政府信息"
    assert set(GROUNDS) == set(ReplyKind)


def test_a_draft_withheld_needs_a_ground_and_an_explanation():
    with pytest.raises(ReplyRefused):
        decide_withholding(None, "涉及国家秘密，经保密审查不得公开")
    with pytest.raises(ReplyRefused):
        decide_withholding("state_secret", "无")
    assert decide_withholding("state_secret", "经保密审查定为秘密级，不得公开")[0] is WithholdGround.STATE_SECRET
    assert check_explanation("  经保密审查定为\n秘密级，不得公开 ", what="x") == "经保密审查定为 秘密级，不得公开"


# --- the yearly report's tallies ---------------------------------------------------------

from disclosure.annual import RequestRecord, request_table  # noqa: E402


def _r(i, kind="person", org=None, got=(2026, 3, 1), answered=None, reply=None, ground=None):
    return RequestRecord(i, kind, org, date(*got), date(*answered) if answered else None, reply, ground)


def test_the_request_table_counts_each_request_once_and_reconciles():
    records = [
        _r(1, got=(2025, 12, 20), answered=(2026, 1, 10), reply="disclosed"),  # carried over, answered
        _r(2, got=(2025, 12, 28)),  # carried over, still open: carried forward
        _r(3, got=(2025, 5, 1), answered=(2025, 5, 20), reply="disclosed"),  # last year's business
        _r(4, "organisation", "legal", answered=(2026, 3, 20), reply="withheld", ground="third_party"),
        _r(5, "organisation", None, answered=(2026, 4, 1), reply="other", ground="no_correction"),
        _r(6, got=(2026, 12, 30)),  # received late in the year: carried forward
        _r(7, got=(2026, 12, 1), answered=(2027, 1, 5), reply="partial", ground="third_party"),
        _r(8, got=(2027, 1, 2), answered=(2027, 1, 5), reply="disclosed"),  # next year's
        _r(9, answered=(2026, 5, 1), reply="withheld", ground="state_secret"),
    ]
    table = request_table(2026, records)
    assert table.row("new").count() == 5 and table.row("new").cells["total"].ids == [4, 5, 6, 7, 9]
    assert table.row("carried_over").cells["total"].ids == [1, 2]
    assert table.row("answered_total").cells["total"].ids == [1, 4, 5, 9]
    assert table.row("carried_forward").cells["total"].ids == [2, 6, 7]
    assert table.row("withheld").count() == 2 and table.row("withheld.third_party").cells["legal"].ids == [4]
    assert table.row("withheld.state_secret").cells["person"].ids == [9]
    assert table.row("other.no_correction").cells["other"].ids == [5]  # an organisation of unstated kind
    assert table.reconciles() == {}
    came = table.row("new").count() + table.row("carried_over").count()
    assert came == table.row("answered_total").count() + table.row("carried_forward").count() == 7


def test_a_schedule_file_adds_the_years_the_package_lacks():
    from disclosure.workdays import with_schedule

    year = max(CAL.years) + 1
    text = f'[{year}]\nholidays = ["{year}-01-01"]\nmake_up_days = ["{year}-01-03"]\n'
    extended = with_schedule(CAL, text, "节假日.toml")
    assert not extended.is_working_day(date(year, 1, 1))
    assert extended.is_working_day(date(year, 1, 3)) == (date(year, 1, 3) in extended.make_up_days)
    for bad in ("[20x7]\n", f'[{year}]\nholiday = []\n', f'[{year}]\nholidays = ["{year}-13-01"]\n',
                f'[{year}]\nholidays = ["{year - 1}-05-01"]\n', "not toml ["):
        with pytest.raises(ValueError) as refused:
            with_schedule(CAL, bad, "节假日.toml")
        assert "节假日.toml" in str(refused.value)
