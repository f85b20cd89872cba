"""Chapter 6's flicker study: each score is the network's greedy return, the seeds' spread over
processes changes nothing, the relative scores divide by the run's own reference, the command writes
a file of the shipped format."""

from dataclasses import asdict, replace

import numpy as np
import pytest

from marl_course.deep.drqn import DRQNConfig, evaluate, train
from marl_course.envs.cartpole import CartPole
from marl_course.experiments.flicker import (EVAL_SEED, FORMAT, RESULTS_PATHS, flicker_robustness, learners, load_results,
                                             main, relative_scores, retention)

TINY = dict(total_steps=80, learning_starts=20, hidden=8)


def test_robustness_scores_are_the_networks_greedy_returns_at_each_flicker():
    configs = {"DQN": DRQNConfig(recurrent=False, total_steps=80, learning_starts=20, hidden=8),
               "DRQN": DRQNConfig(total_steps=80, learning_starts=20, hidden=8)}
    result = flicker_robustness(configs, 0.5, [0.0, 0.5, 1.0], seeds=(0, 1), max_steps=12, eval_envs=5,
                                progress=False)
    assert set(result.scores) == {"DQN", "DRQN"} and result.scores["DQN"].shape == (2, 3)
    assert len(result.curves["DRQN"]) == 2
    # each entry is exactly what evaluate() gives for the network train() returns with that seed
    again = train(CartPole(n_envs=8, flicker=0.5, max_steps=12), configs["DRQN"], seed=1, progress=False)
    assert result.scores["DRQN"][1, 2] == evaluate(again.model, CartPole(n_envs=5, flicker=1.0, max_steps=12),
                                                    seed=EVAL_SEED)
    assert result.curves["DRQN"][1] == (again.steps, again.train_return)
    assert result.without_memory["DRQN"][1, 0] == evaluate(again.model, CartPole(n_envs=5, flicker=0.0, max_steps=12),
                                                            seed=EVAL_SEED, memory=False)


def test_robustness_rejects_bad_arguments():
    with pytest.raises(TypeError, match="configs"):
        flicker_robustness({"DQN": {"recurrent": False}}, 0.0, [0.0])
    with pytest.raises(ValueError, match="eval_flicker"):
        flicker_robustness({"DQN": DRQNConfig()}, 0.0, [0.0, 1.5])


def test_relative_scores_divide_each_run_by_its_own_reference_score():
    scores = np.array([[50.0, 100.0, 25.0], [20.0, 40.0, 40.0]])
    np.testing.assert_allclose(relative_scores(scores, [0.0, 0.5, 1.0], 0.5), [[0.5, 1.0, 0.25], [0.5, 1.0, 1.0]])
    with pytest.raises(ValueError, match="reference"):
        relative_scores(scores, [0.0, 0.5, 1.0], 0.3)
    floor = relative_scores(scores, [0.0, 0.5, 1.0], 0.5, floor=20.0)
    np.testing.assert_allclose(floor[1], [0.0, 1.0, 1.0])  # at the random floor: nothing kept
    np.testing.assert_allclose(floor[0], [30 / 80, 1.0, 5 / 80])


def test_the_seeds_give_the_same_study_in_one_process_and_in_two():
    configs = {"DRQN": DRQNConfig(**TINY)}
    kwargs = dict(seeds=(0, 1, 2), max_steps=12, eval_envs=5, progress=False)
    here = flicker_robustness(configs, 0.5, [0.0, 1.0], jobs=1, **kwargs)
    pool = flicker_robustness(configs, 0.5, [0.0, 1.0], jobs=2, **kwargs)
    np.testing.assert_array_equal(here.scores["DRQN"], pool.scores["DRQN"])
    assert here.curves == pool.curves


def test_command_writes_a_study_file(tmp_path):
    out = tmp_path / "flicker.json"
    main(["--hide-velocity", "--max-steps", "12", "--total-steps", "80", "--learning-starts", "20",
          "--train-flicker", "0.0", "0.5",
          "--eval-flicker", "0.0", "0.5", "1.0", "--seeds", "0-1", "--jobs", "1", "--quiet", "--out", str(out)])
    results = load_results(out)
    info = results["provenance"]
    assert info["command"].startswith("python -m marl_course.experiments flicker --hide-velocity")
    assert info["seeds"] == [0, 1] and info["cpu_seconds"] > 0 and set(info["config"]["learners"]) == set(learners(10))
    assert set(results["studies"]) == {0.0, 0.5} and 0 < results["random_return"] <= 12
    for study in results["studies"].values():
        assert set(study.scores) == set(learners(10)) and all(s.shape == (2, 3) for s in study.scores.values())
        assert all(s.shape == (2, 3) for s in study.without_memory.values())
        assert all(np.all((s >= 1) & (s <= 12)) for s in study.scores.values())  # returns count steps balanced
    assert FORMAT in out.read_text()


@pytest.mark.parametrize("name", sorted(RESULTS_PATHS))
def test_shipped_studies_are_complete_and_from_todays_defaults(name):
    results = load_results(name)
    info, config = results["provenance"], results["provenance"]["config"]
    assert info["command"].startswith("python -m marl_course.experiments flicker")
    assert ("--hide-velocity" in info["command"]) == config["hide_velocity"] == (name == "hidden_velocity")
    assert len(info["seeds"]) >= 10 and info["cpu_seconds"] > 0 and "torch" in info
    frames = next(f["n_frames"] for label, f in config["learners"].items() if label.startswith("DQN"))
    expected = learners(frames, sequential="--sequential" in info["command"])
    assert list(config["learners"]) == list(expected)
    for label, fields in config["learners"].items():  # the shipped runs used today's defaults but for these
        overrides = {**expected[label], "total_steps": fields["total_steps"], "learning_starts": fields["learning_starts"]}
        assert fields == asdict(DRQNConfig(**overrides)), label
    for p_train, study in results["studies"].items():
        for label in expected:
            assert study.scores[label].shape == study.without_memory[label].shape == (len(info["seeds"]), 5)
            assert len(study.curves[label]) == len(info["seeds"])
        assert np.all(study.scores[next(iter(expected))] <= config["max_steps"])


def test_retention_averages_the_other_flicker_probabilities():
    study = flicker_robustness({"DRQN": DRQNConfig(**TINY)}, 0.0, [0.0, 1.0], seeds=(0,), max_steps=12, eval_envs=5,
                               progress=False)
    kept = retention(study, 0.0, floor=1.0)["DRQN"]
    s = study.scores["DRQN"][0]
    np.testing.assert_allclose(kept, [(s[1] - 1.0) / (s[0] - 1.0)])
    with pytest.raises(ValueError, match="p_train"):
        retention(study, 1.5)
    with pytest.raises(ValueError, match="eval_flicker"):
        retention(replace(study, eval_flicker=np.array([0.0])), 0.0)
