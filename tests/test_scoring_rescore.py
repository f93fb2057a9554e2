"""Re-scoring a stored version-2 submission with ``python -m clinic rescore`` on a real SQLite
file: the v2 answers are upgraded and scored under v3 on the visit date, the new result is added
beside the stored one, and the stored v2 result keeps its own rules_version (never rewritten)."""

from __future__ import annotations

from datetime import UTC, datetime

from test_scoring_upgrade import V2_SUBMISSION
from test_storage_cli import clinic, env_for, settings_for

from scoring import RULES_VERSION
from storage import NewSubmission, open_store

V2_RESULT = {"triage": "review", "indications": [], "red_flags": [], "safety": [], "notes": [], "peg": 6.3,
             "rules_version": "2026.11.24.1"}


def test_rescore_reads_a_stored_v2_submission_under_v3_and_keeps_the_v2_result(tmp_path):
    store = open_store(settings_for(tmp_path))
    sid = store.save_submission(NewSubmission(
        answers=V2_SUBMISSION, language="es", questionnaire_version="2026.11.24",
        submitted_at=datetime(2026, 11, 24, 9, 30, tzinfo=UTC), result=V2_RESULT,
        rules_version="2026.11.24.1"))
    store.close()
    done = clinic("rescore", "--all", env=env_for(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "scored 1 submission(s); 0 could not be scored" in done.stdout
    assert "Stored Patient" not in done.stdout + done.stderr
    store = open_store(settings_for(tmp_path))
    stored = store.results_of(sid)
    store.close()
    assert [r["rules_version"] for r in stored] == ["2026.11.24.1", RULES_VERSION]
    assert stored[0]["result"].as_stored() == V2_RESULT  # the stored v2 result is never rewritten
    rescored = stored[1]["result"].as_stored()
    assert rescored["rules_version"] == RULES_VERSION and rescored["triage"] == "urgent"
    texts = {f["id"]: f["text"] for f in rescored["red_flags"]}
    assert texts["rf.giant_cell_arteritis"].endswith("`rf.new_after_50`)")  # 72 on the visit date
    assert "from the v2 answer `rf.cancer_immuno`" in texts["rf.cancer"]
