"""The import graph is part of the design: stages see only the core records and protocols."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("ocr", "classify", "storage", "indexer", "release_of_information", "audit")
PROJECT = (*STAGES, "intake", "recordroom")
SHARED = ("recordroom.core",)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def project_imports(path: Path) -> set[str]:
    return {name for name in imported_modules(path) if name.split(".")[0] in PROJECT}


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_imports_only_itself_and_the_core(stage: str) -> None:
    offending = []
    for path in sorted((ROOT / stage).rglob("*.py")):
        for name in project_imports(path):
            allowed = name.split(".")[0] == stage or name.startswith(SHARED)
            if not allowed:
                offending.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offending == []


def test_only_intake_and_the_shell_orchestrate() -> None:
    core = ROOT / "recordroom" / "core"
    offending = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in core.rglob("*.py")
        for name in project_imports(path)
        if not name.startswith("recordroom.core")
    ]
    assert offending == []


@pytest.mark.parametrize("name", PROJECT)
def test_generic_top_level_names_are_this_projects(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__file__ is not None
    assert Path(module.__file__).resolve().is_relative_to(ROOT / name)
