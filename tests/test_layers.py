"""The arrows of docs/architecture.md §1 hold: no package imports one above it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What each package may never import (directly or inside a function).
NEVER = {
    "lexicon": {"checking", "review", "casestore", "storage", "flows", "sanshen"},
    "checking": {"review", "casestore", "storage", "flows", "sanshen"},
    "review": {"casestore", "storage", "flows", "sanshen"},
    "storage": {"checking", "review", "casestore", "flows", "sanshen"},
    "casestore": {"flows", "sanshen"},
    "flows": {"sanshen"},
    "disclosure": {"checking", "review", "casestore", "storage", "flows", "sanshen"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(NEVER))
def test_a_package_imports_nothing_above_it(package):
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & NEVER[package])
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }
    assert {path: names for path, names in wrong.items() if names} == {}
