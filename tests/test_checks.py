"""The deterministic checks: positives, look-alikes that must not fire, offsets."""

from __future__ import annotations

import pytest

from checking.check import Checker
from checking.context import DraftMeta
from checking.findings import Category, Finding, Severity
from lexicon.loader import load_lexicon


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker.build(load_lexicon(), allowed_domains=("gov.cn",))


def run(checker: Checker, text: str, *categories: Category) -> list[Finding]:
    report = checker.check(text, only=categories or None)
    for f in report.findings:
        assert text[f.start : f.end] == f.text
    return list(report.findings)


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


# --- formulation -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "wrong", "canonical"),
    [
        ("全面贯彻习近平新时代中国特色社会主意思想。", "习近平新时代中国特色社会主意思想", "习近平新时代中国特色社会主义思想"),
        ("中华人民共合国成立以来，", "中华人民共合国", "中华人民共和国"),
        ("中华人民和共国成立，", "中华人民和共国", "中华人民共和国"),
        ("牢牢把握不忘初心，牢记使命。", "不忘初心，牢记使命", "不忘初心、牢记使命"),
        ("深入开展不忘初心，牢记使命主题教育", "不忘初心，牢记使命主题教育", "“不忘初心、牢记使命”主题教育"),
        ("坚决做到两个维户。", "两个维户", "两个维护"),
        ("推进中国式现代，", "中国式现代", "中国式现代化"),
        ("全国人民代表大会常务委会第十次会议", "全国人民代表大会常务委会", "全国人民代表大会常务委员会"),
        ("坚持以习近平同志为核心的党中央坚强领导和", None, None),
        ("铸牢中华民族共同休意识，", "铸牢中华民族共同休意识", "铸牢中华民族共同体意识"),
    ],
)
def test_formulation_near_miss(checker, text, wrong, canonical):
    found = run(checker, text, Category.FORMULATION)
    if wrong is None:
        assert found == []
        return
    assert [(f.text, f.suggestion, f.severity) for f in found] == [(wrong, canonical, Severity.ERROR)]


@pytest.mark.parametrize(
    "text",
    [
        "从事危害国家安全、社会公共利益的活动",  # 国家安全部 cut short is a phrase of its own
        "中央生态环境保护督察办公室",
        "云南省发展和改革委员会",
        "本通知由市发展和改革委员会负责解释。",
        "国家科学技术进步奖",
        "会同国务院住房城乡建设部门、财政部门制定",
        "根据中华人民共和国民法典和中华人民共和国刑法",
        "出台了四个意见",
        "培育和践行社会主义核心价值观，完善社会主义核心价值体系",
        "市科学技术局、市应急管理局、省生态环境厅",
        "全面建设小康社会，全面建成小康社会",
        "各省（区、市）和新疆生产建设兵团",
        "建设中国特色社会主义文明，发展中国特色社会主义事业",
    ],
)
def test_formulation_look_alikes_do_not_fire(checker, text):
    assert run(checker, text, Category.FORMULATION) == []


# --- banned ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "span", "suggestion"),
    [
        ("北朝鲜宣布", "北朝鲜", "朝鲜"),
        ("北 朝 鲜宣布", "北 朝 鲜", "朝鲜"),
        ("北*朝·鲜宣布", "北*朝·鲜", "朝鲜"),
        ("北朝鮮宣布", "北朝鮮", "朝鲜"),
        ("关心残废人生活", "残废人", "残疾人"),
        ("推进“一带一路”战略", "一带一路”战略", "“一带一路”倡议"),
        ("香港政府表示", "香港政府", "香港特区政府"),
    ],
)
def test_banned_terms(checker, text, span, suggestion):
    found = run(checker, text, Category.BANNED)
    assert [(f.text, f.suggestion) for f in found] == [(span, suggestion)]


@pytest.mark.parametrize("text", ["促进农村长期发展", "香港特别行政区政府", "数据中台建设方案"])
def test_banned_look_alikes(checker, text):
    assert errors(run(checker, text, Category.BANNED)) == []


def test_banned_short_term_needs_word_boundaries(checker):
    assert run(checker, "促进农村长期发展", Category.BANNED) == []
    assert [f.text for f in run(checker, "村长负责召集会议", Category.BANNED)] == ["村长"]


# --- secrecy -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("机密★10年\n关于某事项的通知", "机密★10年"),
        ("秘密★6个月", "秘密★6个月"),
        ("绝密★长期", "绝密★长期"),
        ("本文件机密★，请妥善保管", "机密★"),
        ("秘密＊5年", "秘密＊5年"),
        ("机密☆", "机密☆"),
        ("密级：秘密", "密级：秘密"),
        ("绝密\n关于某事项的通知", "绝密"),
        ("【机密】关于某事项的通知", "机密"),
        ("此件为内部资料，请勿转发", "内部资料"),
        ("注意保密", "注意保密"),
        ("仅供内部参考", "仅供内部参考"),
    ],
)
def test_secrecy_markings(checker, text, span):
    found = errors(run(checker, text, Category.SECRECY))
    assert [f.text for f in found] == [span]


@pytest.mark.parametrize(
    "text",
    [
        "会议采取无记名投票方式进行秘密选举。",
        "企业应当建立健全内部控制制度。",
        "维护信息的机密性、完整性和可用性。",
        "依法保护商业秘密和个人隐私。",
        "国家秘密的密级分为绝密、机密、秘密三级。",
        "加强内部资料性出版物管理。",
    ],
)
def test_secrecy_look_alikes(checker, text):
    assert errors(run(checker, text, Category.SECRECY)) == []


# --- pii ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "span", "suggestion"),
    [
        ("张某，身份证号11010519491231002X，", "11010519491231002X", "110105********002X"),
        ("当事人张某，11010519491231002X，", "11010519491231002X", "110105********002X"),
        ("身份证号：110105194912310021", "110105194912310021", "110105********0021"),  # bad checksum
        ("身份证号码：110105491231002", "110105491231002", "110105*****1002"),
        ("身份证号 1101 0519 4912 3100 2X。", "1101 0519 4912 3100 2X", "110105********002X"),
        ("联系电话：13912345678", "13912345678", "139****5678"),
        ("手机：139 1234 5678。", "139 1234 5678", "139****5678"),
        ("手机：139-1234-5678。", "139-1234-5678", "139****5678"),
        ("电话+86 13912345678。", "+86 13912345678", "139****5678"),
        ("手机１３９１２３４５６７８。", "１３９１２３４５６７８", "139****5678"),
        ("银行卡号：6222021234567890128", "6222021234567890128", "622202*********0128"),
        ("开户账号 6222 0212 3456 7890 128，", "6222 0212 3456 7890 128", "622202*********0128"),
    ],
)
def test_pii_positives(checker, text, span, suggestion):
    found = run(checker, text, Category.PII)
    assert [(f.text, f.suggestion, f.severity) for f in found] == [(span, suggestion, Severity.ERROR)]


@pytest.mark.parametrize(
    "text",
    [
        "根据某政发〔2024〕2号文件精神",
        "索引号：11370000MB28523545/2024-01234",
        "索引号：000014349/2024-00123",
        "邮编 100010，邮政编码：250011",
        "统一社会信用代码：91110000802100433B",
        "办公电话 010-12345678，传真：0531-86012346",
        "联系电话：0531-86012345，电子邮箱：bgs@example.gov.cn",
        "自2024年1月1日起施行",
        "项目总投资12345678.90元，合同金额126.5万元",
        "订单号202401011234567890",
        "202401011234567890",
        "流水号：6222021234567890128",
        "编号6222021234567890128",
        "共计1234567890123456元",
    ],
)
def test_pii_look_alikes(checker, text):
    assert errors(run(checker, text, Category.PII)) == []


def test_credit_code_with_wrong_check_character_is_a_warning(checker):
    found = run(checker, "统一社会信用代码：91110000802100433C", Category.PII)
    assert [(f.rule, f.severity) for f in found] == [("pii.credit-code", Severity.WARNING)]


def test_card_number_without_context_is_not_reported(checker):
    assert run(checker, "数据为6222021234567890128。", Category.PII) == []


def test_office_bank_account_is_only_a_warning(checker):
    found = run(checker, "户名：某某市财政局，账号：6222021234567890128", Category.PII)
    assert [f.severity for f in found] == [Severity.WARNING]


# --- typo (known pairs) ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "span", "suggestion", "severity"),
    [
        ("认真布署工作", "布署", "部署", Severity.ERROR),
        ("再接再励，争取更大成绩", "再接再励", "再接再厉", Severity.ERROR),
        ("成立领导小姐", "领导小姐", "领导小组", Severity.ERROR),
        ("截止目前，已完成", "截止目前", "截至目前", Severity.WARNING),
        ("如实反应情况", "如实反应", "如实反映", Severity.WARNING),
    ],
)
def test_known_typos(checker, text, span, suggestion, severity):
    found = run(checker, text, Category.TYPO)
    assert [(f.text, f.suggestion, f.severity) for f in found] == [(span, suggestion, severity)]


@pytest.mark.parametrize("text", ["按排名先后顺序", "全部置于监管之下", "要不耻下问", "申报截止日期为6月30日", "不容置疑"])
def test_known_typo_look_alikes(checker, text):
    assert run(checker, text, Category.TYPO) == []


def test_known_pair_inside_a_formulation_gives_one_finding(checker):
    found = run(checker, "深入开展扫黑险恶专项斗争")
    assert [(f.category, f.text, f.suggestion) for f in found] == [
        (Category.FORMULATION, "扫黑险恶专项斗争", "扫黑除恶专项斗争")
    ]


# --- punctuation -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "rule", "span", "suggestion"),
    [
        ("会议指出,要加强", "punctuation.half-width", ",", "，"),
        ("是否同意?请回复", "punctuation.half-width", "?", "？"),
        ("时间:上午", "punctuation.half-width", ":", "："),
        ("各省(区", "punctuation.half-width", "(", "（"),
        ("2024-2026年行动计划", "punctuation.range-dash", "2024-2026年", "2024—2026年"),
        ("2024年-2026年行动计划", "punctuation.range-dash", "2024年-2026年", "2024年—2026年"),
        ("第21-30条", "punctuation.range-dash", "第21-30条", "第21—30条"),
        ("用了三、四天时间", "punctuation.estimate-comma", "三、四", "三四"),
        ("学习《宪法》、《民法典》", "punctuation.comma-between-titles", "、", ""),
        ("甲、乙、和丙", "punctuation.comma-before-conjunction", "、", ""),
    ],
)
def test_punctuation(checker, text, rule, span, suggestion):
    found = run(checker, text, Category.PUNCTUATION)
    assert [(f.rule, f.text, f.suggestion) for f in found] == [(rule, span, suggestion)]


@pytest.mark.parametrize(
    "text",
    ["2024—2026年", "2024-01-02", "电话010-12345678", "三四天", "一、二、三、", "第一、二季度", "稳定、和谐、发展",
     "见 https://www.gov.cn/a,b?x=1", "Hello, world!", "时间为10:30"],
)
def test_punctuation_look_alikes(checker, text):
    assert run(checker, text, Category.PUNCTUATION) == []


# --- number ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "span", "suggestion"),
    [
        ("90年3月出生", "90年", "1990年"),
        ("25年1月起", "25年", "2025年"),
        ("90年代初", "90年代", "20世纪90年代"),
        ("总额3亿4500万元", "3亿4500万", "3.45亿"),
        ("总额3亿5千万元", "3亿5千万", "3.5亿"),
        ("2024年一月一日", "2024年一月", None),
        ("二〇二四年1月1日", "二〇二四年1月", None),
    ],
)
def test_number(checker, text, span, suggestion):
    found = run(checker, text, Category.NUMBER)
    assert [(f.text, f.suggestion) for f in found] == [(span, suggestion)]


@pytest.mark.parametrize(
    "text", ["1990年3月", "工作了25年", "20世纪90年代", "3.45亿元", "34500万元", "2024年1月1日", "二〇二四年一月一日",
             "十三届全国人大一次会议", "第三季度", "上世纪90年代"],
)
def test_number_look_alikes(checker, text):
    assert run(checker, text, Category.NUMBER) == []


# --- link --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("详见http//www.gov.cn/zhengce", "link.malformed"),
        ("详见htp://www.gov.cn", "link.malformed"),
        ("详见http:/www.gov.cn", "link.malformed"),
        ("详见http：//www.gov.cn", "link.malformed"),
        ("详见https://www..gov.cn", "link.malformed"),
        ("详见http://localhost/a", "link.malformed"),
        ("详见https://www.example.com/a", "link.off-site"),
    ],
)
def test_links(checker, text, rule):
    assert [f.rule for f in run(checker, text, Category.LINK)] == [rule]


@pytest.mark.parametrize("text", ["详见https://www.gov.cn/zhengce/。", "http://www.beijing.gov.cn", "www.gov.cn", "邮箱 a@b.gov.cn"])
def test_link_look_alikes(checker, text):
    assert run(checker, text, Category.LINK) == []


def test_off_site_needs_an_allowed_list():
    plain = Checker.build(load_lexicon())
    assert plain.check("https://www.example.com", only=[Category.LINK]).findings == ()


# --- disclosure --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("meta", "rules"),
    [
        (DraftMeta(None, None, "news", False), ["disclosure.missing"]),
        (DraftMeta("公开", None, "news", False), ["disclosure.invalid"]),
        (DraftMeta("不予公开", None, "news", False), ["disclosure.no-reason"]),
        (DraftMeta("不予公开", "涉及个人隐私", "news", False), []),
        (DraftMeta("主动公开", None, "policy", False), ["disclosure.no-interpretation"]),
        (DraftMeta("主动公开", None, "policy", True), []),
        (DraftMeta(None, None, "policy", False), ["disclosure.missing", "disclosure.no-interpretation"]),
    ],
)
def test_disclosure(checker, meta, rules):
    found = run_meta(checker, "正文", meta)
    assert sorted(f.rule for f in found) == rules
    assert all(f.severity is Severity.ERROR and f.start == f.end == 0 for f in found)


def run_meta(checker: Checker, text: str, meta: DraftMeta) -> list[Finding]:
    return list(checker.check(text, meta=meta, only=[Category.DISCLOSURE]).findings)


def test_no_disclosure_findings_without_metadata(checker):
    assert run(checker, "正文", Category.DISCLOSURE) == []
