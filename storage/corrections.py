"""The store's corrections and returning-patient part (a mixin of ``Store``, since migration 8).

- **Void**: a mistaken submission is marked void with a reason, never deleted. The reason is
  sealed like a comment (it may hold patient words); the audit trail gets only who, when and
  which submission. A voided submission leaves the default list and the visit history.
- **Undo "reviewed"**: a review row is never changed; an undo appends a row with ``undone``
  set, and the newest row of a submission says whether it is reviewed.
- **Medical record numbers**: staff attach one to a submission; sealed, with a keyed lookup
  hash (like ``patient_key``) so a patient's visits are found without opening every row. A
  newer attachment replaces an older one for reads; every one is kept.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import partial

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.exc import IntegrityError

from storage import rows
from storage.crypto import Key, KeyRing
from storage.errors import StoreError
from storage.rotation import reseal_stale
from storage.schema import record_numbers, reviews, submissions, voids
from vocabulary import Submission, Void

MRN_PATTERN = re.compile(r"[A-Z0-9](?:[A-Z0-9-]{0,18}[A-Z0-9])?")
MRN_RULE = "medical record number (MRN): 1 to 20 letters, digits or hyphens (not first or last)"
MAX_REASON = 500


@dataclass(frozen=True)
class VisitHistory:
    """A patient's visits around one submission, oldest first, voided visits left out."""

    confirmed: tuple[Submission, ...]  # same MRN (the submission itself included), or only itself
    suggested: tuple[Submission, ...]  # same name and birth date, not yet linked: staff confirm


def normal_mrn(value: object) -> str:
    """The MRN as stored: spaces around dropped, upper case. Bad: StoreError naming the field."""
    if not isinstance(value, str):
        raise StoreError(f"{MRN_RULE}; got no text")
    mrn = value.strip().upper()
    if not MRN_PATTERN.fullmatch(mrn):
        raise StoreError(f"{MRN_RULE}; got {len(mrn)} character(s) that do not fit")
    return mrn


def mrn_key(key: Key, mrn: str) -> str:
    """HMAC-SHA256 of the normalised MRN, under a key derived for this use only."""
    sub = hmac.new(key.secret, b"screener mrn lookup v1", hashlib.sha256).digest()
    return f"{key.id}:{hmac.new(sub, mrn.encode(), hashlib.sha256).hexdigest()}"


def mrn_context(submission_id: str, attached_at: str) -> str:
    return f"mrn:{submission_id}:{attached_at}"


def void_context(submission_id: str) -> str:
    return f"void:{submission_id}"


def latest_mrn_rows(conn: Connection, ids: list[str]) -> dict:
    newest = select(func.max(record_numbers.c.id)).where(record_numbers.c.submission_id.in_(ids)) \
        .group_by(record_numbers.c.submission_id)
    query = select(record_numbers).where(record_numbers.c.id.in_(newest))
    return {r.submission_id: r for r in conn.execute(query)}


def open_mrn(ring: KeyRing, row) -> str:
    return ring.open(bytes(row.mrn_enc), mrn_context(row.submission_id, row.attached_at)).decode()


def open_void(ring: KeyRing, row) -> Void:
    reason = ring.open(bytes(row.reason_enc), void_context(row.submission_id)).decode()
    return Void(voided_by=row.voided_by, voided_at=rows.parse_ts(row.voided_at), reason=reason)


class CorrectionsStore:
    """Mixed into ``storage.store.Store`` (``ring``, ``_write``, ``_read``, ``_require``, ``_hydrate``)."""

    ring: KeyRing

    # -- void ------------------------------------------------------------------------------
    def void_submission(self, id: str, username: str, reason: str) -> Void:
        """Mark a submission void (it stays stored). Once only: a second void is refused."""
        rows.check_staff_text(reason, "void reason", MAX_REASON, username,
                              why=" (say why the submission is void)")
        at = rows.now()
        try:
            with self._write("void submission") as conn:
                self._require(conn, id)
                conn.execute(insert(voids).values(
                    submission_id=id, voided_by=username, voided_at=at, key_id=self.ring.current.id,
                    reason_enc=self.ring.seal(reason.encode(), void_context(id))))
        except IntegrityError:
            raise StoreError("this submission is already void") from None
        return Void(voided_by=username, voided_at=rows.parse_ts(at), reason=reason)

    def void_of(self, id: str) -> Void | None:
        with self._read() as conn:
            row = conn.execute(select(voids).where(voids.c.submission_id == id)).first()
        return open_void(self.ring, row) if row is not None else None

    # -- review ----------------------------------------------------------------------------
    def undo_review(self, id: str, username: str) -> None:
        """Undo "reviewed": appends an undoing row; refused when the submission is not reviewed."""
        rows.check_text(username, "username")
        with self._write("undo review") as conn:
            self._require(conn, id)
            latest = conn.execute(select(reviews.c.undone).where(reviews.c.submission_id == id)
                                  .order_by(reviews.c.id.desc()).limit(1)).first()
            if latest is None or latest.undone:
                raise StoreError("this submission is not marked reviewed: nothing to undo")
            conn.execute(insert(reviews).values(submission_id=id, username=username,
                                                reviewed_at=rows.now(), undone=True))

    # -- medical record numbers ---------------------------------------------------------------
    def attach_mrn(self, id: str, mrn: str, username: str) -> str:
        """Attach a medical record number to a submission; returns it as stored."""
        return self.link_visits(id, [], mrn, username)

    def link_visits(self, id: str, others: list[str], mrn: str, username: str) -> str:
        """Attach one MRN to a submission and to ``others`` (a confirmed suggested link), at once."""
        number = normal_mrn(mrn)
        rows.check_text(username, "username")
        at, key = rows.now(), self.ring.current
        with self._write("attach medical record number") as conn:
            for sid in dict.fromkeys([id, *others]):
                self._require(conn, sid)
                conn.execute(insert(record_numbers).values(
                    submission_id=sid, mrn_key=mrn_key(key, number), key_id=key.id,
                    mrn_enc=self.ring.seal(number.encode(), mrn_context(sid, at)),
                    attached_by=username, attached_at=at))
        return number

    def mrn_of(self, id: str) -> str | None:
        with self._read() as conn:
            row = latest_mrn_rows(conn, [id]).get(id)
        return open_mrn(self.ring, row) if row is not None else None

    def visits_by_mrn(self, mrn: str, include_void: bool = False) -> list[Submission]:
        """Every submission whose current MRN is this one, oldest first."""
        number = normal_mrn(mrn)
        keys = [mrn_key(k, number) for k in self.ring.keys.values()]
        newest = select(func.max(record_numbers.c.id)).group_by(record_numbers.c.submission_id)
        ids = select(record_numbers.c.submission_id).where(record_numbers.c.id.in_(newest),
                                                           record_numbers.c.mrn_key.in_(keys))
        query = select(submissions).where(submissions.c.id.in_(ids))
        if not include_void:
            query = query.where(~submissions.c.id.in_(select(voids.c.submission_id)))
        with self._read() as conn:
            found = conn.execute(query.order_by(submissions.c.submitted_at, submissions.c.id)).all()
            return self._hydrate(conn, found)

    def visit_history(self, sub: Submission) -> VisitHistory:
        """The visits of ``sub``'s patient: by MRN when it has one; the name and birth date
        matches with no MRN (or the same one) as suggestions. Voided visits are left out."""
        confirmed = self.visits_by_mrn(sub.mrn) if sub.mrn else []
        if not any(v.id == sub.id for v in confirmed):
            confirmed = sorted([*confirmed, sub], key=lambda v: (v.submitted_at, v.id))
        known = {v.id for v in confirmed}
        suggested = [v for v in self.visits_of(sub.name, sub.birth_date)
                     if v.id not in known and v.void is None and (v.mrn is None or sub.mrn is None)]
        return VisitHistory(confirmed=tuple(confirmed), suggested=tuple(suggested))


def rotate_corrections(store, on_batch=None) -> dict[str, int]:
    """Key rotation of the void reasons and MRNs (their lookup hashes re-keyed too), in batches,
    each its own transaction, like ``storage.opening.rotate``. Returns how many of each."""
    ring = store.ring
    counts = {"voids": 0, "record_numbers": 0}
    reseal_stale(store, voids, partial(_resealed_void, ring), counts, "voids", on_batch, key="submission_id")
    reseal_stale(store, record_numbers, partial(_resealed_mrn, ring), counts, "record_numbers", on_batch)
    return counts


def _resealed_void(ring: KeyRing, v) -> dict:
    context = void_context(v.submission_id)
    return {"reason_enc": ring.seal(ring.open(bytes(v.reason_enc), context), context)}


def _resealed_mrn(ring: KeyRing, m) -> dict:
    number = open_mrn(ring, m)
    return {"mrn_key": mrn_key(ring.current, number),
            "mrn_enc": ring.seal(number.encode(), mrn_context(m.submission_id, m.attached_at))}
