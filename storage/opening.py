"""Opening the store: migrate, find or create the key, prove it opens the data, backfill.

Also key rotation, which re-seals every row under the current key in small transactions.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

from sqlalchemy import Engine, insert, select, union, update
from sqlalchemy.exc import IntegrityError

from storage import rows
from storage.corrections import rotate_corrections
from storage.crypto import DecryptError, KeyRing, patient_key
from storage.engine import make_engine, make_private
from storage.errors import KeyMissing
from storage.keys import configured_ring, create_key_file, missing_key_message
from storage.migrations import CORRECTIONS, RESULTS_SEALED, applied_versions, migrate
from storage.rotation import reseal_stale
from storage.schema import comments, key_checks, record_numbers, results, submissions, voids
from storage.store import Store

log = logging.getLogger("storage")
CHECK_TEXT = b"screener key check v1"
BATCH = 100


def open_store(settings) -> Store:
    """The store of ``settings.database_url``: migrated, with a key that opens its data."""
    engine = make_engine(settings.database_url)
    try:
        applied = migrate(engine)  # stops before a step that must re-seal data with the key
        make_private(settings.database_url)
        ring = _ring_for(engine, settings)
        applied += migrate(engine, ring=ring)
        make_private(settings.database_url)
        if applied:
            log.info("applied schema migrations %s", applied)
        store = Store(engine, ring, None if settings.encryption_keys.strip() else Path(settings.key_file))
        _backfill_patient_keys(store)
        return store
    except BaseException:
        engine.dispose()
        raise


def used_key_ids(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        parts = [select(submissions.c.key_id).distinct(), select(comments.c.key_id).distinct()]
        if RESULTS_SEALED in applied_versions(conn):
            parts.append(select(results.c.key_id).where(results.c.key_id.is_not(None)).distinct())
        if CORRECTIONS in applied_versions(conn):
            parts += [select(voids.c.key_id).distinct(), select(record_numbers.c.key_id).distinct()]
        return set(conn.execute(union(*parts)).scalars())


def _ring_for(engine: Engine, settings) -> KeyRing:
    ring = configured_ring(settings)
    used = used_key_ids(engine)
    if ring is None:
        if used:
            raise KeyMissing(missing_key_message(settings, "The database holds encrypted data but no "
                                                 "encryption key is configured."))
        ring = create_key_file(Path(settings.key_file))
    missing = sorted(used - set(ring.keys))
    if missing:
        raise KeyMissing(missing_key_message(
            settings, f"The database holds data encrypted with key id(s) {', '.join(missing)}, "
            f"which {ring.source} does not have."))
    _verify(engine, ring, used, settings)
    return ring


def _verify(engine: Engine, ring: KeyRing, used: set[str], settings) -> None:
    with engine.connect() as conn:
        checks = {r.key_id: bytes(r.check_enc) for r in conn.execute(select(key_checks))}
        samples = {kid: conn.execute(select(submissions.c.id, submissions.c.answers_enc)
                                     .where(submissions.c.key_id == kid).limit(1)).first()
                   for kid in used if kid not in checks}
    try:
        for kid, blob in checks.items():
            if kid in ring.keys:
                ring.open(blob, f"key-check:{kid}")
        for sample in samples.values():
            if sample is not None:
                rows.open_answers(ring, sample.id, sample.answers_enc)
    except DecryptError:
        raise KeyMissing(missing_key_message(
            settings, f"The key in {ring.source} is not the key this database was encrypted with "
            "(same id, different key).")) from None
    for key in ring.keys.values():
        if key.id not in checks:
            _add_check(engine, ring, key.id)


def _add_check(engine: Engine, ring: KeyRing, key_id: str) -> None:
    one = KeyRing([ring.keys[key_id]], ring.source)
    try:
        with engine.begin() as conn:
            conn.execute(insert(key_checks).values(
                key_id=key_id, check_enc=one.seal(CHECK_TEXT, f"key-check:{key_id}"), created_at=rows.now()))
    except IntegrityError:
        pass  # another process added it at the same moment


def _backfill_patient_keys(store: Store) -> None:
    """Rows stored before migration 3 get their lookup hash (needs the key, so not in SQL)."""
    while True:
        with store.engine.connect() as conn:
            todo = conn.execute(select(submissions.c.id, submissions.c.answers_enc)
                                .where(submissions.c.patient_key.is_(None)).limit(BATCH)).all()
        todo = [(r.id, rows.open_answers(store.ring, r.id, r.answers_enc)) for r in todo]
        todo = [(sid, a) for sid, a in todo if a.get("patient.name") and a.get("patient.birth_date")]
        if not todo:
            return
        with store.engine.begin() as conn:
            for sid, answers in todo:
                conn.execute(update(submissions).where(submissions.c.id == sid).values(
                    patient_key=patient_key(store.ring.current, str(answers["patient.name"]),
                                            str(answers["patient.birth_date"]))))


def rotate(store: Store, on_batch=None) -> dict[str, int]:
    """Re-seal every submission, comment and result not under the current key; returns counts.

    Each batch is its own transaction, so an interrupted rotation leaves every row readable
    (under the old or the new key) and running it again finishes the job. ``on_batch(counts)``
    is called after each committed batch.
    """
    ring, current = store.ring, store.ring.current
    _add_check(store.engine, ring, current.id) if current.id not in _check_ids(store.engine) else None
    counts = {"submissions": 0, "comments": 0, "results": 0}
    for table, reseal in ((submissions, _resealed_submission), (comments, _resealed_comment),
                          (results, _resealed_result)):
        reseal_stale(store, table, partial(reseal, ring), counts, table.name, on_batch, size=BATCH)
    rotate_corrections(store)  # void reasons and MRNs (not in the counts the command prints)
    return counts


def _resealed_submission(ring: KeyRing, r) -> dict:
    answers = rows.open_answers(ring, r.id, r.answers_enc)
    name, birth = str(answers.get("patient.name", "")), str(answers.get("patient.birth_date", ""))
    return {"answers_enc": rows.seal_answers(ring, r.id, answers),
            "patient_enc": rows.seal_patient(ring, r.id, answers),
            "patient_key": patient_key(ring.current, name, birth) if name and birth else None}


def _resealed_comment(ring: KeyRing, c) -> dict:
    context = rows.comment_context(c.submission_id, c.version)
    return {"text_enc": ring.seal(ring.open(bytes(c.text_enc), context), context)}


def _resealed_result(ring: KeyRing, r) -> dict:  # the stored JSON object, byte for byte as it was
    stored = rows.open_result_json(ring, r)
    return {"result_enc": rows.seal_result(ring, r.submission_id, r.scored_at, stored)}


def _check_ids(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(key_checks.c.key_id)).scalars())
