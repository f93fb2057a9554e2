"""Where the keys come from: ``settings.encryption_keys`` first, else the key file.

On a first start with no key configured and no data yet, a key file is created with mode
0600 in a 0700 folder; an existing key file is never overwritten.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from storage.crypto import Key, KeyRing, format_keys, new_key, parse_keys
from storage.errors import KeyMissing

log = logging.getLogger("storage.keys")

HOW_TO_CONFIGURE = (
    "Configure the key that encrypted this data: set SCREENER_ENCRYPTION_KEYS "
    "(or encryption_keys in .streamlit/secrets.toml) to 'id:base64key', or put the key file back at {path}."
)


def configured_ring(settings) -> KeyRing | None:
    """The keys from the settings or an existing key file; None when neither has one."""
    if settings.encryption_keys.strip():
        return KeyRing(parse_keys(settings.encryption_keys, "SCREENER_ENCRYPTION_KEYS"),
                       "SCREENER_ENCRYPTION_KEYS")
    path = Path(settings.key_file)
    if path.exists():
        try:
            text = path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            why = getattr(exc, "strerror", None) or "not a key file"
            raise KeyMissing(f"cannot read the key file {path}: {why}. It must be a text file "
                             "readable by the app's user.") from None
        return KeyRing(parse_keys(text, f"key file {path}"), f"key file {path}")
    return None


def create_key_file(path: Path) -> KeyRing:
    """Write a fresh key to ``path`` (0600, folder 0700) unless a key file already exists."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = new_key()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    _write_private(tmp, _key_file_text([key]))
    try:
        os.link(tmp, path)  # atomic and refuses to replace an existing file
    except FileExistsError:
        pass  # another process created it first: use that one
    finally:
        tmp.unlink(missing_ok=True)
    ring = KeyRing(parse_keys(path.read_text(encoding="ascii"), f"key file {path}"), f"key file {path}")
    if ring.current.id == key.id:
        message = (f"Created a new encryption key at {path} (id {key.id}). Back it up apart from the "
                   "database: without it the stored data cannot be read.")
        log.warning(message)
    return ring


def add_key_to_file(path: Path, key: Key) -> None:
    """Put ``key`` first in the key file, keeping every existing key (used by rotation)."""
    old = parse_keys(path.read_text(encoding="ascii"), f"key file {path}")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    _write_private(tmp, _key_file_text([key, *old]))
    os.replace(tmp, path)  # the old keys are all still in the new file


def remove_keys_from_file(path: Path, key_ids: set[str]) -> None:
    keys = [k for k in parse_keys(path.read_text(encoding="ascii"), f"key file {path}")
            if k.id not in key_ids]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    _write_private(tmp, _key_file_text(keys))
    os.replace(tmp, path)


def key_file_problems(path: Path) -> list[str]:
    if not path.exists():
        return []
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return [f"key file {path} is readable by others (mode {mode:o}); run chmod 600 on it"]
    return []


def _key_file_text(keys: list[Key]) -> str:
    header = ("# Encryption keys of the screener database: id:base64, first one is current.\n"
              "# Keep a copy apart from the database backups. Never share this file.\n")
    return header + format_keys(keys).replace(",", "\n") + "\n"


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, 0o600)


def missing_key_message(settings, detail: str) -> str:
    return f"{detail} {HOW_TO_CONFIGURE.format(path=settings.key_file)}"
