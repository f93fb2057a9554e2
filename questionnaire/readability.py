"""Reading level of every question in the bank: ``docs/readability.md``, generated.

English: Flesch-Kincaid grade (aim: grade 8 or below). Spanish: Fernández-Huerta reading ease
(aim: 60 or above, "normal" or easier). Both from textstat, on the question text the patient
reads (help texts and options are shorter and not scored). An item may carry
``readability_exception = "reason"`` in the bank when its question cannot meet the aim, for
example because it names brands; the reason is printed in the report.

Regenerate (a test fails when the committed file differs):
    .venv/bin/python -m questionnaire.readability > docs/readability.md
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version

import textstat

from questionnaire.bank import Bank, Item, load_bank

EN_MAX_GRADE = 8.0
ES_MIN_EASE = 60.0


@dataclass(frozen=True)
class Readability:
    item: Item
    en_grade: float  # Flesch-Kincaid grade level
    es_ease: float  # Fernández-Huerta reading ease

    @property
    def within_aim(self) -> bool:
        return self.en_grade <= EN_MAX_GRADE and self.es_ease >= ES_MIN_EASE


def english_grade(text: str) -> float:
    textstat.set_lang("en_US")
    return round(textstat.flesch_kincaid_grade(text), 1)


def spanish_ease(text: str) -> float:
    textstat.set_lang("es")
    try:
        return round(textstat.fernandez_huerta(text), 1)
    finally:
        textstat.set_lang("en_US")


def measure(bank: Bank) -> list[Readability]:
    """Every item's question, in bank order."""
    return [Readability(i, english_grade(i.text["en"]), spanish_ease(i.text["es"])) for i in bank.items]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(bank: Bank) -> str:
    rows = measure(bank)
    over = [r for r in rows if not r.within_aim]
    lines = [
        "# Readability of the questions",
        "",
        f"Generated from `questionnaire/bank.toml` (questionnaire version `{bank.version}`) by",
        "`.venv/bin/python -m questionnaire.readability > docs/readability.md`. Do not edit by hand:",
        "a test fails when this file is out of date.",
        "",
        f"Aim: English Flesch-Kincaid grade {EN_MAX_GRADE:g} or below; Spanish Fernández-Huerta "
        f"reading ease {ES_MIN_EASE:g} or above (textstat {version('textstat')}, on the question text).",
        f"A test fails for a question outside the aim unless the bank gives a written reason "
        f"(`readability_exception`). {len(rows)} questions; {len(rows) - len(over)} within the aim; "
        f"{len(over)} outside it, each with its reason.",
        "",
        "| id | English grade | Spanish ease | within aim | reason when not |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| `{r.item.id}` | {r.en_grade:.1f} | {r.es_ease:.1f} | "
                     f"{'yes' if r.within_aim else 'no'} | {_cell(r.item.readability_exception)} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(load_bank()), end="")
