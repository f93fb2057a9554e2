"""How today's list fits a row's flags into a tablet's columns (workspace/list_view.py, pure):
a list of flags longer than a row's lines names the first (most serious) ones and says how many
more, never dropping one silently; a name is never shortened; the row height holds every line."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from workspace import list_view

FLAG = st.sampled_from(sorted(set(list_view.SHORT_FLAG.values()))).map(lambda s: f"!! {s}")


def counted(cell: str) -> tuple[list[str], int]:
    names = cell.split(list_view.SEPARATOR)
    more = re.fullmatch(r"\+(\d+) more", names[-1])
    return (names[:-1], int(more[1])) if more else (names, 0)


@given(flags=st.lists(FLAG, min_size=1, max_size=12), width=st.integers(80, 200), lines=st.integers(2, 6))
def test_a_long_list_of_flags_names_the_first_and_counts_the_rest(flags, width, lines):
    fitted = list_view.fit_list(list_view.SEPARATOR.join(flags), width, lines)
    shown, more = counted(fitted)
    assert shown == flags[:len(shown)] and len(shown) + more == len(flags)
    assert shown, "the most serious flag is always named"
    assert list_view.lines_needed(fitted, width) <= lines or len(shown) == 1


def test_a_row_height_holds_every_line_and_one_line_keeps_the_grids_own():
    widths = {"Name": 124, "Warning signs": 120}
    short = [{"Name": "Tom Baker", "Warning signs": ""}]
    assert list_view.fit_page(short, widths) == (short, None)
    name = list_view.hyphen_breaks("María Guadalupe Hernández-Castellanos", 124)
    assert name == "María Guadalupe Hernández-\nCastellanos"
    rows, height = list_view.fit_page([{"Name": name, "Warning signs": "!! Thunderclap"}], widths)
    assert rows[0]["Name"] == name  # a name is never shortened
    assert height >= list_view.lines_needed(name, 124) * list_view.LINE_PX
    assert height >= list_view.WRAP_FROM_PX  # the grid wraps only in rows this tall


def test_a_name_longer_than_four_lines_makes_the_row_taller_not_shorter():
    name = "Ana " * 30
    rows, height = list_view.fit_page([{"Name": name, "Warning signs": ""}], {"Name": 124})
    assert rows[0]["Name"] == name
    assert height == list_view.lines_needed(name, 124) * list_view.LINE_PX + list_view.ROW_PAD_PX
