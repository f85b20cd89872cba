"""Chapter 10's GA-Comm study: every score is junction_metrics of the network train() returns, the
methods share their seeds, the scripted references bracket a learned policy, the command writes a file
of the shipped format, and the shipped file is complete and from today's defaults."""

from dataclasses import asdict, replace

import numpy as np
import pytest
import torch

from marl_course.deep.g2anet import GAComm, GACommConfig, junction_metrics, train
from marl_course.envs.traffic_junction import TrafficJunction
from marl_course.experiments.ga_comm import (CONFIG, ENV, EVAL, FORMAT, METHODS, compare, load_results, main,
                                             scripted_metrics, yield_rule)

torch.set_num_threads(1)
TINY = GACommConfig(n_updates=2, hidden=8)
TINY_ENV = dict(ENV, n_envs=4, episode_length=6)
TINY_EVAL = dict(EVAL, n_envs=8, n_episodes=1)


def test_scores_are_junction_metrics_of_the_trained_networks():
    out, cpu = compare(TINY, seeds=[1], env=TINY_ENV, evaluation=TINY_EVAL, block=1, progress=False)
    assert cpu > 0 and out["updates"] == [1, 2]
    again = train(TrafficJunction(**TINY_ENV), replace(TINY, communication="soft"), seed=1, progress=False)
    expected = junction_metrics(again.model, TrafficJunction(**dict(TINY_ENV, n_envs=8)), n_episodes=1,
                                seed=EVAL["seed"], horizon=EVAL["horizon"])
    assert out["methods"]["full soft attention"]["final"][0] == expected
    assert out["methods"]["full soft attention"]["curves"][0] == again.metrics["success_rate"]
    # without communication no edge exists; with full soft attention every pair is kept
    assert out["methods"]["no communication"]["final"][0]["kept"] in (0.0, None) or np.isnan(
        out["methods"]["no communication"]["final"][0]["kept"])
    assert out["methods"]["full soft attention"]["final"][0]["kept"] == 1.0


def test_scripted_references_bracket_the_task():
    env = TrafficJunction(n_envs=128)
    gas, yielding = scripted_metrics(env, "gas", seed=3), scripted_metrics(env, "yield", seed=3)
    # never braking collides only at the junction; knowing the others' positions avoids almost all of it
    assert 0.1 < gas["success_rate"] < 0.6 and gas["collision_rate"] > 0.01
    assert yielding["success_rate"] > 0.9 and yielding["collision_rate"] < gas["collision_rate"] / 5
    with pytest.raises(ValueError, match="policy"):
        scripted_metrics(env, "stop")


def test_yield_rule_passes_the_brake_back_along_the_queue():
    env = TrafficJunction(n_envs=1, max_cars=4)
    env.reset(seed=0)
    env.active[:] = True
    env.route[0], env.progress[0] = [0, 1, 1, 1], [2, 2, 1, 5]  # a road-1 queue of two, one past the junction
    assert yield_rule(env)[0].tolist() == [0, 1, 1, 0]
    env.progress[0, 0] = 0  # no road-0 car about to enter: nobody yields
    assert yield_rule(env)[0].tolist() == [0, 0, 0, 0]


def test_command_writes_a_study_file(tmp_path):
    out = tmp_path / "ga_comm.json"
    main(["--seeds", "0-1", "--jobs", "1", "--updates", "2", "--envs", "4", "--eval-envs", "8", "--block", "1",
          "--quiet", "--out", str(out)])
    results = load_results(out)
    info = results["provenance"]
    assert info["command"].startswith("python -m marl_course.experiments ga_comm --seeds 0-1")
    assert info["seeds"] == [0, 1] and info["cpu_seconds"] > 0 and info["config"]["env"]["n_envs"] == 4
    assert set(results["methods"]) == set(METHODS)
    for method in results["methods"].values():
        assert len(method["final"]) == 2 and all(0 <= f["success_rate"] <= 1 for f in method["final"])
        assert np.shape(method["curves"]) == (2, 2)
    assert FORMAT in out.read_text()


def test_shipped_study_is_complete_and_from_todays_defaults():
    results = load_results()
    info = results["provenance"]
    assert info["config"]["training"] == asdict(CONFIG) and info["config"]["env"] == ENV
    assert info["config"]["evaluation"] == EVAL
    assert len(info["seeds"]) >= 5 and info["cpu_seconds"] < 40 * 60
    for method in results["methods"].values():
        assert len(method["final"]) == len(info["seeds"]) and len(method["curves"]) == len(info["seeds"])
        assert len(method["curves"][0]) == len(results["updates"]) and results["updates"][-1] == CONFIG.n_updates
    assert set(results["scripted"]) == {"gas", "yield"}


def test_scripted_references_play_the_worlds_junction_metrics_plays():
    env = TrafficJunction(n_envs=64)
    torch.manual_seed(0)
    never_brakes = GAComm(env.obs_dim, env.n_actions, GACommConfig(hidden=8))
    with torch.no_grad():
        never_brakes.policy[-1].bias[:] = torch.tensor([50.0, -50.0])  # gas with probability 1
    learned = junction_metrics(never_brakes, env, n_episodes=2, seed=9)
    scripted = scripted_metrics(env, "gas", n_episodes=2, seed=9)
    assert learned["brake_rate"] == 0.0
    assert learned["success_rate"] == scripted["success_rate"]
    assert learned["collision_rate"] == pytest.approx(scripted["collision_rate"])
