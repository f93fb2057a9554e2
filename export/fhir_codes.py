"""The code systems of our own codes in FHIR exports, declared as ``CodeSystem`` resources.

A collection Bundle carries one CodeSystem per system below (after the Questionnaire), so every
code we coin is defined in the file that uses it: the indications, the match, the evidence
direction (clinical-core.md, "The screening rules"). ``RiskAssessment.prediction.qualitativeRisk``
is bound to FHIR's own risk-probability value set, so it carries that system's code of the
match (strong -> high, possible -> moderate, unlikely -> low) and our match code travels in
an extension: validators then find every code in the value set they check against.
"""

from __future__ import annotations

import uuid

from export import summary

INDICATION_SYSTEM = "urn:botox-screener:indication"
MATCH_SYSTEM = "urn:botox-screener:match"
DIRECTION_SYSTEM = "urn:botox-screener:evidence-direction"
RISK_PROBABILITY = "http://terminology.hl7.org/CodeSystem/risk-probability"
MATCH_TO_RISK = {"strong": ("high", "High likelihood"), "possible": ("moderate", "Moderate likelihood"),
                 "unlikely": ("low", "Low likelihood")}
_NAMESPACE = uuid.UUID("0b7a55e2-3a43-4c55-9d0b-5f1f0c2e6a01")

CONCEPTS: dict[str, dict[str, str]] = {
    INDICATION_SYSTEM: dict(summary.INDICATION_NAMES),
    MATCH_SYSTEM: {"strong": "Strong match", "possible": "Possible match", "unlikely": "Unlikely"},
    DIRECTION_SYSTEM: {"effective": "Effective", "possibly_effective": "Possibly effective",
                       "probably_ineffective": "Probably ineffective",
                       "insufficient": "Insufficient evidence"},
}
TITLES = {INDICATION_SYSTEM: ("BotoxScreenerIndication", "Indications the screener matches"),
          MATCH_SYSTEM: ("BotoxScreenerMatch", "How well the answers match an indication's pattern"),
          DIRECTION_SYSTEM: ("BotoxScreenerEvidenceDirection", "What the evidence says toxin does")}


def coding(system: str, code: str) -> dict:
    """A Coding of one of our codes, with the display its CodeSystem gives it."""
    return {"system": system, "code": code, "display": CONCEPTS[system].get(code, code)}


def risk_probability(match: str) -> dict:
    code, display = MATCH_TO_RISK.get(match, MATCH_TO_RISK["unlikely"])
    return {"system": RISK_PROBABILITY, "code": code, "display": display}


def code_system(system: str, version: str) -> dict:
    name, title = TITLES[system]
    return {"resourceType": "CodeSystem", "id": name.lower(), "url": system, "version": version,
            "name": name, "title": title, "status": "active", "content": "complete",
            "caseSensitive": True,
            "concept": [{"code": code, "display": display} for code, display in CONCEPTS[system].items()]}


def code_systems(version: str = "3") -> list[tuple[str, dict]]:
    """(fullUrl, CodeSystem dict) for every system we coin, in a fixed order."""
    return [(f"urn:uuid:{uuid.uuid5(_NAMESPACE, system)}", code_system(system, version))
            for system in CONCEPTS]
