"""Pure pieces of the web layer: highlighting, charts, signed sessions, uploads."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from review.refusals import InvalidInput
from sanshen.web.highlight import segments
from sanshen.web.security import Session, SessionCodec, csrf_ok, load_or_create_secret
from sanshen.web.svg_charts import Series, horizontal_bars, stacked_columns
from sanshen.web.uploads import body_from_upload


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def test_segments_cover_the_text_once_in_order():
    text = "甲乙丙丁戊己庚"
    spans = [Span(4, 6), Span(1, 3), Span(2, 5)]  # the last overlaps the first two
    segs = segments(text, spans)
    assert "".join(s.text for s in segs) == text
    assert [(s.text, s.span) for s in segs if s.span] == [("乙丙", Span(1, 3)), ("戊己", Span(4, 6))]


def test_segments_clip_spans_outside_the_text():
    segs = segments("abc", [Span(2, 10), Span(5, 7)])
    assert [(s.text, s.span is not None) for s in segs] == [("ab", False), ("c", True)]


def test_segments_of_text_without_findings():
    assert [s.text for s in segments("正文", [])] == ["正文"]
    assert segments("", [Span(0, 1)]) == []


def test_charts_escape_labels_and_show_values():
    svg = str(horizontal_bars("退回<次数>", [("<script>x</script>", 3), ("二校", 1.5)], unit=" 次"))
    assert "<script>" not in svg
    assert "&lt;script&gt;x&lt;/script&gt;" in svg
    assert "3 次" in svg and "1.5 次" in svg
    assert svg.startswith("<svg") and 'role="img"' in svg


def test_stacked_columns_draw_one_rect_per_non_zero_value():
    svg = str(stacked_columns("发布", ["1月", "2月"], [Series("要闻", (2, 0)), Series("通知", (1, 4))]))
    assert svg.count("<rect") == 3 + 2  # three bars plus two legend swatches
    assert "要闻" in svg and "通知" in svg


def test_empty_chart_says_so():
    assert "暂无数据" in str(horizontal_bars("空", []))


def test_session_round_trip_and_tampering():
    codec = SessionCodec(b"k" * 32)
    s = Session.anonymous().signed_in("shen1", at=1000, epoch=3)
    value = codec.encode(s)
    assert codec.decode(value, now=1001) == s and codec.decode(value, now=1001).epoch == 3
    body, mac = value.rsplit(".", 1)
    forged = SessionCodec(b"other").encode(Session(csrf=s.csrf, user="admin", issued_at=1000))
    assert codec.decode(forged, now=1001) is None
    # the first character of the MAC carries six bits of it (the last carries padding): change it
    tampered = ("B" if mac[0] == "A" else "A") + mac[1:]
    assert codec.decode(body + "." + tampered, now=1001) is None
    assert codec.decode("garbage", now=1001) is None


def test_expired_session_is_signed_out():
    codec = SessionCodec(b"k" * 32, max_age=60)
    value = codec.encode(Session.anonymous().signed_in("shen1", at=1000, epoch=0))
    assert codec.decode(value, now=1000 + 61).user is None


def test_sign_in_rotates_the_csrf_token():
    anon = Session.anonymous()
    signed = anon.signed_in("bian", at=1, epoch=0)
    assert signed.csrf != anon.csrf
    assert csrf_ok(signed, signed.csrf) and not csrf_ok(signed, anon.csrf) and not csrf_ok(signed, None)


def test_secret_is_created_once_and_kept(tmp_path: Path):
    first = load_or_create_secret(tmp_path)
    assert load_or_create_secret(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert load_or_create_secret(tmp_path, "from-env") == b"from-env"


def test_uploads_read_text_markdown_and_docx():
    import docx

    assert body_from_upload("a.txt", "正文\n第二段".encode()) == "正文\n第二段"
    assert body_from_upload("a.MD", "\ufeff# 标题".encode()) == "# 标题"
    document = docx.Document()
    document.add_paragraph("第一段")
    document.add_paragraph("第二段")
    buf = io.BytesIO()
    document.save(buf)
    assert body_from_upload("稿件.docx", buf.getvalue()) == "第一段\n第二段"


@pytest.mark.parametrize("name,data,code", [
    ("a.txt", "正文".encode("gbk"), "not_utf8"),
    ("a.pdf", b"%PDF", "bad_upload_type"),
    ("a.docx", b"not a zip", "bad_docx"),
])
def test_bad_uploads_are_refused_with_a_reason(name, data, code):
    with pytest.raises(InvalidInput) as err:
        body_from_upload(name, data)
    assert err.value.code == code
    assert err.value.message


def _luminance(hex_color: str) -> float:
    channels = [int(hex_color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(fg: str, bg: str) -> float:
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_text_colours_pass_wcag_aa_contrast():
    import re

    from sanshen.web.render import STATIC_DIR

    css = (STATIC_DIR / "sanshen.css").read_text(encoding="utf-8")
    var = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    overdue_row = re.search(r"tr\.overdue td \{ background: (#[0-9a-f]{6})", css).group(1)
    pairs = {  # text colour, background, where
        "body text": (var["ink"], var["paper"]),
        "muted text": (var["muted"], var["paper"]),
        "muted text on grey": (var["muted"], var["soft"]),
        "links": (var["brand"], var["paper"]),
        "header": (var["brand-ink"], var["brand"]),
        "danger text": (var["danger"], var["paper"]),
        "overdue tag in an overdue row": (var["danger"], overdue_row),
        "urgent tag": ("#ffffff", var["danger"]),
        "finding highlight": (var["ink"], var["warn-bg"]),
        "error highlight": (var["ink"], var["err-bg"]),
        "unread badge": (var["danger"], "#ffffff"),
    }
    for where, (fg, bg) in pairs.items():
        assert contrast(fg, bg) >= 4.5, f"{where}: {fg} on {bg} is {contrast(fg, bg):.2f}:1"
