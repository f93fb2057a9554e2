"""Benchmark: the scoring's batch path against parsing the same JSON lines with json.loads.

    .venv/bin/python bench/scoring_batch.py [--docs 100000] [--repeats 5] [--seed 20261124]

Generates random VALID answers documents with a seeded ``random.Random`` (the walk of
tests/strategies.py), one JSON line each, then times, alternating, ``json.loads`` over every
line and ``scoring.score_batch`` over every line (parse + v2 upgrade + validate + rules + result dict).
Prints documents per CPU-second (median of the repeats) and the ratio scoring/parsing, then where
the scoring time goes (parse, v2 upgrade, validate, rules, to_dict) on a sample, and what the command line
adds on top of ``score_batch`` (writing each result as a JSON line). Not a test: no pass/fail.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import deque
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from strategies import random_document  # noqa: E402

from questionnaire.answers import check_answers  # noqa: E402
from questionnaire.bank import load_bank  # noqa: E402
from scoring import score_batch, score_valid, upgrade  # noqa: E402
from scoring.cli import dumps  # noqa: E402
from scoring.engine import parse_document  # noqa: E402

AS_OF = date(2026, 11, 24)


def make_lines(count: int, seed: int) -> list[str]:
    bank, rng = load_bank(), random.Random(seed)
    return [json.dumps(random_document(bank, AS_OF, rng), ensure_ascii=False) for _ in range(count)]


def _time(work) -> float:
    """CPU seconds of this process: steadier than wall time on a machine shared with other jobs."""
    start = time.process_time()
    work()
    return time.process_time() - start


def parse_all(lines: list[str]) -> None:
    loads = json.loads
    for line in lines:
        loads(line)


def score_all(lines: list[str]) -> None:
    deque(score_batch(lines, AS_OF), maxlen=0)


def stages(lines: list[str], runs: int = 3) -> dict[str, float]:
    """Microseconds per document for each stage of the batch path (best of ``runs``).

    Results are dropped as they are made (as in the batch path): keeping 10,000 results alive
    would make every garbage collection walk them and inflate the figures.
    """
    bank = load_bank()
    docs = [parse_document(line) for line in lines]
    work = {
        "json.loads": lambda: parse_all(lines),
        "parse (duplicate-id check)": lambda: deque((parse_document(x) for x in lines), maxlen=0),
        "v2 upgrade (no-op on v3)": lambda: deque((upgrade(d, AS_OF) for d in docs), maxlen=0),
        "validate (questionnaire)": lambda: deque((check_answers(bank, d, AS_OF) for d in docs), maxlen=0),
        "rules": lambda: deque((score_valid(d, AS_OF, bank) for d in docs), maxlen=0),
        "rules + to_dict": lambda: deque((score_valid(d, AS_OF, bank).to_dict() for d in docs), maxlen=0),
        "score_batch": lambda: score_all(lines),
        "score_batch + JSON line (CLI)": lambda: deque(map(dumps, score_batch(lines, AS_OF)), maxlen=0),
    }
    return {name: min(_time(w) for _ in range(runs)) / len(lines) * 1e6 for name, w in work.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20261124)
    args = ap.parse_args()

    started = time.perf_counter()
    lines = make_lines(args.docs, args.seed)
    size = sum(len(x.encode()) for x in lines) / len(lines)
    print(f"generated {len(lines):,} valid documents (mean {size:,.0f} bytes, "
          f"{statistics.mean(x.count(':') for x in lines[:1000]):.0f} answers) in "
          f"{time.perf_counter() - started:.1f} s")
    errors = sum("error" in r for r in score_batch(lines[:1000], AS_OF))
    assert errors == 0, f"{errors} generated documents were refused"

    parse_times, score_times = [], []
    for _ in range(args.repeats):
        parse_times.append(_time(lambda: parse_all(lines)))
        score_times.append(_time(lambda: score_all(lines)))
    parse, scored = statistics.median(parse_times), statistics.median(score_times)
    print(f"json.loads        {len(lines) / parse:12,.0f} docs/s  (median of {args.repeats})")
    print(f"score_batch       {len(lines) / scored:12,.0f} docs/s  (median of {args.repeats})")
    print(f"ratio scoring/parsing: {scored / parse:.2f}  (aim: <= 3)")
    print("where the time goes, microseconds per document (best of 3 on 10,000 documents):")
    for stage, micros in stages(lines[:10_000]).items():
        print(f"  {stage:28s} {micros:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
