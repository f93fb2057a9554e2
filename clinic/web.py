"""What the browser gets beyond Streamlit's own elements: two small custom components (v2).

``deliver_file`` hands an export's bytes to the browser over the session's own WebSocket, in
the script run the click started, and the page saves them from a ``blob:`` URL it revokes a
second later. No ``/media/<id>`` URL is ever made, so nothing on the server answers a request
for the file: not one without the clinician's session, not one with it after the download.
(``st.download_button`` would keep the file at an unauthenticated ``/media/`` URL until two
more script runs have swept it; see docs/security.md, "Downloads".)

``frame_guard`` hides the page when another site frames it: the clickjacking protection a plain
``streamlit run`` can give, which cannot set ``X-Frame-Options`` or CSP headers itself. Behind
the shipped proxy (deploy/nginx/screener.conf) the headers do this job for every response.
"""

from __future__ import annotations

import base64
import uuid

import streamlit as st

_DELIVER_JS = """
const delivered = new Set();
export default function (component) {
  const file = component.data;
  if (!file || !file.nonce || delivered.has(file.nonce)) return;
  delivered.add(file.nonce);
  const bytes = Uint8Array.from(atob(file.b64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mime }));
  const link = document.createElement("a");
  link.href = url;
  link.download = file.name;
  link.style.display = "none";
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_MS);
}
"""
REVOKE_SECONDS = 1.0  # the page's blob: URL lives this long after the click, then is gone

_FRAME_GUARD_JS = """
export default function () {
  let framed = true;
  try { framed = window.top !== window.self; } catch (e) { framed = true; }
  if (!framed) return;
  document.documentElement.style.setProperty("display", "none", "important");
  try { window.top.location.replace(window.self.location.href); } catch (e) { /* sandboxed */ }
}
"""

_deliver = st.components.v2.component(
    "clinic_deliver_file", html="<span hidden></span>",
    js=_DELIVER_JS.replace("REVOKE_MS", str(int(REVOKE_SECONDS * 1000))))
_frame_guard = st.components.v2.component("clinic_frame_guard", html="<span hidden></span>",
                                          js=_FRAME_GUARD_JS)


def deliver_file(data: bytes, file_name: str, mime: str, key: str) -> None:
    """Send ``data`` to this session's browser, which saves it as ``file_name`` once."""
    payload = {"name": file_name, "mime": mime, "b64": base64.b64encode(data).decode("ascii"),
               "nonce": uuid.uuid4().hex}
    _deliver(data=payload, key=key, width="content", height=0)


def frame_guard() -> None:
    """Hide the page when it is shown inside a frame (clickjacking), on every page."""
    _frame_guard(key="clinic_frame_guard", width="content", height=0)
