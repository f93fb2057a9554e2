"""Median cost of one rerun of the kiosk page against an empty Streamlit app, both under AppTest.

    .venv/bin/python bench/kiosk_rerun.py [--runs N]

Each kiosk screen is filled with a complete answer set first (so every branch is drawn), then
rerun N times, interleaved with an empty app (a script that only imports streamlit) and a bare
app (the same questions drawn with the same widgets by a plain script: Streamlit's own cost of
that screen). Prints the medians in ms and the ratios. Aim (issue 2): kiosk / empty at most 2
and a rerun under 50 ms; kiosk / bare shows what the kiosk itself adds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

SCREENS = ("language", "patient.name", "patient.birth_date", "pain.regions", "peg.pain", "ha.one_side",
           "rf.airway_now", "mood.down", "safety.pregnant", "review")


def bare_screen(questions: list) -> None:
    """The same questions drawn with the same widgets and no kiosk logic (Streamlit's own cost)."""
    import streamlit as st

    for n, (kind, label, options) in enumerate(questions):
        if kind == "review":  # the review screen: each question with its answer as plain text
            st.caption(label)
            st.text(str(options))
            continue
        with st.container(key=f"q{n}"):
            st.markdown(f"**{label}**")
            if kind in ("yn", "nrs"):
                st.segmented_control(label, options, key=f"w{n}", label_visibility="collapsed")
            elif kind in ("choice", "scale"):
                st.radio(label, options, index=None, key=f"w{n}", label_visibility="collapsed")
            elif kind in ("multi", "body_map"):
                st.pills(label, options, selection_mode="multi", key=f"w{n}", label_visibility="collapsed")
            elif kind == "int":
                st.number_input(label, value=None, step=1, key=f"w{n}", label_visibility="collapsed")
            elif kind == "date":
                st.number_input("d", value=None, step=1, key=f"d{n}")
                st.number_input("y", value=None, step=1, key=f"y{n}")
                st.pills("m", list(range(1, 13)), key=f"m{n}")
            else:
                st.text_input(label, key=f"w{n}", label_visibility="collapsed")
    left, right = st.columns(2)
    left.button("Back", key="back")
    right.button("Next", key="next")


def one_run_ms(at) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = (time.perf_counter() - start) * 1000
    assert not at.exception, at.exception
    return elapsed


def paired_medians(*apps, runs: int) -> tuple[float, ...]:
    """Medians of ``runs`` reruns of each app, interleaved, so all see the same machine load."""
    for app in apps:
        app.run()  # warm: the first run of a screen builds caches
    times = [[one_run_ms(app) for app in apps] for _ in range(runs)]
    return tuple(statistics.median(row[n] for row in times) for n in range(len(apps)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    runs = parser.parse_args().runs
    folder = Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
    os.environ["SCREENER_DATABASE_URL"] = f"sqlite:///{folder / 'bench.db'}"
    os.environ["SCREENER_KEY_FILE"] = str(folder / "bench.key")

    from patients import PATIENT_EN
    from streamlit.testing.v1 import AppTest

    from kiosk import flow
    from kiosk.page import VISIT
    from questionnaire.bank import load_bank

    empty = AppTest.from_string("import streamlit as st\n", default_timeout=30)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    bank = load_bank()
    print(f"median ms of {runs} reruns per screen. empty = a script that only imports streamlit;")
    print("bare = the screen's questions drawn with the same widgets by a plain script, no kiosk logic")
    print(f"{'screen':19s} {'kiosk':>7s} {'empty':>7s} {'bare':>7s}  kiosk/empty  kiosk/bare")
    for screen in SCREENS:
        visit: flow.Visit = at.session_state[VISIT]
        visit.screen = screen
        visit.answers = dict(PATIENT_EN) if screen != "language" else {}
        visit.last_activity = time.monotonic()
        shown = list(flow.shown_items(bank, visit.answers, screen))
        questions = [(i.widget if i.widget != "default" else i.type, i.text["en"],
                      list(range(11)) if i.type == "nrs" else [p.text["en"] for p in i.scale] if i.scale
                      else list(i.offered_codes)) for i in shown]
        if screen == flow.REVIEW:
            answered = [i for s in flow.question_screens(bank, visit.answers)
                        for i in flow.shown_items(bank, visit.answers, s) if i.id in visit.answers]
            questions = [("review", i.text["en"], visit.answers[i.id]) for i in answered]
        bare = AppTest.from_function(bare_screen, args=(questions,), default_timeout=30)
        kiosk_ms, empty_ms, bare_ms = paired_medians(at, empty, bare, runs=runs)
        print(f"{screen:19s} {kiosk_ms:7.1f} {empty_ms:7.1f} {bare_ms:7.1f}  {kiosk_ms / empty_ms:11.1f}"
              f"  {kiosk_ms / bare_ms:10.1f}   ({len(questions)} questions)")
    print("aims: kiosk/empty <= 2 (see docs/kiosk.md), a rerun < 50 ms")


if __name__ == "__main__":
    main()
