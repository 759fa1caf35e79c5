"""The tallies of the 政府信息公开工作年度报告 (the national template, 国办公开办函〔2021〕30号), pure.

Every cell keeps the ids of the records it counts, so each figure can be traced. Table 三 counts
requests by applicant (自然人; 法人或其他组织 by kind; 总计):

- 本年新收: received in the year;
- 上年结转: received before the year and not answered before it;
- 本年度办理结果: answered (the reply sent) in the year, by reply kind and ground;
- 结转下年度继续办理: received by the year's end and not answered by then.

So for every column 新收 + 上年结转 = 办理结果总计 + 结转下年度 (:meth:`RequestTable.reconciles`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from disclosure.terms import (
    GROUNDS,
    ApplicantKind,
    NotProcessedReason,
    OrganisationKind,
    OtherReason,
    ReplyKind,
    UnavailableReason,
    WithholdGround,
)

# Table 三's columns: 自然人, the five kinds of 法人或其他组织, 总计.
PERSON = "person"
TOTAL = "total"
COLUMNS: tuple[tuple[str, str], ...] = (
    (PERSON, "自然人"), *((k.value, k.label) for k in OrganisationKind), (TOTAL, "总计"))


@dataclass(frozen=True)
class RequestRecord:
    id: int
    applicant_kind: str
    organisation_kind: str | None
    received_on: date
    answered_on: date | None
    reply_kind: str | None
    reply_ground: str | None

    @property
    def column(self) -> str:
        if self.applicant_kind == ApplicantKind.PERSON:
            return PERSON
        return self.organisation_kind or OrganisationKind.OTHER.value


@dataclass
class Cell:
    ids: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.ids)


@dataclass
class Row:
    key: str  # stable: "new", "carried_over", "withheld.state_secret", …
    label: str
    level: int  # 0: 一、二、三、四; 1: （一）…; 2: 1. 2. …
    cells: dict[str, Cell]

    def add(self, column: str, record_id: int) -> None:
        self.cells[column].ids.append(record_id)
        self.cells[TOTAL].ids.append(record_id)

    def count(self, column: str = TOTAL) -> int:
        return self.cells[column].count


def _row(key: str, label: str, level: int) -> Row:
    return Row(key, label, level, {c: Cell() for c, _ in COLUMNS})


# The reply kinds as the template numbers them, each with its breakdown.
_KIND_ROWS: tuple[tuple[ReplyKind, str], ...] = (
    (ReplyKind.DISCLOSED, "（一）予以公开"),
    (ReplyKind.PARTIAL, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    (ReplyKind.WITHHELD, "（三）不予公开"),
    (ReplyKind.UNAVAILABLE, "（四）无法提供"),
    (ReplyKind.NOT_PROCESSED, "（五）不予处理"),
    (ReplyKind.OTHER, "（六）其他处理"),
)
# The template breaks these down by ground (部分公开 is counted once, without its ground).
_BROKEN_DOWN = {ReplyKind.WITHHELD: WithholdGround, ReplyKind.UNAVAILABLE: UnavailableReason,
                ReplyKind.NOT_PROCESSED: NotProcessedReason, ReplyKind.OTHER: OtherReason}


@dataclass
class RequestTable:
    year: int
    rows: list[Row]

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    def reconciles(self) -> dict[str, tuple[int, int]]:
        """Columns where 新收 + 上年结转 ≠ 办理结果总计 + 结转下年度: {column: (in, out)}; {} when all agree."""
        wrong = {}
        for column, _ in COLUMNS:
            came = self.row("new").count(column) + self.row("carried_over").count(column)
            went = self.row("answered_total").count(column) + self.row("carried_forward").count(column)
            if came != went:
                wrong[column] = (came, went)
        return wrong


def request_table(year: int, records: Iterable[RequestRecord]) -> RequestTable:
    start, end = date(year, 1, 1), date(year, 12, 31)
    new = _row("new", "一、本年新收政府信息公开申请数量", 0)
    carried = _row("carried_over", "二、上年结转政府信息公开申请数量", 0)
    heading = _row("results", "三、本年度办理结果", 0)
    kind_rows: dict[ReplyKind, Row] = {}
    ground_rows: dict[tuple[ReplyKind, str], Row] = {}
    results: list[Row] = []
    for kind, label in _KIND_ROWS:
        kind_rows[kind] = _row(kind.value, label, 1)
        results.append(kind_rows[kind])
        grounds = _BROKEN_DOWN.get(kind)
        for i, ground in enumerate(grounds or (), start=1):
            ground_rows[(kind, ground.value)] = _row(f"{kind.value}.{ground.value}", f"{i}. {ground.label}", 2)
            results.append(ground_rows[(kind, ground.value)])
    total = _row("answered_total", "（七）总计", 1)
    forward = _row("carried_forward", "四、结转下年度继续办理", 0)
    for r in sorted(records, key=lambda r: r.id):
        if r.received_on > end or (r.answered_on is not None and r.answered_on < start):
            continue  # not this year's business
        (new if r.received_on >= start else carried).add(r.column, r.id)
        if r.answered_on is not None and r.answered_on <= end:
            kind = ReplyKind.of(r.reply_kind) or ReplyKind.OTHER
            kind_rows[kind].add(r.column, r.id)
            if kind in _BROKEN_DOWN:
                grounds = GROUNDS[kind]
                ground = grounds.of(r.reply_ground) if grounds and r.reply_ground else None
                value = ground.value if ground else OtherReason.OTHER.value
                key = (kind, value) if (kind, value) in ground_rows else (ReplyKind.OTHER, OtherReason.OTHER.value)
                ground_rows[key].add(r.column, r.id)
            total.add(r.column, r.id)
        else:
            forward.add(r.column, r.id)
    return RequestTable(year, [new, carried, heading, *results, total, forward])


# --- table 二: 主动公开 -----------------------------------------------------------------

@dataclass(frozen=True)
class PublishedRecord:
    id: int
    kind: str  # a lexicon.vocabulary.DraftKind value
    published_on: date | None
    withdrawn_on: date | None


@dataclass
class DocumentRow:
    kind: str
    label: str
    made: Cell  # 本年制发件数: published in the year
    repealed: Cell  # 本年废止件数: withdrawn in the year
    in_force: Cell  # 现行有效件数: published by the year's end and not withdrawn by then


def document_rows(year: int, records: Iterable[PublishedRecord], kinds: Iterable[tuple[str, str]]) -> list[DocumentRow]:
    """For each (kind, label): the published drafts made, repealed and in force in the year."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    rows = {k: DocumentRow(k, label, Cell(), Cell(), Cell()) for k, label in kinds}
    for r in sorted(records, key=lambda r: r.id):
        row = rows.get(r.kind)
        if row is None or r.published_on is None or r.published_on > end:
            continue
        if r.published_on >= start:
            row.made.ids.append(r.id)
        if r.withdrawn_on is not None and start <= r.withdrawn_on <= end:
            row.repealed.ids.append(r.id)
        if r.withdrawn_on is None or r.withdrawn_on > end:
            row.in_force.ids.append(r.id)
    return list(rows.values())


# --- table 四: 行政复议、行政诉讼 (entered by admins) ----------------------------------------

REVIEW_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结"))
LITIGATION_GROUPS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"), ("direct", "行政诉讼：未经复议直接起诉"), ("after_review", "行政诉讼：复议后起诉"))
# Table 二's figures entered by admins: key, label, unit.
ENTERED_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("licence", "第二十条第（五）项 行政许可：本年处理决定数量", "件"),
    ("penalty", "第二十条第（六）项 行政处罚：本年处理决定数量", "件"),
    ("coercion", "第二十条第（六）项 行政强制：本年处理决定数量", "件"),
    ("fees", "第二十条第（八）项 行政事业性收费：本年收费金额", "万元"),
)


def litigation_keys() -> list[str]:
    return [f"{g}.{o}" for g, _ in LITIGATION_GROUPS for o, _ in REVIEW_OUTCOMES]


def check_figure(key: str, value: str) -> float:
    """An admin-entered figure: a known key and a non-negative number (whole for counts)."""
    known = {k: unit for k, _, unit in ENTERED_FIGURES} | {k: "件" for k in litigation_keys()}
    if key not in known:
        raise ValueError(f"未知的数据项“{key}”；可用：{'、'.join(known)}")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"数据项“{key}”的值“{value}”不是数字") from None
    if number < 0 or (known[key] == "件" and number != int(number)):
        raise ValueError(f"数据项“{key}”应为{'非负整数' if known[key] == '件' else '非负数'}（现为 {value}）")
    return number


TEXT_SECTIONS: tuple[tuple[str, str], ...] = (
    ("overview", "一、总体情况"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other", "六、其他需要报告的事项"),
)
