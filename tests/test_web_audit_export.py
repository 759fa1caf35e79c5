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
