"""The scoring's contract: output shape and key order, purity (imports), levels defined once,
frozen results, the rules version, and validation shared with the bank."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from scoring_cases import AS_OF, CM_STRONG, run

import scoring
from questionnaire.answers import InvalidAnswers
from scoring import RULES_VERSION, EvidenceDirection, Match, ScreeningResult, Triage, score, score_batch

PACKAGE = Path(scoring.__file__).parent
MODULES = sorted(PACKAGE.glob("*.py"))
COMMAND_LINE = {"cli.py", "__main__.py"}

# Standard-library modules a rule module may use: no files, processes, network or clocks.
PURE_STDLIB = {"__future__", "dataclasses", "datetime", "enum", "typing", "collections", "collections.abc",
               "functools", "json", "re", "math", "types"}
CLI_EXTRA = {"argparse", "sys"}
FORBIDDEN = {"streamlit", "sqlalchemy", "psycopg", "sqlite3", "os", "pathlib", "io", "socket", "subprocess",
             "shutil", "tempfile", "logging", "storage", "clinic", "kiosk", "workspace", "export"}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_scoring_imports_only_the_standard_library_the_questionnaire_and_the_vocabulary(path):
    allowed = PURE_STDLIB | (CLI_EXTRA if path.name in COMMAND_LINE else set())
    for name in _imports(path):
        top = name.split(".")[0]
        assert top not in FORBIDDEN and name not in FORBIDDEN, f"{path.name} imports {name}"
        if top in ("questionnaire", "scoring", "vocabulary"):
            continue
        assert top in sys.stdlib_module_names, f"{path.name} imports third-party {name}"
        assert name in allowed or top in allowed, f"{path.name} imports {name}: not allowed in the rules"


@pytest.mark.parametrize("path", [p for p in MODULES if p.name not in COMMAND_LINE], ids=lambda p: p.name)
def test_rule_modules_open_no_files(path):
    calls = {n.func.id for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert not calls & {"open", "print", "input", "exec", "eval"}


@pytest.mark.parametrize("path", [p for p in MODULES if p.name not in COMMAND_LINE], ids=lambda p: p.name)
def test_rule_modules_never_read_the_clock(path):
    """The scoring date is an argument (a stored submission is scored on its visit date)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    clock = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)} & {"today", "now", "utcnow"}
    assert not clock, f"{path.name} reads the clock: {clock}"


LEVEL_WORDS = {"strong", "possible", "unlikely", "urgent", "review", "routine", "contraindication",
               "precaution", "clarify", "fda_approved", "off_label", "effective", "possibly_effective",
               "probably_ineffective", "insufficient"}


REPOSITORY = Path(scoring.__file__).resolve().parent.parent
VOCABULARY = REPOSITORY / "vocabulary"
PRODUCT = sorted(p for package in ("app.py", "clinic", "export", "kiosk", "questionnaire", "scoring",
                                   "storage", "vocabulary", "workspace", "bench")
                 for p in ([REPOSITORY / package] if package.endswith(".py")
                           else (REPOSITORY / package).rglob("*.py")))
INDICATION_IDS = {"cervical_dystonia", "chronic_migraine", "tension_type_headache", "low_back_pain",
                  "myofascial_pain"}


def _is_level_enum(node: ast.AST) -> bool:
    return isinstance(node, ast.ClassDef) and any(
        getattr(b, "id", getattr(b, "attr", "")).endswith("Enum") for b in node.bases)


def _spells_the_indications(node: ast.AST) -> bool:
    """A tuple, list or set literal naming every indication id: the order written again."""
    if isinstance(node, ast.Dict):  # a table keyed by indication: the five named again
        elements = [k for k in node.keys if k is not None]
    elif isinstance(node, ast.Tuple | ast.List | ast.Set):
        elements = node.elts
    else:
        return False
    words = {e.value for e in elements if isinstance(e, ast.Constant)}
    return words >= INDICATION_IDS


def _files_to_touch_for_a_sixth_indication() -> set[str]:
    """The product files docs/extending.md names under "Add a sixth indication"."""
    text = (REPOSITORY / "docs" / "extending.md").read_text(encoding="utf-8")
    section = text.split("## Add a sixth indication", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"`([a-z_/]+\.(?:py|toml))`", section)
    return {path for path in named if (REPOSITORY / path).exists()}


def test_levels_are_defined_once():
    """Across the repository: the level enums and the indication order live in vocabulary/ only,
    and no scoring rule module spells a level as a string."""
    enums, orders, literals = [], [], []
    for path in PRODUCT:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(REPOSITORY).as_posix()
        enums += [(where, n.name) for n in ast.walk(tree) if _is_level_enum(n)]
        orders += [where for n in ast.walk(tree) if _spells_the_indications(n)]
        if path.parent == PACKAGE:
            literals += [(path.name, n.value) for n in ast.walk(tree)
                         if isinstance(n, ast.Constant) and n.value in LEVEL_WORDS]
    assert sorted(name for _, name in enums) == ["Evidence", "EvidenceDirection", "Match", "SafetyLevel",
                                                 "Triage"]
    assert {where for where, _ in enums} == {"vocabulary/_levels.py"}
    listed = _files_to_touch_for_a_sixth_indication()
    assert "vocabulary/_indications.py" in orders
    assert set(orders) <= listed, (f"the five indications written again outside docs/extending.md's list "
                                   f"{sorted(listed)}: {sorted(set(orders) - listed)}")
    assert literals == [], "a level spelled as a string in a scoring module"


def test_the_vocabulary_imports_only_the_standard_library():
    for path in sorted(VOCABULARY.glob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names or top == "vocabulary", f"{path.name} imports {name}"


def test_levels_are_str_enums_with_the_spec_values():
    assert [m.value for m in Match] == ["strong", "possible", "unlikely"]
    assert [t.value for t in Triage] == ["urgent", "review", "routine"]
    assert [d.value for d in EvidenceDirection] == ["effective", "possibly_effective", "probably_ineffective",
                                                    "insufficient"]
    assert isinstance(Triage.URGENT, str) and Triage.URGENT == "urgent"


def test_results_are_frozen():
    result = run(CM_STRONG)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.triage = Triage.URGENT  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.indications[0].match = Match.UNLIKELY  # type: ignore[misc]
    assert isinstance(result.indications, tuple) and isinstance(result.indications[0].reasons, tuple)


def test_output_keys_in_the_spec_order():
    out = run(CM_STRONG, {"rf.thunderclap": "yes", "safety.toxin_allergy": "yes", "ha.days": 14,
                          "ha.migraine_days": 8, "peg.pain": 1, "peg.enjoyment": 2,
                          "peg.activity": 2, "mood.interest": 1, "mood.down": 2}).to_dict()
    assert list(out) == ["triage", "indications", "red_flags", "safety", "notes", "peg", "phq2", "gad2",
                         "rules_version"]
    for indication in out["indications"]:
        assert list(indication) == ["id", "match", "suggested", "evidence", "evidence_direction",
                                    "evidence_text", "reasons"]
        assert type(indication["suggested"]) is bool
    assert list(out["indications"][0]["reasons"][0]) == ["text", "items"]
    assert list(out["red_flags"][0]) == ["id", "level", "answer", "items", "text"]
    assert list(out["safety"][0]) == ["id", "level", "text"]
    assert list(out["notes"][0]) == ["id", "text"]
    assert out["peg"] == 1.7 and out["phq2"] == 3 and out["gad2"] is None
    assert out["rules_version"] == RULES_VERSION
    assert json.loads(json.dumps(out)) == out  # plain JSON values only
    assert type(out["triage"]) is str and type(out["indications"][0]["match"]) is str
    assert type(out["phq2"]) is int


def test_the_rescore_marker_stays_outside_the_output_json():
    first, again = score(CM_STRONG, AS_OF), score(CM_STRONG, AS_OF, rescore=True)
    assert (first.rescore, again.rescore) == (False, True)
    assert first.to_dict() == again.to_dict()  # the contract's JSON has no such key
    urgent = {"rf.thunderclap": "yes"}
    assert score(urgent, AS_OF).alerts and not score(urgent, AS_OF, rescore=True).alerts
    assert score(urgent, AS_OF, rescore=True).triage is Triage.URGENT  # it may read urgent, never alerts
    assert not score(CM_STRONG, AS_OF).alerts


def test_invalid_documents_are_refused_by_the_shared_validator():
    with pytest.raises(InvalidAnswers) as caught:
        score({"ha.any": "yes", "ha.days": 31, "no.such": 1, "peg.pain": None, "back.months": 3}, AS_OF)
    assert set(caught.value.items) == {"ha.days", "no.such", "peg.pain", "back.months"}


@pytest.mark.parametrize("birth", ["2019-W01-1", "20190101  ", "2019-1-01", "2026-11-25", "1900-01-01"])
def test_bad_birth_dates_are_refused(birth):
    with pytest.raises(InvalidAnswers) as caught:
        score({"patient.birth_date": birth}, AS_OF)
    assert caught.value.items == ["patient.birth_date"]


def test_migraine_days_above_headache_days_is_refused():
    with pytest.raises(InvalidAnswers) as caught:
        score({"ha.any": "yes", "ha.days": 7, "ha.migraine_days": 8}, AS_OF)
    assert caught.value.items == ["ha.migraine_days"]


def test_score_accepts_any_mapping_and_an_empty_document():
    from types import MappingProxyType
    assert isinstance(score(MappingProxyType({"ha.any": "no"}), AS_OF), ScreeningResult)
    assert score({}, AS_OF).triage == "routine"


def test_score_batch_keeps_line_numbers_and_order():
    lines = [json.dumps(CM_STRONG), "", "{not json", json.dumps({"ha.days": 3}), b'{"ha.any": "no"}',
             b'{"patient.name": "\xff"}']
    out = list(score_batch(lines, AS_OF))
    assert [o.get("line") for o in out] == [None, 2, 3, 4, None, 6]
    first = out[0]["indications"][0]
    assert (first["id"], first["match"]) == ("chronic_migraine", "strong")
    assert out[1]["items"] == [] and out[2]["items"] == [] and out[3]["items"] == ["ha.days"]
    assert "triage" in out[4] and "UTF-8" in out[5]["error"]


# ---------------------------------------------------------------- RULES_VERSION
# RULES_VERSION is keyed on the scoring's behaviour, not its source bytes: tests/test_golden.py
# fails when the output over the golden corpus changes without a bump (docs/scoring.md).
V2_VERSIONS = ("2026.11.24", "2026.11.24.1")  # every rules version of clinical contract version 2


def test_a_version_3_rules_version_differs_from_every_version_2_one():
    assert RULES_VERSION not in V2_VERSIONS


def test_every_result_carries_its_rules_version():
    assert run({}).rules_version == RULES_VERSION == run({}).to_dict()["rules_version"]
    assert RULES_VERSION.replace(".", "").isdigit()
    date(*map(int, RULES_VERSION.split(".")[:3]))  # YYYY.MM.DD[.n]


@pytest.mark.parametrize("package", ["clinic", "export", "scoring", "storage", "vocabulary", "workspace"])
def test_every_package_names_its_public_surface(package):
    """An explicit ``__all__`` per package (docs/extending.md); every name in it exists."""
    import importlib.util

    module = importlib.import_module(package)
    assert isinstance(getattr(module, "__all__", None), list) and module.__all__, package
    for name in module.__all__:
        assert hasattr(module, name) or importlib.util.find_spec(f"{package}.{name}"), f"{package}.{name}"
