"""The one command line of the studies: it lists them, refuses an unknown name, and hands the rest of
the arguments to the study."""

import pytest

from marl_course.experiments.__main__ import STUDIES, main
from marl_course.experiments.littman import load_results


def test_list_names_every_study(capsys):
    main(["--list"])
    listed = capsys.readouterr().out
    assert all(name in listed for name in STUDIES) and {"littman", "maddpg", "flicker"} <= set(STUDIES)


def test_unknown_study_is_refused_with_the_names():
    with pytest.raises(SystemExit, match="maddpg"):
        main(["soccer"])


def test_a_study_gets_its_own_arguments(tmp_path):
    out = tmp_path / "littman.json"
    main(["littman", "--n-train", "200", "--n-challenger", "200", "--n-test", "200", "--quiet", "--out", str(out)])
    assert load_results(out)["provenance"]["config"] == {"n_train": 200, "n_challenger": 200, "n_test": 200}
