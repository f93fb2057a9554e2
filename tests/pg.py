"""A real, throw-away PostgreSQL server for the tests (no mocks).

``postgres_server`` (session scope) runs initdb into a temporary folder owned by the
``postgres`` system user (initdb refuses root), starts it on a free port on 127.0.0.1 with
its unix socket in that folder, and stops it at the end. ``postgres_url`` gives each test a
fresh database. Without PostgreSQL installed the tests skip, unless
SCREENER_REQUIRE_POSTGRES=1, when they fail.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _missing(reason: str):
    if os.environ.get("SCREENER_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL required (SCREENER_REQUIRE_POSTGRES=1) but {reason}")
    pytest.skip(reason)


def _as_postgres(args: list[str], **kw) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(prefix + args, check=True, capture_output=True, text=True, timeout=120, **kw)


@pytest.fixture(scope="session")
def postgres_server():
    """Yields (host, port, user) of a running server; stops and removes it afterwards."""
    bindir = _bin_dir()
    if bindir is None:
        _missing("PostgreSQL is not installed (apt-get install postgresql)")
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            _missing("there is no 'postgres' system user to run the server as")
    root = Path(tempfile.mkdtemp(prefix="screener-pg-"))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    if os.geteuid() == 0:
        for p in (root, sockets):
            os.chown(p, owner.pw_uid, owner.pw_gid)
    user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    port = _free_port()
    _as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", user, "-A", "trust", "-E", "UTF8",
                  "--no-sync"])
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c fsync=on"
    _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "log"),
                  "-w", "-t", "60", "start"])
    try:
        yield "127.0.0.1", port, user
    finally:
        with contextlib.suppress(subprocess.SubprocessError):
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server):
    """A SQLAlchemy URL of a fresh, empty database on the test server."""
    host, port, user = postgres_server
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://{user}@{host}:{port}/{name}"
    with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_full_disk_url(postgres_server):
    """A database whose every file lives on a real 16 MB tmpfs (a tablespace), to fill up.

    Yields (url, folder); the test may put a filler file in ``folder`` and delete it to free
    space. Needs root (mount); skips otherwise.
    """
    host, port, user = postgres_server
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    owner = pwd.getpwnam("postgres")
    folder = Path(tempfile.mkdtemp(prefix="screener-pgfull-"))
    os.chown(folder, owner.pw_uid, owner.pw_gid)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o",
                           f"size=16m,mode=0700,uid={owner.pw_uid},gid={owner.pw_gid}", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    space = folder / "space"
    space.mkdir()
    os.chown(space, owner.pw_uid, owner.pw_gid)
    name = f"full_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as conn:
        conn.execute(f"CREATE TABLESPACE {name} LOCATION '{space}'")
        conn.execute(f'CREATE DATABASE "{name}" TABLESPACE {name}')
    try:
        yield f"postgresql+psycopg://{user}@{host}:{port}/{name}", folder
    finally:
        with psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f"DROP TABLESPACE IF EXISTS {name}")
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], check=False)
        folder.rmdir()
