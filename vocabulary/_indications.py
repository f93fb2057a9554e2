"""The five indications: their fixed order, display names, the contract's evidence table
(status and direction) and the ONE rule for "suggested to discuss" (clinical-core.md v3).

The sourced evidence texts stay with the scoring (scoring/evidence.py); adding an indication
starts here (docs/extending.md).
"""

from __future__ import annotations

from collections.abc import Mapping

from vocabulary._levels import Evidence, EvidenceDirection, Match

INDICATIONS = ("cervical_dystonia", "chronic_migraine", "tension_type_headache",
               "low_back_pain", "myofascial_pain")
INDICATION_NAMES = {
    "cervical_dystonia": "Cervical dystonia",
    "chronic_migraine": "Chronic migraine",
    "tension_type_headache": "Tension-type headache",
    "low_back_pain": "Low back pain",
    "myofascial_pain": "Myofascial pain",
}
# The few letters today's list has room for on a tablet (the detail page uses the full name).
INDICATION_SHORT_NAMES = {
    "cervical_dystonia": "dystonia",
    "chronic_migraine": "chr. migraine",
    "tension_type_headache": "tension-type",
    "low_back_pain": "low back",
    "myofascial_pain": "myofascial",
}
# indication id -> (regulatory status, evidence direction): the contract's fixed table.
INDICATION_STATUS: dict[str, tuple[Evidence, EvidenceDirection]] = {
    "cervical_dystonia": (Evidence.FDA_APPROVED, EvidenceDirection.EFFECTIVE),
    "chronic_migraine": (Evidence.FDA_APPROVED, EvidenceDirection.EFFECTIVE),
    "tension_type_headache": (Evidence.OFF_LABEL, EvidenceDirection.PROBABLY_INEFFECTIVE),
    "low_back_pain": (Evidence.OFF_LABEL, EvidenceDirection.POSSIBLY_EFFECTIVE),
    "myofascial_pain": (Evidence.OFF_LABEL, EvidenceDirection.INSUFFICIENT),
}
FIXED_DIRECTION = {ind: direction.value for ind, (_, direction) in INDICATION_STATUS.items()}


def is_suggested(match: str, direction: str | None) -> bool:
    """The contract's rule: match strong or possible, and the direction not probably_ineffective."""
    return match in (Match.STRONG, Match.POSSIBLE) and direction != EvidenceDirection.PROBABLY_INEFFECTIVE


def evidence_direction(ind: Mapping) -> str | None:
    """A stored indication's direction, or for a v2 result the contract's fixed one."""
    return ind.get("evidence_direction") or FIXED_DIRECTION.get(ind.get("id"))


def suggested(ind: Mapping) -> bool:
    """Whether a stored indication is "suggested to discuss": the stored v3 flag, else the rule."""
    if isinstance(ind.get("suggested"), bool):
        return ind["suggested"]
    return is_suggested(ind.get("match"), evidence_direction(ind))
