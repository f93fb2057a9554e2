"""How the packages sit on each other (issue 9): the workspace router imports none of its pages;
the exporters never pull in the store; the record types come from the vocabulary."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

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


def _imports(folder: str) -> set[str]:
    """Every module named by an import in the package ``folder`` (or the one module file; top-level
    names included)."""
    found: set[str] = set()
    where = ROOT / folder
    for path in ([where] if where.is_file() else where.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found |= {node.module, node.module.split(".")[0]}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names} | {a.name.split(".")[0] for a in node.names}
    return found


def test_neither_screen_reaches_into_the_other():
    assert "kiosk" not in _imports("workspace")
    assert "workspace" not in _imports("kiosk")


def test_the_drawing_package_sits_below_both_screens():
    assert not {"kiosk", "workspace", "streamlit"} & _imports("drawing")
    assert "drawing" in _imports("kiosk") and "drawing" in _imports("workspace")


RECORD_TYPES = {"AuditEvent", "Comment", "ListPage", "ListRow", "NewSubmission", "Submission", "User", "Void"}


def test_no_exporter_pulls_in_the_store_its_database_or_its_cryptography():
    """The exporters are pure writers over the vocabulary's records (issue 9: one vocabulary).
    One exception: the PDF's spool seals its own scratch pages with a key it makes for the
    export (export/pdf_spool.py); it never sees the store's keys or records."""
    allowed = {"pdf_spool.py": {"cryptography"}}
    for path in sorted((ROOT / "export").rglob("*.py")):
        for name in _imports(str(path.relative_to(ROOT))):
            forbidden = {"storage", "sqlalchemy", "cryptography"} - allowed.get(path.name, set())
            assert name.split(".")[0] not in forbidden, f"{path.name}: {name}"
    assert not {"storage", "sqlalchemy"} & {n.split(".")[0] for n in _imports("export/pdf_spool.py")}


def test_pages_and_exporters_take_the_record_types_from_the_vocabulary():
    import storage
    import vocabulary

    assert RECORD_TYPES <= set(vocabulary.__all__)
    assert all(getattr(storage, t) is getattr(vocabulary, t) for t in RECORD_TYPES & set(storage.__all__))
    assert not (ROOT / "storage" / "records.py").exists()
    for folder in ("export", "workspace", "kiosk", "clinic"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "storage":
                    named = {a.name for a in node.names} & RECORD_TYPES
                    assert not named, f"{folder}/{path.name} takes {named} from {node.module}"


PACKAGES = ("clinic", "drawing", "export", "kiosk", "questionnaire", "scoring", "storage", "vocabulary",
            "workspace")


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_names_its_public_surface(package):
    """An explicit ``__all__`` in each package's ``__init__``, naming only what exists there: a
    module of the package or a name the ``__init__`` binds."""
    init = ROOT / package / "__init__.py"
    tree = ast.parse(init.read_text(encoding="utf-8"))
    names = [n.value for node in tree.body if isinstance(node, ast.Assign)
             and any(getattr(t, "id", "") == "__all__" for t in node.targets) for n in node.value.elts]
    assert names, f"{package}/__init__.py has no __all__"
    bound = {a.asname or a.name for node in tree.body if isinstance(node, ast.ImportFrom) for a in node.names}
    bound |= {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
              if isinstance(t, ast.Name)}
    modules = {p.stem for p in (ROOT / package).glob("*.py")} | {p.name for p in (ROOT / package).iterdir()
                                                                  if (p / "__init__.py").exists()}
    assert [n for n in names if n not in bound | modules] == []
