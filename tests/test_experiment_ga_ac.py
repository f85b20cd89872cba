"""Chapter 10's GA-AC study: every score is capture_metrics of the network train() returns, the methods
share their seeds, the scripted references bracket the task, the command writes a file of the shipped
format, and the shipped file is complete and from today's defaults."""

from dataclasses import asdict, replace

import numpy as np
import pytest
import torch

from marl_course.deep.g2anet_ac import GAACConfig, capture_metrics, train
from marl_course.envs.predator_prey import PredatorPrey
from marl_course.experiments.ga_ac import (CONFIG, ENV, EVAL, FORMAT, METHODS, SCRIPTED, chase_rule, compare, load_results,
                                           main, scripted_metrics)

torch.set_num_threads(1)
TINY = GAACConfig(n_rounds=2, hidden=8, batch_size=32)
TINY_ENV = dict(ENV, n_envs=4, episode_length=6)
TINY_EVAL = dict(EVAL, n_envs=8, n_episodes=1)


def test_scores_are_capture_metrics_of_the_trained_networks():
    out, cpu = compare(TINY, seeds=[1], env=TINY_ENV, evaluation=TINY_EVAL, block=1, progress=False)
    assert cpu > 0 and out["rounds"] == [1, 2]
    again = train(PredatorPrey(**TINY_ENV), replace(TINY, communication="soft"), seed=1, progress=False)
    eval_env = PredatorPrey(**dict(TINY_ENV, n_envs=8))
    for kind, greedy in (("final", True), ("sampled", False)):
        expected = capture_metrics(again.model, eval_env, n_episodes=1, seed=EVAL["seed"], greedy=greedy)
        assert out["methods"]["soft-attention critic"][kind][0] == expected
    assert out["methods"]["soft-attention critic"]["curves"][0] == again.metrics["capture_rate"]
    # independent critics keep no edge (precision undefined: None in the file); the soft critic keeps all
    independent = out["methods"]["independent critics"]["final"][0]
    assert independent["kept"] == 0.0 and independent["precision"] is None
    assert out["methods"]["soft-attention critic"]["final"][0]["kept"] == 1.0
    with pytest.raises(ValueError, match="env"):
        compare(TINY, seeds=[0], env=dict(TINY_ENV, rule="occupy", n_prey=1), evaluation=TINY_EVAL, progress=False)
    with pytest.raises(ValueError, match="evaluation"):
        compare(TINY, seeds=[0], env=TINY_ENV, evaluation={"n_envs": 8}, progress=False)


def test_chase_rule_on_a_hand_built_scene():
    env = PredatorPrey(n_envs=1, n_predators=4, size=8, n_prey=1, vision=2, rule="capture")
    env.reset(seed=0)
    env.prey_pos[0] = [[4, 4]]
    env.predator_pos[0] = [[2, 4], [4, 6], [5, 5], [6, 3]]  # above, right, diagonal (in range), below-left
    actions = chase_rule(env, env.observe(), np.random.default_rng(0))
    assert actions[0].tolist() == [2, 3, 0, 1]  # down, left, stay, up (the larger offset first)


def test_scripted_references_bracket_the_task():
    env = PredatorPrey(**dict(ENV, n_envs=128))
    rand, chase = (scripted_metrics(env, p, seed=3) for p in SCRIPTED)
    assert 0.2 < rand["capture_rate"] < 0.7 and chase["capture_rate"] > rand["capture_rate"] + 0.2
    assert chase["return"] > rand["return"]
    with pytest.raises(ValueError, match="policy"):
        scripted_metrics(env, "stay")
    with pytest.raises(ValueError, match="env"):
        scripted_metrics(PredatorPrey(n_envs=2), "random")


def test_command_writes_a_study_file(tmp_path):
    out = tmp_path / "ga_ac.json"
    main(["--seeds", "0-1", "--jobs", "1", "--rounds", "2", "--envs", "16", "--eval-envs", "8", "--block", "1",
          "--quiet", "--out", str(out)])
    results = load_results(out)
    info = results["provenance"]
    assert info["command"].startswith("python -m marl_course.experiments ga_ac --seeds 0-1")
    assert info["seeds"] == [0, 1] and info["cpu_seconds"] > 0 and info["config"]["env"]["n_envs"] == 16
    assert info["config"]["training"]["n_rounds"] == 2 and "torch" in info
    assert set(results["methods"]) == set(METHODS) and set(results["scripted"]) == set(SCRIPTED)
    for method in results["methods"].values():
        assert len(method["final"]) == 2 and all(0 <= f["capture_rate"] <= 1 for f in method["final"])
        assert np.shape(method["curves"]) == (2, 2) and len(method["sampled"]) == 2
    assert FORMAT in out.read_text()


def test_shipped_study_is_complete_and_from_todays_defaults():
    results = load_results()
    info = results["provenance"]
    assert info["config"]["training"] == asdict(CONFIG) and info["config"]["env"] == ENV
    assert info["config"]["evaluation"] == EVAL
    assert info["command"] == "python -m marl_course.experiments ga_ac --seeds 0-4 --jobs 1 --quiet"
    assert len(info["seeds"]) >= 5 and info["cpu_seconds"] < 30 * 60
    for method in results["methods"].values():
        for kind in ("final", "sampled", "curves"):
            assert len(method[kind]) == len(info["seeds"])
        assert len(method["curves"][0]) == len(results["rounds"]) and results["rounds"][-1] == CONFIG.n_rounds
    assert set(results["scripted"]) == set(SCRIPTED)
    # the scripted references are reproducible exactly from today's environment
    eval_env = PredatorPrey(**dict(ENV, n_envs=EVAL["n_envs"]))
    assert scripted_metrics(eval_env, "random", n_episodes=EVAL["n_episodes"], seed=EVAL["seed"]) == \
        results["scripted"]["random"]
