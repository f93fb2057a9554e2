"""Regression on behaviour: RULES_VERSION is keyed on what the scoring outputs over the golden
corpus, the questionnaire version on the parsed bank (tests/golden/, written by bench/golden.py).

A change to a rule, a fixed text or the bank that is not followed by a version bump fails here.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import golden  # noqa: E402

from questionnaire.bank import load_bank  # noqa: E402
from scoring import RULES_VERSION  # noqa: E402

CORPUS = golden.read_corpus()
RESULTS = golden.outputs([row["answers"] for row in CORPUS])
RECORDED = golden.read_fingerprints()


def test_the_scoring_output_over_the_corpus_is_the_one_recorded_for_this_rules_version():
    fingerprint = golden.output_fingerprint(RESULTS)
    changed = [n for n, (row, out) in enumerate(zip(CORPUS, RESULTS, strict=True), start=1)
               if row["output"] != golden._digest(out)]
    assert RECORDED["rules"].get(RULES_VERSION) == fingerprint, (
        f"the scoring's output changed on {len(changed)} corpus document(s) (first lines {changed[:5]}) but "
        f"RULES_VERSION is still {RULES_VERSION!r}: bump it in scoring/engine.py, then run "
        "`.venv/bin/python bench/golden.py --write`")


def test_every_recorded_rules_version_has_its_own_output():
    assert len(set(RECORDED["rules"].values())) == len(RECORDED["rules"])


def test_the_bank_is_the_one_recorded_for_its_version():
    bank = load_bank()
    assert RECORDED["bank"].get(bank.version) == golden.bank_fingerprint(bank), (
        f"questionnaire/bank.toml changed but its version is still {bank.version!r}: bump `version`, "
        "then run `.venv/bin/python bench/golden.py --write`")


def test_the_corpus_reaches_every_level_and_match():
    """A corpus that never scores urgent or never matches an indication would prove little."""
    scored = [r for r in RESULTS if "triage" in r]
    assert len(scored) == len(CORPUS) == golden.DOCS
    assert set(Counter(r["triage"] for r in scored)) == {"urgent", "review", "routine"}
    matches = {(i["id"], i["match"]) for r in scored for i in r["indications"]}
    for ind in {i for i, _ in matches}:
        assert {m for i, m in matches if i == ind} >= {"possible", "unlikely"}, ind
    assert any(r["safety"] for r in scored) and any(r["notes"] for r in scored)


def test_the_corpus_is_what_the_generator_writes():
    """The generator is deterministic: the same seed and bank give the committed documents."""
    assert golden.generate(load_bank()) == [row["answers"] for row in CORPUS], (
        "the bank or tests/strategies.py changed: run `.venv/bin/python bench/golden.py --write`")


def test_a_stored_result_reads_back_as_the_same_typed_result():
    """vocabulary.result_from_dict (how the store reads results back) is to_dict's inverse on outputs."""
    from vocabulary import result_from_dict

    for out in [r | {"rules_version": RULES_VERSION} for r in RESULTS[:300]]:
        assert result_from_dict(out).to_dict() == out


def test_a_version_2_result_reads_back_with_the_contract_table():
    from vocabulary import EvidenceDirection, result_from_dict

    v2 = {"triage": "review", "rules_version": "2026.11.24.1", "peg": 5.0, "red_flags": [
        {"id": "rf.weight_loss", "level": "review", "answer": "unsure", "items": ["rf.weight_loss"]}],
        "safety": [], "notes": [], "indications": [
        {"id": "tension_type_headache", "match": "strong", "evidence": "off_label", "reasons": ["pressing"]},
        {"id": "low_back_pain", "match": "possible", "evidence": "off_label", "reasons": []}]}
    tension, back = result_from_dict(v2).indications
    assert tension.evidence_direction is EvidenceDirection.PROBABLY_INEFFECTIVE and not tension.suggested
    assert back.suggested and back.evidence_direction is EvidenceDirection.POSSIBLY_EFFECTIVE
    assert tension.reasons[0].text == "pressing"


@pytest.mark.parametrize(("where", "bad", "named"), [
    (("triage",), "emergency", "Triage"),
    (("indications", 0, "match"), "probable", "Match"),
    (("indications", 0, "evidence"), "approved", "Evidence"),
    (("indications", 0, "evidence_direction"), "works", "EvidenceDirection"),
    (("red_flags", 0, "level"), "routine?", "Triage"),
    (("safety", 0, "level"), ["precaution"], "SafetyLevel"),
])
def test_a_result_with_a_level_outside_the_vocabulary_is_refused_naming_it(where, bad, named):
    """A stored or imported result whose level is not one of ours is no result: ValueError naming
    the level's kind and the value, as the Enum call would (never a silent default)."""
    import copy

    from vocabulary import result_from_dict

    out = copy.deepcopy(next(r for r in RESULTS if r["red_flags"] and r["safety"]))
    target = out
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = bad
    with pytest.raises(ValueError, match=f"is not a valid {named}$"):
        result_from_dict(out)
