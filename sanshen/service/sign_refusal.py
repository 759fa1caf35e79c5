"""Why a user who holds a role of an open stage gets no sign form: the rules' own refusal, so the
page can say it (for example 保密审查 with an open 密级 finding: no later stage could clear it)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from casestore.load import load_case
from review import transitions
from review.refusals import Refused
from sanshen.service import drafts
from sanshen.service.tx import reading
from sanshen.service.views import UserView

if TYPE_CHECKING:
    from sanshen.service.context import AppContext


def sign_refusals(ctx: "AppContext", actor: UserView, draft_id: int, *, now: datetime) -> list[tuple[str, str]]:
    """(stage label, refusal message) for each open stage of the draft that one of the user's roles
    may sign but the rules refuse to let this user sign now."""
    with reading(ctx) as session:
        draft = drafts._get_draft(session, draft_id)
        wf = ctx.workflows.of(session, draft)
        drafts._require_reader(wf, actor, draft)
        case = load_case(session, draft_id)
    out = []
    for stage in transitions.open_stages(wf, case):
        if not stage.roles & set(actor.roles) or actor.name == case.author:
            continue
        try:
            transitions.sign(wf, case, actor.actor(), stage=stage.name, expect_hash=None, comment="", now=now)
        except Refused as exc:
            out.append((stage.label or stage.name, exc.message))
    return out
