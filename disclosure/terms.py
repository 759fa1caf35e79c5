"""The words of 依申请公开, each with its Chinese label and the article of the regulation it comes from.

Source: 《中华人民共和国政府信息公开条例》(国务院令第711号, 2019-05-15 施行), and for the reply
categories the national template of the yearly report (国办公开办函〔2021〕30号 附件).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Article(StrEnum):
    """A term that names its stored value, its label, and the article it comes from."""

    label: str
    article: str

    def __new__(cls, value: str, label: str, article: str = "") -> Self:
        term = str.__new__(cls, value)
        term._value_ = value
        term.label = label
        term.article = article
        return term

    @classmethod
    def of(cls, value: str | None) -> Self | None:
        """The member stored as ``value`` or labelled so; None if none is."""
        if value is None:
            return None
        found = cls._value2member_map_.get(value)
        if found is not None:
            return found  # type: ignore[return-value]
        return next((m for m in cls if m.label == value), None)

    @classmethod
    def choices(cls) -> str:
        return "、".join(f"{m.value}（{m.label}）" for m in cls)


class Channel(Article):
    """How a request arrived (条例第二十九条第一款; 收到之日 by channel: 第三十一条)."""

    IN_PERSON = "in_person", "当面", "第三十一条第（一）项"
    LETTER = "letter", "信函", "第三十一条第（二）项"
    ONLINE = "online", "网络", "第三十一条第（三）项"
    FAX = "fax", "传真", "第三十一条第（三）项"


class ApplicantKind(Article):
    """Who applies (条例第二十七条: 公民、法人或者其他组织)."""

    PERSON = "person", "自然人", "第二十七条"
    ORGANISATION = "organisation", "法人或其他组织", "第二十七条"


class OrganisationKind(Article):
    """The kinds of 法人或其他组织 the yearly report's table 三 counts apart."""

    BUSINESS = "business", "商业企业", "年报模板表三"
    RESEARCH = "research", "科研机构", "年报模板表三"
    CHARITY = "charity", "社会公益组织", "年报模板表三"
    LEGAL = "legal", "法律服务机构", "年报模板表三"
    OTHER = "other", "其他", "年报模板表三"


class ReplyKind(Article):
    """The kinds of reply 条例第三十六条 names (and the template's 其他处理)."""

    DISCLOSED = "disclosed", "予以公开", "第三十六条第（一）（二）项"
    PARTIAL = "partial", "部分公开", "第三十七条"
    WITHHELD = "withheld", "不予公开", "第三十六条第（三）项"
    UNAVAILABLE = "unavailable", "无法提供", "第三十六条第（四）（五）项"
    NOT_PROCESSED = "not_processed", "不予处理", "第三十六条第（六）项、第三十八条、第三十九条"
    OTHER = "other", "其他处理", "第三十条、第四十二条"


class WithholdGround(Article):
    """The legal grounds of 不予公开 (and of the withheld part of 部分公开)."""

    STATE_SECRET = "state_secret", "属于国家秘密", "第十四条"
    LAW_FORBIDS = "law_forbids", "其他法律行政法规禁止公开", "第十四条"
    THREE_SAFETIES = "three_safeties", "危及“三安全一稳定”", "第十四条"
    THIRD_PARTY = "third_party", "保护第三方合法权益", "第十五条"
    INTERNAL_AFFAIRS = "internal_affairs", "属于三类内部事务信息", "第十六条第一款"
    PROCESS_INFO = "process_info", "属于四类过程性信息", "第十六条第二款"
    ENFORCEMENT_FILE = "enforcement_file", "属于行政执法案卷", "第十六条第二款"
    ADMIN_QUERY = "admin_query", "属于行政查询事项", "第三十六条第（七）项"


class UnavailableReason(Article):
    """无法提供, as the yearly report counts it."""

    NOT_HELD = "not_held", "本机关不掌握相关政府信息", "第三十六条第（四）项"
    NEEDS_MAKING = "needs_making", "没有现成信息需要另行制作", "第三十八条"
    STILL_UNCLEAR = "still_unclear", "补正后申请内容仍不明确", "第三十六条第（五）项"


class NotProcessedReason(Article):
    """不予处理, as the yearly report counts it."""

    PETITION = "petition", "信访举报投诉类申请", "第三十九条第一款"
    REPEATED = "repeated", "重复申请", "第三十六条第（六）项"
    PUBLICATION = "publication", "要求提供公开出版物", "第三十九条第二款"
    MASS_REPEATED = "mass_repeated", "无正当理由大量反复申请", "第三十五条"
    CONFIRM = "confirm", "要求行政机关确认或重新出具已获取信息", "第三十九条第二款"


class OtherReason(Article):
    """其他处理, as the yearly report counts it."""

    NO_CORRECTION = "no_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "第三十条"
    UNPAID_FEE = "unpaid_fee", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "第四十二条"
    OTHER = "other", "其他", ""


# Which list of grounds a reply kind takes its ground from (None: it takes none).
GROUNDS: dict[ReplyKind, type[Article] | None] = {
    ReplyKind.DISCLOSED: None,
    ReplyKind.PARTIAL: WithholdGround,
    ReplyKind.WITHHELD: WithholdGround,
    ReplyKind.UNAVAILABLE: UnavailableReason,
    ReplyKind.NOT_PROCESSED: NotProcessedReason,
    ReplyKind.OTHER: OtherReason,
}


class RequestStatus(Article):
    """Where a request stands."""

    REGISTERED = "registered", "已登记，待分办"
    ASSIGNED = "assigned", "办理中"
    AWAITING_CORRECTION = "awaiting_correction", "待申请人补正（计时中止）"
    REPLYING = "replying", "答复审签中"
    SENT = "sent", "已答复"
    ARCHIVED = "archived", "已归档"

    @property
    def open(self) -> bool:
        """Still to be answered (counted as carried forward at a year's end)."""
        return self not in (RequestStatus.SENT, RequestStatus.ARCHIVED)
