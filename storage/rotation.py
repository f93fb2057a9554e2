"""Key rotation's one loop: re-seal the rows of a table not under the current key, in batches.

Each batch is its own transaction, so an interrupted rotation leaves every row readable (under
the old or the new key) and running it again finishes the job (storage/opening.py ``rotate``,
storage/corrections.py ``rotate_corrections``).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Table, select, update


def reseal_stale(store, table: Table, reseal: Callable[[object], dict], counts: dict[str, int], what: str,
                 on_batch=None, *, key: str = "id", size: int = 500) -> None:
    """Every row of ``table`` whose ``key_id`` is not the current key gets ``reseal(row)`` (the new
    sealed values) and the current key id, ``size`` rows a transaction; ``counts[what]`` grows and
    ``on_batch(counts)`` runs after each committed batch. ``key``: the column that names one row."""
    current = store.ring.current
    while True:
        with store.engine.connect() as conn:
            batch = conn.execute(select(table).where(table.c.key_id != current.id).limit(size)).all()
        if not batch:
            return
        with store.engine.begin() as conn:
            for row in batch:
                conn.execute(update(table).where(table.c[key] == getattr(row, key))
                             .values(key_id=current.id, **reseal(row)))
        counts[what] += len(batch)
        if on_batch:
            on_batch(counts)
