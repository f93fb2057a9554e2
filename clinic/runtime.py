"""What every page needs from the process: the settings and the open store.

Both are process-wide resources, never patient data: the store object holds a connection
pool and the encryption keys, not answers. Patient answers live only in each browser
session's ``st.session_state`` and in the database.
"""

from __future__ import annotations

import streamlit as st

from clinic.config import Settings, load_settings
from storage import Store, open_store


# Settings hashed by its own (frozen dataclass) hash: a lookup takes about 70 us, not 250 us,
# and every page asks for the store a few times a rerun.
@st.cache_resource(show_spinner=False, hash_funcs={Settings: hash})
def _store(settings: Settings) -> Store:
    return open_store(settings)


def settings() -> Settings:
    return load_settings()


def store() -> Store:
    return _store(settings())
