"""Punctuation, number and link rules read the text without invisible characters: a hidden
character inside a range, a date, a number or a link neither hides a problem nor makes one, and
findings cover the text as written (issue 10)."""

from __future__ import annotations

import pytest

from checking.findings import Category

HIDDEN = ["\u200b", "\u2062", "\u00ad", "\u202e\u202c", "\ufeff"]
# (text with {} where a hidden character goes, category, rule, the finding's text without it)
CASES = [
    ("规划期为2021{}-2025年。", Category.PUNCTUATION, "punctuation.range-dash", "2021-2025年"),
    ("时间为2021 2{}025年。", Category.PUNCTUATION, "punctuation.range-dash", "2021 2025年"),
    ("会议于2018724{}日召开。", Category.NUMBER, "number.malformed-date", "2018724日"),
    ("今年实现产值3亿4{}500万元。", Category.NUMBER, "number.mixed-units", "3亿4500万"),
    ("截至25{}年底，", Category.NUMBER, "number.abbreviated-year", "25年"),
    ("各项工作已完成{}.", Category.PUNCTUATION, "punctuation.half-width", "."),
    ("详见http://www.exa{}mple.com/a.html。", Category.LINK, "link.off-site", "http://www.example.com/a.html"),
]


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize(("template", "category", "rule", "shown"), CASES)
def test_hidden_characters_hide_nothing(default_checker, template, category, rule, shown, hidden):
    checker = default_checker if category is not Category.LINK else default_checker.__class__(
        default_checker.lexicon, default_checker.typo_model, ("gov.cn",))
    plain = template.format("")
    text = template.format(hidden)
    expected = [f for f in checker.check(plain, only=[category]).findings if f.rule == rule]
    assert [f.text for f in expected] == [shown]
    found = [f for f in checker.check(text, only=[category]).findings if f.rule == rule]
    assert len(found) == 1
    f = found[0]
    assert text[f.start : f.end] == f.text
    assert f.text.replace(hidden, "") == shown
    assert f.suggestion == expected[0].suggestion


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("template", ["规划期为2021{}—2025年。", "共计3.{}5亿元。", "详见第3{}条。",
                                      "网址：https://www.gov.cn/{}zhengce/，"])
def test_hidden_characters_make_no_finding(default_checker, template, hidden):
    checker = default_checker.__class__(default_checker.lexicon, default_checker.typo_model, ("gov.cn",))
    text = template.format(hidden)
    wanted = [Category.PUNCTUATION, Category.NUMBER, Category.LINK]
    assert checker.check(text, only=wanted).findings == ()
