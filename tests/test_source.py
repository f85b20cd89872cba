"""show_source displays the package's real code; bad input names the parameter."""

import pytest

from marl_course.games import solve_zero_sum
from marl_course.source import show_source, source_of


def test_source_is_the_running_code():
    text = source_of(solve_zero_sum)
    assert text.startswith("def solve_zero_sum(") and "return" in text


def test_until_cuts_before_the_first_matching_line():
    full = source_of(solve_zero_sum)
    head = source_of(solve_zero_sum, until="Parameters")
    assert full.startswith(head) and "Parameters" not in head and len(head) < len(full)


@pytest.mark.parametrize("bad, message", [(len, "obj"), (3, "obj")])
def test_objects_without_source_are_refused(bad, message):
    with pytest.raises(TypeError, match=message):
        source_of(bad)


def test_until_must_occur_and_be_text():
    with pytest.raises(ValueError, match="until"):
        source_of(solve_zero_sum, until="no such line anywhere")
    with pytest.raises(TypeError, match="until"):
        source_of(solve_zero_sum, until=3)


def test_show_source_displays_one_highlighted_block_per_object(monkeypatch):
    import marl_course.source

    shown = []
    monkeypatch.setattr(marl_course.source, "display", shown.append)
    show_source(solve_zero_sum, source_of)
    assert len(shown) == 2
    assert shown[0].data == source_of(solve_zero_sum)
    assert "highlight" in shown[1]._repr_html_()
    with pytest.raises(TypeError, match="at least one"):
        show_source()
