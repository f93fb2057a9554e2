"""Issue 5 item 7: hostile input to answer validation (questionnaire.answers.check_answers).

Also home of the hostile-string strategies the other fuzz files import. Text answers are
stored as typed (the kiosk stores the NFC form), so a hostile string is either accepted as it
is (and must survive JSON byte for byte) or refused with a problem that names the item and
never echoes the value. The acceptance rule is the spec's, written out here independently of the code.
"""

from __future__ import annotations

import json
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaire.answers import check_answers, check_value
from questionnaire.bank import load_bank
from tests.conftest import AS_OF

BANK = load_bank()
TEXT_ITEMS = [i for i in BANK.items if i.type == "text"]
NON_TEXT_ITEMS = [i for i in BANK.items if i.type != "text"]

# The fragments an attacker (or an unlucky patient) types: markup, formulas, direction and
# invisible marks, controls, escapes, long and astral text, a lone surrogate.
FRAGMENTS = [
    "**bold**", "_it_", "# heading", "[x](http://evil.example)", "![i](http://evil.example/i.png)",
    "<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "</textarea>", "&lt;b&gt;", "`code`",
    "$x^2$", ":material/warning:", "=HYPERLINK(\"http://evil.example\",\"x\")", "=cmd|' /C calc'!A0",
    "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", "'=1", "\"", "'", "\\", "\\n", "%s%n%x", "{{7*7}}",
    "${jndi:ldap://x}", "'; DROP TABLE submissions; --", "\u202e", "\u202d", "\u200f", "\u200b",
    "\u200d", "\ufeff", "\u2028", "\u2029", "\u00a0", "\u3000", "e\u0301", "\U0001d54f", "👩\u200d⚕️",
    "🇪🇸", "Ñandú", "İıß", "\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\n", "\r\n", "\r", "\t",
    "\ud800", "\udfff", "null", "NaN", "-0", "1e309",
]

fragment = st.sampled_from(FRAGMENTS)
hostile_text = st.lists(st.one_of(fragment, st.text(max_size=12)), min_size=1, max_size=6).map("".join)
long_text = st.builds(lambda piece, n: (piece * n)[:10_000], st.sampled_from(["A", "ñ", "=", "👩", "ab\n"]),
                      st.integers(min_value=1, max_value=10_000))
any_hostile_text = st.one_of(hostile_text, long_text)
json_scalar = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20),
                        st.floats(allow_nan=False, allow_infinity=False), any_hostile_text)
hostile_value = st.recursive(json_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(hostile_text, inner, max_size=3)), max_leaves=8)


def spec_accepts_text(item, value: str) -> bool:
    """The spec's rule for a text answer (and issue 11's), independent of questionnaire.answers:
    no control (Cc, but line breaks in a multi-line text), surrogate (Cs) or format (Cf)
    character; no line or paragraph separator (Zl, Zp) in a single-line text; the length
    counted in code points of the NFC form, after trimming."""
    allowed = {"\n", "\r"} if item.multiline else set()
    refused = {"Cc", "Cs", "Cf"} | (set() if item.multiline else {"Zl", "Zp"})
    if any(unicodedata.category(c) in refused and c not in allowed for c in value):
        return False
    return item.min_len <= len(unicodedata.normalize("NFC", value).strip()) <= item.max_len


def _problem_is_clear(problem, item_id: str, value: object) -> None:
    assert problem.item == item_id
    message = problem.describe(BANK)
    assert message.startswith(f"{item_id}: ") and len(message) > len(item_id) + 10
    for lang in ("en", "es"):
        assert problem.text(BANK, lang).strip()
    if isinstance(value, str) and len(value.strip()) >= 4:
        assert value not in message, "the message echoes what was typed"


@settings(max_examples=150)
@given(item=st.sampled_from(TEXT_ITEMS), value=any_hostile_text)
def test_text_answer_accepted_exactly_or_refused_clearly(item, value):
    problem = check_value(item, value, AS_OF)
    assert (problem is None) is spec_accepts_text(item, value), (item.id, problem)
    if problem is None:
        # Stored as typed: survives JSON (both encodings) and UTF-8 byte for byte.
        for ascii_only in (True, False):
            assert json.loads(json.dumps({item.id: value}, ensure_ascii=ascii_only)) == {item.id: value}
        assert value.encode("utf-8").decode("utf-8") == value
    else:
        _problem_is_clear(problem, item.id, value)


@settings(max_examples=100)
@given(item=st.sampled_from(NON_TEXT_ITEMS), value=hostile_value)
def test_non_text_items_refuse_hostile_values_by_name(item, value):
    problem = check_value(item, value, AS_OF)
    if isinstance(value, str) and value in item.codes:
        return  # a hostile generator can still type "yes"
    if problem is not None:
        _problem_is_clear(problem, item.id, value)
    else:  # only a genuine in-range whole number, a date or a list of codes gets through
        assert item.type in ("int", "nrs", "date", "multi"), (item.id, value)


@settings(max_examples=100)
@given(doc=st.dictionaries(st.one_of(st.sampled_from([i.id for i in BANK.items]), hostile_text),
                           hostile_value, max_size=8))
def test_whole_documents_never_crash_and_name_each_problem(doc):
    problems = check_answers(BANK, doc, AS_OF)
    named = {p.item for p in problems}
    unknown = {str(k) for k in doc if not BANK.has(k)}
    assert unknown <= named
    assert named <= set(doc) | {"ha.migraine_days"}
    for p in problems:
        assert p.describe(BANK)


@settings(max_examples=25)
@given(document=st.one_of(hostile_value, st.lists(hostile_value, max_size=3)))
def test_a_non_object_document_is_one_clear_problem(document):
    if isinstance(document, dict):
        return
    problems = check_answers(BANK, document, AS_OF)
    assert [p.item for p in problems] == ["(document)"]
