"""Attachments are published with their page once the automated pass has checked them: names made
safe, sizes shown, linked, listed in the manifest with their hashes and watched by the integrity
monitor; an attachment holding an ID number blocks publication."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from flows import integrity
from flows.publish import Outcome, Publisher, publish
from flows.site import item_path, safe_filename
from review.refusals import Refused
from sanshen.service import drafts
from sanshen.service.site import site_of
from storage.db import transaction
from storage.models import Draft, SiteFile
from tests.attachment_files import xlsx_file
from tests.cast import signers
from tests.team import ID_NUMBER

NOTICE = "附件说明：请各单位于月底前报送自查情况。\n".encode()


def _publisher(team) -> Publisher:
    return Publisher(engine=team.ctx.engine, site=site_of(team.ctx.settings), workflow=team.ctx.workflow)


@pytest.mark.parametrize("name, safe", [
    ("../../通知 附件<1>.TXT", "通知_附件_1_.txt"),
    ("..\\..\\secret.pdf", "secret.pdf"),
    (".htaccess", "htaccess"),
    ("a;rm -rf $HOME`x`.docx", "a_rm_-rf__HOME_x_.docx"),
    ("名单（第一批）.xlsx", "名单（第一批）.xlsx"),
    ("\u202egnp.exe", "gnp.exe"),
    ("长" * 100 + ".pdf", "长" * 38 + ".pdf"),
])
def test_attachment_names_are_made_safe(name, safe):
    assert safe_filename(name) == safe
    assert len(safe_filename(name).encode()) <= 120


@pytest.mark.db
def test_a_clean_attachment_is_published_with_its_page_linked_with_its_size(team):
    sheet = xlsx_file({"名单": [["单位", "联系人"], ["区应急局", "值班室"]]})
    view = team.submit(attachments=(drafts.AttachmentInput("../自查 说明.txt", NOTICE),
                                    drafts.AttachmentInput("名单.xlsx", sheet)))
    team.walk(view.id)
    assert publish(_publisher(team), draft_id=view.id, content_hash=view.content_hash,
                   now=team.clock()) is Outcome.PUBLISHED
    site = site_of(team.ctx.settings)
    page = site.store.read(item_path(view.id)).decode("utf-8")
    txt, xlsx = f"attachments/{view.id}/自查_说明.txt", f"attachments/{view.id}/名单.xlsx"
    assert site.store.read(txt) == NOTICE and site.store.read(xlsx) == sheet
    assert "<h2>附件</h2>" in page and "../自查 说明.txt</a>" in page  # shown as uploaded (escaped), linked safely
    assert f"（{len(NOTICE)} 字节）" in page and f"（{len(sheet) / 1024:.1f} KB）" in page
    assert f'href="../attachments/{view.id}/%E8%87%AA%E6%9F%A5_%E8%AF%B4%E6%98%8E.txt"' in page
    entry = site.manifest()[view.id]
    assert [(f.path, f.size, f.sha256) for f in entry.attachments] == [
        (txt, len(NOTICE), hashlib.sha256(NOTICE).hexdigest()), (xlsx, len(sheet), hashlib.sha256(sheet).hexdigest())]
    with transaction(team.ctx.engine, readonly=True) as s:
        kinds = {f.path: f.kind for f in s.scalars(select(SiteFile).where(SiteFile.draft_id == view.id))}
    assert kinds == {item_path(view.id): "page", txt: "attachment", xlsx: "attachment"}

    from sanshen.web.app import create_app

    served = TestClient(create_app(team.ctx, secret=b"test-secret")).get(f"/site/{xlsx}")
    assert served.status_code == 200 and served.content == sheet
    assert served.headers["content-disposition"].startswith("attachment;")
    assert served.headers["content-security-policy"] == "sandbox"

    # the integrity monitor watches attachments too, and restores them from the signed bytes
    assert integrity.check(team.ctx.engine, site).ok
    site.store.write(xlsx, b"PK tampered")
    report = integrity.check(team.ctx.engine, site)
    [problem] = report.problems
    assert (problem.kind, problem.path) == ("modified", xlsx) and "二进制文件" in problem.diff
    done = integrity.restore(team.ctx.engine, site, report, str(view.id), actor="guan", now=team.clock())
    assert done.rewritten == (xlsx,) and site.store.read(xlsx) == sheet


@pytest.mark.db
def test_an_attachment_with_an_id_number_blocks_publication(team):
    view = team.submit(attachments=(drafts.AttachmentInput("名单.xlsx", xlsx_file({"名单": [["张三", ID_NUMBER]]})),))
    [pii] = [f for f in view.findings if f.category == "pii"]
    assert (pii.severity, pii.location.part, pii.location.attachment) == ("error", "attachment", "名单.xlsx")
    stages = signers(team.ctx.workflow)
    for stage, who in stages[:-1]:
        team.sign(who, view.id, stage=stage)
    with pytest.raises(Refused):
        team.sign(stages[-1][1], view.id, stage=stages[-1][0])  # the last gate holds
    with transaction(team.ctx.engine) as s:  # even forced to "approved" behind the program …
        s.get(Draft, view.id).status = "approved"
    assert publish(_publisher(team), draft_id=view.id, content_hash=view.content_hash,
                   now=team.clock()) is Outcome.REFUSED  # … the publisher's own gate refuses it
    site = site_of(team.ctx.settings)
    assert [p for p, _ in site.store.files() if p.startswith(("attachments/", "items/"))] == []
