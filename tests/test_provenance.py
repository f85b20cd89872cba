"""Results files with provenance: a round trip keeps everything, and bad input names the parameter."""

import json
import sys

import pytest

from marl_course.experiments.provenance import check_seeds, provenance, read_results, write_results


def test_round_trip_keeps_results_and_provenance(tmp_path):
    info = provenance("python -m demo --seed 3", {"steps": 7}, seeds=(3, 4), cpu_seconds=12.34)
    assert info["seeds"] == [3, 4] and info["cpu_seconds"] == 12.3 and info["config"] == {"steps": 7}
    assert ("torch" in info) == ("torch" in sys.modules)
    write_results(tmp_path / "r.json", "demo/1", info, {"curve": [1.0, 2.5]})
    results = read_results(tmp_path / "r.json", "demo/1")
    assert results == {"format": "demo/1", "provenance": info, "curve": [1.0, 2.5]}


@pytest.mark.parametrize("call, match", [
    (lambda: check_seeds("012"), "seeds"),
    (lambda: check_seeds([]), "seeds"),
    (lambda: check_seeds([0, -1]), "seeds"),
    (lambda: check_seeds(3), "seeds"),
    (lambda: provenance(3, {}, [0], 1.0), "command"),
    (lambda: provenance("c", [1], [0], 1.0), "config"),
    (lambda: provenance("c", {}, [0], -1.0), "cpu_seconds"),
    (lambda: provenance("c", {}, [0], float("nan")), "cpu_seconds"),
    (lambda: write_results("x.json", 1, {}, {}), "format"),
    (lambda: write_results("x.json", "f", None, {}), "info"),
    (lambda: write_results("x.json", "f", {}, [1]), "results"),
    (lambda: write_results("x.json", "f", {}, {"format": 1}), "results"),
], ids=[f"case{i}" for i in range(12)])
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()


def test_a_file_of_another_format_or_not_json_is_refused(tmp_path):
    (tmp_path / "other.json").write_text(json.dumps({"format": "other/1"}))
    (tmp_path / "list.json").write_text("[1, 2]")
    (tmp_path / "text.json").write_text("not json")
    for name in ("other.json", "list.json", "text.json"):
        with pytest.raises(ValueError, match="path"):
            read_results(tmp_path / name, "demo/1")
