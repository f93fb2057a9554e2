"""The patient kiosk: a bilingual, adaptive questionnaire on a waiting-room tablet.

``flow`` (which screen comes next, pure), ``idle`` (when to warn and reset, pure),
``ui_text`` (the kiosk's own words), ``renderer`` (answer types to widgets), ``bodymap``
(the body picture) and ``page`` (the Streamlit page that ties them together).
"""
