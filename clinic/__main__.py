"""The clinic's command line: ``python -m clinic COMMAND ...`` (``--help`` lists them).

Each command lives beside the code it drives; this file only dispatches.
"""

from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "check": ("storage.cli", "check", "open the store as the app will (creates the key on a first start)"),
    "create-user": ("clinic.account_cli", "cli_create_user", "create a clinician or admin account"),
    "list-users": ("clinic.account_cli", "cli_list_users", "list staff accounts and their state"),
    "deactivate": ("clinic.account_cli", "cli_deactivate", "switch an account off (its sessions end)"),
    "reactivate": ("clinic.account_cli", "cli_reactivate", "switch an account on again"),
    "reset-password": ("clinic.account_cli", "cli_reset_password", "set a new password for an account"),
    "unlock": ("clinic.account_cli", "cli_unlock", "unlock an account locked by failed logins"),
    "change-password": ("clinic.account_cli", "cli_change_password", "change your own password"),
    "export": ("export.cli", "main", "export submissions as csv, xlsx, json, fhir or pdf"),
    "backup": ("storage.cli", "backup", "copy the database to a file (SQLite online backup)"),
    "restore": ("storage.cli", "restore", "replace the database with a backup file"),
    "rotate-key": ("storage.cli", "rotate_key", "re-encrypt stored data under a new key"),
    "rescore": ("storage.cli", "rescore", "score stored submissions that have no result yet"),
}


def usage() -> str:
    lines = ["usage: python -m clinic COMMAND [ARGS]", "", "commands:"]
    lines += [f"  {name:<16} {about}" for name, (_, _, about) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in COMMANDS:
        print(usage(), file=sys.stderr if argv and argv[0] not in ("-h", "--help") else sys.stdout)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    from clinic.config import ConfigError, load_settings
    from clinic.logging_setup import configure_logging

    try:
        configure_logging(load_settings())  # the same redaction as the app
    except ConfigError as exc:  # a setting that cannot work: say which, and stop
        print(f"configuration refused: {exc}", file=sys.stderr)
        return 2
    module, function, _ = COMMANDS[argv[0]]
    return int(getattr(importlib.import_module(module), function)(argv[1:]) or 0)


if __name__ == "__main__":
    sys.exit(main())
