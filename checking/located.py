"""Where a finding stands in what a draft publishes: its title, its body, or one of its attachments
(a page of a PDF, a sheet of a workbook). A finding's offsets count code points in the text
checked at its location."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from checking.findings import Finding


class Part(StrEnum):
    TITLE = "title"
    BODY = "body"
    ATTACHMENT = "attachment"


PART_LABELS = {Part.TITLE: "标题", Part.BODY: "正文", Part.ATTACHMENT: "附件"}
PART_ORDER = tuple(Part)  # how a draft's findings are listed: title, body, then the attachments


@dataclass(frozen=True, slots=True)
class Location:
    part: Part
    attachment: str | None = None  # the attachment's file name
    page: int | None = None  # a PDF's page, from 1
    sheet: str | None = None  # a workbook's sheet

    @classmethod
    def of_attachment(cls, name: str, *, page: int | None = None, sheet: str | None = None) -> "Location":
        return cls(Part.ATTACHMENT, name, page, sheet)

    @property
    def label(self) -> str:
        """Where, in Chinese: 标题, 正文, 附件“名单.pdf”第 2 页, 附件“统计.xlsx”工作表“Sheet1”."""
        if self.part is not Part.ATTACHMENT:
            return PART_LABELS[self.part]
        page = f"第 {self.page} 页" if self.page is not None else ""
        sheet = f"工作表“{self.sheet}”" if self.sheet is not None else ""
        return f"{PART_LABELS[self.part]}“{self.attachment}”{page}{sheet}"

    @property
    def sort_key(self) -> tuple:
        return PART_ORDER.index(self.part), self.attachment or "", self.page or 0, self.sheet or ""


TITLE = Location(Part.TITLE)
BODY = Location(Part.BODY)


@dataclass(frozen=True, slots=True)
class Located:
    location: Location
    finding: Finding


@dataclass(frozen=True)
class DraftReport:
    """The automated pass over everything a draft publishes."""

    findings: tuple[Located, ...]
    lexicon_version: str
