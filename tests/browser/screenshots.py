"""Take the README screenshots (queue, draft page, audit page) with the same Chromium as the tests.

    .venv/bin/python -m tests.browser.screenshots docs/screenshots
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from sanshen.service import drafts
from storage.clock import ManualClock
from tests.browser.live import chromium, live_sanshen, sign_in
from tests.team import ID_NUMBER, T0, Team, settle

BODY = (
    "为进一步做好全区社区服务工作，现将有关事项通知如下。\n\n"
    "一、工作目标\n到2026年底，全区社区综合服务设施覆盖率达到100%，群众满意度明显提升。\n\n"
    "二、重点任务\n各街道要认真布署，按照“一带一路”战略的要求加强对外交流，"
    f"联系人：王某，身份证号 {ID_NUMBER}，手机 13812345678。\n\n"
    "三、工作要求\n各单位要高度重视，于25年3月底前报送工作进展。"
)


def stage_scene(team: Team) -> int:
    now = team.clock()
    ago = lambda hours: now - timedelta(hours=hours)  # noqa: E731
    for title, hours, urgent in (("关于做好冬季供暖保障工作的通知", 50, False),
                                 ("突发：城区部分路段积水情况通报", 1, True),
                                 ("2026年第四季度政府信息公开工作情况", 3, False),
                                 ("关于开展消防安全专项检查的通知", 30, False)):
        settle(team.ctx, drafts.submit(team.ctx, team["bian"], drafts.SubmitInput(
            title=title, body="各单位：请按要求落实。", column="通知公告", kind="notice", disclosure="主动公开",
            urgent=urgent), now=ago(hours)))
    draft_id = team.submit(BODY, title="关于进一步加强社区服务工作的通知", column="通知公告", kind="notice").id
    drafts.sign(team.ctx, team["jiao1"], draft_id, stage="一校", comment="已校", now=ago(0.5))
    drafts.sign(team.ctx, team["shen1"], draft_id, stage="初审", comment="同意", now=ago(0.4))
    drafts.return_draft(team.ctx, team["jiao2"], draft_id, comment="第三部分时间表述不规范，请修改", now=ago(0.3))
    settle(team.ctx, drafts.revise(team.ctx, team["bian"], draft_id, BODY.replace("于25年3月底前", "于2026年3月底前"),
                  comment="已按二校意见修改", now=ago(0.2)))
    drafts.sign(team.ctx, team["jiao1"], draft_id, stage="一校", comment="已校", now=ago(0.1))
    return draft_id


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sanshen-shots-") as tmp, \
            live_sanshen(Path(tmp) / "home", f"sqlite:///{tmp}/sanshen.db", clock=ManualClock(T0)) as live, \
            chromium() as browser:
        draft_id = stage_scene(live.team)
        live.drain()
        page = sign_in(browser, live, "jiao3", viewport={"width": 1280, "height": 560})
        page.screenshot(path=str(out_dir / "queue.png"), full_page=True)
        page.context.close()
        page = sign_in(browser, live, "shen1", viewport={"width": 1280, "height": 900})
        page.goto(f"/drafts/{draft_id}")
        page.screenshot(path=str(out_dir / "draft.png"), full_page=True)
        page.context.close()
        page = sign_in(browser, live, "guan", viewport={"width": 1280, "height": 900})
        page.goto(f"/admin/audit?draft_id={draft_id}")
        page.get_by_role("button", name="校验审计链").click()
        page.screenshot(path=str(out_dir / "audit.png"))
        page.context.close()
    print(f"screenshots written to {out_dir}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
