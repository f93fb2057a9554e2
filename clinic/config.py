"""One typed configuration object, read from the environment or Streamlit secrets.

Every setting has a default that works on a fresh machine (an embedded SQLite file under
``instance/``). Environment variables win over ``.streamlit/secrets.toml``; both use the
names below (``SCREENER_`` prefix in the environment, bare lower-case keys in secrets).

``replicas`` is how many app processes serve the clinic behind the proxy (deploy/). More than
one keeps no state on the app host: the settings refuse SQLite and the key file then, so both
``python -m clinic check`` and the app stop with a message naming what to set.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "SCREENER_"


class ConfigError(ValueError):
    """A setting has a value it cannot take; the message names the setting."""


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'instance' / 'screener.db'}"
    key_file: str = str(PROJECT_ROOT / "instance" / "secret.key")
    encryption_keys: str = ""  # "id:base64key,id2:base64key"; first is current
    kiosk_idle_seconds: int = 180
    kiosk_idle_warning_seconds: int = 30
    staff_idle_seconds: int = 900
    login_max_failures: int = 5
    login_lock_seconds: int = 900
    log_level: str = "INFO"
    replicas: int = 1  # app processes behind the proxy (deploy/screener@.service)

    def __post_init__(self) -> None:
        minimum = {"kiosk_idle_seconds": 30, "staff_idle_seconds": 10, "login_lock_seconds": 10}
        for name, least in minimum.items():
            if getattr(self, name) < least:
                raise ConfigError(f"{ENV_PREFIX}{name.upper()} must be at least {least} seconds "
                                  f"(got {getattr(self, name)})")
        if self.kiosk_idle_warning_seconds < 1:  # the kiosk caps the countdown at half the idle time
            raise ConfigError(f"{ENV_PREFIX}KIOSK_IDLE_WARNING_SECONDS must be at least 1 second "
                              f"(got {self.kiosk_idle_warning_seconds})")
        if self.login_max_failures < 1:
            raise ConfigError("login_max_failures must be at least 1")
        if self.log_level.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ConfigError("log_level must be one of DEBUG, INFO, WARNING, ERROR")
        if not 1 <= self.replicas <= 64:
            raise ConfigError(f"replicas (SCREENER_REPLICAS) must be between 1 and 64, got {self.replicas}")
        if self.replicas > 1 and (state := self.state_on_app_host()):
            raise ConfigError(
                f"SCREENER_REPLICAS is {self.replicas}, but {' and '.join(state)}: each replica would "
                "keep its own. With more than one replica set SCREENER_DATABASE_URL to PostgreSQL "
                "(postgresql+psycopg://...) and SCREENER_ENCRYPTION_KEYS to the key ring "
                "(see deploy/screener.env.example), or set SCREENER_REPLICAS=1.")

    def state_on_app_host(self) -> list[str]:
        """What this configuration keeps on the app host's disk: an SQLite file, a key file."""
        state = []
        if self.database_url.strip().lower().startswith("sqlite"):
            state.append("the database is an SQLite file (SCREENER_DATABASE_URL)")
        if not self.encryption_keys.strip():
            state.append("the keys come from a key file "
                         "(SCREENER_KEY_FILE; SCREENER_ENCRYPTION_KEYS is empty)")
        return state


def _coerce(name: str, raw: object, kind: type) -> object:
    if kind is int:
        try:
            return int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    return str(raw)


def _read_secrets(path: Path) -> dict:
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return data.get("screener", data)


def load_settings(environ: dict | None = None, secrets_path: Path | None = None) -> Settings:
    """Settings from ``environ`` (default ``os.environ``) over the secrets file over defaults."""
    environ = os.environ if environ is None else environ
    secrets = _read_secrets(secrets_path or PROJECT_ROOT / ".streamlit" / "secrets.toml")
    values = {}
    for f in fields(Settings):
        kind = int if f.type in ("int", int) else str
        env_name = ENV_PREFIX + f.name.upper()
        if env_name in environ:
            values[f.name] = _coerce(env_name, environ[env_name], kind)
        elif f.name in secrets:
            values[f.name] = _coerce(f.name, secrets[f.name], kind)
    return Settings(**values)
