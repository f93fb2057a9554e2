"""Exports of stored submissions: streaming writers from ``vocabulary.Submission`` to a file.

- ``export.formats``  the one table of formats the command line and the workspace both read
- ``export.pdf``      one-page consult summary per submission (fpdf2, embedded DejaVu Sans)
- ``export.tabular``  CSV and Excel, one row per submission, formula injection neutralised
- ``export.jsondoc``  JSON: answers, scoring result and metadata
- ``export.fhir``     FHIR R4B (fhir.resources R4B models): Questionnaire, QuestionnaireResponse, Bundle
- ``export.fhir_transaction``  an EHR-ready transaction Bundle: Patient, response, RiskAssessment
- ``export.filters``  the selection shared by the command line and the clinician workspace
- ``export.cli``      ``python -m clinic export ...``

Nothing here touches Streamlit, the network or a log: patient data goes only into the file
written. See docs/exports.md.
"""

__all__ = ["cli", "fhir", "fhir_transaction", "filters", "formats", "jsondoc", "pdf", "summary", "tabular"]
