"""The bank against the clinical spec, its load-time checks, and the generated catalogue."""

from __future__ import annotations

import copy
import re
import tomllib
from pathlib import Path

import pytest

from questionnaire import catalogue
from questionnaire.bank import BANK_PATH, BankError, parse_bank

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "spec" / "clinical-core.md"
ROW = re.compile(r"^\| `(?P<id>[a-z_]+\.[a-z_0-9]+)` \| (?P<type>[^|]+) \| (?P<when>[^|]+) \|", re.M)


def spec_rows() -> dict[str, tuple[str, str]]:
    """Every core data element of the spec: id -> (type cell, asked-when cell)."""
    rows = {m["id"]: (m["type"].strip(), m["when"].strip()) for m in ROW.finditer(SPEC.read_text())}
    return {k: v for k, v in rows.items() if not re.fullmatch(r"(note|rf)\.\w+", k) or "yn" in v[0]}


SPEC_ROWS = spec_rows()


def test_spec_has_the_elements_we_expect_to_read():
    assert len(SPEC_ROWS) >= 75  # the table parser still reads the spec
    assert "ha.migraine_days" in SPEC_ROWS and "safety.antibiotic_injections" in SPEC_ROWS


@pytest.mark.parametrize("item_id", sorted(SPEC_ROWS))
def test_every_spec_element_is_in_the_bank_as_specified(bank, item_id):
    spec_type, spec_when = SPEC_ROWS[item_id]
    item = bank.item(item_id)
    kind = spec_type.split(":")[0].split("[")[0].split(" ")[0]
    assert item.type == kind
    if kind in ("choice", "multi"):
        assert list(item.codes) == re.findall(r"`([a-z_0-9]+)`", spec_type)
    if kind == "int":
        low, high = map(int, re.search(r"\[(\d+),(\d+)\]", spec_type).groups())
        assert (item.minimum, item.maximum) == (low, high)
    if kind == "text":
        lengths = re.search(r"\((\d+)–(\d+)\)", spec_type)
        low, high = map(int, lengths.groups()) if lengths else (1, 200)
        assert (item.min_len, item.max_len) == (low, high)
        assert item.multiline == (high == 500)  # line breaks only in the two 500-character texts
    when = re.sub(r"(, optional| \(set by .*\))$", "", spec_when)
    assert catalogue.describe_condition(item.when) == when
    assert item.optional == ("optional" in spec_when)


def test_every_derived_flag_and_note_of_the_spec_is_named(bank):
    text = SPEC.read_text()
    derived = set(re.findall(r"^\| `((?:rf|note)\.[a-z_0-9]+)` \| (?!yn)", text, re.M))
    assert derived == set(bank.derived)


def test_none_excludes_every_other_code_in_each_multi_that_has_it(bank):
    for item in bank.items:
        if item.type == "multi" and "none" in item.codes:
            assert "none" in item.exclusive, item.id


def raw_bank() -> dict:
    with BANK_PATH.open("rb") as fh:
        return tomllib.load(fh)


def broken(mutate) -> str:
    data = copy.deepcopy(raw_bank())
    mutate(data)
    with pytest.raises(BankError) as info:
        parse_bank(data)
    return str(info.value)


def item_of(data: dict, item_id: str) -> dict:
    return next(i for i in data["items"] if i["id"] == item_id)


def test_unknown_type_is_refused_naming_the_item():
    msg = broken(lambda d: item_of(d, "ha.days").update(type="slider"))
    assert "'ha.days'" in msg and "slider" in msg and "yn" in msg


def test_condition_on_unknown_item_is_refused_naming_both():
    msg = broken(lambda d: item_of(d, "ha.days").update(when={"item": "ha.anyy", "in": ["yes"]}))
    assert "'ha.days'" in msg and "'ha.anyy'" in msg


def test_condition_on_a_later_item_is_refused():
    msg = broken(lambda d: item_of(d, "ha.any").update(when={"item": "ha.days", "min": 1}))
    assert "'ha.any'" in msg and "later" in msg


def test_missing_spanish_translation_is_refused_naming_the_item():
    msg = broken(lambda d: item_of(d, "neck.pulls")["text"].pop("es"))
    assert "'neck.pulls'" in msg and "'es'" in msg


def test_missing_option_translation_is_refused_naming_item_and_option():
    msg = broken(lambda d: item_of(d, "patient.sex")["options"][1].update(es=""))
    assert "'patient.sex'" in msg and "'male'" in msg


def test_duplicate_id_is_refused_naming_it():
    msg = broken(lambda d: d["items"].append(copy.deepcopy(item_of(d, "back.pain"))))
    assert "'back.pain'" in msg and "duplicate" in msg


def test_unknown_gate_is_refused():
    msg = broken(lambda d: item_of(d, "rf.saddle").update(when={"gate": "low_bak"}))
    assert "'rf.saddle'" in msg and "low_bak" in msg


def test_missing_message_translation_is_refused():
    msg = broken(lambda d: d["messages"]["out_of_range"].pop("es"))
    assert "out_of_range" in msg


def test_catalogue_in_docs_is_up_to_date(bank):
    committed = (ROOT / "docs" / "item-catalogue.md").read_text()
    assert committed == catalogue.render(bank), "run `make catalogue` and commit docs/item-catalogue.md"
