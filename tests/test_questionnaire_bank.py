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
    assert len(SPEC_ROWS) >= 100  # the table parser still reads the (version 3) spec
    assert {"ha.migraine_days", "safety.antibiotic_injections", "rf.jaw_claudication", "mood.worry",
            "toxin.headache_days_change", "rf.spread_weakness"} <= set(SPEC_ROWS)
    assert SPEC_ROWS["rf.scalp_tender"][1] == "*age* ≥ 50"
    assert SPEC_ROWS["toxin.migraine_cycles"][1] == "`toxin.prior_for` includes `migraine`"


def spec_retired() -> dict[str, set[str]]:
    """The spec's "Retired in v3" paragraph: retired id -> the ids that replace it."""
    text = SPEC.read_text()
    para = text[text.index("Retired in v3"):]
    para = para[:para.index("\n\n")]
    found = dict(re.findall(r"`(rf\.[a-z_0-9]+)`\s*\(replaced by ([^)]*)\)", para))
    retired = {k: set(re.findall(r"`([a-z_.0-9]+)`", v)) for k, v in found.items()}
    if "`rf.new_after_50` is no longer a question" in para:
        # its replacement is the row "`rf.new_after_50` = yes" of "Reading a version 2 document"
        retired["rf.new_after_50"] = set(re.findall(
            r"^\| `rf\.new_after_50` = yes \| `([a-z_.0-9]+)` =", text, re.M))
    return retired


def test_every_retired_id_is_out_of_the_bank_and_named_with_its_replacements(bank):
    retired = spec_retired()
    assert set(retired) == {"rf.positional", "rf.cancer_immuno", "rf.jaw_scalp", "rf.new_after_50"}
    assert set(bank.retired) == set(retired)
    for old, new in retired.items():
        assert not bank.has(old), old
        assert set(bank.retired[old].replaced_by) == new, old
        assert bank.label(old)  # stored v2 answers keep a clinician label
    assert bank.retired["rf.new_after_50"].replaced_by == ("ha.first_started",)


def test_the_first_question_after_the_language_is_the_airway_emergency(bank):
    first_section = bank.sections[0].id
    assert [i.id for i in bank.in_section(first_section)] == ["rf.airway_now"]
    assert bank.items[0].id == "rf.airway_now" and bank.items[0].when is None


@pytest.mark.parametrize("item_id", sorted(SPEC_ROWS))
def test_every_spec_element_is_in_the_bank_as_specified(bank, item_id):
    spec_type, spec_when = SPEC_ROWS[item_id]
    item = bank.item(item_id)
    kind = spec_type.split(":")[0].split("[")[0].split(" ")[0]
    assert item.type == kind
    if kind in ("choice", "multi"):
        assert list(item.offered_codes) == re.findall(r"`([a-z_0-9]+)`", spec_type)
        assert item.hidden == (("simple",) if item_id == "ha.med_types" else ())
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
            assert item.exclusive == ("none",), item.id
    assert bank.item("safety.pregnant").exclusive == ("no", "unsure", "not_applicable")
    assert bank.item("ha.med_types").not_with == {"simple": ("paracetamol", "nsaid")}


def test_mood_items_are_shown_as_the_four_standard_options(bank):
    for item_id in ("mood.interest", "mood.down", "mood.nervous", "mood.worry"):
        item = bank.item(item_id)
        assert item.widget == "scale" and item.section == "mood"
        assert [p.value for p in item.scale] == [0, 1, 2, 3]
        assert [p.text["en"] for p in item.scale] == [
            "Not at all", "Several days", "More than half the days", "Nearly every day"]


def test_no_gender_slash_and_none_of_the_words_the_review_found_wrong(bank):
    texts = [t for i in bank.items for t in (*i.text.values(), *i.help.values())]
    texts += [t for i in bank.items for o in i.offered for t in o.text.values()]
    texts += [t for i in bank.items for p in i.scale for t in p.text.values()]
    texts += [t for y in bank.yn_text.values() for t in y.values()]
    for text in texts:
        assert not re.search(r"\w/a\b", text), text
        for wrong in ("asco", "impidió", "jalón", "bandas duras", "Elija todo", "monthly shot", "mensual"):
            assert wrong not in text, (wrong, text)
    assert bank.yn_text["unsure"]["es"] == "No sé"
    assert "daily" not in bank.item("ha.preventives").text["en"]
    assert "diaria" not in bank.item("ha.preventives").text["es"]


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


def test_age_condition_naming_a_birth_date_that_comes_later_is_refused():
    def move_birth_date_last(d):
        birth = item_of(d, "patient.birth_date")
        d["items"].remove(birth)
        d["items"].append(birth)
    msg = broken(move_birth_date_last)
    assert "'patient.birth_date'" in msg and "later" in msg


@pytest.mark.parametrize("bad", [{"age_min": "50"}, {"age_min": True}, {"age_min": 50, "item": "ha.any"}])
def test_malformed_age_condition_is_refused_naming_the_item(bad):
    msg = broken(lambda d: item_of(d, "rf.scalp_tender").update(when=bad))
    assert "'rf.scalp_tender'" in msg and "age_min" in msg


def test_retired_id_that_is_still_an_item_is_refused():
    msg = broken(lambda d: d["retired"][0].update(id="rf.posture"))
    assert "'rf.posture'" in msg


def test_retired_replacement_that_is_not_an_item_is_refused():
    msg = broken(lambda d: d["retired"][0].update(replaced_by=["rf.postur"]))
    assert "'rf.positional'" in msg and "replaced_by" in msg


def test_hidden_or_not_with_code_that_is_not_an_option_is_refused():
    msg = broken(lambda d: item_of(d, "ha.med_types").update(not_with={"simple": ["paracetamool"]}))
    assert "'ha.med_types'" in msg and "paracetamool" in msg


def test_scale_that_does_not_cover_the_range_is_refused():
    msg = broken(lambda d: item_of(d, "mood.down")["scale"].pop())
    assert "'mood.down'" in msg and "scale" in msg


def test_missing_message_translation_is_refused():
    msg = broken(lambda d: d["messages"]["out_of_range"].pop("es"))
    assert "out_of_range" in msg


def test_catalogue_in_docs_is_up_to_date(bank):
    committed = (ROOT / "docs" / "item-catalogue.md").read_text()
    assert committed == catalogue.render(bank), (
        "run `.venv/bin/python -m questionnaire.catalogue > docs/item-catalogue.md` and commit it")
