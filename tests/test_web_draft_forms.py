"""The draft page offers only the forms the review rules allow, lists the attachments, and the
server still refuses the rest."""

from __future__ import annotations

import pytest

from sanshen.service import drafts
from sanshen.service.drafts import AttachmentInput
from tests.team import ID_NUMBER
from tests.web_support import csrf_of, signed_in

pytestmark = pytest.mark.db


def _forms(html: str, draft_id: int) -> set[str]:
    return {what for what in ("sign", "return", "waive", "revise", "withdraw")
            if f'action="/drafts/{draft_id}/{what}"' in html}


def test_each_person_sees_only_the_forms_they_may_use(app, team):
    draft_id = team.submit(body=f"申请人身份证号 {ID_NUMBER}，请核实。").id
    assert _forms(signed_in(app, "jiao1").get(f"/drafts/{draft_id}").text, draft_id) == {"sign", "return"}
    assert _forms(signed_in(app, "bian").get(f"/drafts/{draft_id}").text, draft_id) == {"revise"}
    assert _forms(signed_in(app, "shen1").get(f"/drafts/{draft_id}").text, draft_id) == set()
    team.sign("jiao1", draft_id, stage="一校")
    assert _forms(signed_in(app, "shen1").get(f"/drafts/{draft_id}").text, draft_id) == {"sign", "return", "waive"}


def test_a_proofreader_who_signed_the_first_pass_is_not_offered_the_second_and_is_refused(app, team):
    draft_id = team.submit().id
    team.walk(draft_id, through="初审")
    c = signed_in(app, "jiao1")
    page = c.get(f"/drafts/{draft_id}").text
    assert _forms(page, draft_id) == set()
    r = c.post(f"/drafts/{draft_id}/sign", data={"stage": "二校", "csrf_token": csrf_of(page)})
    assert r.status_code == 403 and "一校" in r.text  # separation of duties, with the reason
    other = signed_in(app, "jiao2").get(f"/drafts/{draft_id}").text
    assert _forms(other, draft_id) == {"sign", "return"} and '<option value="二校">' in other
    assert all(s.signoffs == () for s in drafts.show(team.ctx, team["jiao1"], draft_id).stages if s.name == "二校")


def test_attachments_are_listed_and_downloaded(app, team):
    data = b"<html><script>alert(1)</script></html>"
    draft_id = team.submit(attachments=(AttachmentInput("检查表.html", data, "text/html"),)).id
    [a] = drafts.show(team.ctx, team["jiao1"], draft_id).attachments
    c = signed_in(app, "jiao1")
    page = c.get(f"/drafts/{draft_id}").text
    assert f'href="/drafts/{draft_id}/attachments/{a.id}"' in page and "检查表.html" in page
    assert a.sha256[:16] in page
    r = c.get(f"/drafts/{draft_id}/attachments/{a.id}")
    assert r.status_code == 200 and r.content == data
    assert r.headers["content-disposition"].startswith("attachment;")
    assert r.headers["content-type"] == "application/octet-stream"
    assert c.get(f"/drafts/{draft_id}/attachments/{a.id + 1}").status_code == 404
