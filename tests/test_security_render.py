"""Issue 5 item 3 on the running kiosk: typed markup stays inert text (Streamlit AppTest).

A patient types Markdown, a link, an image and an HTML event handler into the name and the
two free-text fields; the review screen must show each exactly as typed in a plain-text
element, and no Markdown-rendering element (markdown, caption, headers, alerts, html, widget
labels) may carry any of it.
"""

from __future__ import annotations

import pytest
from patients import PATIENT_EN
from streamlit.testing.v1 import AppTest
from test_kiosk_apptest import APP, visit, walk_to_review

HOSTILE_NAME = "**bold** [x](http://evil.example) <img src=x onerror=alert(1)>"
HOSTILE_CONCERN = "![pic](http://evil.example/p.png) <script>alert(2)</script>\n# big\n=HYPERLINK(\"x\")"
HOSTILE_MEDS = "<a href=\"javascript:alert(3)\">meds</a> _under_ `tick` :material/warning:"
PIECES = ("evil.example", "onerror", "<img", "<script", "javascript:", "**bold**", "HYPERLINK", "_under_")
# Elements whose text Streamlit renders as Markdown or HTML.
MARKDOWN_KINDS = ("markdown", "caption", "title", "header", "subheader", "error", "warning", "info",
                  "success", "toast", "html", "latex", "exception")


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("SCREENER_DATABASE_URL", f"sqlite:///{tmp_path / 'render.db'}")
    monkeypatch.setenv("SCREENER_KEY_FILE", str(tmp_path / "render.key"))
    return AppTest.from_file(APP, default_timeout=30).run()


def _markdown_texts(at: AppTest) -> list[str]:
    texts = []
    for kind in MARKDOWN_KINDS:
        for element in getattr(at, kind):
            texts.append(str(getattr(element, "value", "") or getattr(element, "body", "")))
    for kind in ("text_input", "text_area", "radio", "button", "button_group", "number_input", "checkbox"):
        for widget in getattr(at, kind):
            texts.append(str(getattr(widget, "label", "")))
            texts.append(str(getattr(widget, "help", "") or ""))
            texts.extend(str(o) for o in (getattr(widget, "options", None) or []))
    return texts


def test_typed_markup_is_shown_literally_and_never_rendered(app):
    answers = {**PATIENT_EN, "patient.name": HOSTILE_NAME, "visit.concern": HOSTILE_CONCERN,
               "meds.list": HOSTILE_MEDS}
    walk_to_review(app, answers)
    assert not app.exception
    plain = [t.value for t in app.text]
    for typed in (HOSTILE_NAME, HOSTILE_CONCERN, HOSTILE_MEDS):
        assert typed in plain, f"not shown exactly as typed: {typed!r}"
    rendered = "\n".join(_markdown_texts(app))
    assert len(rendered) > 500, "the scan found no Markdown elements: the element names changed?"
    leaked = [p for p in PIECES if p in rendered]
    assert not leaked, f"typed text reached a Markdown/HTML element: {leaked}"
    # and the stored document keeps it byte for byte
    assert visit(app).answers["patient.name"] == HOSTILE_NAME
