"""Today's list at clinic scale, each figure beside its baseline, in one process.

    .venv/bin/python bench/workspace_list.py [--runs N]

A store of 10,000 submissions with 2,000 today (and one of 1,000 with 200 today, for the
detail page), generated once from the item bank with seeded random valid documents
(tests/strategies.py) scored by the real scoring, and cached under /tmp keyed by a version
string (schema, bank, rules, generator, date). Measured, medians of N runs, interleaved:

1. the store call behind the list (``Store.list_page``: today, first page of 50) against
   ``pandas.read_sql`` of the same clear columns for every row of today;
2. the list page rerun (AppTest of app.py, logged in) against a bare AppTest page that runs
   that ``read_sql`` and draws it with ``st.dataframe`` (aim: at most 2x); then the same rerun
   with the session's memo of the page's opened rows and table emptied first (what a rerun
   pays when every row on the page changed, e.g. another page or other filters);
3. the detail page rerun on the 1,000 store against the 10,000 store (aim: the same).

Prints each figure and the ratios; docs/benchmarks.md records them. Not a test: no pass/fail.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

GENERATOR = "g3"
USER, PASSWORD = "bench.clinician", "a long bench password 42"
# The clear columns the list displays and filters on, for every row of a day: the baseline.
COLUMNS_SQL = """
SELECT s.id, s.submitted_at, s.language, r.triage, r.red_flags_urgent, r.red_flags_review,
       r.contraindications, r.precautions, r.clarify, r.suggested, r.rules_version,
       EXISTS (SELECT 1 FROM reviews v WHERE v.submission_id = s.id) AS reviewed
FROM submissions s
LEFT JOIN results r ON r.id = (SELECT max(n.id) FROM results n WHERE n.submission_id = s.id)
WHERE s.submitted_at >= :since AND s.submitted_at < :until
ORDER BY s.submitted_at DESC
"""
BARE_PAGE = f'''
import os
import pandas as pd
import streamlit as st
from sqlalchemy import create_engine, text

@st.cache_resource
def engine():
    return create_engine(os.environ["BENCH_DB_URL"])

frame = pd.read_sql(text("""{COLUMNS_SQL}"""), engine(),
                    params={{"since": os.environ["BENCH_SINCE"], "until": os.environ["BENCH_UNTIL"]}})
st.dataframe(frame)
'''


def version() -> str:
    from questionnaire.bank import load_bank
    from scoring import RULES_VERSION
    from storage.migrations import LATEST
    return f"schema{LATEST}-bank{load_bank().version}-rules{RULES_VERSION}-{GENERATOR}-{date.today()}"


def settings_for(folder: Path):
    from clinic.config import Settings
    return Settings(database_url=f"sqlite:///{folder / 'bench.db'}", key_file=str(folder / "bench.key"))


def build(folder: Path, total: int, today: int) -> None:
    """``total`` scored submissions, ``today`` of them today, the rest over the 90 days before."""
    from strategies import random_document

    from clinic.accounts import hash_password
    from questionnaire.bank import load_bank
    from scoring import score
    from storage import NewSubmission, open_store

    bank, rng = load_bank(), random.Random(total)
    store = open_store(settings_for(folder))
    opening = datetime.combine(date.today(), dtime(0, 0)).astimezone(UTC)
    started = time.perf_counter()
    for n in range(total):
        when = opening + timedelta(seconds=n * 20) if n < today else \
            opening - timedelta(days=1 + rng.randrange(90), minutes=rng.randrange(600))
        answers = random_document(bank, when.date(), rng, skip=0)
        result = score(answers, when.date()).to_dict()
        language = answers.get("patient.language")
        store.save_submission(NewSubmission(
            answers=answers, language=language if language in ("en", "es") else "en",
            questionnaire_version=bank.version, submitted_at=when, result=result,
            rules_version=result["rules_version"]))
        if n % 1000 == 999:
            print(f"  generated {n + 1} of {total} ({time.perf_counter() - started:.0f} s)", flush=True)
    store.create_user(USER, hash_password(PASSWORD), "clinician")
    store.close()


def cached_store(total: int, today: int) -> Path:
    folder = Path(tempfile.gettempdir()) / f"screener-bench-list-{total}-{version()}"
    if not (folder / "done").exists():
        print(f"generating {total} submissions ({today} today) into {folder} ...", flush=True)
        folder.mkdir(mode=0o700, exist_ok=True)
        for old in folder.glob("bench.*"):
            old.unlink()
        build(folder, total, today)
        (folder / "done").write_text("ok\n")
    return folder


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def side_by_side(a, b, runs: int) -> tuple[float, float]:
    """Medians of ``a`` and ``b``, run alternately so both see the same machine load."""
    ta, tb = [], []
    for _ in range(runs):
        ta.append(median_ms(a, 1))
        tb.append(median_ms(b, 1))
    return statistics.median(ta), statistics.median(tb)


def use(folder: Path) -> None:
    s = settings_for(folder)
    os.environ.update(SCREENER_DATABASE_URL=s.database_url, SCREENER_KEY_FILE=s.key_file,
                      BENCH_DB_URL=s.database_url)


def logged_in_app():
    from streamlit.testing.v1 import AppTest
    from streamlit.util import calc_hash
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at._page_hash = calc_hash("staff")
    at.run()
    at._page_hash = ""
    at.text_input(key="ws_username").input(USER)
    at.text_input(key="ws_password").input(PASSWORD)
    at.button(key="FormSubmitter:ws_login-Log in").click().run()
    assert not at.exception, at.exception
    assert at.dataframe, "the list did not appear"
    return at


def detail_app():
    at = logged_in_app()
    picker = next(s for s in at.selectbox if (s.key or "").startswith("ws_pick_"))
    picker.set_value(at.session_state["ws_list_shown"][0]).run()
    assert not at.exception, at.exception
    return at


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args(argv).runs
    import pandas as pd
    from sqlalchemy import create_engine, text
    from streamlit.testing.v1 import AppTest

    from clinic.config import load_settings
    from storage import open_store
    from workspace.list_view import day_bounds

    big, small = cached_store(10_000, 2_000), cached_store(1_000, 200)
    since, until = day_bounds(date.today(), date.today())
    from storage.rows import ts
    os.environ.update(BENCH_SINCE=ts(since), BENCH_UNTIL=ts(until))
    use(big)
    store, engine = open_store(load_settings()), create_engine(os.environ["BENCH_DB_URL"])
    params = {"since": ts(since), "until": ts(until)}
    shown = store.list_page(since, until)
    frame = pd.read_sql(text(COLUMNS_SQL), engine, params=params)
    print(f"store: {shown.total} submissions today of 10,000; page of {len(shown.rows)}; "
          f"read_sql frame {frame.shape}")
    call, baseline = side_by_side(lambda: store.list_page(since, until),
                                  lambda: pd.read_sql(text(COLUMNS_SQL), engine, params=params), runs)
    search, _ = side_by_side(lambda: store.list_page(since, until, name_query="a"), lambda: None, runs)
    print(f"1. list_page (today, first 50)       {call:8.1f} ms   read_sql of the same columns "
          f"{baseline:8.1f} ms   ratio {call / baseline:5.2f}x")
    print(f"   list_page with a name search       {search:8.1f} ms   (decrypts the day's names)")

    page, bare = logged_in_app(), AppTest.from_string(BARE_PAGE, default_timeout=120).run()
    assert not bare.exception, bare.exception
    rerun, bare_rerun = side_by_side(page.run, bare.run, runs)
    print(f"2. list page rerun (AppTest, logged in) {rerun:6.1f} ms   bare read_sql + st.dataframe page "
          f"{bare_rerun:6.1f} ms   ratio {rerun / bare_rerun:5.2f}x")
    from workspace import today

    def cold_rerun():
        page.session_state[today.OPENED_KEY] = {}
        page.session_state[today.TABLE_KEY] = None
        page.run()
    cold, cold_bare = side_by_side(cold_rerun, bare.run, runs)
    print(f"   the same, the session's memo emptied {cold:6.1f} ms   bare page {cold_bare:6.1f} ms   "
          f"ratio {cold / cold_bare:5.2f}x")

    big_detail = detail_app()
    use(small)
    small_detail = detail_app()
    on_small, on_big = [], []
    for _ in range(runs):
        use(small)
        on_small.append(median_ms(small_detail.run, 1))
        use(big)
        on_big.append(median_ms(big_detail.run, 1))
    d_small, d_big = statistics.median(on_small), statistics.median(on_big)
    print(f"3. detail page rerun: 1,000 stored {d_small:6.1f} ms   10,000 stored {d_big:6.1f} ms   "
          f"ratio {d_big / d_small:5.2f}x")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
