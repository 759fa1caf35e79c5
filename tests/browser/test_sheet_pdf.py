"""The 审签单 as PDF, printed by Debian's Chromium: every 意见 is in its text (Chinese glyphs embedded)."""

from __future__ import annotations

import pytest

from sanshen.service import drafts, opinions
from sanshen.service.pdf_text import pdf_pages
from tests.web_support import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.db]


def test_the_sheet_pdf_holds_every_opinion(app, team):
    did = team.submit().id
    opinions.add_comment(team.ctx, team["jiao1"], did, quote="压实责任", text="责任主体请写明", now=team.clock())
    team.sign("jiao1", did, stage="一校", comment="文字已校对")
    drafts.return_draft(team.ctx, team["shen1"], did, comment="数据待核实", now=team.clock())
    r = signed_in(app, "guan").get(f"/drafts/{did}/sheet.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = "".join(pdf_pages("审签单", r.content, max_chars=100_000))
    squeezed = "".join(text.split())
    for expected in ("审签单", "责任主体请写明", "文字已校对", "数据待核实", "JIAO1", "SHEN1",
                     drafts.show(team.ctx, team["guan"], did).content_hash[:16]):
        assert expected in squeezed, expected
    assert "返回稿件" not in squeezed  # the page's links are not printed
