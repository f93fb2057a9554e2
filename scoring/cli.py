"""Command line: ``python -m scoring FILE|-`` and ``python -m scoring --jsonl FILE|-``.

One document: prints the result object and exits 0, or names every bad item on standard
error and exits 2. ``--jsonl``: one result line per input line, in order; a bad or blank line
gives an ``{"error", "line", "items"}`` line in its place and the exit status is 2 at the end.
Output is UTF-8 JSON with keys in the spec's order, so two runs print the same bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from datetime import date
from typing import BinaryIO

from questionnaire.answers import InvalidAnswers
from questionnaire.bank import load_bank
from scoring.engine import DuplicateId, parse_document, score, score_batch
from vocabulary import calendar_day

EXIT_OK, EXIT_INVALID = 0, 2


def _as_of(text: str) -> date:
    try:
        return calendar_day(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m scoring", description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", metavar="FILE", help="an answers document (JSON), or - for stdin")
    ap.add_argument("--jsonl", metavar="FILE", help="one answers document per line, or - for stdin")
    ap.add_argument("--as-of", type=_as_of, default=None, metavar="YYYY-MM-DD",
                    help="the scoring date (default: today)")
    return ap


# Built once (json.dumps with options builds an encoder per call). The outputs are fresh trees of
# plain dicts and lists, never circular, so the per-container circularity bookkeeping is skipped.
_ENCODERS = {indent: json.JSONEncoder(ensure_ascii=False, check_circular=False, indent=indent)
             for indent in (None, 2)}


def dumps(obj: object, indent: int | None = None) -> bytes:
    """Deterministic UTF-8 JSON; a lone surrogate (from a \\ud800 escape) stays a JSON escape."""
    encoder = _ENCODERS.get(indent) or json.JSONEncoder(ensure_ascii=False, indent=indent)
    return (encoder.encode(obj) + "\n").encode("utf-8", "backslashreplace")


def _open(name: str) -> BinaryIO:
    return sys.stdin.buffer if name == "-" else open(name, "rb")


def _lines(stream: BinaryIO) -> Iterator[bytes]:
    """Lines split on "\\n" only (U+2028 may sit inside a JSON string), without the line end."""
    for raw in stream:
        yield raw.rstrip(b"\n").removesuffix(b"\r")


def _fail(message: str) -> int:
    sys.stderr.write(message.rstrip("\n") + "\n")
    return EXIT_INVALID


def run_one(name: str, as_of: date) -> int:
    try:
        with _open(name) as stream:
            raw = stream.read()
        text = raw.decode("utf-8")
    except OSError as exc:
        return _fail(f"{name}: cannot read: {exc.strerror}")
    except UnicodeDecodeError as exc:
        return _fail(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})")
    try:
        doc = parse_document(text)
    except DuplicateId as exc:
        return _fail(f"{name}: an id appears more than once: {exc}")
    except (ValueError, RecursionError) as exc:
        return _fail(f"{name}: not valid JSON: {exc}")
    try:
        result = score(doc, as_of)
    except InvalidAnswers as exc:
        bank = load_bank()
        lines = [f"{name}: invalid answers document, {len(exc.problems)} bad item(s):"]
        lines += [f"  {p.describe(bank)}" for p in exc.problems]
        return _fail("\n".join(lines))
    sys.stdout.buffer.write(dumps(result.to_dict(), indent=2))
    return EXIT_OK


def run_jsonl(name: str, as_of: date) -> int:
    status = EXIT_OK
    try:
        stream = _open(name)
    except OSError as exc:
        return _fail(f"{name}: cannot read: {exc.strerror}")
    out = sys.stdout.buffer
    with stream:
        for entry in score_batch(_lines(stream), as_of):
            if "error" in entry:
                status = EXIT_INVALID
                sys.stderr.write(f"line {entry['line']}: {entry['error']}\n")
            out.write(dumps(entry))
    out.flush()
    return status


def main(argv: list[str] | None = None) -> int:
    ap = _parser()
    args = ap.parse_args(argv)
    if (args.file is None) == (args.jsonl is None):
        ap.error("give exactly one of FILE (or -) and --jsonl FILE (or -)")
    as_of = args.as_of or date.today()
    try:
        return run_jsonl(args.jsonl, as_of) if args.jsonl else run_one(args.file, as_of)
    except BrokenPipeError:  # the reader went away (`... | head`): stop quietly, no traceback
        sys.stderr.close()
        return EXIT_INVALID
