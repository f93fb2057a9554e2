"""The golden corpus and the two behaviour fingerprints (issue 9, "regression on behaviour").

    .venv/bin/python bench/golden.py            # check: corpus outputs and bank as recorded?
    .venv/bin/python bench/golden.py --write    # regenerate tests/golden/ after a version bump

``tests/golden/v3.jsonl.gz`` holds ``DOCS`` answers documents generated from the bank with a
seeded ``random.Random`` (the walk of tests/strategies.py; complete and partial ones), each with
a digest of the scoring's output on ``AS_OF`` (result or error dict; a digest keeps the file
small and still names which document changed). ``tests/golden/fingerprints.json``
records, per ``RULES_VERSION``, a fingerprint of the scoring's output over the corpus, and per
bank ``version``, a fingerprint of the parsed bank. tests/test_golden.py fails when either
changes without its version changing. ``--write`` refuses to record a new fingerprint under a
version that already has another one: bump the version first (docs/scoring.md).
The gzip file is byte-for-byte deterministic (mtime 0), so regenerating unchanged is no diff.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import io
import json
import random
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
CORPUS = GOLDEN / "v3.jsonl.gz"
FINGERPRINTS = GOLDEN / "fingerprints.json"
AS_OF = date(2026, 11, 24)
DOCS, SEED = 2000, 20261201
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from questionnaire.bank import Bank, load_bank  # noqa: E402
from scoring import RULES_VERSION, score_batch  # noqa: E402


def generate(bank: Bank) -> list[dict]:
    from strategies import random_document
    rng = random.Random(SEED)
    return [random_document(bank, AS_OF, rng, skip=rng.choice((0, 0, 10, 40))) for _ in range(DOCS)]


def outputs(documents: list[dict]) -> list[dict]:
    """The scoring's output dict for each document, ``rules_version`` left out (it is the key)."""
    lines = (json.dumps(d, ensure_ascii=False) for d in documents)
    return [{k: v for k, v in out.items() if k != "rules_version"} for out in score_batch(lines, AS_OF)]


def _digest(value) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def output_fingerprint(results: list[dict]) -> str:
    return _digest(results)


def bank_fingerprint(bank: Bank) -> str:
    """Everything the parsed bank holds but its version: items, options, conditions, texts."""
    return _digest({k: v for k, v in dataclasses.asdict(bank).items() if k != "version"})


def read_corpus() -> list[dict]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def read_fingerprints() -> dict:
    return json.loads(FINGERPRINTS.read_text(encoding="utf-8"))


def _record(table: dict, version: str, fingerprint: str, what: str) -> None:
    if table.get(version, fingerprint) != fingerprint:
        raise SystemExit(f"{what} changed ({fingerprint}) but version {version!r} already records "
                         f"{table[version]!r}: bump the version first, then --write again")
    table[version] = fingerprint


def write() -> None:
    bank = load_bank()
    documents = generate(bank)
    results = outputs(documents)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as fh:
        for doc, out in zip(documents, results, strict=True):
            fh.write((json.dumps({"answers": doc, "output": _digest(out)}, ensure_ascii=False,
                                 sort_keys=True) + "\n").encode())
    table = read_fingerprints() if FINGERPRINTS.exists() else {"rules": {}, "bank": {}}
    _record(table["rules"], RULES_VERSION, output_fingerprint(results), "the scoring's output")
    _record(table["bank"], bank.version, bank_fingerprint(bank), "the bank")
    GOLDEN.mkdir(exist_ok=True)
    CORPUS.write_bytes(buffer.getvalue())
    FINGERPRINTS.write_text(json.dumps(table, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(documents)} documents to {CORPUS} ({len(buffer.getvalue()) // 1024} KiB)")


def check() -> int:
    corpus, table, bank = read_corpus(), read_fingerprints(), load_bank()
    results = outputs([row["answers"] for row in corpus])
    changed = sum(row["output"] != _digest(out) for row, out in zip(corpus, results, strict=True))
    print(f"rules {RULES_VERSION}: {output_fingerprint(results)} (recorded "
          f"{table['rules'].get(RULES_VERSION)}); {changed} of {len(corpus)} outputs differ from the corpus")
    print(f"bank {bank.version}: {bank_fingerprint(bank)} (recorded {table['bank'].get(bank.version)})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="regenerate tests/golden/")
    args = parser.parse_args(argv)
    if args.write:
        write()
        return 0
    return check()


if __name__ == "__main__":
    sys.exit(main())
