"""The import graph is part of the design. ``lint-imports`` (run by ``bin/test``, contracts in
``.importlinter``) holds the layers; these tests say the same in a form a failing test can name,
and check that the generic top-level names are this project's."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("intake", "ocr", "classify", "storage", "indexer", "release_of_information", "audit")
SHELL = ("recordroom.usecases", "recordroom.wiring", "recordroom.cli")
OUTSIDE_THE_RUNTIME = tuple(
    name for name in ("bench", "tests", "training", "synthetic") if (ROOT / name).is_dir()
)
PROJECT = (*STAGES, "recordroom", *OUTSIDE_THE_RUNTIME)


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


def _offending(folder: Path, allowed: Callable[[str], bool]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted(folder.rglob("*.py"))
        for name in sorted(project_imports(path))
        if not allowed(name)
    ]


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_imports_only_itself_and_the_ground(stage: str) -> None:
    def allowed(name: str) -> bool:
        return name.split(".")[0] == stage or name.startswith("recordroom.core")

    assert _offending(ROOT / stage, allowed) == []


def test_the_ground_imports_nothing_above_it() -> None:
    assert _offending(ROOT / "recordroom" / "core", lambda n: n.startswith("recordroom.core")) == []


def test_the_runtime_imports_nothing_outside_it() -> None:
    def allowed(name: str) -> bool:
        return name.split(".")[0] not in OUTSIDE_THE_RUNTIME

    for package in (*STAGES, "recordroom"):
        assert _offending(ROOT / package, allowed) == []


@pytest.mark.parametrize("door", ["cli", "web"])
def test_a_door_calls_use_cases_not_stages(door: str) -> None:
    """The command line and the web app reach the stages only through ``recordroom.usecases``
    (``recordroom serve`` starts the web app, so the command line may import it)."""

    def allowed(name: str) -> bool:
        return name.startswith(("recordroom.cli", "recordroom.web", "recordroom.core", *SHELL[:2]))

    assert _offending(ROOT / "recordroom" / door, allowed) == []


@pytest.mark.parametrize("name", PROJECT)
def test_generic_top_level_names_are_this_projects(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__file__ is not None
    assert Path(module.__file__).resolve().is_relative_to(ROOT / name)


OUTSIDE_RUNTIME = ("training", "synthetic", "bench", "tests")


def test_the_wheel_leaves_model_building_out() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = config["tool"]["setuptools"]["packages"]["find"]["include"]
    assert not [
        pattern
        for pattern in included
        for outside in OUTSIDE_RUNTIME
        if outside.startswith(pattern.rstrip("*"))
    ]
