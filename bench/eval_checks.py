"""Planted-suite evaluation of the deterministic checks (prints figures; not a test).

    .venv/bin/python bench/eval_checks.py [--seed N] [--per-category N]

Plants resident IDs, mobiles, bank cards, secrecy markings, banned terms (plain, with noise
characters, traditional, full width) and one-edit variants of canonical formulations into clean
official sentences, plus look-alikes that must not raise an error; prints recall per category,
precision, look-alike errors and error findings per 10,000 characters of clean text; then, apart,
the recall of 密级 marks standing in running text (brackets, a term without a star, the urgency).
Tune on one seed, report on another (the default runs seed 1 = tuning and seed 2 = held out).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import Planted, bank_card, clean_sentences, mobile, plant, resident_id  # noqa: E402
from checking.check import Checker  # noqa: E402
from checking.findings import Category, Severity  # noqa: E402
from lexicon.compiled import EXACT_ONLY_GROUPS, NEAR_MIN_LENGTH  # noqa: E402
from lexicon.loader import load_lexicon  # noqa: E402
from lexicon.model import TermKind  # noqa: E402
from lexicon.normalize import squeeze_term  # noqa: E402

NAMES = ("张某某", "李某", "王某", "刘某某", "陈某")
FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789"}
NOISE = (" ", "*", "·", "_", "\u200b", "  ")
TRADITIONAL = {"鲜": "鮮", "残": "殘", "废": "廢", "聋": "聾", "总": "總", "统": "統", "维": "維", "蒙": "蒙",
               "战": "戰", "略": "略", "计": "計", "划": "劃", "湾": "灣", "国": "國", "华": "華", "岛": "島"}


def pii_snippets(rng: random.Random) -> str:
    kind = rng.randrange(9)
    name = rng.choice(NAMES)
    if kind == 0:
        return f"{name}，身份证号：{resident_id(rng)}，"
    if kind == 1:
        return f"{name}（公民身份号码{resident_id(rng)}）"
    if kind == 2:
        return f"当事人{name}，{resident_id(rng)}，"
    if kind == 3:
        return f"联系人：{name}，联系电话：{mobile(rng)}，"
    if kind == 4:
        m = mobile(rng)
        return f"{name}手机{m[:3]} {m[3:7]} {m[7:]}，"
    if kind == 5:
        m = mobile(rng)
        return f"{name}电话+86-{m[:3]}-{m[3:7]}-{m[7:]}，"
    if kind == 6:
        return f"{name}银行卡号：{bank_card(rng)}，"
    if kind == 7:
        card = bank_card(rng)
        return f"开户账号 {' '.join(card[i:i + 4] for i in range(0, len(card), 4))}，"
    return f"{name}的身份证号码{resident_id(rng).translate(FULL_WIDTH)}，"


def secrecy_snippets(rng: random.Random) -> str:
    level = rng.choice(("绝密", "机密", "秘密"))
    star = rng.choice(("★", "☆", "*", "＊"))
    term = rng.choice(("10年", "6个月", "长期", "", "5年", "2026年12月31日前解密"))
    forms = (f"{level}{star}{term}", f"密级：{level}", f"【{level}】", f"{level} {star} {term}",
             "内部资料", "注意保密", "内部文件，请勿外传", "仅供内部参考", "内部资料，不得外传")
    return rng.choice(forms) + "，"


def banned_snippet(rng: random.Random, terms: list[str]) -> tuple[str, str]:
    term = rng.choice(terms)
    form = rng.randrange(4)
    if form == 1 and len(term) >= 2:
        noise = rng.choice(NOISE)
        term = noise.join(term)
    elif form == 2:
        term = "".join(TRADITIONAL.get(c, c) for c in term)
    elif form == 3:
        term = "“" + term + "”"
    return "有关" + term + "的表述，", term


def formulation_variant(rng: random.Random, term: str, pool: str, accepted: set[str]) -> str:
    """One edit of ``term`` that is neither the term nor one of its ``accepted`` forms."""
    op = rng.choice(("sub", "del", "ins", "swap"))
    chars = list(term)
    hans = [i for i, c in enumerate(chars) if "\u4e00" <= c <= "\u9fff"]
    i = rng.choice(hans)
    if op == "sub":
        chars[i] = rng.choice([c for c in pool if c != chars[i]])
    elif op == "del":
        del chars[i]
    elif op == "ins":  # inside the term: a character before or after it leaves the term intact
        chars.insert(max(i, 1) if len(chars) > 1 else 1, rng.choice(pool))
    else:
        j = min(i + 1, len(chars) - 1) if i + 1 < len(chars) else i - 1
        a, b = min(i, j), max(i, j)
        if chars[a] == chars[b]:
            return formulation_variant(rng, term, pool, accepted)
        chars[a], chars[b] = chars[b], chars[a]
    variant = "".join(chars)
    if squeeze_term(variant) in accepted | {squeeze_term(term)}:
        return formulation_variant(rng, term, pool, accepted)
    return variant


LOOK_ALIKES = (
    "会议采取无记名投票方式进行秘密选举。", "企业应当加强内部控制。", "根据某政发〔2024〕2号文件精神，",
    "邮编100010，", "统一社会信用代码：91110000802100433B，", "办公电话：010-12345678，",
    "自2024年1月1日起施行，", "项目总投资12345678.90元，", "订单号202401011234567890，",
    "索引号：000014349/2024-00123，", "信息系统的机密性和完整性，", "依法保护商业秘密，",
    "传真：0531-86012346，", "流水号：6222021234567890128，", "工作了25年，", "三四天后，",
    "农村长期发展，", "按排名先后顺序，", "全部置于监管之下，", "数据中台建设，", "不耻下问，",
)


def build_suite(seed: int, per_category: int) -> list[Planted]:
    rng = random.Random(seed)
    lexicon = load_lexicon()
    banned_terms = [t.term for t in lexicon.of_kind(TermKind.BANNED) if not t.context]  # not context-bound ones
    formulations = [t for t in lexicon.of_kind(TermKind.FORMULATION)
                    if len(squeeze_term(t.term)) >= NEAR_MIN_LENGTH and t.note not in EXACT_ONLY_GROUPS]
    sentences = clean_sentences()
    pool = "".join(sorted({c for s in sentences for c in s if "\u4e00" <= c <= "\u9fff"}))
    suite: list[Planted] = []
    for _ in range(per_category):
        suite.append(plant(rng, rng.choice(sentences), pii_snippets(rng), "pii"))
        suite.append(plant(rng, rng.choice(sentences), secrecy_snippets(rng), "secrecy"))
        snippet, term = banned_snippet(rng, banned_terms)
        p = plant(rng, rng.choice(sentences), snippet, "banned")
        suite.append(Planted(p.text, "banned", p.start + 2, p.start + 2 + len(term)))
        term = rng.choice(formulations)
        canonical = term.term
        variant = formulation_variant(rng, canonical, pool, {squeeze_term(a) for a in term.allowed})
        p = plant(rng, rng.choice(sentences), "坚持" + variant + "，", "formulation:" + canonical)
        suite.append(Planted(p.text, p.category, p.start + 2, p.start + 2 + len(variant)))
        suite.append(plant(rng, rng.choice(sentences), rng.choice(LOOK_ALIKES), ""))
    return suite


def evaluate(checker: Checker, seed: int, per_category: int) -> None:
    suite = build_suite(seed, per_category)
    planted, hit, wrong_suggestion = Counter(), Counter(), Counter()
    true_pos, reported = Counter(), Counter()
    look_alike_errors = []
    for item in suite:
        findings = checker.check(item.text).findings
        category, _, canonical = item.category.partition(":")
        if not category:
            look_alike_errors += [f for f in findings if f.severity is Severity.ERROR and f.start < item.end and item.start < f.end]
            continue
        planted[category] += 1
        mine = [f for f in findings if f.category == category]
        overlapping = [f for f in mine if f.start < item.end and item.start < f.end]
        reported[category] += len(mine)
        true_pos[category] += len(overlapping)
        if overlapping:
            hit[category] += 1
            if canonical and not any(f.suggestion == canonical for f in overlapping):
                wrong_suggestion[category] += 1
    print(f"seed {seed}: {len(suite)} planted sentences")
    for category in ("pii", "secrecy", "banned", "formulation"):
        recall = hit[category] / planted[category]
        precision = true_pos[category] / reported[category] if reported[category] else 1.0
        extra = f", suggestion not the canonical form: {wrong_suggestion[category]}" if category == "formulation" else ""
        print(f"  {category:12s} recall {recall:.3f} ({hit[category]}/{planted[category]}), precision {precision:.3f}{extra}")
    print(f"  look-alikes with an error finding: {len(look_alike_errors)}")
    for f in look_alike_errors[:10]:
        print(f"    {f.rule} «{f.text}»")


def marks_in_running_text(checker: Checker, seed: int, count: int) -> None:
    """密级 marks as they stand in running text (in brackets, with a term but no star, before the
    urgency), planted apart from the main suite so that its draws stay as they were."""
    rng = random.Random(seed)
    sentences = clean_sentences()
    hit = 0
    for _ in range(count):
        level = rng.choice(("绝密", "机密", "秘密"))
        form = rng.choice((f"（{level}）", f"({level})", f"【{level}】", f"{level} 10年", f"{level}6个月",
                           f"{level}  特急", f"{level}★长期", f"密级：{level}"))
        p = plant(rng, rng.choice(sentences), form + "，", "secrecy")
        findings = checker.check(p.text, only=[Category.SECRECY]).findings
        hit += any(f.severity is Severity.ERROR and f.start < p.end and p.start < f.end for f in findings)
    print(f"seed {seed}: 密级 marks in running text: recall {hit / count:.3f} ({hit}/{count})")


def clean_rate(checker: Checker) -> None:
    sentences = clean_sentences()
    chars = sum(len(s) for s in sentences)
    errors = Counter()
    warnings = Counter()
    samples = []
    for s in sentences:
        for f in checker.check(s).findings:
            (errors if f.severity is Severity.ERROR else warnings)[f.rule] += 1
            if f.severity is Severity.ERROR:
                samples.append(f"{f.rule} «{f.text}» in {s[:40]}")
    total = sum(errors.values())
    print(f"clean text: {len(sentences)} sentences, {chars} chars; error findings {total} "
          f"= {total / chars * 10000:.2f} per 10,000 chars; warnings by rule {dict(warnings)}")
    for line in samples[:10]:
        print("   ", line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, action="append")
    parser.add_argument("--per-category", type=int, default=400)
    parser.add_argument("--with-typo-model", action="store_true", help="include the general typo detector")
    args = parser.parse_args()
    lexicon = load_lexicon()
    typo_model = None
    if args.with_typo_model:
        from lexicon.typo_model import TypoModel

        typo_model = TypoModel.load()
    checker = Checker.build(lexicon, typo_model=typo_model)
    for seed in args.seed or [1, 2]:
        evaluate(checker, seed, args.per_category)
        marks_in_running_text(checker, seed, args.per_category)
    clean_rate(checker)


if __name__ == "__main__":
    main()
