"""Clean official text and planted content for the benchmarks (not tests).

Clean text: the right column of ../shared/data/ecspell/odw.train.tsv plus the sentences below,
written for this harness in the style of government notices. Planted content is generated with
a seeded random source so a tuning run and a held-out run can use different seeds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ODW = Path(__file__).resolve().parents[2] / "shared" / "data" / "ecspell" / "odw.train.tsv"

OWN_SENTENCES = """
为深入贯彻落实党中央、国务院决策部署，进一步优化营商环境，现就有关事项通知如下。
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
根据《中华人民共和国政府信息公开条例》第十九条规定，现将我局2024年政府信息公开工作年度报告予以公布。
本办法自2024年1月1日起施行，原《某某市城市管理办法》（某政发〔2019〕12号）同时废止。
索引号：11370000MB28523545/2024-01234，发文机关：某某市人民政府办公室。
联系电话：0531-86012345，传真：0531-86012346，邮政编码：250011。
办公电话010-12345678，电子邮箱：bgs@example.gov.cn。
统一社会信用代码：91110000802100433B，法定代表人：王某。
全年完成地区生产总值3.45亿元，同比增长6.8%，其中第三产业增加值占比达到52.3%。
会议强调，要坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神。
各级党组织要深刻领悟“两个确立”的决定性意义，增强“四个意识”、坚定“四个自信”、做到“两个维护”。
要完整、准确、全面贯彻新发展理念，加快构建新发展格局，着力推动高质量发展。
持续深化“放管服”改革，打造市场化、法治化、国际化一流营商环境。
扎实推进乡村振兴，巩固拓展脱贫攻坚成果同乡村振兴有效衔接。
坚持以人民为中心的发展思想，着力解决群众急难愁盼问题。
严格落实中央八项规定精神，持之以恒纠治“四风”。
本次抽查共涉及企业120家，发现问题线索35条，已全部移交相关部门处理。
请各单位于2024年3月15日前将报名表报送至市人力资源和社会保障局。
申报截止日期为2024年6月30日，逾期不予受理。
截至2023年底，全市累计建成5G基站1.2万个，实现乡镇以上区域全覆盖。
市应急管理局、市生态环境局、市交通运输局按职责分工负责。
市科学技术局牵头组织实施科技创新专项，每个项目资助不超过50万元。
该项目总投资约2.6亿元，计划于2025年12月建成投用。
会议采取无记名投票方式进行秘密选举，选举产生新一届委员会。
企业应当建立健全内部控制制度，加强内部审计监督。
依法保护商业秘密和个人隐私，维护信息系统的机密性、完整性和可用性。
国家秘密的密级分为绝密、机密、秘密三级。
加强内部资料性出版物管理，规范印刷发行秩序。
订单编号202401011234567890已完成支付，请注意查收。
《关于进一步加强安全生产工作的通知》《安全生产责任制考核办法》同时印发。
坚持和完善人民代表大会制度，支持和保证人民通过人民代表大会行使国家权力。
全国人民代表大会常务委员会第十次会议审议通过了该法律草案。
十三届全国人大一次会议选举产生了新一届国家机构领导人员。
市政府第三季度常务会议研究部署了防汛抗旱工作。
本通知由市发展和改革委员会负责解释。
请于每周一至周五上午9:00—12:00、下午14:00—17:30到窗口办理。
举报电话：12345，举报邮箱：jubao@example.gov.cn。
政务服务中心地址：某某市某某区人民路100号，邮编100010。
2024年一季度，全市规模以上工业增加值同比增长7.1%。
健全共建共治共享的社会治理制度，提升社会治理效能。
推进国家治理体系和治理能力现代化，全面推进依法治国。
开展“我为群众办实事”实践活动，切实解决群众反映强烈的突出问题。
全面加强基础设施建设，构建现代化基础设施体系。
要统筹发展和安全，守住不发生系统性风险的底线。
对违反规定的，依法依规追究相关责任人的责任。
加快发展新质生产力，扎实推进科技自立自强。
推动长江经济带发展、黄河流域生态保护和高质量发展。
健全生态环境保护督察制度，持续打好蓝天、碧水、净土保卫战。
区县人民政府及其有关部门应当加强对食品安全工作的监督管理。
实施科教兴国战略、人才强国战略、创新驱动发展战略。
深入实施区域协调发展战略、区域重大战略、主体功能区战略。
加强社会主义精神文明建设，培育和践行社会主义核心价值观。
国家统计局发布数据显示，居民消费价格指数同比上涨0.2%。
省税务局、省市场监管局联合开展专项检查。
建立健全县（市、区）、乡镇（街道）、村（社区）三级服务网络。
各省（区、市）要结合实际制定具体实施方案。
香港特别行政区政府和澳门特别行政区政府积极参与粤港澳大湾区建设。
坚定不移推进全面从严治党，深入推进党风廉政建设和反腐败斗争。
全年累计发放创业担保贷款8500万元，扶持创业1200人。
本市最低工资标准调整为每月2420元，小时最低工资标准为22元。
项目资金实行专户管理，专款专用，任何单位和个人不得截留、挤占、挪用。
合同编号HT2024-0158，合同金额人民币126.5万元。
经审核，拟确定以下15家单位为2024年度市级示范单位，现予公示。
公示期为2024年5月6日至5月10日，共5个工作日。
如有异议，请在公示期内以书面形式向市工业和信息化局反映。
全市共有各级各类学校1350所，在校学生86.2万人。
"""


def own_sentences() -> list[str]:
    return [s.strip() for s in OWN_SENTENCES.strip().splitlines() if s.strip()]


def odw_clean() -> list[str]:
    rows = [line.rstrip("\n").split("\t") for line in ODW.read_text(encoding="utf-8").splitlines()]
    return sorted({r[2] for r in rows if len(r) == 3})


def clean_sentences() -> list[str]:
    return odw_clean() + own_sentences()


# --- generated identifiers -------------------------------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
AREAS = ("110105", "310104", "440305", "510107", "370102", "420106", "330106", "610113", "210102", "500103")


def resident_id(rng: random.Random) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
    body = rng.choice(AREAS) + born.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    total = sum(int(c) * w for c, w in zip(body, ID_WEIGHTS))
    return body + "10X98765432"[total % 11]


def mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def luhn_complete(body: str) -> str:
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def bank_card(rng: random.Random) -> str:
    prefix = rng.choice(("622202", "622848", "621700", "622588", "436742", "625965"))
    length = rng.choice((16, 19))
    return luhn_complete(prefix + "".join(rng.choice("0123456789") for _ in range(length - 7)))


@dataclass(frozen=True)
class Planted:
    text: str
    category: str  # the category that must report it, or "" for a look-alike that must not
    start: int
    end: int


def plant(rng: random.Random, sentence: str, snippet: str, category: str) -> Planted:
    """Put ``snippet`` at a clause boundary of ``sentence`` (or at its start)."""
    cuts = [i + 1 for i, c in enumerate(sentence) if c in "，；：。"] or [0]
    at = rng.choice(cuts[:-1] or [0])
    text = sentence[:at] + snippet + sentence[at:]
    return Planted(text, category, at, at + len(snippet))
