"""The patient kiosk: a bilingual, adaptive questionnaire on a waiting-room tablet.

``flow`` (the screens and what Next, Back and Change do, pure), ``idle`` (the idle rule),
``ui_text`` (the kiosk's own words), ``renderer`` (answer types to widgets), ``browser_side``
(what runs in the browser: idle watch, read-aloud, the body picture's taps in bodymap.js; the
picture itself is ``drawing.bodymap``), ``page`` (state and callbacks), ``screens`` (what each
screen draws), ``scoring_link`` (answers to the scoring) and ``submit`` (the one write).
"""

__all__ = ["browser_side", "flow", "idle", "page", "renderer", "screens", "scoring_link", "submit", "ui_text"]
