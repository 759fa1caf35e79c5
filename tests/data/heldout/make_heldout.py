"""Writes heldout.jsonl: an outside-view suite for the deterministic checks.

    .venv/bin/python tests/data/heldout/make_heldout.py

Each line is {"id", "category", "kind", "text", "target", "suggestion"}:
kind "positive" (``target`` must be covered by an error finding of ``category``; for
formulation the suggestion must be the canonical form), "lookalike" (no error finding
of any category may appear) or "clean" (official prose for the rate figures).
Written before reading the checker's tests or lexicon data; the seed is fixed so the
file is reproducible.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).with_name("heldout.jsonl")
rng = random.Random(20261124)

# --- identifiers -------------------------------------------------------------------------
AREAS = ("110105", "330106", "320102", "440305", "510107", "420111", "370202", "350203",
         "610113", "210202", "330782", "441900", "500103", "130104", "230102")
W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"


def id_check(body17: str) -> str:
    return CHECK[sum(int(c) * w for c, w in zip(body17, W)) % 11]


def resident_id(want_x: bool | None = None) -> str:
    while True:
        body = f"{rng.choice(AREAS)}{rng.randint(1950, 2006)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
        c = id_check(body)
        if want_x is None or (c == "X") == want_x:
            return body + c


def bad_id() -> str:
    good = resident_id(want_x=False)
    wrong = str((int(good[-1]) + rng.randint(1, 8)) % 10)
    if wrong == good[-1] or id_check(good[:17]) == wrong:
        wrong = "X" if good[-1] != "X" else "1"
    return good[:17] + wrong


def old_id() -> str:
    return f"{rng.choice(AREAS)}{rng.randint(40, 84):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_complete(prefix: str, length: int) -> str:
    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(length - len(prefix) - 1))
    for d in "0123456789":
        if luhn_ok(body + d):
            return body + d
    raise AssertionError


def bank_card() -> str:
    return luhn_complete(rng.choice(("622202", "622848", "621700", "621483", "436742", "621226", "623058")),
                         rng.choice((16, 19, 19)))


def mobile() -> str:
    return rng.choice(("139", "138", "137", "150", "151", "158", "186", "187", "176", "199", "133", "189")) + \
        "".join(str(rng.randint(0, 9)) for _ in range(8))


CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CODE_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code() -> str:
    body = rng.choice(("91", "12", "11", "52", "92")) + rng.choice(AREAS) + \
        "".join(rng.choice(CODE_CHARS) for _ in range(9))
    s = sum(CODE_CHARS.index(c) * w for c, w in zip(body, CODE_W))
    c = 31 - s % 31
    return body + CODE_CHARS[0 if c == 31 else c]


def digits(n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


NAMES = ("张某某", "李某", "王某某", "赵某", "陈某某", "刘某", "周某某", "吴某", "孙某某", "徐某")


def grouped(s: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, i = [], 0
    for n in sizes:
        parts.append(s[i:i + n])
        i += n
    if i < len(s):
        parts.append(s[i:])
    return sep.join(parts)


rows: list[dict] = []


def add(category: str, kind: str, text: str, target: str | None = None, suggestion: str | None = None) -> None:
    if target is not None:
        assert target in text, (target, text)
    rows.append({"id": f"{category}-{kind}-{len(rows):04d}", "category": category, "kind": kind,
                 "text": text, "target": target, "suggestion": suggestion})


# --- pii positives ---------------------------------------------------------------------
def pii_positives() -> None:
    for _ in range(3):
        n, i = rng.choice(NAMES), resident_id()
        add("pii", "positive", f"经审查，申请人{n}（身份证号码：{i}）提交的材料齐全，符合法定形式。", i)
        i = resident_id()
        add("pii", "positive", f"当事人：{n}，男，汉族，公民身份号码{i}，住址杭州市西湖区。", i)
        i = resident_id(want_x=True)
        add("pii", "positive", f"{n}，身份证：{i}，因未按规定办理相关手续，依法予以处罚。", i)
        i = resident_id()
        add("pii", "positive", f"| 序号 | 姓名 | 身份证号 | 补贴金额 |\n| 3 | {n} | {i} | 1200.00 |", i)
        i = resident_id()
        add("pii", "positive", f"拟录用人员公示：{n}，报考岗位综合管理，证件号码{i}，总成绩82.5分。", i)
        i = resident_id()
        s = grouped(i, (6, 8), " ")
        add("pii", "positive", f"被处罚人{n}身份证号 {s}，现住所为本县城关镇。", s)
        i = resident_id()
        s = grouped(i, (6, 8), "-")
        add("pii", "positive", f"受益人{n}，身份证号码{s}，与申请人系父子关系。", s)
        i = old_id()
        add("pii", "positive", f"原户籍登记的身份证号为{i}，已于2015年换领第二代居民身份证。", i)
        i = bad_id()
        add("pii", "positive", f"申请人{n}，身份证号：{i}，申请事项为最低生活保障。", i)
        i = bad_id()
        add("pii", "positive", f"经核查，{n}的居民身份证号码{i}登记信息与实际不符。", i)
        i = resident_id()
        add("pii", "positive", f"{n}{i}于2024年5月参加医保缴费，现予公示。", i)
    for _ in range(3):
        n = rng.choice(NAMES)
        m = mobile()
        add("pii", "positive", f"联系人：{n}，联系电话：{m}。", m)
        m = mobile()
        s = "+86 " + grouped(m, (3, 4), " ")
        add("pii", "positive", f"如有疑问，请联系{n}，手机 {s}。", s)
        m = mobile()
        s = "86-" + m
        add("pii", "positive", f"项目负责人{n}（{s}）负责现场协调工作。", s)
        m = mobile()
        s = grouped(m, (3, 4), "-")
        add("pii", "positive", f"举报人{n}，手机号码{s}，反映小区物业管理问题。", s)
        m = mobile()
        add("pii", "positive", f"| 姓名 | 性别 | 手机 |\n| {n} | 女 | {m} |", m)
        m = mobile()
        add("pii", "positive", f"中标单位项目经理{n}，电话{m}，请于5个工作日内到我局签订合同。", m)
        m = mobile()
        s = "+86" + m
        add("pii", "positive", f"本次活动报名请联系{n}{s}，名额有限。", s)
        c = bank_card()
        add("pii", "positive", f"补助资金将发放至{n}的银行卡号{c}，请注意查收。", c)
        c = bank_card()
        s = grouped(c, (4, 4, 4, 4), " ")
        add("pii", "positive", f"收款人：{n}，开户行：中国农业银行城关支行，账号：{s}。", s)
        c = bank_card()
        add("pii", "positive", f"退费将原路返还至{n}尾号账户（借记卡卡号{c}）。", c)
        c = bank_card()
        add("pii", "positive", f"{n}社保卡金融账号{c}已激活。", c)


# --- pii look-alikes --------------------------------------------------------------------
def pii_lookalikes() -> None:
    for _ in range(2):
        y = rng.randint(2018, 2025)
        add("pii", "lookalike", f"根据《关于进一步加强政务公开工作的通知》（浙政办发〔{y}〕{rng.randint(1, 60)}号）要求，现将有关事项通知如下。")
        add("pii", "lookalike", f"按照国办发〔2018〕123号文件精神，各地要加快推进政务服务“一网通办”。")
        add("pii", "lookalike", f"索引号：11330000002482170P/{y}-{rng.randint(10000, 99999)}，发布机构：省人民政府办公厅。")
        add("pii", "lookalike", f"索引号 {digits(9)}{rng.choice('PQXY')}/{y}-{rng.randint(100, 999):05d} 主题分类：综合政务")
        cc = credit_code()
        add("pii", "lookalike", f"中标单位：浙江某某建设有限公司，统一社会信用代码：{cc}，中标金额1234567.89元。")
        cc = credit_code()
        add("pii", "lookalike", f"行政相对人名称：杭州某某科技有限公司（统一社会信用代码{cc}），处罚决定日期：{y}年3月15日。")
        add("pii", "lookalike", f"本项目预算金额为{rng.randint(1000000, 99999999)}.{rng.randint(10, 99)}元，最高限价同预算金额。")
        add("pii", "lookalike", f"办公地址：杭州市省府路8号，邮政编码：310025，联系电话：0571-{digits(8)}，传真：0571-{digits(8)}。")
        add("pii", "lookalike", f"咨询电话：0571-{digits(8)}（工作日9:00—17:00），也可拨打12345政务服务便民热线。")
        add("pii", "lookalike", f"单位邮箱：bgs@zj.gov.cn，监督电话：(0571){digits(8)}。")
        add("pii", "lookalike", "办理时请携带本人居民身份证原件及复印件，委托他人办理的还需提供授权委托书。")
        add("pii", "lookalike", "申请人应当如实填写身份证号码、联系方式等信息，并对其真实性负责。")
        add("pii", "lookalike", f"案件编号：{digits(18)}，立案日期：{y}年6月2日，承办机构：执法大队。")
        add("pii", "lookalike", f"合同编号：{y}{digits(14)}，合同金额：{rng.randint(100000, 999999)}.00元。")
        add("pii", "lookalike", f"发票号码：{digits(20)}，开票日期：{y}年11月8日。")
        add("pii", "lookalike", f"订单号{digits(19)}已完成支付，请在政务服务网查询办理进度。")
        add("pii", "lookalike", f"合同编号{luhn_complete(str(y), 19)}的采购项目已完成验收。")
        add("pii", "lookalike", f"本书ISBN 978-7-{rng.randint(100, 599)}-{rng.randint(10000, 99999)}-{rng.randint(0, 9)}，由人民出版社出版。")
        add("pii", "lookalike", f"图书编号：ISBN {luhn_complete('9787', 13)}，定价48.00元。")
        add("pii", "lookalike", f"截至{y}年末，全省常住人口{rng.randint(10, 66)},{rng.randint(100, 999)},{rng.randint(100, 999)}人，比上年末增加{rng.randint(10, 99)}万人。")
        add("pii", "lookalike", f"全年实现地区生产总值{digits(11)}元，同比增长5.{rng.randint(1, 9)}%。")
        add("pii", "lookalike", f"本次公告发布时间为{y}{rng.randint(1, 12):02d}{rng.randint(10, 28)}，有效期30天。")
        add("pii", "lookalike", f"受理时间为{y}-0{rng.randint(1, 9)}-{rng.randint(10, 28)}至{y}-1{rng.randint(0, 2)}-{rng.randint(10, 28)}。")
        add("pii", "lookalike", f"不动产权证号：浙（{y}）杭州市不动产权第{rng.randint(1000000, 9999999)}号。")
        add("pii", "lookalike", f"（{y}）浙0106行初{rng.randint(100, 999)}号行政判决书已发生法律效力。")
        add("pii", "lookalike", f"营业执照注册号{digits(15)}，经营范围：软件开发、信息技术咨询服务。")
        add("pii", "lookalike", f"采购项目编号：ZJCG-{y}-{rng.randint(1000, 9999)}，采购方式：公开招标。")
        add("pii", "lookalike", f"收款单位：某某县财政局，开户银行：农业银行城关支行，账号：{digits(18)}。")


# --- secrecy ----------------------------------------------------------------------------
SECRECY_POS = (
    ("绝密★长期\n关于调整部分干部职务的通知", "绝密★长期"),
    ("机密★10年\n某某市人民政府办公室文件", "机密★10年"),
    ("秘密★6个月\n关于做好近期安全稳定工作的通知", "秘密★6个月"),
    ("秘密☆\n会议纪要（第12期）", "秘密☆"),
    ("机密*\n关于某某项目的情况报告", "机密*"),
    ("内部资料 注意保存\n2024年第三季度经济运行分析", "内部资料 注意保存"),
    ("内部文件 不得外传\n关于干部考察情况的报告", "内部文件 不得外传"),
    ("密级：机密\n签发人：王某某", "密级：机密"),
    ("密级：秘密  保密期限：1年\n关于防汛应急预案的修订说明", "密级：秘密"),
    ("000123  机密★5年  特急\n某某省人民政府文件", "机密★5年"),
    ("份号：000012\n秘密★1年\n关于召开全市安全生产工作会议的通知", "秘密★1年"),
    ("绝密★启用前\n2025年度公务员录用考试行政职业能力测验试卷", "绝密★启用前"),
    ("机密★2027年12月31日前\n关于某专项工作的请示", "机密★2027年12月31日前"),
    ("秘密\n关于重点人员稳控工作的通报", None),
    ("机密 ★ 10年\n关于机构编制调整的批复", "机密 ★ 10年"),
    ("秘密★\n关于核查有关问题线索的函", "秘密★"),
    ("绝密\n关于应急指挥调度的方案", None),
    ("（内部资料，注意保存）\n第23期工作简报", "内部资料，注意保存"),
    ("内部资料，请勿外传\n2024年全市信访形势分析", "内部资料，请勿外传"),
    ("此件为内部资料，仅供领导参阅，不得公开。", "内部资料"),
    ("本简报为内部资料，请妥善保管。", "内部资料"),
    ("密级：绝密★长期\n关于某专项行动的实施方案", "绝密★长期"),
    ("机密★1年 　　　　　　　　　　　　特急\n关于处置突发事件的紧急通知", "机密★1年"),
    ("秘密*3个月\n关于开展专项检查的通知", "秘密*3个月"),
    ("机密☆5年\n关于有关情况的汇报", "机密☆5年"),
    ("内部使用 注意保密\n全区经济普查初步数据", "内部使用 注意保密"),
    ("【秘密★6个月】关于近期舆情的分析报告", "秘密★6个月"),
    ("机密★10年　　关于某某同志问题的调查报告", "机密★10年"),
    ("绝密★20年\n关于军事设施保护区调整的通知", "绝密★20年"),
    ("秘密★2年\n关于开展审计整改“回头看”的通知", "秘密★2年"),
    ("机密★长期\n关于地质勘查成果的报告", "机密★长期"),
    ("秘密★ 6个月\n关于考试安全工作的通知", "秘密★ 6个月"),
    ("機密★10年\n關於某某工作的報告", "機密★10年"),
    ("机密★３年\n关于某某事项的报告", "机密★３年"),
    ("秘密★解密时间：2026年6月30日\n关于调整某项标准的通知", "秘密★解密时间"),
    ("内部文件，注意保密\n关于重点工程进度的通报", "内部文件，注意保密"),
    ("内部资料 严禁外传\n关于领导干部个人有关事项报告的抽查情况", "内部资料 严禁外传"),
    ("内部参考\n第5期 内部资料 注意保存", "内部资料 注意保存"),
    ("绝密★长期　★\n关于某某的决定", "绝密★长期"),
    ("机密★６个月\n关于某某问题处理意见的报告", "机密★６个月"),
)
SECRECY_LOOK = (
    "村民委员会选举实行无记名投票、公开计票的方法，选举人在投票时可以秘密写票。",
    "乡镇人民代表大会代表选举采取秘密选举方式，保障选民自由表达意愿。",
    "各单位要健全内部控制制度，加强对资金使用的监督管理。",
    "为加强行政事业单位内部控制建设，财政部印发了相关规范。",
    "系统应满足数据机密性、完整性和可用性要求，防止信息泄露。",
    "依法保护商业秘密，对侵犯商业秘密的行为依法予以查处。",
    "政府信息公开不得危及国家安全，涉及商业秘密、个人隐私的政府信息不予公开。",
    "《中华人民共和国保守国家秘密法》第十三条规定：国家秘密的密级分为绝密、机密、秘密三级。",
    "绝密级国家秘密是最重要的国家秘密，泄露会使国家安全和利益遭受特别严重的损害。",
    "机密级国家秘密是重要的国家秘密，泄露会使国家安全和利益遭受严重的损害。",
    "国家秘密的保密期限，除另有规定外，绝密级不超过三十年，机密级不超过二十年，秘密级不超过十年。",
    "局审计科负责组织开展内部审计工作，每年对下属单位进行一次审计。",
    "申请编印内部资料性出版物的，应当向所在地省级出版行政部门申领《内部资料性出版物准印证》。",
    "依据《内部资料性出版物管理办法》，内部资料性出版物不得在社会上发行。",
    "认真落实保密工作责任制，加强涉密人员管理和保密教育培训。",
    "严禁在互联网计算机上存储、处理涉密信息，严防失泄密事件发生。",
    "本次培训邀请市保密局同志讲解《保守国家秘密法》主要内容。",
    "该企业生产的产品包括机密封件、阀门等工业零部件。",
    "全镇共有内部道路12条，已全部完成硬化改造。",
    "会议强调，要加强内部管理，完善内部监督机制。",
    "为充分发挥内部审计监督作用，制定本实施办法。",
    "市场监管部门加大对侵犯商业秘密违法行为的打击力度，全年办结相关案件15件。",
    "定密责任人负责本机关、本单位的国家秘密确定、变更和解除工作。",
    "2024年度全市机关单位共完成密级文件清理3200余份，未发生泄密事件。",
    "秘密选举原则是我国选举制度的一项基本原则。",
    "重点加强对企业内部控制评价报告的审核。",
    "他揭开了这片古老村落的秘密，吸引了大批游客前来观光。",
    "本馆藏有一批内部资料性出版物，供研究人员查阅。",
)


# --- banned -----------------------------------------------------------------------------
BANNED_POS = (
    ("社区为辖区内的残废人免费发放轮椅等辅助器具。", "残废人"),
    ("志愿者定期为社区的瞎子读报，帮助他们了解时事。", "瞎子"),
    ("学校为聋子学生开设了手语课程。", "聋子"),
    ("该机构长期为弱智儿童提供康复训练服务。", "弱智"),
    ("北朝鲜代表团一行访问了我市经济技术开发区。", "北朝鲜"),
    ("我省与中东部分穆斯林国家在能源领域开展合作。", "穆斯林国家"),
    ("该村维族群众积极参与庭院经济建设。", "维族"),
    ("蒙族牧民通过发展乡村旅游实现增收。", "蒙族"),
    ("中港两地海关加强协作，便利跨境货物通关。", "中港"),
    ("中台两地民间交流日益密切。", "中台"),
    ("来自两岸三地的专家学者齐聚一堂。", "两岸三地"),
    ("展览把1949年后的台湾当局称为中华民国政府，应予纠正。", "中华民国"),
    ("香港政府相关部门负责人出席了签约仪式。", "香港政府"),
    ("村长带领村民修建了灌溉水渠。", "村长"),
    ("解放前，这里是一片荒滩。", "解放前"),
    ("他曾赴前苏联留学，回国后从事机械制造研究。", "前苏联"),
    ("积极融入“一带一路”战略，推动企业走出去。", "“一带一路”战略"),
    ("中共浙江省省委书记出席会议并讲话。", "省省委书记"),
    ("台湾“总统”选举结果出炉后，国台办发言人答记者问。", "台湾“总统”"),
    # full/half width, traditional, noise
    ("據悉，北朝鮮方面已作出回應。", "北朝鮮"),
    ("對殘廢人家庭給予臨時救助。", "殘廢人"),
    ("兩岸三地青少年交流活动在我市举行。", "兩岸三地"),
    ("他早年留學前蘇聯，專攻冶金。", "前蘇聯"),
    ("研討會資料中出現了台灣的中華民國政府字樣。", "中華民國"),
    ("會見了香港政府代表團。", "香港政府"),
    ("北*朝*鲜近日举行了阅兵活动。", "北*朝*鲜"),
    ("有网民发帖称北 朝 鲜局势紧张。", "北 朝 鲜"),
    ("帖子中出现了“残-废-人”等不当称谓。", "残-废-人"),
    ("文章使用了两/岸/三/地的说法。", "两/岸/三/地"),
    ("报道中把当地居民称为“维 族”。", "维 族"),
    ("他出生于解 放 前的一个贫苦农民家庭。", "解 放 前"),
    ("积极参与\"一带一路\"战略建设。", "\"一带一路\"战略"),
    ("推动\u201c一带一路\u201d战略走深走实。", "\u201c一带一路\u201d战略"),
    ("主动对接＂一带一路＂战略，拓展国际市场。", "＂一带一路＂战略"),
    ("加强与北朝鲜的边境贸易管理。", "北朝鲜"),
    ("社区残废人专职委员入户走访。", "残废人"),
    ("针对弱智人士的就业帮扶政策正在制定。", "弱智"),
    ("前苏联解体后，双边贸易一度下滑。", "前苏联"),
    ("该村村长被评为优秀基层干部。", "村长"),
    ("他在解放前就参加了革命工作。", "解放前"),
    ("香港政府宣布推出新一轮纾困措施。", "香港政府"),
    ("北·朝·鲜方面对此未予置评。", "北·朝·鲜"),
    ("北_朝_鲜", "北_朝_鲜"),
    ("网络上“北\u200b朝\u200b鲜”的说法应予纠正。", "北\u200b朝\u200b鲜"),
    ("中港合作项目签约仪式在深圳举行。", "中港"),
    ("推进中台经贸交流合作。", "中台"),
    ("两岸三地的企业家出席论坛。", "两岸三地"),
    ("中共江苏省省委书记会见了代表团。", "省省委书记"),
)
BANNED_LOOK = (
    "延边朝鲜族自治州大力发展特色农业，推动乡村振兴。",
    "朝鲜族传统节日活动在州府所在地隆重举行。",
    "建立健全农村长效管护机制，巩固人居环境整治成果。",
    "全村长期坚持“五水共治”，水环境质量持续改善。",
    "推进数据中台、业务中台建设，提升数字政府支撑能力。",
    "依托省一体化智能化公共数据平台技术中台，实现数据共享。",
    "思想大解放前所未有，改革开放取得巨大成就。",
    "他曾在解放前线采访，留下了大量珍贵的战地报道。",
    "镇村长效保洁机制全面建立。",
    "维吾尔族、蒙古族等少数民族群众欢度佳节。",
    "残疾人、盲人、聋人和智力障碍者的合法权益依法受到保护。",
    "新中国成立前，这里交通闭塞，群众生活困难。",
    "他1952年赴苏联留学，回国后长期从事科研工作。",
    "积极参与共建“一带一路”倡议，深化国际产能合作。",
    "香港特区政府相关部门负责人出席活动。",
    "村委会主任带领村民发展特色产业。",
    "中共浙江省委书记主持召开座谈会。",
    "朝鲜半岛局势总体保持稳定。",
    "内地与香港、大陆与台湾的经贸往来持续增长。",
    "该村长期存在的饮水困难问题得到解决。",
    "加强农村长效机制建设。",
    "青岛港集团中港分公司完成年度吞吐量目标。",
    "推进村级“三资”管理，乡村长远发展有了保障。",
)


# --- formulations -----------------------------------------------------------------------
FORMULATIONS = (
    "习近平新时代中国特色社会主义思想", "以习近平同志为核心的党中央", "两个确立", "两个维护",
    "四个意识", "四个自信", "“五位一体”总体布局", "“四个全面”战略布局", "新发展理念",
    "“两个一百年”奋斗目标", "全面建成小康社会", "全面建设社会主义现代化国家", "中央八项规定",
    "党史学习教育", "全面从严治党", "坚持和加强党的全面领导", "“一带一路”倡议", "不忘初心、牢记使命",
    "中国特色社会主义", "中华民族伟大复兴", "扫黑除恶专项斗争", "中华人民共和国", "省（区、市）",
    "县（市、区）", "香港特别行政区政府", "香港特别行政区行政长官", "台湾地区领导人", "社会主义核心价值观",
    "以人民为中心的发展思想", "人类命运共同体", "中国式现代化", "全过程人民民主", "铸牢中华民族共同体意识",
    "构建新发展格局", "高质量发展", "乡村振兴战略",
)
FRAMES = (
    "会议强调，要深入学习领会{X}的重大意义，切实把思想和行动统一起来。",
    "各级党组织要坚持以{X}为指引，扎实推进各项工作落地见效。",
    "局党组召开专题会议，研究部署贯彻落实{X}的具体举措。",
    "通过专题讲座、集中研讨等形式，引导党员干部深刻理解{X}。",
    "《实施方案》围绕{X}提出了12项重点任务。",
    "该同志始终坚持{X}，在本职岗位上作出了积极贡献。",
)
POOL = "的一是了不在人有我他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长"


def variants(form: str) -> list[tuple[str, str]]:
    """One-edit variants (kind, text) inside the letters of a formulation; edits avoid the
    quotation marks and punctuation, which are not what a typo changes."""
    idx = [i for i, c in enumerate(form) if "\u4e00" <= c <= "\u9fff"]
    out: list[tuple[str, str]] = []
    i = rng.choice(idx)
    sub = rng.choice([c for c in POOL if c != form[i]])
    out.append(("substitute", form[:i] + sub + form[i + 1:]))
    pairs = [j for j in idx[:-1] if j + 1 in idx and form[j] != form[j + 1]]
    if pairs:
        j = rng.choice(pairs)
        out.append(("swap", form[:j] + form[j + 1] + form[j] + form[j + 2:]))
    if len(idx) >= 5:
        inner = idx[1:-1]
        k = rng.choice(inner)
        out.append(("delete", form[:k] + form[k + 1:]))
        k = rng.choice(inner)
        out.append(("insert", form[:k] + rng.choice(POOL) + form[k:]))
        i = rng.choice(idx)
        sub = rng.choice([c for c in POOL if c != form[i]])
        out.append(("substitute", form[:i] + sub + form[i + 1:]))
    return out


NEAR_LEGIT = (
    "根据《中华人民共和国宪法》和有关法律规定，制定本条例。",
    "中华人民共和国国务院令第711号公布《中华人民共和国政府信息公开条例》。",
    "到本世纪中叶把我国建成富强民主文明和谐美丽的社会主义现代化强国，全面建成社会主义现代化强国。",
    "党的十六大提出全面建设小康社会的奋斗目标。",
    "坚持全面从严治警，锻造忠诚干净担当的公安铁军。",
    "深入开展党纪学习教育，推动党员干部学纪知纪明纪守纪。",
    "坚持全面从严治检，加强检察队伍建设。",
    "培育和践行社会主义核心价值观，巩固社会主义核心价值体系。",
    "推动构建人类卫生健康共同体，积极参与全球卫生治理。",
    "坚持和发展中国特色社会主义制度，推进国家治理体系和治理能力现代化。",
    "全面贯彻新发展理念，加快构建新发展格局，着力推动高质量发展。",
    "以中国式现代化全面推进中华民族伟大复兴。",
    "实施乡村振兴战略规划，编制县域乡村振兴规划。",
    "扎实开展学习贯彻习近平新时代中国特色社会主义思想主题教育。",
    "中华人民共和国成立75周年之际，全市举行了系列庆祝活动。",
    "香港特别行政区政府财政司司长出席了论坛开幕式。",
    "深入贯彻中央八项规定精神，驰而不息纠治“四风”。",
    "开展扫黑除恶斗争常态化工作，建立健全长效机制。",
    "牢固树立“四个意识”，坚定“四个自信”，做到“两个维护”。",
    "深刻领悟“两个确立”的决定性意义。",
    "中国特色社会主义进入新时代，我国发展站在新的历史起点上。",
    "全面建设社会主义现代化国家开局起步良好。",
    "全面建成小康社会取得伟大历史性成就。",
    "不忘初心、牢记使命，以优异成绩迎接建党105周年。",
    "坚持以人民为中心的发展思想，着力解决群众急难愁盼问题。",
)


def formulation_cases() -> None:
    for form in FORMULATIONS:
        frames = rng.sample(FRAMES, 3)
        add("formulation", "lookalike", frames[0].replace("{X}", form))
        for (kind, v), frame in zip(variants(form), rng.sample(FRAMES * 2, 6)):
            if v == form or v in FORMULATIONS:
                continue
            add("formulation", "positive", frame.replace("{X}", v), v, form)
    for s in NEAR_LEGIT:
        add("formulation", "lookalike", s)
    # the classic punctuation variant and real inspection cases
    for v, form in (("不忘初心，牢记使命", "不忘初心、牢记使命"), ("中共人民共和国", "中华人民共和国"),
                    ("中华人民共合国", "中华人民共和国"), ("以习近平同志为核心的党中间", "以习近平同志为核心的党中央")):
        add("formulation", "positive", f"全体干部职工要牢记{v}的要求，立足岗位建功立业。", v, form)


# --- clean prose ------------------------------------------------------------------------
ORGS = ("市发展和改革委员会", "县人力资源和社会保障局", "区市场监督管理局", "市自然资源和规划局", "县农业农村局",
        "市生态环境局", "区卫生健康委员会", "市住房和城乡建设局", "县教育局", "市交通运输局", "区应急管理局",
        "市民政局", "县财政局", "市文化广电旅游局", "区司法局", "市数据资源管理局", "县水利局", "市商务局")
PLACES = ("城关镇", "临江街道", "青山乡", "东湖街道", "新塘镇", "白沙村", "高新区", "经济开发区", "南湖社区", "五里铺村")
TOPICS = ("安全生产", "营商环境优化", "农村人居环境整治", "政务公开", "防汛防台", "食品安全", "就业创业",
          "垃圾分类", "老旧小区改造", "数字政府建设", "耕地保护", "消防安全", "校园安全", "医疗保障")
CLEAN = (
    "为深入贯彻落实党中央、国务院决策部署，进一步做好{T}工作，现将有关事项通知如下。",
    "{O}召开专题会议，研究部署{T}工作，会议由局主要负责同志主持。",
    "{Y}年{M}月{D}日，{O}组织召开全市{T}工作推进会，总结前期工作，部署下一阶段任务。",
    "各乡镇（街道）、各有关单位要高度重视，加强组织领导，明确责任分工，确保各项工作落到实处。",
    "截至{Y}年{M}月底，全市累计完成投资{N}亿元，占年度计划的{P}%。",
    "{P0}是坚持问题导向，聚焦群众反映强烈的突出问题，建立问题清单、任务清单和责任清单。",
    "{P}名工作人员分成{K}个小组，深入{L}开展实地走访，收集意见建议{N}条。",
    "下一步，{O}将持续巩固工作成效，不断完善长效机制，推动{T}工作取得新进展。",
    "本通知自印发之日起施行，由{O}负责解释。",
    "对在检查中发现的问题，要建立台账，明确整改时限，实行销号管理。",
    "{L}积极探索{T}新模式，通过“党建引领+网格治理”，有效提升了基层治理效能。",
    "根据《中华人民共和国政府信息公开条例》规定，现将{O}{Y}年度政府信息公开工作情况报告如下。",
    "{Y}年，本机关共收到政府信息公开申请{K}件，全部按时答复，未发生行政复议和行政诉讼案件。",
    "全年主动公开政府信息{N}条，其中规范性文件{K}件，政策解读材料{P}篇。",
    "通过政府网站、政务新媒体等渠道及时发布权威信息，回应社会关切。",
    "经研究，决定对{L}等{K}个单位予以通报表扬。",
    "{O}按照“双随机、一公开”要求，对辖区内{N}家企业开展了监督检查。",
    "检查发现，部分企业存在安全管理制度不健全、隐患排查不彻底等问题，已责令限期整改。",
    "本次招标采用公开招标方式，欢迎符合条件的供应商参加投标。",
    "投标人应当具备独立承担民事责任的能力，具有良好的商业信誉和健全的财务会计制度。",
    "投标文件递交截止时间为{Y}年{M}月{D}日9时30分，逾期送达的投标文件不予受理。",
    "经{O}党组研究，决定任命：某某某同志为办公室主任，试用期一年。",
    "以上同志的任职时间从{Y}年{M}月{D}日起计算。",
    "当事人的上述行为违反了《中华人民共和国食品安全法》第三十四条第一项的规定。",
    "依据《中华人民共和国行政处罚法》第三十二条规定，对当事人从轻处罚。",
    "当事人如对本处罚决定不服，可在收到本决定书之日起六十日内申请行政复议，或者在六个月内依法提起行政诉讼。",
    "该政策的出台，旨在进一步减轻企业负担，激发市场主体活力。",
    "问：哪些对象可以享受本次补贴政策？答：在本市登记注册并依法纳税的中小微企业均可申请。",
    "申请材料包括申请表、营业执照复印件及相关证明材料，通过政务服务网在线提交。",
    "补贴资金实行先申报、后审核、再拨付的方式，审核结果将在政府门户网站公示{K}个工作日。",
    "近年来，{L}坚持生态优先、绿色发展，走出了一条生态美、产业兴、百姓富的发展之路。",
    "全区开展应急演练{K}次，参与群众{N}人次，进一步提高了群众的安全意识和自救互救能力。",
    "会议指出，今年以来全市经济运行总体平稳、稳中有进，主要指标好于预期。",
    "会议要求，要紧盯全年目标任务，加压奋进，确保完成各项目标任务。",
    "{O}将进一步加大政策宣传力度，切实提高群众知晓率和满意度。",
    "全市城镇新增就业{N}人，城镇调查失业率控制在{P0s}以内。",
    "着力推进义务教育优质均衡发展，新建、改扩建中小学校{K}所，新增学位{N}个。",
    "持续深化“最多跑一次”改革，{K}项政务服务事项实现“一网通办”。",
    "完成农村公路提升改造{K}公里，实现具备条件的建制村通双车道公路。",
    "开展重点行业领域安全生产专项整治，排查整改隐患{N}处。",
    "组织开展{T}宣传月活动，发放宣传资料{N}份，受众群众{K}万余人。",
    "本项目建设内容包括道路、给排水、绿化、照明等配套工程，计划工期{K}个月。",
    "公示期间，如有异议，请以书面形式向{O}反映，反映问题应实事求是。",
    "为保障群众生命财产安全，{L}组织力量对辖区内的危旧房屋进行了全面排查。",
    "居民可通过“浙里办”应用程序查询办理进度，办结后将以短信方式告知结果。",
    "据统计，今年以来全区共受理群众来信来访{N}件次，按期办结率达到{P}%。",
    "加强财政资金绩效管理，对{K}个重点项目开展绩效评价，评价结果作为预算安排的重要依据。",
    "认真落实河长制、湖长制，全面完成河道清淤{K}公里。",
    "坚持节约优先、保护优先、自然恢复为主的方针，全面加强生态环境保护。",
    "{O}联合公安、消防等部门，对人员密集场所开展联合执法检查。",
    "本次活动由{O}主办，{L}承办，吸引了众多市民前来参观。",
    "各地要加强统筹协调，形成工作合力，不断提升{T}工作的规范化、精细化水平。",
    "对工作不力、推诿扯皮的，将严肃追究相关人员责任。",
    "现将《{Y}年{T}工作要点》印发给你们，请结合实际认真贯彻执行。",
    "结合本地实际，制定如下实施方案。",
    "报名时间：{Y}年{M}月{D}日至{M2}月{D}日，报名方式为网上报名。",
    "笔试成绩、面试成绩均按百分制计算，总成绩按笔试成绩占50%、面试成绩占50%计算。",
    "体检工作由招聘单位组织实施，体检标准参照公务员录用体检通用标准执行。",
    "{L}党委高度重视，成立了由主要负责同志任组长的工作领导小组。",
    "针对群众反映的停车难问题，新增公共停车泊位{N}个。",
    "全面落实减税降费政策，全年为市场主体减负{N}万元。",
    "加大困难群众救助力度，发放各类救助资金{N}万元，惠及群众{K}千余人。",
    "推进养老服务体系建设，新建居家养老服务中心{K}个。",
    "{O}坚持以案促改，召开警示教育大会，持续释放越往后越严的强烈信号。",
)


def clean_text() -> None:
    seen = set()
    while sum(len(r["text"]) for r in rows if r["kind"] == "clean") < 24000:
        t = rng.choice(CLEAN)
        month = rng.randint(1, 11)
        s = (t.replace("{O}", rng.choice(ORGS)).replace("{L}", rng.choice(PLACES)).replace("{T}", rng.choice(TOPICS))
             .replace("{Y}", str(rng.randint(2021, 2025))).replace("{M2}", str(month + 1)).replace("{M}", str(month))
             .replace("{D}", str(rng.randint(1, 28))).replace("{N}", str(rng.randint(120, 98000)))
             .replace("{P0s}", f"{rng.randint(3, 5)}.{rng.randint(1, 9)}%").replace("{P0}", rng.choice("一二三四"))
             .replace("{P}", str(rng.randint(12, 99))).replace("{K}", str(rng.randint(2, 60))))
        if s in seen:
            continue
        seen.add(s)
        add("clean", "clean", s)


def main() -> None:
    pii_positives()
    pii_lookalikes()
    for text, target in SECRECY_POS:
        add("secrecy", "positive", text, target or text.split("\n")[0])
    for text in SECRECY_LOOK:
        add("secrecy", "lookalike", text)
    for text, target in BANNED_POS:
        add("banned", "positive", text, target)
    for text in BANNED_LOOK:
        add("banned", "lookalike", text)
    formulation_cases()
    clean_text()
    with OUT.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    counts: dict[tuple[str, str], int] = {}
    for r in rows:
        counts[(r["category"], r["kind"])] = counts.get((r["category"], r["kind"]), 0) + 1
    print(len(rows), counts)


# --- round 2: written after the first fixes, to check they generalise -------------------------
OUT2 = Path(__file__).with_name("heldout_r2.jsonl")
FULL = {ord(c): ord(c) + 0xFEE0 for c in "0123456789X"}

FORMULATIONS_R2 = (
    "中国共产党第二十次全国代表大会", "全国人民代表大会常务委员会", "中国人民政治协商会议", "中央全面深化改革委员会",
    "绿水青山就是金山银山", "人与自然和谐共生的现代化", "国家治理体系和治理能力现代化", "共同富裕",
    "粤港澳大湾区", "长江三角洲区域一体化发展", "京津冀协同发展", "两个毫不动摇", "总体国家安全观",
    "全面依法治国", "伟大建党精神", "马克思列宁主义", "毛泽东思想", "邓小平理论", "“三个代表”重要思想",
    "科学发展观", "中国共产党章程", "中华人民共和国宪法", "全国人民代表大会", "中央纪委国家监委",
    "习近平生态文明思想", "习近平法治思想", "习近平强军思想", "习近平外交思想", "习近平经济思想",
)
FRAMES_R2 = (
    "近日，{O}党组理论学习中心组围绕{X}开展专题学习。",
    "文章指出，{X}是新时代做好各项工作的重要遵循。",
    "全体参会人员表示，将把{X}贯穿工作全过程、各方面。",
    "本期“学习园地”栏目刊发了关于{X}的辅导文章。",
)


def r2_rows() -> list[dict]:
    global rows
    saved, rows = rows, []
    # pii in new shapes
    for _ in range(4):
        n = rng.choice(NAMES)
        i = resident_id()
        add("pii", "positive", f"{n}（身份证号{i.translate(FULL)}）已领取补助。", i.translate(FULL))
        i = resident_id(want_x=True).replace("X", "x")
        add("pii", "positive", f"乙方：{n}，身份证号码：{i}。", i)
        i = resident_id()
        add("pii", "positive", f"经查，{n}（{i}）于2023年8月在本镇经营餐饮店。", i)
        i = resident_id()
        add("pii", "positive", f"{i}\t{n}\t城关镇\t低保", i)
        m = mobile()
        add("pii", "positive", f"{n}\t{m.translate(FULL)}\t新塘镇", m.translate(FULL))
        m = mobile()
        s = f"{m[:3]}－{m[3:7]}－{m[7:]}"
        add("pii", "positive", f"请{n}同志于本周内与我们联系（手机：{s}）。", s)
        m = mobile()
        add("pii", "positive", f"报名咨询：{n}老师 {m}", m)
        c = bank_card()
        add("pii", "positive", f"请将款项转入{n}的个人账户，卡号：{c}。", c)
        c = bank_card()
        add("pii", "positive", f"{n}，农商银行，{c}（银行卡）", c)
        i = bad_id()
        add("pii", "positive", f"公民身份号码：{i}（经核，该号码录入有误）", i)
        # look-alikes
        add("pii", "lookalike", f"电子税务局受理编号{digits(18)}，请妥善保存。")
        add("pii", "lookalike", f"快递单号：{digits(15)}，寄件时间：2024年5月6日。")
        add("pii", "lookalike", f"项目代码：2401-330106-04-01-{rng.randint(100000, 999999)}，建设地点：城关镇。")
        add("pii", "lookalike", f"本年度财政总收入{digits(11)}元，一般公共预算收入{digits(10)}元。")
        add("pii", "lookalike", f"许可证编号：JY{digits(14)}，有效期至2028年12月31日。")
        add("pii", "lookalike", f"信用代码{credit_code()}的企业已被移出经营异常名录。")
        add("pii", "lookalike", f"政务服务热线：0571-12345，投诉电话：96315，服务监督电话：0571-{digits(8)}。")
        add("pii", "lookalike", f"全市共有人口{rng.randint(100, 999)}万，其中户籍人口{digits(7)}人。")
    # secrecy in new shapes
    for text, target in (
        ("机密★十年\n关于某事项的通报", "机密★十年"), ("秘密★三个月\n关于某工作的意见", "秘密★三个月"),
        ("绝密★30年\n某某方案", "绝密★30年"), ("密级 秘密\n关于某事项的请示", "密级 秘密"),
        ("【机密】关于某某工作的情况汇报", "【机密】"), ("秘密级  ★1年\n某某通知", "秘密级  ★1年"),
        ("本文件属内部资料，严禁上网。", "内部资料"), ("（此件不公开）\n关于某某的通知", "此件不公开"),
        ("秘密★5年　特急\n关于某某的紧急通知", "秘密★5年"), ("机密★启用前\n2025年中考数学试卷", "机密★启用前"),
    ):
        add("secrecy", "positive", text, target)
    for text in (
        "本条例所称国家秘密是指关系国家安全和利益，依照法定程序确定的事项。",
        "商业秘密权利人可以依法申请诉前禁令。", "加强对涉密载体的全生命周期管理。",
        "推动企业建立健全内部控制与风险管理体系。", "会议听取了内部审计整改情况汇报。",
        "保密期限届满的，自行解密。", "该软件具有数据加密与机密性保护功能。",
        "选举采用秘密投票的方式进行。", "依法保护当事人的隐私和商业秘密。",
        "本单位未发生失泄密事件，保密自查工作扎实开展。",
    ):
        add("secrecy", "lookalike", text)
    # banned in new shapes
    for text, target in (
        ("網民把北朝鮮稱為“隱士王國”。", "北朝鮮"), ("志愿者帮助瞎 子过马路。", "瞎 子"),
        ("该社团专门服务残废军人。", "残废"), ("中港 两地加强合作。", "中港 两地"),
        ("他是前·苏·联时期的劳动模范。", "前·苏·联"), ("推进“一带一路”战略实施。", "“一带一路”战略"),
        ("香港政府的有关官员出席。", "香港政府"), ("参观两岸 三地青年创业成果展。", "两岸 三地"),
        ("蒙族青年在那达慕大会上表演摔跤。", "蒙族"), ("维族姑娘表演了传统舞蹈。", "维族"),
        ("台湾总统府发言人表示。", "台湾总统"), ("救助聋子儿童12名。", "聋子"),
    ):
        add("banned", "positive", text, target)
    for text in (
        "南湖村长廊改造工程已完工。", "我们要坚持农村长远发展思路。", "全力打造数字乡村中台。",
        "该同志是朝鲜族干部。", "加强香港特别行政区政府与内地的合作。", "苏联解体后，双边贸易一度下滑。",
        "新中国成立前夕，他参加了地下工作。", "盲人按摩师培训班开班。", "全乡村长效管护机制已经建立。",
    ):
        add("banned", "lookalike", text)
    # formulations not in DOMAIN §6
    for form in FORMULATIONS_R2:
        add("formulation", "lookalike", rng.choice(FRAMES_R2).replace("{O}", rng.choice(ORGS)).replace("{X}", form))
        for kind, v in variants(form):
            if v == form:
                continue
            add("formulation", "positive", rng.choice(FRAMES_R2).replace("{O}", rng.choice(ORGS)).replace("{X}", v), v, form)
    out, rows = rows, saved
    return out


def main_r2() -> None:
    out = r2_rows()
    with OUT2.open("w", encoding="utf-8") as fh:
        for r in out:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(len(out), "round-2 rows")


if __name__ == "__main__":
    main()
    main_r2()
