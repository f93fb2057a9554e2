"""How the packages sit on each other (issue 9): the workspace router imports none of its pages."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from workspace import router

ROOT = Path(__file__).resolve().parent.parent


def test_the_router_imports_no_page_module():
    tree = ast.parse((ROOT / "workspace" / "router.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
        elif isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
    pages = {target.split(":")[0] for target, *_ in router.PAGES.values()}
    assert not imported & pages, imported & pages


def test_every_page_the_router_names_is_a_function_of_its_module():
    for name, (target, title, url_path, _) in router.PAGES.items():
        module, function = target.split(":")
        assert callable(getattr(importlib.import_module(module), function)), name
        assert title and url_path
