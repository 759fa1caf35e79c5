"""The statutory reply deadline of a request, in working days.

- 第三十一条: the day of receipt depends on the channel (:func:`receipt_rule`).
- 第三十三条: the reply is due within 20 working days of receipt; with the approval of the head of
  the 政府信息公开工作机构 it may be extended once, by at most 20 working days.
- 第三十条: an unclear request gets one 补正 notice (within 7 working days of receipt); the time
  until the applicant answers is not counted: the period runs again, from the day the corrected
  request is received. So the clock stops when the notice is issued and starts afresh on the reply.
- The day of receipt itself is not counted (期间开始之日不计算在期间内).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from disclosure.terms import Channel
from disclosure.workdays import WorkCalendar

REPLY_WORKING_DAYS = 20  # 第三十三条第二款
EXTENSION_WORKING_DAYS = 20  # 第三十三条第二款: 延长的期限最长不得超过20个工作日
CORRECTION_NOTICE_WORKING_DAYS = 7  # 第三十条

RECEIPT_RULES: dict[Channel, str] = {
    Channel.IN_PERSON: "当面提交的，以提交之日为收到申请之日",
    Channel.LETTER: "邮寄提交的，以行政机关签收之日为收到申请之日；平常信函等无需签收的，以与申请人确认之日为收到申请之日",
    Channel.ONLINE: "通过互联网渠道提交的，以双方确认之日为收到申请之日",
    Channel.FAX: "通过政府信息公开工作机构的传真提交的，以双方确认之日为收到申请之日",
}


def receipt_rule(channel: Channel) -> str:
    """How 第三十一条 fixes the day of receipt for this channel, in Chinese."""
    return f"{RECEIPT_RULES[channel]}（条例{channel.article}）"


@dataclass(frozen=True)
class ReplyClock:
    """The state the deadline is computed from.

    ``start``: the day the 20 working days run from (receipt, or receipt of the corrected request);
    ``extended``: an approved extension; ``stopped``: a 补正 notice is out and not yet answered.
    """

    start: date
    extended: bool = False
    stopped: bool = False

    def due(self, calendar: WorkCalendar) -> date | None:
        """The last day to reply on; None while the clock is stopped for 补正."""
        if self.stopped:
            return None
        days = REPLY_WORKING_DAYS + (EXTENSION_WORKING_DAYS if self.extended else 0)
        return calendar.add_working_days(self.start, days)


def reply_due(calendar: WorkCalendar, received_on: date, *, extended: bool = False) -> date:
    """The last day to reply to a request received on ``received_on``."""
    due = ReplyClock(received_on, extended=extended).due(calendar)
    assert due is not None
    return due


def correction_notice_due(calendar: WorkCalendar, received_on: date) -> date:
    """The last day a 补正 notice may be issued (第三十条: within 7 working days of receipt)."""
    return calendar.add_working_days(received_on, CORRECTION_NOTICE_WORKING_DAYS)


def working_days_left(calendar: WorkCalendar, today: date, due: date) -> int:
    """Working days from today until the due day (0 on the due day itself, negative once overdue)."""
    return calendar.working_days_between(today, due)


def is_overdue(today: date, due: date | None) -> bool:
    return due is not None and today > due
