"""``python -m clinic export``: write stored submissions to a file without the app.

    python -m clinic export --format csv --since 2026-11-01 --until 2026-11-30 --out nov.csv
    python -m clinic export --format pdf --since 2026-11-24 --triage urgent,review --out today.pdf

Dates are calendar days (UTC) of submission, both inclusive. A PDF of several submissions is
one file with one page per submission. The file is written whole or not at all (temporary file,
then rename) with owner-only permissions; an existing file is replaced only with ``--force``.
Each export is recorded in the audit log (format and count; never an answer).
Exit status: 0 written, 1 nothing written (store problem, or no submission for a PDF),
2 bad command line.
"""

from __future__ import annotations

import argparse
import os
from contextlib import closing
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from clinic.command_line import Command, Refused, UsageError, actor, day, open_existing
from export import filters, formats, summary

FORMATS = formats.ids(formats.LIST)  # the one registry the workspace reads too


def _choices(allowed: tuple[str, ...]):
    def parse(text: str) -> list[str]:
        values = [v.strip() for v in text.split(",") if v.strip()]
        bad = [v for v in values if v not in allowed]
        if bad or not values:
            raise argparse.ArgumentTypeError(
                f"got {', '.join(bad) or 'nothing'}; allowed: {', '.join(allowed)} "
                "(several separated by commas)")
        return values
    return parse


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", required=True, choices=FORMATS, help="what to write")
    p.add_argument("--since", required=True, type=day, help="first day, YYYY-MM-DD (UTC)")
    p.add_argument("--until", type=day, help="last day, YYYY-MM-DD, inclusive (default: today)")
    p.add_argument("--triage", type=_choices(summary.TRIAGE_LEVELS),
                   help="only these triage levels, e.g. urgent,review")
    p.add_argument("--indication", type=_choices(summary.INDICATIONS),
                   help="only submissions where one of these is a strong or possible match")
    p.add_argument("--language", type=_choices(filters.LANGUAGES), help="en and/or es")
    p.add_argument("--out", required=True, type=Path, help="file to write")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")


def render(fmt: str, subs: list) -> bytes:
    """The export bytes of ``subs`` in ``fmt`` (imports only the writer it needs)."""
    return formats.get(fmt).to_bytes(subs)


def write_private(path: Path, data: bytes, force: bool) -> None:
    """Write ``data`` to ``path`` atomically, readable by the owner only."""
    if not path.parent.is_dir():
        raise UsageError(f"--out: the folder {path.parent} does not exist")
    if path.exists() and not force:
        raise UsageError(f"--out: {path} exists; add --force to replace it")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _window(args) -> tuple[datetime, datetime]:
    until = args.until or datetime.now(UTC).date()
    if args.since > until:
        raise UsageError(f"--since ({args.since}) must not be after --until ({until})")
    start = datetime.combine(args.since, time(), UTC)
    return start, datetime.combine(until + timedelta(days=1), time(), UTC)


def export(args, settings) -> int:
    """Read-only: never creates a key or a database (``open_existing``)."""
    start, end = _window(args)
    with closing(open_existing(settings)) as store:
        subs = filters.select(store.list_submissions(start, end), triage=args.triage,
                              indication=args.indication, language=args.language)
        if args.format == "pdf" and not subs:
            raise Refused("no submissions match; nothing written")
        write_private(args.out, render(args.format, subs), args.force)
        store.audit(actor(), "export", f"{args.format}:list of {len(subs)}")
    print(f"exported {len(subs)} submission(s) as {args.format} to {args.out}")
    return 0


COMMANDS = (Command("export", f"export submissions as {', '.join(FORMATS)}", configure, export),)
