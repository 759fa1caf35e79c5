"""Likely place and organisation names (新塘镇, 增城区), shielded from the general typo detector.

jieba's dictionary knows few village, town and street names, so the detector "corrects" them
toward a known word (新塘镇 → 新城镇). A name here is 2–3 characters directly before a place or
organisation suffix that the best segmentation leaves as a token of its own, read either as one
word the detector would examine (rarer than its ``rare_word_logp``) or as single characters none
of which is a frequent one (的, 在, 到 … end a name). Ordinary words stay open to the detector:
when the suffix belongs to a longer word (农村, 城乡, 社区服务) or the characters before it form a
common word (落实到村), there is no name.

Official documents misspell the names of kinds of place and office too (自冶区, 民证厅, 国家铳计局),
so a finding inside a name is kept when its correction ends the name with a common dictionary
word of at least three characters (自治区, 民政厅, 统计局); 新城镇 is not common enough to be one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from checking.checks.spans import Span
from checking.checks.typo_general import ScoredRun, scored_runs
from checking.findings import Finding
from lexicon.normalize import fold
from lexicon.typo_model import TypoModel

SUFFIXES = frozenset(
    "省 市 县 区 镇 乡 村 屯 寨 庄 街道 社区 路 街 巷 胡同 大道 河 江 湖 山 岭 岛 湾 港 桥 州 "
    "局 厅 委 办 院 所 站 中心 公司 集团 协会 大学 中学 小学 医院".split()
)
MIN_NAME, MAX_NAME = 2, 3
COMMON_NAME_FREQ = 10  # jieba frequency from which a corrected name (自治区, 民政厅) is a common word
MIN_COMMON_LEN = 3


def name_spans(text: str, model: TypoModel, runs: Sequence[ScoredRun] | None = None) -> list[Span]:
    """Spans (name and suffix) of the likely place and organisation names in ``text`` (``runs``:
    its scored runs, when already computed)."""
    spans: list[Span] = []
    for scored in scored_runs(text, model) if runs is None else runs:
        offset, run, tokens = scored.offset, scored.run, scored.scores.tokens
        for k, (a, b) in enumerate(tokens):
            if k and run[a:b] in SUFFIXES:
                start = _name_start(run, tokens[:k], model)
                if start is not None:
                    spans.append((offset + start, offset + b))
    return spans


def spare_names(
    text: str, findings: Iterable[Finding], model: TypoModel, runs: Sequence[ScoredRun] | None = None
) -> list[Finding]:
    """``findings`` without those inside a likely name that their correction does not make common."""
    findings = list(findings)
    if not findings:
        return []
    names = name_spans(text, model, runs)
    return [f for f in findings if not any(_spared(text, f, name, model) for name in names)]


def _spared(text: str, f: Finding, name: Span, model: TypoModel) -> bool:
    start, end = name
    if not (start <= f.start and f.end <= end) or f.suggestion is None:
        return False
    corrected = fold(text[start : f.start] + f.suggestion + text[f.end : end])
    floor = math.log(COMMON_NAME_FREQ) + model.words.unknown_logp
    logp = model.words.logp
    return not any(
        logp.get(corrected[k:], -math.inf) >= floor for k in range(len(corrected) - MIN_COMMON_LEN + 1)
    )


def _name_start(run: str, before: Sequence[Span], model: TypoModel) -> int | None:
    logp, unknown = model.words.logp, model.words.unknown_logp
    a, end = before[-1]
    if end - a > 1:
        return a if MIN_NAME <= end - a <= MAX_NAME and logp.get(run[a:end], unknown) < model.rare_word_logp else None
    start = end
    for a, b in reversed(before):
        char = run[a:b]
        frequent = logp.get(char, unknown) >= model.frequent_char_logp
        if b - a > 1 or end - a > MAX_NAME or char in SUFFIXES or frequent:
            break
        start = a
    return start if end - start >= MIN_NAME else None
