"""The whole automated pass: ordering, de-duplication, offsets, overrides, the general typo detector."""

from __future__ import annotations

import pytest

from checking.check import Checker
from checking.findings import Category, Severity
from lexicon.loader import load_lexicon
from lexicon.model import LexiconOverride

SENTENCES = [
    "为深入贯彻习近平新时代中国特色社会主义思想，认真布署今年工作。",
    "中華人民共和國成立以來，北*朝*鲜问题、残废人保障问题长期存在。",
    "联系人：张某，手机１３９１２３４５６７８，身份证号11010519491231002X。",
    "机密★10年\n内部资料，注意保密。会议采取秘密选举。",
    "2024-2026年，全省投资3亿4500万元，用了三、四天,详见http//www.example.com。",
    "“不忘初心，牢记使命”主题教育，扫黑险恶专项斗争，领导小姐讲话。",
    "有必要的资金，资金来源染道合法；截止目前已完成90年代以来的清理。",
    "\u200b北\u3000朝鲜\u200b，ＡＢＣ123，省(区、市)。",
]


@pytest.fixture(scope="module")
def checker(default_checker):
    return default_checker


@pytest.mark.parametrize("text", SENTENCES + ["\n".join(SENTENCES)])
def test_offsets_order_and_one_finding_per_span(checker, text):
    report = checker.check(text)
    assert report.lexicon_version == checker.version
    starts = [f.start for f in report.findings]
    assert starts == sorted(starts)
    spans = [(f.start, f.end) for f in report.findings if f.end > f.start]
    assert len(spans) == len(set(spans))
    for f in report.findings:
        assert text[f.start : f.end] == f.text


def test_every_category_is_found_in_the_combined_text(checker):
    report = checker.check("\n".join(SENTENCES))
    found = {f.category for f in report.findings}
    assert found >= {Category.FORMULATION, Category.BANNED, Category.SECRECY, Category.PII, Category.TYPO,
                     Category.PUNCTUATION, Category.NUMBER, Category.LINK}


def test_known_pair_is_not_reported_again_by_the_general_detector(checker):
    findings = checker.check("我们要认真布署今年的各项工作。", only=[Category.TYPO]).findings
    assert [(f.rule, f.text) for f in findings if f.start <= 5 < f.end] == [("typo.known-pair", "布署")]


def test_general_detector_is_wired_in(checker):
    findings = checker.check("要进一步加强环境保户工作，改善群众居住条件。", only=[Category.TYPO]).findings
    assert [(f.text, f.suggestion, f.severity) for f in findings] == [("户", "护", Severity.WARNING)]


def test_general_detector_stays_out_of_protected_spans(checker):
    text = "坚持以习近平同志为核心的党中央，身份证号11010519491231002X，中华人民共和国国务院。"
    protected = [(text.index(p), text.index(p) + len(p))
                 for p in ("以习近平同志为核心的党中央", "11010519491231002X", "中华人民共和国国务院")]
    for f in checker.check(text, only=[Category.TYPO]).findings:
        assert not any(s < f.end and f.start < e for s, e in protected)


def test_only_restricts_the_report(checker):
    report = checker.check("\n".join(SENTENCES), only=[Category.PII, Category.BANNED])
    assert {f.category for f in report.findings} == {Category.PII, Category.BANNED}
    assert report.categories == (Category.BANNED, Category.PII)


def test_overrides_change_findings_and_version():
    lexicon = load_lexicon()
    base = Checker.build(lexicon)
    text = "北朝鲜发表声明，某某新词出现。"
    assert [f.text for f in base.check(text, only=[Category.BANNED]).findings] == ["北朝鲜"]
    edited = Checker.build(lexicon.with_overrides([
        LexiconOverride(kind="banned", term="北朝鲜", enabled=False),
        LexiconOverride(kind="banned", term="某某新词", correct="规范新词", severity="warning"),
    ]))
    findings = edited.check(text, only=[Category.BANNED]).findings
    assert [(f.text, f.suggestion, f.severity) for f in findings] == [("某某新词", "规范新词", Severity.WARNING)]
    assert edited.version != base.version


def test_with_lexicon_recompiles_only_the_matchers(checker):
    edited = checker.with_lexicon(load_lexicon().with_overrides([LexiconOverride(kind="banned", term="某某新词")]))
    assert edited.lexicon.words is checker.lexicon.words and edited.typo_model is checker.typo_model
    assert [f.text for f in edited.check("出现某某新词。", only=[Category.BANNED]).findings] == ["某某新词"]
    assert edited.version != checker.version


def test_allow_entries_silence_findings():
    lexicon = load_lexicon()
    text = "村长负责召集会议"
    assert Checker.build(lexicon).check(text, only=[Category.BANNED]).findings
    allowed = Checker.build(lexicon.with_overrides([LexiconOverride(kind="allow", term="村长负责", severity="info")]))
    assert allowed.check(text, only=[Category.BANNED]).findings == ()


def test_empty_and_odd_text(checker):
    assert checker.check("").findings == ()
    assert checker.check("\n\n  \t").findings == ()
    assert all(f.severity is not Severity.ERROR for f in checker.check("🙂👍 abc ＿＿ ***").findings)
