"""Measure the store: ``python -m storage.bench [DATABASE_URL]`` prints medians, not pass/fail.

Default: a fresh SQLite file in a temporary folder (WAL, synchronous=FULL, so every submit
waits for an fsync: the figure depends on the disk). Figures go into docs/storage.md.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from storage import NewSubmission, open_store

ANSWERS = {"patient.name": "Bench Patient", "patient.birth_date": "1970-01-01", "patient.sex": "other",
           "visit.concern": "x" * 400, "meds.list": "y" * 200, **{f"rf.{i}": "no" for i in range(20)}}
RESULT = {"triage": "routine", "indications": [{"id": "x", "reasons": ["r" * 80] * 5}] * 5,
          "rules_version": "bench"}


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str]) -> int:
    folder = Path(tempfile.mkdtemp(prefix="screener-bench-"))
    url = argv[0] if argv else f"sqlite:///{folder / 'bench.db'}"
    settings = SimpleNamespace(database_url=url, key_file=str(folder / "secret.key"), encryption_keys="")
    store = open_store(settings)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    n = iter(range(10**6))

    def submit():
        store.save_submission(NewSubmission(ANSWERS, "en", "bench", start + timedelta(minutes=next(n)),
                                            RESULT, "bench"))

    save = median_ms(submit, 200)
    for _ in range(800):
        submit()
    some_id = store.list_submissions(since=start, until=start + timedelta(minutes=1))[0].id
    get = median_ms(lambda: store.get_submission(some_id), 200)
    day = median_ms(lambda: store.list_submissions(start, start + timedelta(hours=10)), 20)
    everything = median_ms(store.list_submissions, 5)
    print(f"database: {store.engine.dialect.name}")
    print(f"save_submission (with result, fsync): median {save:.2f} ms")
    print(f"get_submission: median {get:.2f} ms")
    print(f"list_submissions, 600 of 1000 rows: median {day:.1f} ms ({day / 600 * 1000:.0f} us per row)")
    print(f"list_submissions, all 1000 rows: median {everything:.1f} ms")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
