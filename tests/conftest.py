"""Shared fixtures: a hypothesis CI profile, the bank, and a real SQLite file per test."""

from __future__ import annotations

import os
from datetime import date

import pytest
from hypothesis import HealthCheck, settings

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
