"""Shared fixtures: a hypothesis CI profile, the bank, a real SQLite file per test, and the
real PostgreSQL server of tests/pg.py.

The PostgreSQL fixtures are imported here, once for the whole suite: a test module takes them
as arguments and never imports them itself (two imports, as ``pg`` and ``tests.pg``, would be two
fixtures and start two servers). ``url`` runs a test on each database the store supports.
"""

from __future__ import annotations

import os
from datetime import date

import pytest
from hypothesis import HealthCheck, settings
from pg import postgres_full_disk_url, postgres_server, postgres_url  # noqa: F401 (fixtures)

from questionnaire.bank import load_bank

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=200,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=100)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

AS_OF = date(2026, 11, 24)


@pytest.fixture(scope="session")
def bank():
    return load_bank()


@pytest.fixture
def db_url(tmp_path):
    """A database URL for a fresh SQLite file in the test's own folder."""
    return f"sqlite:///{tmp_path / 'screener.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request) -> str:
    """A fresh database of each kind the store supports: a SQLite file, then PostgreSQL."""
    return request.getfixturevalue("db_url" if request.param == "sqlite" else "postgres_url")
