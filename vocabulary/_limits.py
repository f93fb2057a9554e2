"""Languages the kiosk speaks and the limits both the workspace and the store enforce."""

from __future__ import annotations

LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}
LANGUAGES = tuple(LANGUAGE_NAMES)
# A clinician's comment on a submission: the workspace's text box and the store refuse longer.
MAX_COMMENT = 2000
