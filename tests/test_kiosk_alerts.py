"""Front-desk alerts in the store (migration 6), on a real SQLite file and a real PostgreSQL server:
a tablet's call holds its name and the time only, stays open until a staff member acknowledges
it (once, whoever is first), and both steps are audited without any patient data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from clinic.config import Settings
from storage import Store, StoreError, open_store
from storage.alerts import TABLET_NAME

T0 = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def store(url, tmp_path) -> Store:
    opened = open_store(Settings(database_url=url, key_file=str(tmp_path / "keys" / "secret.key")))
    yield opened
    opened.close()


def test_a_call_is_open_until_acknowledged_and_both_steps_are_audited(store):
    first = store.raise_alert("Sala-2", T0)
    second = store.raise_alert("Waiting room 1", T0 + timedelta(seconds=40))
    assert [(a.id, a.tablet, a.raised_at) for a in store.open_alerts()] == [
        (first, "Sala-2", T0), (second, "Waiting room 1", T0 + timedelta(seconds=40))]
    assert store.acknowledge_alert(first, "dr.garcia") is True
    assert store.acknowledge_alert(first, "nurse.lee") is False  # already closed by someone else
    assert [a.id for a in store.open_alerts()] == [second]
    events = [(e.actor, e.action, e.target) for e in store.audit_events()]
    assert ("kiosk:Sala-2", "front-desk alert", f"alert {first}") in events
    assert ("dr.garcia", "acknowledge front-desk alert", f"alert {first}") in events
    assert not any(e[0] == "nurse.lee" for e in events)


@pytest.mark.parametrize("tablet", ["", "x" * 41, "Sala<2>", "José", None, 7, "a\nb"])
def test_a_tablet_name_that_is_not_a_short_plain_name_is_refused(store, tablet):
    with pytest.raises(StoreError, match="tablet must be 1 to 40 letters"):
        store.raise_alert(tablet, T0)
    assert store.open_alerts() == []


def test_an_unknown_alert_cannot_be_acknowledged(store):
    with pytest.raises(StoreError, match="no alert with id 999"):
        store.acknowledge_alert(999, "dr.garcia")


@hsettings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.from_regex(TABLET_NAME, fullmatch=True), min_size=1, max_size=4))
def test_every_allowed_tablet_name_reads_back_exactly(store, names):
    ids = [store.raise_alert(name, T0) for name in names]
    shown = {a.id: a.tablet for a in store.open_alerts()}
    assert [shown[i] for i in ids] == names
    for alert_id in ids:
        store.acknowledge_alert(alert_id, "dr.garcia")
