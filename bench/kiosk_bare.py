"""A bare Streamlit page drawing the kiosk's widgets for one yes/no question a screen, with no
kiosk logic: the reference of bench/kiosk_taps.py (run by it with `streamlit run`).

A tap on an answer moves to the next screen at once, as the kiosk's auto-advance does.
"""

import streamlit as st

SCREENS = 80
st.session_state.setdefault("screen", 0)


def advance() -> None:
    st.session_state["screen"] += 1


n = st.session_state["screen"]
with st.container(key="tools", horizontal=True):
    st.button("Call the front desk", key="call")
    st.toggle("Large text", key="large")
    st.toggle("High contrast", key="contrast")
st.progress(min(n, SCREENS) / SCREENS, text=f"Step {n + 1} of {SCREENS}")
if n == 0:
    st.button("English", key="lang", on_click=advance)
else:
    with st.container(key=f"item-q{n}"):
        st.markdown(f"**Question {n}: have you had this in the past week?**")
        st.caption("Think about the past week.")
        st.segmented_control(f"Question {n}", ["yes", "no", "unsure"], key=f"w{n}",
                             label_visibility="collapsed", on_change=advance)
with st.container(key="nav", horizontal=True):
    st.button("Back", key="back", width="stretch")
    st.button("Next", key="next", width="stretch", type="primary", on_click=advance)
