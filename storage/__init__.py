"""Durable, encrypted storage of submissions, results, reviews, comments, users and audit.

    from storage import open_store
    store = open_store(settings)       # migrates, loads (or on first start creates) the key
    sid = store.save_submission(new)   # committed to disk before it returns

See docs/storage.md.
"""

from storage.errors import KeyMissing, StorageFull, StoreError
from storage.opening import open_store
from storage.store import Store
from vocabulary import AuditEvent, Comment, ListPage, ListRow, NewSubmission, Submission, User

__all__ = [
    "AuditEvent", "Comment", "KeyMissing", "ListPage", "ListRow", "NewSubmission", "Store", "StorageFull",
    "StoreError", "Submission", "User", "open_store",
]
