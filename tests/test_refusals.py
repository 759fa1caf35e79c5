"""Every refusal code raised anywhere answers with the exit code and HTTP status it had before its
kind became its class (when string sets of codes decided them)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from review.refusals import InvalidInput, NotPermitted, Refused
from sanshen.service.errors import ANSWERS, AuthError, NotFound, answer

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("casestore", "flows", "lexicon", "review", "sanshen", "storage")
KINDS = {kind.__name__: kind for kind in (Refused, *ANSWERS)}

# code: (CLI exit code, HTTP status), as answered before the refusal kinds
BEFORE = {
    **dict.fromkeys(
        ["forbidden", "author_signs", "missing_role", "not_author", "separation", "not_leader", "not_waivable",
         "author_suggests"],
        (1, 403)),
    **dict.fromkeys(
        ["already_signed", "already_started", "already_waived", "ambiguous_stage", "auto_stage",
         "blocking_findings", "conflict", "disclosure_reason_required", "has_interpretation",
         "idempotency_conflict", "last_admin", "missing_disclosure", "no_change", "not_in_review",
         "not_published", "nothing_open", "reason_required", "return_forward", "self_deactivate",
         "stage_done", "stage_not_open", "stale_hash", "user_exists", "withdrawn", "not_dead",
         "voids_changed", "stale_revision", "suggestion_decided", "suggestion_stale", "no_pdf_printer", "pdf_failed"],
        (1, 409)),
    **dict.fromkeys(
        ["attachment_too_big", "bad_attachment_type", "bad_date", "bad_disclosure", "bad_docx", "bad_draft_id",
         "bad_email", "bad_format", "bad_kind", "bad_lexicon_entry", "bad_lexicon_line", "bad_limit", "bad_number",
         "bad_pdf", "bad_revision", "bad_role", "bad_setting", "bad_title", "bad_upload_type", "bad_user_name",
         "bad_workflow", "bad_xlsx", "bad_year", "body_too_long", "control_chars", "docx_too_large", "empty_body",
         "empty_import", "lone_surrogate", "empty_title", "missing_file", "missing_policy", "missing_text", "missing_workflow",
         "no_database", "no_roles", "not_a_policy", "not_utf8", "pdf_too_large", "reserved_name", "too_long",
         "too_many", "unchanged", "unknown_finding", "unknown_stage", "unreadable_file", "upload_too_large",
         "weak_password", "xlsx_too_large", "bad_state",
         "bad_part", "bad_span", "quote_mismatch", "no_quote", "quote_too_long", "bad_occurrence", "quote_not_found",
         "same_text", "hash_required"],
        (2, 422)),
    **dict.fromkeys(["unknown_attachment", "unknown_draft", "unknown_user", "unknown_suggestion", "unknown_outbox_item"],
                    (2, 404)),
    # added with the site sweeps (no earlier answer to keep)
    **dict.fromkeys(["unknown_sweep", "no_link_sweep"], (2, 404)),
    "bad_task": (2, 422),
    **dict.fromkeys(["bad_login", "bad_token", "locked", "no_token"], (2, 401)),
    # added since: the REST check's limits
    "bad_base64": (2, 422),
    "check_too_large": (2, 413),
    "rate_limited": (1, 429),
    # added after the refusal kinds: columns (栏目), corrections
    **dict.fromkeys(["column_exists", "slug_taken"], (1, 409)),
    **dict.fromkeys(["bad_column_kind", "bad_column_slug", "bad_update_days", "column_cycle", "correction_note",
                     "unregistered_column", "bad_time", "bad_schedule"], (2, 422)),
    **dict.fromkeys(["unknown_column"], (2, 404)),
    # added with 依申请公开, the reviewer's desk, integrity and sweeps
    **dict.fromkeys(["cannot_claim", "own_extension"], (1, 403)),
    **dict.fromkeys(["already_extended", "awaiting_correction", "claimed", "correction_once",
                     "no_extension_asked", "not_assigned", "not_locked", "not_on_request", "overdue", "published",
                     "reply_exists", "reply_not_signed", "request_state"], (1, 409)),
    **dict.fromkeys(["queue_empty", "unknown_request", "unknown_revision"], (2, 404)),
    **dict.fromkeys(["bad_applicant_kind", "bad_channel", "bad_column", "bad_correction_day", "bad_figure",
                     "bad_holiday_file", "bad_organisation_kind", "bad_page", "bad_section", "bad_status",
                     "bad_target", "future_receipt", "ground_not_applicable", "link_check_off",
                     "not_allow_listed", "not_claimed", "note_required", "nothing_to_restore", "same_revision",
                     "stage_required"], (2, 422)),
    # added with the automated pass off the request path: a draft 检查中 (checking)
    **dict.fromkeys(["checking", "not_checking"], (1, 409)),
    # added with the schema fuzzer (tests/test_api_fuzz.py): an API body FastAPI cannot parse
    "bad_json": (2, 422),
    # added with revisions that change attachments (tests/test_revise_attachments.py)
    **dict.fromkeys(["duplicate_attachment", "no_such_attachment"], (2, 422)),
    # added with REST submit attachments (tests/test_api_submit_attachments.py): a file name on two lines
    "bad_attachment_name": (2, 422),
}


def _raised() -> list[tuple[str, str, str]]:
    """(code, kind, where) for every refusal built with a literal code in the application's source."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in KINDS
                        and node.args and isinstance(node.args[0], ast.Constant)):
                    found.append((node.args[0].value, node.func.id, f"{path.relative_to(ROOT)}:{node.lineno}"))
    return found


RAISED = _raised()


def test_every_code_raised_is_one_answered_before_and_back():
    assert {code for code, _, _ in RAISED} == set(BEFORE)


@pytest.mark.parametrize(("code", "kind", "where"), RAISED, ids=[where for _, _, where in RAISED])
def test_each_refusal_answers_as_before(code, kind, where):
    assert KINDS[kind] is not Refused, f"{where}: raise a kind of refusal, not Refused itself"
    got = answer(KINDS[kind](code, "…"))
    assert (got.exit_code, got.http_status) == BEFORE[code]


def test_a_kind_answers_through_its_nearest_class():
    class StageMissing(InvalidInput):
        pass

    assert answer(StageMissing("x", "…")) == ANSWERS[InvalidInput]
    assert answer(NotFound("x", "…")).http_status == 404 and answer(NotPermitted("x", "…")).http_status == 403
    assert answer(AuthError("x", "…")).exit_code == 2
    with pytest.raises(TypeError):
        answer(Refused("x", "…"))
