"""The patient kiosk: a bilingual, adaptive questionnaire on a waiting-room tablet.

``flow`` (the screens and what Next, Back and Change do, pure), ``idle`` (the idle rule),
``ui_text`` (the kiosk's own words), ``renderer`` (answer types to widgets), ``bodymap``
(the body picture), ``browser_side`` (what runs in the browser: idle watch, read-aloud, the
picture), ``page`` (state and callbacks) and ``screens`` (what each screen draws).
"""
