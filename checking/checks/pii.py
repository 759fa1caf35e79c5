"""`pii`: resident ID numbers, mobile numbers and bank cards, with masked suggestions; and the
organisation credit code (GB 32100) and the older organisation code (GB 11714), which are published
on purpose but checked for their check character. Document numbers, 索引号, amounts, dates, postal
codes and office phone lines are not personal data and are not reported; a mobile number given as an
office's contact line is a warning (it may still be someone's own phone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from stdnum import luhn
from stdnum.cn import uscc

from checking.checks.spans import finding, line_around, line_before, on_text
from checking.findings import Category, Finding, Severity
from lexicon.compiled import Document

# Patterns run on the visible folded text (ASCII digits and letters) and start with a plain
# character class, which the regex engine scans fast; the boundaries are checked afterwards
# (``_standalone``).
SEP = "[ \\-－\u3000]"  # folding keeps punctuation's width, so both widths of the separators
# A leading repeat ([0-9]{4}) or alternation is not scanned fast, so the first character is a single
# class (the first digit taken out of the alternatives) or each alternative starts with a literal.
LONG_NUMBER = re.compile(
    rf"[0-9](?:[0-9]{{5}}{SEP}[0-9]{{8}}{SEP}[0-9]{{3}}[0-9xX]|[0-9]{{3}}(?:{SEP}[0-9]{{4}}){{3}}(?:{SEP}?[0-9]{{0,2}}[0-9xX])?"
    r"|[0-9]{16}[xX]|[0-9]{14,18})"
)
MOBILE_BODY = rf"1[3-9][0-9](?:{SEP}?[0-9]{{4}}){{2}}"
# The optional +86 spelled out as alternatives that each start with a literal character.
MOBILE = re.compile(rf"\+86{SEP}?{MOBILE_BODY}|＋86{SEP}?{MOBILE_BODY}|0086{SEP}?{MOBILE_BODY}|{MOBILE_BODY}")
CODE_CHAR = "[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy\u212a]"  # the case-blind class spelled out (K: also the Kelvin sign)
CREDIT_CODE = re.compile(rf"{CODE_CHAR}{CODE_CHAR}[0-9]{{6}}{CODE_CHAR}{{10}}")
ALNUM = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

ID_WORDS = ("身份证", "身份号码", "证件号", "证件编号", "公民身份", "身份信息")
CARD_WORDS = ("卡号", "银行卡", "账号", "帐号", "账户", "帐户", "开户", "储蓄卡", "信用卡", "借记卡", "社保卡")
CREDIT_WORDS = ("信用代码", "社会信用", "纳税人识别号", "税号", "组织机构代码")
NOT_PERSONAL_WORDS = ("索引号", "文号", "订单", "单号", "流水号", "发票", "合同号", "编号", "备案号", "登记号",
                      "批准号", "许可证号", "注册号", "批次", "条码", "序列号", "案号") + CREDIT_WORDS
OFFICE_ACCOUNT = re.compile(r"户\s*名\s*[:：]?[^，。；\n]{0,30}(?:局|委|办|院|中心|公司|政府|专户|单位|学校|医院|厅|部|站|所)")

RULE_ID = "pii.resident-id"
RULE_MOBILE = "pii.mobile"
RULE_CARD = "pii.bank-card"
RULE_CREDIT = "pii.credit-code"
RULE_ORG_CODE = "pii.organization-code"
# 组织机构代码 (GB 11714-1997): eight digits or capitals, a hyphen, the check character.
ORG_CODE = re.compile(r"[0-9A-Za-z]{8}-?[0-9Xx]")
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_CODE_LABEL = "组织机构代码"
CONTEXT = 16
# A mobile-shaped number followed by a unit is a quantity (地区生产总值13194481181元).
QUANTITY_UNITS = frozenset("元万亿人户名件次个吨台辆套间亩米千克斤页条笔%‰")
# A mobile number given as an office's contact line ("请咨询……服务中心，电话：186…"): published on purpose
# (docs/domain.md), though it may still be a person's own phone, so a warning rather than a block.
# The office's name ends right before the label; a person's name there ("联系人王某，电话") is not an office.
OFFICE_CONTACT = re.compile(
    r"(?:中心|办公室|局|委|办|科|股|站|所|院|队|厅|处|室|馆|窗口|政府|公司|社区|委员会|街道|热线)"
    r"[，,、\s]*(?:联系|咨询|服务|值班|办公|举报|投诉|监督)?(?:电话|手机|热线)(?:号码)?\s*[:：]?\s*$"
)
# ... or the line after an office's address in brackets ("到市发改局（地址：市政府四楼东，联系电话：183…）").
OFFICE_ADDRESS_CONTACT = re.compile(
    r"(?:中心|办公室|局|委|办|科|股|站|所|院|队|厅|处|室|馆|窗口|政府|公司|社区|委员会|街道)[（(]\s*地址\s*[:：]"
    r"[^，,。；;:：()（）\n]{2,30}[，,、\s]*(?:联系|咨询|服务|值班|办公)?(?:电话|手机)(?:号码)?\s*[:：]?\s*$"
)
ADDRESS_CONTEXT = 48


@dataclass(frozen=True, slots=True)
class PiiScan:
    findings: list[Finding]
    identifiers: list[tuple[int, int]]  # every number recognised (personal or not): protected


def _office_contact(text: str, at: int) -> bool:
    """The number at ``at`` follows the label of an office's contact line."""
    return bool(OFFICE_CONTACT.search(line_before(text, at, CONTEXT))
                or OFFICE_ADDRESS_CONTACT.search(line_before(text, at, ADDRESS_CONTEXT)))


def scan(doc: Document) -> PiiScan:
    folded = doc.visible.text
    found: list[Finding] = []
    spans: list[tuple[int, int]] = []
    for m in CREDIT_CODE.finditer(folded):
        if not _standalone(folded, m.start(), m.end()):
            continue
        code = m.group().upper()
        before = line_before(folded, m.start(), CONTEXT)
        has_letter = any(c.isalpha() for c in code[:17])  # 17 digits + X is an ID's shape
        if not has_letter and not any(w in before for w in CREDIT_WORDS):
            continue
        spans.append((m.start(), m.end()))
        if "索引号" in before:
            continue
        if not uscc.is_valid(code):
            found.append(finding(folded, RULE_CREDIT, Category.PII, Severity.WARNING, m.start(), m.end(), None,
                                 "统一社会信用代码校验位不符，请核对"))
    # An organisation code counts only after its label: without the label, none is scanned for.
    for m in ORG_CODE.finditer(folded) if ORG_CODE_LABEL in folded else ():
        if not _standalone(folded, m.start(), m.end()) or any(s < m.end() and m.start() < e for s, e in spans):
            continue
        if ORG_CODE_LABEL not in line_before(folded, m.start(), CONTEXT):
            continue
        spans.append((m.start(), m.end()))
        code = m.group().upper().replace("-", "")
        if code[8] != org_code_check_character(code[:8]):
            found.append(finding(folded, RULE_ORG_CODE, Category.PII, Severity.WARNING, m.start(), m.end(), None,
                                 "组织机构代码校验位不符，请核对"))
    for m in LONG_NUMBER.finditer(folded):
        if not _standalone(folded, m.start(), m.end()):
            continue
        if any(s <= m.start() < e for s, e in spans):
            continue
        spans.append((m.start(), m.end()))
        f = _long_number(folded, m.start(), m.end())
        if f is not None:
            found.append(f)
    mobiles = []
    for m in MOBILE.finditer(folded):
        if not _standalone(folded, m.start(), m.end()) or (m.start() > 0 and folded[m.start() - 1] in "+＋"):
            continue
        if any(s < m.end() and m.start() < e for s, e in spans):
            continue
        spans.append((m.start(), m.end()))
        if folded[m.end() : m.end() + 2].lstrip()[:1] in QUANTITY_UNITS:
            continue
        mobiles.append((m, re.sub(r"\D", "", m.group())[-11:]))
    # a number given as an office's line anywhere in the text is that office's line wherever it recurs
    offices = {digits for m, digits in mobiles if _office_contact(folded, m.start())}
    for m, digits in mobiles:
        if digits in offices:
            severity, message = Severity.WARNING, "机构联系电话是手机号码：如为个人手机，公开前须去标识化处理"
        else:
            severity, message = Severity.ERROR, "个人手机号码，公开前须去标识化处理"
        found.append(finding(folded, RULE_MOBILE, Category.PII, severity, m.start(), m.end(),
                             f"{digits[:3]}****{digits[-4:]}", message))
    identifiers = [doc.span_of_visible(*span) for span in spans]
    return PiiScan(on_text(doc, sorted(found, key=lambda f: f.start)), identifiers)


def org_code_check_character(body: str) -> str:
    """GB 11714: C9 = 11 - (sum of value x weight mod 11), 10 written X, 11 written 0 (letters A=10 … Z=35)."""
    c9 = 11 - sum(int(c, 36) * w for c, w in zip(body, ORG_CODE_WEIGHTS)) % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def _standalone(text: str, start: int, end: int) -> bool:
    return (start == 0 or text[start - 1] not in ALNUM) and (end == len(text) or text[end] not in ALNUM)


def _long_number(folded: str, start: int, end: int) -> Finding | None:
    value = re.sub(SEP, "", folded[start:end]).upper()
    before = line_before(folded, start, CONTEXT)
    near_id = any(w in before for w in ID_WORDS)
    not_personal = any(w in before for w in NOT_PERSONAL_WORDS)
    if len(value) == 18 and (near_id or (resident_id_valid(value) and not not_personal)):
        message = "公民身份号码，公开前须去标识化处理"
        if not resident_id_valid(value):
            message = "疑似公民身份号码（校验位不符，可能录入有误），公开前须去标识化处理"
        return finding(folded, RULE_ID, Category.PII, Severity.ERROR, start, end,
                       value[:6] + "*" * 8 + value[-4:], message)
    if len(value) == 15 and value.isdigit() and near_id and _old_id_date_ok(value):
        return finding(folded, RULE_ID, Category.PII, Severity.ERROR, start, end,
                       value[:6] + "*" * 5 + value[-4:], "公民身份号码（15位），公开前须去标识化处理")
    if 16 <= len(value) <= 19 and value.isdigit() and luhn.is_valid(value):
        after = folded[end : end + 8]
        if any(w in before or w in after for w in CARD_WORDS) and not not_personal:
            masked = value[:6] + "*" * (len(value) - 10) + value[-4:]
            if OFFICE_ACCOUNT.search(line_around(folded, start, end, 60)):
                return finding(folded, RULE_CARD, Category.PII, Severity.WARNING, start, end, masked,
                               "疑似单位银行账号，请确认不是个人银行卡号")
            return finding(folded, RULE_CARD, Category.PII, Severity.ERROR, start, end, masked,
                           "个人银行卡号，公开前须去标识化处理")
    return None


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
PROVINCES = frozenset("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
                      "61 62 63 64 65 71 81 82 83 91".split())


def resident_id_valid(value: str) -> bool:
    """GB 11643: a province prefix, a real birth date and the check character."""
    if len(value) != 18 or not value[:17].isdigit() or value[:2] not in PROVINCES:
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if born.year < 1900:
        return False
    total = sum(int(c) * w for c, w in zip(value[:17], ID_WEIGHTS))
    return "10X98765432"[total % 11] == value[17].upper()


def _old_id_date_ok(value: str) -> bool:
    try:
        date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))
    except ValueError:
        return False
    return True

