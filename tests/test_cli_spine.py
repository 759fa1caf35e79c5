"""Issue 2's Done-means, walked through the CLI on a fresh data directory (SQLite, or PostgreSQL)."""

from __future__ import annotations

import pytest

from sanshen.service import drafts
from sanshen.service.users import authenticate_token
from storage.db import make_engine
from tests.attachment_files import xlsx_file
from tests.cast import PEOPLE, SIGNERS
from tests.flows_support import tamper_audit_row
from tests.team import CLEAN_BODY, ID_NUMBER, open_context, settle

pytestmark = pytest.mark.db


def test_walk_from_submission_to_the_static_site(cli):
    draft = cli.submit()
    assert set(draft) >= {"id", "revision", "content_hash", "status", "findings"}
    did, digest = draft["id"], draft["content_hash"]
    who_sees = {name for name in PEOPLE if (did, "一校") in cli.queue(name)}
    assert who_sees == {"jiao1", "jiao2", "jiao3"}

    cli("sign", str(did), who="bian", code=1)  # the author signs nothing
    cli("sign", str(did), who="shen1", code=1)  # no proofreader role
    cli("sign", str(did), "--expect-hash", "0" * 64, who="jiao1", code=1)  # stale hash
    cli("sign", str(did), "--stage", "终审", who="ling", code=1)  # publishing before the last gate

    for stage, who in SIGNERS:
        if stage == "二校":
            cli("sign", str(did), "--stage", "二校", who="jiao1", code=1)  # two 校 passes
        if stage == "复审":
            cli("sign", str(did), "--stage", "复审", who="shen1", code=1)  # two 审 stages
        if stage == "终审":
            cli.drain()
            assert str(did) not in cli.manifest()  # nothing goes out before the last gate
        assert (did, stage) in cli.queue(who)
        signed = cli.json("sign", str(did), "--stage", stage, "--expect-hash", digest, who=who)
        assert signed["content_hash"] == digest

    shown = cli.json("show", str(did), who="ling")
    assert shown["status"] == "approved" and shown["title"] == "安全生产工作会议召开"
    assert [s["name"] for s in shown["stages"]] == ["机器预审", "一校", "初审", "二校", "复审", "保密审查", "三校", "终审"]
    assert all(s["status"] == "done" for s in shown["stages"])
    assert all(so["content_hash"] == digest for s in shown["stages"] for so in s["signoffs"])
    cli.drain()
    assert cli.manifest()[str(did)]["content_hash"] == digest
    assert cli.json("show", str(did), who="ling")["status"] == "published"

    cli("withdraw", str(did), "--reason", "信息有误", who="shen1", code=1)  # only a leader withdraws
    assert cli.json("withdraw", str(did), "--reason", "信息有误", who="ling")["status"] == "withdrawn"

    trail = cli.json("audit", str(did), who="guan")
    actions = [e["action"] for e in trail]
    assert actions.count("stage.signed") == 8 and "draft.withdrawn" in actions
    assert cli("audit", "verify").stdout.startswith("审计链完好")
    csv_out = cli("audit", "export", "--format", "csv").stdout
    assert csv_out.splitlines()[0].startswith("seq,at,actor,action")
    tamper_audit_row(make_engine(cli.db_url), seq=trail[3]["seq"])
    broken = cli("audit", "verify", code=1)
    assert f"第 {trail[3]['seq']} 条" in broken.stderr


def test_revise_voids_signed_stages_and_show_gives_the_diff(cli):
    draft = cli.submit()
    did = draft["id"]
    cli("sign", str(did), who="jiao1")
    cli("sign", str(did), who="shen1")
    revised_body = CLEAN_BODY.replace("压实责任", "层层压实责任")
    refused = cli("revise", str(did), cli.file("v2.txt", revised_body), "--comment", "按意见修改", who="bian", code=1)
    assert "保存后以下 2 个签批将作废" in refused.stderr and "一校" in refused.stderr  # told first, nothing saved
    revised = cli.json("revise", str(did), cli.file("v2.txt", revised_body), "--comment", "按意见修改", "--yes",
                       who="bian")
    assert revised["revision"] == 2 and revised["content_hash"] != draft["content_hash"]
    cli("revise", str(did), cli.file("v2-again.txt", revised_body), who="bian", code=1)  # nothing changed
    shown = cli.json("show", str(did), who="shen1")
    assert [(s["name"], s["status"]) for s in shown["stages"][:3]] == [
        ("机器预审", "done"), ("一校", "open"), ("初审", "pending")]
    assert shown["stages"][1]["signoffs"] == []
    assert "+会议强调，要层层压实责任" in shown["diff"]
    assert cli.queue("jiao1") == [(did, "一校")] and cli.queue("shen1") == []


def test_error_finding_blocks_until_waived_with_a_reason(cli):
    draft = cli.submit(f"经核实，申请人张三（身份证号 {ID_NUMBER}）的申请已办结。\n", title="办结公告", code=1)
    did = draft["id"]
    assert cli.json("show", str(did), who="guan")["status"] == "in_review"  # stored despite exit 1
    pii = next(f for f in draft["findings"] if f["category"] == "pii" and f["severity"] == "error")
    cli("sign", str(did), who="jiao1")
    cli("waive", str(did), str(pii["id"]), "--reason", "当事人书面同意公开", who="jiao2", code=1)  # 校 may not
    cli("waive", str(did), str(pii["id"]), "--reason", " ", who="shen1", code=2)
    cli("waive", str(did), str(pii["id"]), "--reason", "当事人书面同意公开", who="shen1")
    waived = [e for e in cli.json("audit", str(did), who="guan") if e["action"] == "finding.waived"]
    assert waived[0]["payload"]["reason"] == "当事人书面同意公开" and waived[0]["actor"] == "shen1"
    for stage, who in SIGNERS[1:]:
        cli("sign", str(did), "--stage", stage, who=who)
    cli.drain()
    assert str(did) in cli.manifest()


def test_show_says_where_each_finding_is(cli, default_checker, clock):
    draft = cli.submit(title=f"关于表彰张三（{ID_NUMBER}）的决定", code=1)
    [pii] = [f for f in draft["findings"] if f["category"] == "pii"]
    assert pii["location"] == {"part": "title", "attachment": None, "page": None, "sheet": None, "label": "标题"}
    ctx = open_context(cli.home, cli.db_url, checker=default_checker, clock=clock)
    try:  # attachments come through the web form or the service
        editor = authenticate_token(ctx, cli.tokens["bian"])
        view = settle(ctx, drafts.submit(ctx, editor, drafts.SubmitInput(
            title="表彰名单", body=CLEAN_BODY, disclosure="主动公开",
            attachments=(drafts.AttachmentInput("名单.xlsx", xlsx_file({"名单": [["张三", ID_NUMBER]]})),)),
            now=ctx.clock()))
    finally:
        ctx.close()
    shown = cli.json("show", str(view.id), who="jiao1")
    [found] = shown["findings"]
    assert list(found) == ["id", "rule", "category", "severity", "start", "end", "text", "suggestion", "message",
                           "waived", "location"]
    assert (found["text"], found["start"], found["location"]) == (ID_NUMBER, 3, {
        "part": "attachment", "attachment": "名单.xlsx", "page": None, "sheet": "名单",
        "label": "附件“名单.xlsx”工作表“名单”"})
    assert f"[error] 附件“名单.xlsx”工作表“名单” 个人信息：“{ID_NUMBER}”" in cli("show", str(view.id), who="jiao1").stdout


def test_disclosure_and_policy_rules(cli):
    body = cli.file("secret.txt", CLEAN_BODY)
    cli("submit", body, "--title", "内部通知", "--disclosure", "不予公开", who="bian", code=1)
    cli("submit", body, "--title", "无属性", who="bian", code=1)
    cli("submit", body, "--title", "内部通知", "--disclosure", "不予公开", "--reason", "涉及个人隐私",
        who="bian", code=1)  # no legal ground
    cli("submit", body, "--title", "内部通知", "--disclosure", "不予公开", "--reason", "无",
        "--ground", "保护第三方合法权益", who="bian", code=2)  # a placeholder for a reason
    kept = cli.json("submit", body, "--title", "内部通知", "--disclosure", "不予公开", "--reason", "涉及个人隐私",
                    "--ground", "保护第三方合法权益", who="bian")
    policy = cli.submit(CLEAN_BODY, "--kind", "policy", title="关于促进就业的若干政策", code=1)  # no interpretation yet
    for stage, who in SIGNERS:
        cli("sign", str(kept["id"]), "--stage", stage, who=who)
        if stage != "终审":
            cli("sign", str(policy["id"]), "--stage", stage, who=who)
    refused = cli("sign", str(policy["id"]), "--stage", "终审", who="ling", code=1)
    assert "公开属性" in refused.stderr  # the policy has no interpretation: 三同步
    cli.drain()
    assert str(kept["id"]) not in cli.manifest()  # 不予公开 never goes on the site
    interp = cli.submit(CLEAN_BODY + "本解读回应社会关切。\n", "--interprets", str(policy["id"]), title="政策解读")
    cli("sign", str(policy["id"]), "--stage", "终审", who="ling")
    cli.drain()
    assert str(policy["id"]) not in cli.manifest()  # its interpretation is not signed yet
    for stage, who in SIGNERS:
        cli("sign", str(interp["id"]), "--stage", stage, who=who)
    cli.drain()
    site = cli.manifest()
    assert site[str(policy["id"])]["content_hash"] == policy["content_hash"]
    assert site[str(interp["id"])]["content_hash"] == interp["content_hash"]
    # the public pages link each other, and each has its main landmark
    policy_page = (cli.home / "site" / site[str(policy["id"])]["path"]).read_text(encoding="utf-8")
    interp_page = (cli.home / "site" / site[str(interp["id"])]["path"]).read_text(encoding="utf-8")
    assert f'<a href="{interp["id"]}.html">政策解读</a>' in policy_page
    assert f'<a href="{policy["id"]}.html">所解读的政策文件</a>' in interp_page
    assert all(page.count("<main>") == 1 for page in (policy_page, interp_page))


def test_malformed_input_exits_2_and_writes_nothing(cli, tmp_path):
    cli("submit", str(tmp_path / "missing.txt"), "--title", "缺文件", "--disclosure", "主动公开", who="bian", code=2)
    gbk = cli.file("gbk.txt", "区政府召开会议".encode("gbk"))
    assert "UTF-8" in cli("submit", gbk, "--title", "编码", "--disclosure", "主动公开", who="bian", code=2).stderr
    cli("submit", cli.file("empty.txt", "  \n"), "--title", "空", "--disclosure", "主动公开", who="bian", code=2)
    cli("submit", cli.file("bell.txt", "正文\x07"), "--title", "控制字符", "--disclosure", "主动公开",
        who="bian", code=2)
    assert cli.json("queue", who="jiao1") == []
    draft = cli.submit()
    cli("sign", str(draft["id"]), "--stage", "四校", who="jiao1", code=2)
    cli("sign", "999", who="jiao1", code=2)
    cli("queue", env={"SANSHEN_TOKEN": "ss_not-a-token"}, code=2)
    cli("user", "passwd", "nobody", "--password-stdin", input="long-enough-pw\n", code=2)
    cli("user", "add", "x", "--role", "boss", code=2)
    cli("audit", "nonsense", code=2)
    bad_toml = cli.file("bad.toml", 'name = "坏流程"\nversion = "1"\n[[stage]]\nname = "一校"\nkind = "proofread"\nquorum = 0\n')
    assert "bad.toml" in cli("init", env={"SANSHEN_WORKFLOW": bad_toml}, code=2).stderr
    assert cli.queue("jiao1") == [(draft["id"], "一校")]


def test_lexicon_commands_are_audited(cli):
    cli("lexicon", "add", "banned", "灰犀牛式整改", "--correct", "彻底整改", who="guan")
    cli("lexicon", "add", "banned", "某词", who="bian", code=1)
    listed = cli.json("lexicon", "list")
    assert [(e["kind"], e["term"]) for e in listed] == [("banned", "灰犀牛式整改")]
    cli("lexicon", "import", cli.file("bad.tsv", "banned\t甲\nwhat\t乙\n"), who="guan", code=2)
    cli("lexicon", "import", cli.file("good.tsv", "typo\t按排\t安排\n"), who="guan")
    cli("lexicon", "disable", "banned", "灰犀牛式整改", who="guan")
    exported = cli("lexicon", "export").stdout.splitlines()
    assert exported == ["kind\tterm\tcorrect\tcategory\tseverity\tnote", "typo\t按排\t安排\ttypo\terror\t"]
    cli("user", "passwd", "guan", "--password-stdin", input="long-enough-pw\n")
