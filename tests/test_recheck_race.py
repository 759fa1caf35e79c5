"""A re-check of drafts in review (after a lexicon change) stores its findings only if the lexicon it
ran under is still the database's: a lexicon import by another process while it runs does not leave
the old lexicon's findings behind, and the re-check builds its checker again rather than giving up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from checking.context import DraftMeta
from checking.located import DraftReport
from flows.recheck import MAX_PASSES, LexiconMoving, recheck_drafts
from sanshen.service import drafts, lexicon
from sanshen.service.draft_pass import DraftPass, current_pass
from storage.db import transaction
from storage.models import Attachment, AuditEvent, CheckReport
from tests.team import Team, open_context, settle

pytestmark = pytest.mark.db

FIRST, SECOND = "灰犀牛式整改", "一刀切式关停"
BODY = f"要坚决杜绝{FIRST}，也不搞{SECOND}。\n"


@dataclass
class Meanwhile:
    """The pass the re-check runs, and something another process does after it ran, before its
    findings are stored (the moment of the race)."""

    inner: DraftPass
    then: list = field(default_factory=list)  # callables, one per pass, popped in order
    passes: list = field(default_factory=list)

    @property
    def lexicon_revision(self) -> int | None:
        return self.inner.lexicon_revision

    def check_revision(self, title: str, body: str, attachments: Sequence[Attachment], *,
                       meta: DraftMeta) -> DraftReport:
        report = self.inner.check_revision(title, body, attachments, meta=meta)
        self.passes.append(report.lexicon_version)
        if self.then:
            self.then.pop(0)()
        return report


def banned(ctx, team, draft_id: int) -> list[str]:
    found = [f.text for f in drafts.show(ctx, team["jiao1"], draft_id).findings if f.category == "banned"]
    return sorted(found, key=[FIRST, SECOND].index)


def test_an_import_during_a_recheck_does_not_leave_the_old_lexicons_findings(tmp_path, db_url, default_checker,
                                                                            clock):
    server = open_context(tmp_path / "home", db_url, checker=default_checker, clock=clock)
    team = Team.gather(server)
    other = open_context(tmp_path / "home", db_url, checker=default_checker, clock=clock)  # CLI, 2nd worker
    try:
        view = settle(server, drafts.submit(server, team["bian"], drafts.SubmitInput(
            title="整改通知", body=BODY, disclosure="主动公开"), now=server.clock()))
        assert view.status == "in_review" and banned(server, team, view.id) == []
        lexicon.add_entry(server, team["guan"], lexicon.LexiconInput(kind="banned", term=FIRST), now=server.clock())

        def import_and_recheck_elsewhere() -> None:  # the import and the whole re-check it queued
            entries = lexicon.parse_entries(f"banned\t{SECOND}\n", source="b.tsv", fmt="tsv")
            lexicon.import_entries(other, team["guan"], entries, source="b.tsv", now=other.clock())
            assert recheck_drafts(other.engine, lambda: current_pass(other), now=other.clock()) == 1
            assert banned(other, team, view.id) == [FIRST, SECOND]

        hooked = Meanwhile(current_pass(server), then=[import_and_recheck_elsewhere])
        built_at = hooked.lexicon_revision

        def checkers():  # the first pass is the hooked one; then the server's checker as it is then
            return hooked if not hooked.passes else current_pass(server)

        assert recheck_drafts(server.engine, checkers, now=server.clock()) == 0  # nothing newer to store
        assert banned(server, team, view.id) == [FIRST, SECOND]  # not the stale [FIRST]
        assert current_pass(server).lexicon_revision == built_at + 1  # rebuilt for the second pass
        with transaction(server.engine, readonly=True) as s:
            versions = [r.lexicon_version for r in s.scalars(select(CheckReport).order_by(CheckReport.id))]
            rechecked = s.scalars(select(AuditEvent).where(AuditEvent.action == "check.rechecked")).all()
        assert versions[-1] == server.checker.version and len(rechecked) == 1  # the other's only
    finally:
        other.close()
        server.close()


def test_a_recheck_whose_lexicon_keeps_changing_goes_back_to_the_outbox(tmp_path, db_url, default_checker, clock):
    server = open_context(tmp_path / "home", db_url, checker=default_checker, clock=clock)
    team = Team.gather(server)
    other = open_context(tmp_path / "home", db_url, checker=default_checker, clock=clock)
    try:
        view = settle(server, drafts.submit(server, team["bian"], drafts.SubmitInput(
            title="整改通知", body=BODY, disclosure="主动公开"), now=server.clock()))
        terms = [f"甲{n}错词" for n in range(MAX_PASSES)]

        def change() -> None:
            lexicon.add_entry(other, team["guan"], lexicon.LexiconInput(kind="banned", term=terms.pop()),
                              now=other.clock())

        def checkers():
            return Meanwhile(current_pass(server), then=[change] if terms else [])

        lexicon.add_entry(server, team["guan"], lexicon.LexiconInput(kind="banned", term=FIRST), now=server.clock())
        with pytest.raises(LexiconMoving):
            recheck_drafts(server.engine, checkers, now=server.clock())
        assert banned(server, team, view.id) == []  # nothing stale stored
        assert recheck_drafts(server.engine, checkers, now=server.clock()) == 1  # the lexicon holds still now
        assert banned(server, team, view.id) == [FIRST]
    finally:
        other.close()
        server.close()
