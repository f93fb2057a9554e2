"""Front-desk alerts raised from a kiosk tablet: the tablet's name and the time, never an answer.

The table is created by migration 6 (``storage/migrations.py``); ``Store.raise_alert``,
``Store.open_alerts`` and ``Store.acknowledge_alert`` call these functions. An alert is open
until a staff member acknowledges it; both steps are in the audit log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, insert, select, update

from storage import rows
from storage.errors import StoreError

TABLET_NAME = re.compile(r"[A-Za-z0-9 _.-]{1,40}")

metadata = MetaData()
alerts = Table(
    "alerts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tablet", String(40), nullable=False),
    Column("raised_at", String(32), nullable=False, index=True),
    Column("acknowledged_by", String(64)),
    Column("acknowledged_at", String(32)),
)


@dataclass(frozen=True)
class Alert:
    id: int
    tablet: str
    raised_at: datetime
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None


def create_table(conn: Connection) -> None:
    """Migration 6: its own snapshot of the table (never edited after release)."""
    md = MetaData()
    Table("alerts", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("tablet", String(40), nullable=False),
          Column("raised_at", String(32), nullable=False, index=True),
          Column("acknowledged_by", String(64)),
          Column("acknowledged_at", String(32)))
    md.create_all(conn)


def check_tablet(tablet: object) -> str:
    if not isinstance(tablet, str) or not TABLET_NAME.fullmatch(tablet):
        raise StoreError("tablet must be 1 to 40 letters, digits, spaces, '-', '_' or '.'")
    return tablet


def insert_alert(conn: Connection, tablet: str, at: datetime) -> int:
    done = conn.execute(insert(alerts).values(tablet=check_tablet(tablet), raised_at=rows.ts(at)))
    return int(done.inserted_primary_key[0])


def open_alerts(conn: Connection) -> list[Alert]:
    query = select(alerts).where(alerts.c.acknowledged_at.is_(None)).order_by(alerts.c.raised_at, alerts.c.id)
    return [Alert(r.id, r.tablet, rows.parse_ts(r.raised_at)) for r in conn.execute(query)]


def acknowledge(conn: Connection, alert_id: int, username: str) -> bool:
    """Close an open alert; False when it was already closed (another staff member was first)."""
    if conn.execute(select(alerts.c.id).where(alerts.c.id == alert_id)).first() is None:
        raise StoreError(f"no alert with id {alert_id!r}")
    done = conn.execute(update(alerts).where(alerts.c.id == alert_id, alerts.c.acknowledged_at.is_(None))
                        .values(acknowledged_by=username, acknowledged_at=rows.now()))
    return done.rowcount == 1
