"""The audit CSV downloaded from the web page keeps its BOM (for spreadsheets) and passes the
stand-alone verifier, which still names a tampered event in it."""

from __future__ import annotations

import codecs
import subprocess
import sys
from pathlib import Path

import pytest

from tests.web_support import signed_in

pytestmark = pytest.mark.db

CHAIN_PY = Path(__file__).resolve().parents[1] / "storage" / "chain.py"


def _verify(path: Path) -> subprocess.CompletedProcess:
    """storage/chain.py as a third party runs it: alone, outside the project."""
    return subprocess.run([sys.executable, "-I", str(CHAIN_PY), str(path)], capture_output=True, text=True,
                          cwd=path.parent, timeout=60)


def test_the_web_csv_export_passes_the_stand_alone_verifier(app, team, tmp_path):
    team.walk(team.submit().id, through="一校")
    export = signed_in(app, "guan").get("/admin/audit/export.csv")
    assert export.status_code == 200 and export.content.startswith(codecs.BOM_UTF8)
    path = tmp_path / "audit.csv"
    path.write_bytes(export.content)

    done = _verify(path)
    assert done.returncode == 0, done.stderr
    assert "审计链完整" in done.stdout

    path.write_bytes(export.content.replace(b"jiao1", b"jiao9", 1))
    done = _verify(path)
    assert done.returncode == 1 and "内容被改动" in done.stderr


def test_a_filtered_export_is_a_selection_the_verifier_checks(app, team, tmp_path):
    first = team.submit().id
    second = team.submit(title="第二篇").id
    team.walk(first, through="一校")
    team.walk(second, through="一校")
    admin = signed_in(app, "guan")
    export = admin.get(f"/admin/audit/export.csv?draft_id={first}")
    assert export.status_code == 200
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].endswith(",selection") and len(lines) > 2
    assert all(f",{first}," in line for line in lines[1:])  # only the first draft's events
    path = tmp_path / "selection.csv"
    path.write_bytes(export.content)
    done = _verify(path)
    assert done.returncode == 0, done.stderr
    assert "选段完整" in done.stdout and f"draft_id={first}" in done.stdout and "处有未选入的事件相隔" in done.stdout

    path.write_bytes(export.content.replace(b"jiao1", b"jiao9", 1))
    done = _verify(path)
    assert done.returncode == 1 and "内容被改动" in done.stderr
    # dropping the marker does not make a selection pass as the whole chain
    text = export.content.decode("utf-8-sig").splitlines()
    unmarked = "\n".join([text[0].removesuffix(",selection")] + [line.rsplit(",", 1)[0] for line in text[1:]])
    path.write_text(unmarked + "\n", encoding="utf-8")
    assert _verify(path).returncode == 1
    # the page links to the filtered export
    assert f'href="/admin/audit/export.csv?draft_id={first}"' in admin.get(f"/admin/audit?draft_id={first}").text
