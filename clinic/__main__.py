"""The clinic's command line: ``python -m clinic COMMAND ...`` (``--help`` lists them).

One argparse parser with a subcommand per ``Command`` (clinic/command_line.py), collected from
the modules beside the code they drive. The settings are loaded once here and passed down;
errors become exit codes here only: 0 done, 1 refused, 2 bad usage or a setting that cannot
work, each as one line on standard error, never a traceback. ``python -m scoring`` is the
scoring's own command line (clinical-core.md) and stays apart.
"""

from __future__ import annotations

import argparse
import runpy
import sys
from pathlib import Path

from clinic.command_line import BAD_USAGE, REFUSED, Command, Parser, Refused, UsageError

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _bench_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", choices=[*sorted(f.stem for f in BENCH.glob("*.py")), "storage"],
                   help="a script of bench/, or storage (python -m storage.bench)")
    p.add_argument("options", nargs=argparse.REMAINDER, help="passed to the benchmark (see its --help)")


def bench(args, settings) -> int:
    """Run a benchmark of bench/ (they print ratios against a baseline; docs/benchmarks.md)."""
    sys.argv = [str(BENCH / f"{args.name}.py"), *args.options]
    try:
        if args.name == "storage":
            runpy.run_module("storage.bench", run_name="__main__", alter_sys=True)
        else:
            runpy.run_path(sys.argv[0], run_name="__main__")
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def commands() -> tuple[Command, ...]:
    from clinic import account_cli, store_cli
    from export import cli as export_cli

    check, *storage = store_cli.COMMANDS
    return (check, *account_cli.COMMANDS, *export_cli.COMMANDS, *storage,
            Command("bench", "run a benchmark of bench/ (ratios, no pass/fail)", _bench_options, bench))


def parser(available: tuple[Command, ...]) -> Parser:
    top = Parser(prog="python -m clinic", description="The clinic's command line.")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=Parser)
    for command in available:
        command.configure(sub.add_parser(command.name, help=command.about, description=command.about))
    return top


def main(argv: list[str] | None = None) -> int:
    from clinic.config import ConfigError, load_settings
    from clinic.logging_setup import configure_logging
    from storage import StoreError

    available = commands()
    name = "clinic"
    try:
        args = parser(available).parse_args(sys.argv[1:] if argv is None else argv)
        name = args.command
        try:
            settings = load_settings()
            configure_logging(settings)  # the same redaction as the app
        except ConfigError as exc:  # a setting that cannot work: say which, and stop
            print(f"configuration refused: {exc}", file=sys.stderr)
            return BAD_USAGE
        return int(next(c for c in available if c.name == name).run(args, settings) or 0)
    except UsageError as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return BAD_USAGE
    except (Refused, StoreError, OSError) as exc:  # OSError: a file the system refused (--out, a backup)
        print(f"{name}: {exc}", file=sys.stderr)
        return REFUSED
    except SystemExit as exc:  # --help
        return int(exc.code or 0)


if __name__ == "__main__":
    sys.exit(main())
