"""The questionnaire as data: the item bank, its conditions and the answers document's checks.

- ``questionnaire.bank``         ``load_bank()``: the bank (bank.toml) parsed and checked on load
- ``questionnaire.conditions``   asked-when conditions (gates, answers, ``age_min``)
- ``questionnaire.answers``      ``check_answers``: a document against the bank (``InvalidAnswers``)
- ``questionnaire.texts``        typed text: normalised, refused characters named
- ``questionnaire.catalogue``    docs/item-catalogue.md, generated from the bank
- ``questionnaire.readability``  docs/readability.md: reading level of every question (textstat)

No Streamlit, no database: the kiosk renders it, the scoring reads it. See docs/kiosk.md and
docs/item-catalogue.md.
"""

__all__ = ["answers", "bank", "catalogue", "conditions", "readability", "texts"]
