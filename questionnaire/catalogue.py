"""The item catalogue in ``docs/item-catalogue.md``, generated from the bank.

``.venv/bin/python -m questionnaire.catalogue > docs/item-catalogue.md`` (or ``make catalogue``);
``tests/test_questionnaire_bank.py`` fails when the committed file is out of date.
"""

from __future__ import annotations

from questionnaire.bank import Bank, Item, load_bank
from questionnaire.conditions import Condition


def describe_condition(cond: Condition | None) -> str:
    """A condition in the spec's own notation."""
    if cond is None:
        return "always"
    if cond.kind == "gate":
        return f"*{cond.gate.replace('_', '-')} gate*"
    if cond.kind in ("any", "all"):
        joiner = " or " if cond.kind == "any" else " and "
        return "(" + joiner.join(describe_condition(p) for p in cond.parts) + ")"
    if cond.kind == "in":
        values = ", ".join(cond.values)
        return f"`{cond.item}` = {values}" if len(cond.values) == 1 else f"`{cond.item}` ∈ {{{values}}}"
    if cond.kind == "includes":
        codes = [f"`{v}`" for v in cond.values]
        listed = codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + " or " + codes[-1]
        return f"`{cond.item}` includes {listed}"
    if cond.kind == "age_min":
        return f"*age* ≥ {cond.number}"
    op = "≥" if cond.kind == "min" else "<"
    return f"`{cond.item}` {op} {cond.number}"


def describe_type(item: Item) -> str:
    if item.type == "int":
        shown = "; shown as " + ", ".join(f"{p.value} = {p.label.split(' (')[0]}" for p in item.scale)
        return f"int[{item.minimum},{item.maximum}]" + (shown if item.scale else "")
    if item.type in ("choice", "multi"):
        text = f"{item.type}: " + ", ".join(f"`{o.code}`" for o in item.offered)
        if item.exclusive:
            text += "; " + ", ".join(f"`{c}`" for c in item.exclusive) + " stand alone"
        if item.hidden:
            text += "; still valid, never offered: " + ", ".join(f"`{c}`" for c in item.hidden)
        for code, others in item.not_with.items():
            text += f"; `{code}` not with " + ", ".join(f"`{c}`" for c in others)
        return text
    if item.type == "text":
        low = item.min_len
        return f"text ({low}–{item.max_len}{', line breaks allowed' if item.multiline else ''})"
    return item.type


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(bank: Bank) -> str:
    lines = [
        "# Item catalogue",
        "",
        f"Generated from `questionnaire/bank.toml` (questionnaire version `{bank.version}`) by",
        "`.venv/bin/python -m questionnaire.catalogue > docs/item-catalogue.md`. Do not edit by hand:",
        "a test fails when this file is out of date.",
        "",
    ]
    for gate, cond in bank.gates.items():
        lines.append(f"*{gate.replace('_', '-')} gate*: {describe_condition(cond)}.")
        lines.append("")
    for section in bank.sections:
        lines += [f"## {section.title['en']} / {section.title['es']}", "",
                  "| id | type | asked when | optional | clinician label | English | Spanish |",
                  "|---|---|---|---|---|---|---|"]
        for item in bank.in_section(section.id):
            lines.append("| " + " | ".join(_cell(c) for c in (
                f"`{item.id}`", describe_type(item), describe_condition(item.when),
                "yes" if item.optional else "", item.label, item.text["en"], item.text["es"])) + " |")
        lines.append("")
    lines += ["## Derived red flags and notes (no question of their own)", "",
              "| id | clinician label |", "|---|---|"]
    lines += [f"| `{d}` | {_cell(label)} |" for d, label in bank.derived.items()]
    lines += ["", "## Retired v2 questions (never asked; a stored v2 answer is read as its replacements)", "",
              "| id | clinician label | read as |", "|---|---|---|"]
    lines += [f"| `{r.id}` | {_cell(r.label)} | " + " and ".join(f"`{x}`" for x in r.replaced_by) + " |"
              for r in bank.retired.values()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(load_bank()), end="")
