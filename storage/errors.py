"""The store's errors. Messages name what to do; they never carry patient data."""

from __future__ import annotations


class StoreError(RuntimeError):
    """The store could not do what was asked; the message says why."""


class StorageFull(StoreError):
    """The database or its disk is full: nothing was written."""


class KeyMissing(StoreError):
    """Encrypted data is present but the key to read it is not configured (or is wrong)."""
