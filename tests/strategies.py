"""Random VALID answers documents from the item bank, for property tests, fuzzing and benchmarks.

One generator, two sources of randomness:
- ``answers_documents(bank, as_of)``: a hypothesis strategy (shrinks toward short documents);
- ``random_document(bank, as_of, rng)``: the same walk driven by ``random.Random`` (seeded; no
  hypothesis needed, for bench/).

The walk follows the bank in order (a condition only names earlier items), so every generated
document respects asked-when; values respect types, ranges, options, "none"-exclusive multi
choices (and every code that stands alone), the v2 code ``simple`` now and then but never with
``paracetamol`` or ``nsaid``, text lengths (after NFC) and refused characters (Cc, Cs, Cf, Zl,
Zp), dates (not after ``as_of``, age 0-120), and ``ha.migraine_days <= ha.days``. ``skip`` is the
chance that an asked item is left unanswered (partial documents are valid); ``skip=0`` gives
complete documents (optional texts still vary).
"""

from __future__ import annotations

import random
import string
from datetime import date, timedelta
from typing import Protocol
from unicodedata import normalize

from questionnaire.answers import MAX_AGE, age_on
from questionnaire.bank import Bank, Item

# Numbers the rules compare against, so random documents hit both sides of every threshold.
INTERESTING = (0, 1, 2, 3, 7, 8, 9, 10, 11, 12, 14, 15, 16, 30)
TEXT_ALPHABET = string.ascii_letters + string.digits + " .,'-áéíóúñÑ¿¡üÜ" + "中文"


class Picker(Protocol):
    def integer(self, low: int, high: int) -> int: ...
    def chance(self, percent: int) -> bool: ...
    def text(self, low: int, high: int, multiline: bool) -> str: ...


def _choose(pick: Picker, seq):
    return seq[pick.integer(0, len(seq) - 1)]


def _number(pick: Picker, item: Item, high: int) -> int:
    low = item.minimum
    if pick.chance(50):
        near = [n for n in INTERESTING if low <= n <= high]
        if near:
            return _choose(pick, near)
    return pick.integer(low, high)


def _multi(pick: Picker, item: Item) -> list[str]:
    if item.exclusive and pick.chance(15):
        return [_choose(pick, item.exclusive)]  # "none", or one of the codes that stand alone
    codes = [c for c in item.offered_codes if c not in item.exclusive]
    if item.hidden and pick.chance(10):  # a stored v2 code (``simple``): valid, never offered
        codes = [c for c in item.codes if c not in item.exclusive]
    chosen = [c for c in codes if pick.chance(30)]
    chosen = chosen or [_choose(pick, codes)]
    for code, others in item.not_with.items():  # ``simple`` never with paracetamol or nsaid
        if code in chosen and len(chosen) > 1:
            chosen = [c for c in chosen if c not in others] if pick.chance(50) else [
                c for c in chosen if c != code]
    return chosen


def _birth_date(pick: Picker, as_of: date) -> str:
    born = as_of - timedelta(days=pick.integer(0, 365 * MAX_AGE))
    while age_on(born, as_of) > MAX_AGE:
        born += timedelta(days=1)
    return born.isoformat()


def value_for(item: Item, doc: dict, as_of: date, pick: Picker) -> object:
    """A valid answer to ``item`` given the answers so far."""
    if item.type == "yn" and item.id.startswith(("rf.", "safety.")) and pick.chance(75):
        return "no"  # warning signs are mostly "no", so routine and review triage occur too
    if item.type in ("yn", "choice"):
        return _choose(pick, item.codes)
    if item.type in ("int", "nrs"):
        high = item.maximum
        if item.id == "ha.migraine_days" and isinstance(doc.get("ha.days"), int):
            high = doc["ha.days"]
        return _number(pick, item, high)
    if item.type == "multi":
        return _multi(pick, item)
    if item.type == "text":
        return pick.text(item.min_len, item.max_len, item.multiline)
    return _birth_date(pick, as_of)


def build_document(bank: Bank, as_of: date, pick: Picker, skip: int = 10, fixed: dict | None = None) -> dict:
    """Walk the bank in order, answering each asked item (or leaving it out, ``skip`` percent).

    ``fixed`` gives chosen answers to some items (used when the item is asked): for example
    ``{"ha.any": "yes"}`` to explore headache patterns only.
    """
    doc: dict = {}
    for item in bank.items:
        if not bank.is_asked(item, doc, as_of):
            continue
        if fixed and item.id in fixed:
            doc[item.id] = fixed[item.id]
            continue
        if (item.optional and pick.chance(50)) or (skip and pick.chance(skip)):
            continue
        doc[item.id] = value_for(item, doc, as_of, pick)
    return doc


class RandomPicker:
    """Picker over ``random.Random`` (seeded by the caller)."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def chance(self, percent: int) -> bool:
        return self.rng.randrange(100) < percent

    def text(self, low: int, high: int, multiline: bool) -> str:
        size = self.rng.randint(max(low, 1), min(high, 60))
        alphabet = TEXT_ALPHABET + ("\n" if multiline else "")
        core = "".join(self.rng.choice(alphabet) for _ in range(size)).strip()
        return core if len(core) >= max(low, 1) else "x" * max(low, 1)


def random_document(bank: Bank, as_of: date, rng: random.Random, skip: int = 10,
                    fixed: dict | None = None) -> dict:
    return build_document(bank, as_of, RandomPicker(rng), skip, fixed)


def answers_documents(bank: Bank, as_of: date, skip: int = 10, fixed: dict | None = None):
    """A hypothesis strategy of valid answers documents."""
    from hypothesis import strategies as st

    class DrawPicker:
        def __init__(self, draw):
            self.draw = draw

        def integer(self, low: int, high: int) -> int:
            return self.draw(st.integers(low, high))

        def chance(self, percent: int) -> bool:
            return self.draw(st.integers(0, 99)) < percent

        def text(self, low: int, high: int, multiline: bool) -> str:
            chars = st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Zl", "Zp"))
            if multiline:
                chars = st.one_of(chars, st.sampled_from("\n\r"))
            raw = st.text(chars, min_size=max(low, 1), max_size=min(high, 40))
            return self.draw(raw.filter(lambda s: low <= len(normalize("NFC", s).strip()) <= high))

    @st.composite
    def documents(draw):
        return build_document(bank, as_of, DrawPicker(draw), skip, fixed)

    return documents()
