"""Admin lexicon edits: validated, audited, merged into the checker, and a re-check queued."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from review.refusals import InvalidInput, NotPermitted
from sanshen.service import lexicon
from sanshen.service.lexicon import LexiconInput
from storage.models import AuditEvent, LexiconEntry, Outbox

pytestmark = pytest.mark.db

TERM = "灰犀牛式整改"


def test_an_added_term_is_found_in_the_next_submission(team):
    assert not [f for f in team.submit(f"要坚决杜绝{TERM}。\n").findings if f.text == TERM]
    entry = lexicon.add_entry(team.ctx, team["guan"], LexiconInput(kind="banned", term=TERM, correct="彻底整改"),
                              now=team.clock())
    assert entry.enabled and entry.category == "banned"
    found = [f for f in team.submit(f"要坚决杜绝{TERM}。\n", title="第二稿").findings if f.text == TERM]
    assert found and found[0].category == "banned" and found[0].suggestion == "彻底整改"
    assert [o.kind for o in team.rows(select(Outbox).where(Outbox.kind == "recheck"))] == ["recheck"]
    assert "lexicon.added" in team.rows(select(AuditEvent.action))


def test_disable_switches_a_term_off_and_keeps_history(team):
    lexicon.add_entry(team.ctx, team["guan"], LexiconInput(kind="banned", term=TERM), now=team.clock())
    lexicon.disable_entry(team.ctx, team["guan"], "banned", TERM, note="误报", now=team.clock())
    assert lexicon.list_entries(team.ctx) == []
    assert [e.enabled for e in lexicon.list_entries(team.ctx, include_disabled=True)] == [False]
    assert team.count(LexiconEntry) == 2
    assert not [f for f in team.submit(f"要坚决杜绝{TERM}。\n").findings if f.text == TERM]
    assert len(team.rows(select(Outbox).where(Outbox.kind == "recheck"))) == 2


def test_only_admins_edit(team):
    with pytest.raises(NotPermitted):
        lexicon.add_entry(team.ctx, team["bian"], LexiconInput(kind="banned", term=TERM), now=team.clock())


def test_import_is_all_or_nothing_and_export_round_trips(team):
    good = "kind\tterm\tcorrect\n# 注释\nbanned\t甲错词\t甲正词\ntypo\t乙错字\t乙正字\n"
    entries = lexicon.parse_entries(good, source="a.tsv", fmt="tsv")
    assert lexicon.import_entries(team.ctx, team["guan"], entries, source="a.tsv", now=team.clock()) == 2
    with pytest.raises(InvalidInput) as e:
        lexicon.parse_entries("banned\t丙错词\nnonsense\t丁\n", source="b.tsv", fmt="tsv")
    assert "b.tsv 第 2 行" in e.value.message
    with pytest.raises(InvalidInput):
        lexicon.parse_entries("typo\t戊错字\n", source="c.tsv", fmt="tsv")  # a typo needs its correct form
    assert team.count(LexiconEntry) == 2
    out = io.StringIO()
    assert lexicon.export_entries(team.ctx, out, fmt="tsv") == 2
    again = lexicon.parse_entries(out.getvalue(), source="export.tsv", fmt="tsv")
    assert [(e.kind, e.term, e.correct) for e in again] == [("banned", "甲错词", "甲正词"), ("typo", "乙错字", "乙正字")]
    jsonl = io.StringIO()
    lexicon.export_entries(team.ctx, jsonl, fmt="jsonl")
    assert len(lexicon.parse_entries(jsonl.getvalue(), source="x.jsonl", fmt="jsonl")) == 2


def test_a_lexicon_edit_recompiles_the_matchers_only(team):
    before = team.ctx.checker
    lexicon.add_entry(team.ctx, team["guan"], LexiconInput(kind="banned", term=TERM, correct="彻底整改"),
                      now=team.clock())
    after = team.ctx.checker
    assert after is not before and after.version != before.version
    assert after.typo_model is before.typo_model
    assert after.lexicon.words is before.lexicon.words
