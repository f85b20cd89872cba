"""Littman's Table 1 at the paper's lengths: the command writes the shipped format, and the shipped file is complete."""

import numpy as np
import pytest

from marl_course.envs.soccer import N_STATES
from marl_course.experiments.littman import (FORMAT, OPPONENTS, POLICY_PAIRS, RESULTS_PATH, littman_table, load_results,
                                             main, train_soccer_policy)
from marl_course.experiments.provenance import read_results


def _check_layout(results):
    assert set(results["provenance"]) >= {"command", "config", "seeds", "cpu_seconds", "numpy", "python"}
    assert results["provenance"]["command"].startswith("python -m marl_course.experiments littman")
    for opponent in OPPONENTS:
        assert set(results[opponent]) == set(POLICY_PAIRS)
    for name in POLICY_PAIRS:
        policy = results["policies"][name]
        assert policy.shape == (N_STATES, 5) and np.allclose(policy.sum(axis=1), 1) and policy.min() >= 0
        assert results["values"][name].shape == (N_STATES,)


def test_command_regenerates_the_table_it_is_given(tmp_path):
    out = tmp_path / "short.json"
    main(["--n-train", "400", "--n-challenger", "300", "--n-test", "200", "--seeds", "3", "--quiet", "--out", str(out)])
    assert read_results(out, FORMAT)["provenance"]["config"] == {"n_train": 400, "n_challenger": 300, "n_test": 200}
    results = load_results(out)
    _check_layout(results)
    direct = littman_table(n_train=400, n_challenger=300, n_test=200, seed=3)
    for name in POLICY_PAIRS:
        np.testing.assert_array_equal(results["policies"][name], direct["policies"][name])
        np.testing.assert_array_equal(results["values"][name], direct["values"][name])
        for opponent in OPPONENTS:
            assert results[opponent][name] == direct[opponent][name]


def test_each_seed_is_its_own_run_in_one_process_or_two(tmp_path):
    short = ["--n-train", "300", "--n-challenger", "200", "--n-test", "100", "--quiet"]
    main(short + ["--seeds", "1,4", "--jobs", "2", "--out", str(tmp_path / "two.json")])
    main(short + ["--seeds", "4", "--jobs", "1", "--out", str(tmp_path / "one.json")])
    two, one = load_results(tmp_path / "two.json", seed=4), load_results(tmp_path / "one.json")
    assert read_results(tmp_path / "two.json", FORMAT)["provenance"]["seeds"] == [1, 4]
    for name in POLICY_PAIRS:
        np.testing.assert_array_equal(two["policies"][name], one["policies"][name])
        assert all(two[opponent][name] == one[opponent][name] for opponent in OPPONENTS)
    assert not np.array_equal(load_results(tmp_path / "two.json")["policies"]["MR"], one["policies"]["MR"])  # seed 1
    with pytest.raises(ValueError, match="seed"):
        load_results(tmp_path / "one.json", seed=1)


def test_train_soccer_policy_is_the_tables_first_step():
    """The table's first policy (MR) is train_soccer_policy's on the same stream."""
    learner = train_soccer_policy("MR", 300, seed=np.random.default_rng(5))
    direct = littman_table(n_train=300, n_challenger=1, n_test=1, seed=5)
    np.testing.assert_array_equal(learner.policy, direct["policies"]["MR"])


def test_shipped_file_is_complete_and_at_the_papers_lengths():
    results = load_results(RESULTS_PATH)
    _check_layout(results)
    assert results["provenance"]["config"] == {"n_train": 10**6, "n_challenger": 10**5, "n_test": 10**5}
    for opponent in OPPONENTS:
        for record in results[opponent].values():
            assert record.steps == 10**5
