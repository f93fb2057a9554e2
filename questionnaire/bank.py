"""The item bank: the questionnaire as data, loaded from ``bank.toml`` and checked on load.

The bank is the one source of truth for what is asked: ids, answer types, ranges, options,
asked-when conditions, the patient wording in English and Spanish, and the clinician wording.
Loading it checks every rule a renderer or the scoring relies on; a broken bank is a
``BankError`` that names the item.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path

from questionnaire.conditions import Answers, Condition, Test, parse_condition

LANGUAGES = ("en", "es")
ANSWER_TYPES = ("yn", "int", "nrs", "choice", "multi", "text", "date")
YN_CODES = ("yes", "no", "unsure")
WIDGETS = ("default", "body_map", "language", "scale")
BANK_PATH = Path(__file__).with_name("bank.toml")


class BankError(ValueError):
    """The bank file breaks a rule; the message names the item or section."""


@dataclass(frozen=True)
class Option:
    code: str
    text: Mapping[str, str]  # language -> patient wording
    label: str  # clinician wording, English


@dataclass(frozen=True)
class ScalePoint:
    """One labelled value of an int item shown as options (PHQ-2/GAD-2: 0-3)."""

    value: int
    text: Mapping[str, str]
    label: str


@dataclass(frozen=True)
class Item:
    id: str
    section: str
    type: str
    text: Mapping[str, str]
    label: str
    help: Mapping[str, str]
    options: tuple[Option, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    min_len: int = 1
    max_len: int = 200
    multiline: bool = False
    optional: bool = False
    when: Condition | None = None
    widget: str = "default"
    exclusive: tuple[str, ...] = ()  # multi codes that each stand alone ("none"; "no", "unsure", ...)
    hidden: tuple[str, ...] = ()  # stored codes still valid but never offered (v2 ``simple``)
    not_with: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # code -> codes it excludes
    scale: tuple[ScalePoint, ...] = ()  # an int item shown as labelled options (widget "scale")
    readability_exception: str = ""  # the written reason a question may read harder than the aim

    @cached_property
    def codes(self) -> tuple[str, ...]:
        """Every valid code, the hidden (stored, never offered) ones included."""
        return YN_CODES if self.type == "yn" else tuple(o.code for o in self.options)

    @property
    def offered(self) -> tuple[Option, ...]:
        """The options a renderer shows: every option but the hidden ones."""
        return tuple(o for o in self.options if o.code not in self.hidden)

    @property
    def offered_codes(self) -> tuple[str, ...]:
        return YN_CODES if self.type == "yn" else tuple(o.code for o in self.offered)

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)

    def point(self, value: object) -> ScalePoint | None:
        return next((p for p in self.scale if p.value == value and not isinstance(value, bool)), None)


@dataclass(frozen=True)
class Section:
    id: str
    title: Mapping[str, str]
    intro: Mapping[str, str]


@dataclass(frozen=True)
class Retired:
    """A v2 question retired in v3: never asked, never offered; named for stored v2 answers."""

    id: str
    label: str  # clinician wording of the v2 question
    replaced_by: tuple[str, ...]  # the v3 ids a v2 answer is read as (scoring/upgrade.py)


@dataclass(frozen=True)
class Bank:
    version: str
    sections: tuple[Section, ...]
    items: tuple[Item, ...]
    gates: Mapping[str, Condition]
    messages: Mapping[str, Mapping[str, str]]
    yn_text: Mapping[str, Mapping[str, str]]
    derived: Mapping[str, str]  # derived red-flag and note id -> clinician label
    retired: Mapping[str, Retired]  # retired v2 question id -> what replaced it

    def label(self, some_id: str) -> str:
        """The clinician wording of an item, a derived id or a retired v2 question."""
        if self.has(some_id):
            return self.item(some_id).label
        if some_id in self.derived:
            return self.derived[some_id]
        return self.retired[some_id].label

    def item(self, item_id: str) -> Item:
        return self._index[item_id]

    def has(self, item_id: str) -> bool:
        return item_id in self._index

    def _by_id(self) -> dict[str, Item]:
        return self._index

    @cached_property
    def _index(self) -> dict[str, Item]:  # built once: the bank is immutable
        return {i.id: i for i in self.items}

    def in_section(self, section_id: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.section == section_id)

    @cached_property
    def derived_tables(self) -> dict[str, object]:
        """Tables other modules derive from the bank and build once per bank (never patient data)."""
        return {}

    @cached_property
    def asked_tests(self) -> dict[str, tuple[Item, Test | None]]:
        """Item id -> (item, its asked-when as one compiled function, None when always asked)."""
        gate_tests: dict[str, Test] = {}
        gate_tests.update((gate, cond.compile(gate_tests)) for gate, cond in self.gates.items())
        return {i.id: (i, None if i.when is None else i.when.compile(gate_tests)) for i in self.items}

    def is_asked(self, item: Item | str, answers: Answers, as_of: date) -> bool:
        """Whether ``item`` is asked with ``answers`` on the scoring date ``as_of``."""
        item = self.item(item) if isinstance(item, str) else item
        known = self.asked_tests.get(item.id)
        if known is not None and known[0] is item:  # this bank's own item: its compiled test
            return known[1] is None or known[1](answers, as_of)
        return item.when is None or item.when.holds(answers, self.gates, as_of)

    def asked_items(self, answers: Answers, as_of: date) -> tuple[Item, ...]:
        return tuple(i for i in self.items if self.is_asked(i, answers, as_of))

    def prune(self, answers: Answers, as_of: date) -> dict:
        """Drop answers of items that are no longer asked on ``as_of``, until nothing changes."""
        kept = dict(answers)
        while True:
            dropped = [k for k in kept if self.has(k) and not self.is_asked(k, kept, as_of)]
            if not dropped:
                return kept
            for k in dropped:
                del kept[k]

    def message(self, code: str, language: str, **params: object) -> str:
        return self.messages[code][language].format(**params)


def _text(raw: dict, key: str, where: str, required: bool = True) -> dict[str, str]:
    value = raw.get(key, {})
    if not required and not value:
        return {}
    if not isinstance(value, dict):
        raise BankError(f"{where}: '{key}' must be a table of languages")
    for lang in LANGUAGES:
        if not isinstance(value.get(lang), str) or not value[lang].strip():
            raise BankError(f"{where}: '{key}' is missing its {lang!r} translation")
    return {lang: value[lang] for lang in LANGUAGES}


def _options(raw: dict, where: str) -> tuple[Option, ...]:
    options = []
    for o in raw.get("options", []):
        code = o.get("code")
        o_where = f"{where} option {code!r}"
        texts = {lang: o.get(lang) for lang in LANGUAGES}
        for lang, t in texts.items():
            if not isinstance(t, str) or not t.strip():
                raise BankError(f"{o_where}: missing its {lang!r} translation")
        options.append(Option(code=code, text=texts, label=o.get("label", texts["en"])))
    codes = [o.code for o in options]
    if len(set(codes)) != len(codes):
        raise BankError(f"{where}: duplicate option code")
    return tuple(options)


def _item(raw: dict, section_ids: set[str]) -> Item:
    where = f"item {raw.get('id', '?')!r}"
    if raw.get("type") not in ANSWER_TYPES:
        raise BankError(f"{where}: unknown type {raw.get('type')!r}; allowed: {', '.join(ANSWER_TYPES)}")
    if raw.get("section") not in section_ids:
        raise BankError(f"{where}: unknown section {raw.get('section')!r}")
    if raw.get("widget", "default") not in WIDGETS:
        raise BankError(f"{where}: unknown widget {raw.get('widget')!r}")
    kind = raw["type"]
    options = _options(raw, where)
    if kind in ("choice", "multi") and not options:
        raise BankError(f"{where}: a {kind} item needs options")
    if kind not in ("choice", "multi") and options:
        raise BankError(f"{where}: only choice and multi items have options")
    low, high = (0, 10) if kind == "nrs" else (raw.get("min"), raw.get("max"))
    if kind == "int" and not (isinstance(low, int) and isinstance(high, int) and low <= high):
        raise BankError(f"{where}: an int item needs whole numbers min <= max")
    try:
        when = parse_condition(raw["when"], where) if "when" in raw else None
    except ValueError as exc:
        raise BankError(str(exc)) from None
    return Item(
        id=raw["id"], section=raw["section"], type=kind, options=options,
        text=_text(raw, "text", where), help=_text(raw, "help", where, required=False),
        label=raw.get("label") or _fail(f"{where}: missing its clinician 'label'"),
        minimum=low, maximum=high, min_len=raw.get("min_len", 1), max_len=raw.get("max_len", 200),
        multiline=raw.get("multiline", False), optional=raw.get("optional", False),
        when=when, widget=raw.get("widget", "default"), exclusive=_codes(raw, "exclusive", where),
        hidden=_codes(raw, "hidden", where), not_with=_not_with(raw, where),
        scale=_scale(raw, where, low, high), readability_exception=raw.get("readability_exception", ""),
    )


def _scale(raw: dict, where: str, low: object, high: object) -> tuple[ScalePoint, ...]:
    rows = raw.get("scale", [])
    if bool(rows) != (raw.get("widget") == "scale"):
        raise BankError(f"{where}: a 'scale' goes with widget = \"scale\" on an int item, and only there")
    points = []
    for row in rows:
        texts = _text({"t": {lang: row.get(lang) for lang in LANGUAGES}}, "t", f"{where} scale point")
        points.append(ScalePoint(row.get("value"), texts, row.get("label") or texts["en"]))
    if rows and (raw.get("type") != "int" or [p.value for p in points] != list(range(low, high + 1))):
        raise BankError(f"{where}: a scale needs one point per whole number from min to max, in order")
    return tuple(points)


def _not_with(raw: dict, where: str) -> dict[str, tuple[str, ...]]:
    table = raw.get("not_with", {})
    if not isinstance(table, dict):
        raise BankError(f"{where}: 'not_with' must be a table of code = [codes]")
    return {code: _codes(table, code, where) for code in table}


def _codes(raw: dict, key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BankError(f"{where}: '{key}' must be a list of option codes")
    return tuple(value)


def _fail(message: str):
    raise BankError(message)


def _check_references(items: tuple[Item, ...], gates: Mapping[str, Condition]) -> None:
    ids = [i.id for i in items]
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            raise BankError(f"item {item_id!r}: duplicate id")
        seen.add(item_id)
    position = {item_id: n for n, item_id in enumerate(ids)}
    conditions = [(f"item {i.id!r}", i.when, position[i.id]) for i in items if i.when]
    conditions += [(f"gate {name!r}", c, len(ids)) for name, c in gates.items()]
    for where, cond, pos in conditions:
        for ref in cond.items():
            if ref not in position:
                raise BankError(f"{where}: its condition names unknown item {ref!r}")
            if position[ref] >= pos:
                raise BankError(f"{where}: its condition names {ref!r}, which comes later")
        _check_gates(cond, gates, where)
    for item in items:
        pairs = [("exclusive", c) for c in item.exclusive] + [("hidden", c) for c in item.hidden]
        pairs += [("not_with", c) for code, others in item.not_with.items() for c in (code, *others)]
        for key, code in pairs:
            if code not in item.codes:
                raise BankError(f"item {item.id!r}: {key} code {code!r} is not an option")


def _check_gates(cond: Condition, gates: Mapping[str, Condition], where: str) -> None:
    if cond.kind == "gate" and cond.gate not in gates:
        raise BankError(f"{where}: unknown gate {cond.gate!r}")
    for part in cond.parts:
        _check_gates(part, gates, where)


def parse_bank(data: dict) -> Bank:
    """Build and check a Bank from the parsed TOML table."""
    sections = tuple(
        Section(s["id"], _text(s, "title", f"section {s['id']!r}"),
                _text(s, "intro", f"section {s['id']!r}", required=False))
        for s in data.get("sections", [])
    )
    try:
        gates = {name: parse_condition(g, f"gate {name!r}") for name, g in data.get("gates", {}).items()}
    except ValueError as exc:
        raise BankError(str(exc)) from None
    items = tuple(_item(raw, {s.id for s in sections}) for raw in data.get("items", []))
    _check_references(items, gates)
    messages = {code: _text(data["messages"], code, f"message {code!r}") for code in data.get("messages", {})}
    yn_text = {code: _text(data["yn"], code, f"yn {code!r}") for code in YN_CODES}
    if not data.get("version"):
        raise BankError("the bank needs a 'version'")
    derived = {d["id"]: d["label"] for d in data.get("derived", [])}
    clash = set(derived) & {i.id for i in items}
    if clash or len(derived) != len(data.get("derived", [])):
        raise BankError(f"derived id {sorted(clash)[0] if clash else '?'!r}: duplicate id")
    retired = _retired(data.get("retired", []), {i.id for i in items})
    return Bank(str(data["version"]), sections, items, gates, messages, yn_text, derived, retired)


def _retired(rows: list[dict], item_ids: set[str]) -> dict[str, Retired]:
    """The ``[[retired]]`` table: ids never asked again, each with its label and replacements."""
    retired: dict[str, Retired] = {}
    for row in rows:
        where = f"retired {row.get('id', '?')!r}"
        if row.get("id") in item_ids or row.get("id") in retired:
            raise BankError(f"{where}: a retired id may not be an item or listed twice")
        if not row.get("label"):
            raise BankError(f"{where}: missing its clinician 'label'")
        replaced_by = tuple(row.get("replaced_by", ()))
        if not replaced_by or any(r not in item_ids for r in replaced_by):
            raise BankError(f"{where}: 'replaced_by' must name items of the bank")
        retired[row["id"]] = Retired(row["id"], row["label"], replaced_by)
    return retired


@lru_cache(maxsize=4)
def load_bank(path: Path = BANK_PATH) -> Bank:
    """The bank at ``path`` (cached: it is static data, never patient data)."""
    with Path(path).open("rb") as fh:
        return parse_bank(tomllib.load(fh))
