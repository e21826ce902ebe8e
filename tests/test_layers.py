"""The shape of the code: core never imports Textual; screens and widgets never reach into the app."""

from __future__ import annotations

import ast
from pathlib import Path

import foggymountain

PACKAGE = Path(foggymountain.__file__).parent
UI = PACKAGE / "ui"


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_core_never_imports_textual():
    core = [p for p in PACKAGE.rglob("*.py") if UI not in p.parents and p.parent.name != "commands"]
    assert core
    offenders = [str(p.relative_to(PACKAGE)) for p in core
                 if any(name.split(".")[0] == "textual" for name in imports(p))]
    assert offenders == []


def test_no_screen_or_widget_imports_the_app():
    views = list((UI / "screens").glob("*.py")) + list((UI / "widgets").glob("*.py"))
    assert len(views) > 10
    offenders = [str(p.relative_to(PACKAGE)) for p in views if "foggymountain.ui.app" in imports(p)]
    assert offenders == []


def test_screens_do_not_probe_the_app_or_each_other():
    """No `hasattr`/`getattr` on the app or on screens: screens post messages, and get what they show
    at construction."""
    files = list((UI / "screens").glob("*.py")) + [UI / "app.py"]
    probes = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("hasattr", "getattr"):
                probes.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert probes == []


def test_screens_and_widgets_use_only_textuals_app():
    """`self.app.push_screen(...)` is Textual's; `self.app.retry(...)` would be ours: a cycle in
    disguise. Screens and widgets may use only what every Textual App has."""
    from textual.app import App

    textuals = set(dir(App())) | set(dir(App))
    views = list((UI / "screens").glob("*.py")) + list((UI / "widgets").glob("*.py"))
    ours = []
    for path in views:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
                    and node.value.attr == "app" and node.attr not in textuals):
                ours.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: app.{node.attr}")
    assert ours == []
