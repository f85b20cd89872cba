"""Chapter 10's GA-Comm study among liars: the scores are liar_metrics of the trained networks, the
scripted listeners show that the liars hurt, the command writes a file of the shipped format, the
shipped file is complete and from today's defaults, and bad input names its parameter."""

import json
from dataclasses import asdict, replace

import numpy as np
import pytest
import torch

from marl_course.deep.g2anet import GAComm, GACommConfig, train
from marl_course.envs.predator_prey import PredatorPrey
from marl_course.experiments.ga_comm_distractors import (CONFIG, ENV, EVAL, FORMAT, METHODS, SCRIPTS, compare,
                                                         liar_metrics, load_results, main, scripted_actions,
                                                         scripted_metrics)

torch.set_num_threads(1)
TINY = GACommConfig(n_updates=2, hidden=8)
TINY_ENV = dict(ENV, n_envs=4)
TINY_EVAL = dict(EVAL, n_envs=8, n_episodes=1)


def test_scores_are_liar_metrics_of_the_trained_networks():
    out, cpu = compare(TINY, seeds=[1], env=TINY_ENV, evaluation=TINY_EVAL, block=1, progress=False)
    assert cpu > 0 and out["updates"] == [1, 2] and sorted(out["scripted"]) == sorted(SCRIPTS)
    again = train(PredatorPrey(**TINY_ENV), replace(TINY, communication="hard+soft"), seed=1, progress=False)
    expected = liar_metrics(again.model, PredatorPrey(**dict(TINY_ENV, n_envs=8)), n_episodes=1, seed=EVAL["seed"])
    assert out["methods"]["GA-Comm"]["final"][0] == pytest.approx(expected, nan_ok=True)
    soft = out["methods"]["full soft attention"]["final"][0]
    assert soft["kept"] == 1.0 and soft["kept_distractor"] == 1.0 and soft["precision"] == pytest.approx(0.3)
    assert soft["weight_predator"] * 2 + soft["weight_distractor"] * 2 == pytest.approx(1.0)  # a row sums to 1
    assert out["methods"]["no communication"]["final"][0]["kept"] == 0.0


def test_liar_metrics_count_a_graph_that_drops_exactly_the_liars():
    env = PredatorPrey(n_envs=16, n_distractors=2)
    net = GAComm(env.obs_dim, env.n_actions, GACommConfig(hidden=8))
    real = env.controlled
    exact = torch.as_tensor(real[:, None] & real[None, :] & ~np.eye(5, dtype=bool), dtype=torch.float32)
    net.attention.hard_attention = lambda query, key: exact.expand(len(query), 5, 5)
    scores = liar_metrics(net, env, seed=0)
    assert scores["precision"] == 1.0 and scores["recall"] == 1.0 and scores["kept_distractor"] == 0.0
    assert scores["kept_predator"] == 1.0 and scores["weight_distractor"] == 0.0
    # W_s normalises over every other agent, a cut edge with logit 0 (two_stage_weights): kept weights sum below 1
    assert 0.0 < scores["weight_predator"] < 0.5
    assert scores["kept"] == pytest.approx(0.3) == scores["relevant"]


def test_liars_hurt_and_listening_to_the_predators_helps():
    env = PredatorPrey(**dict(ENV, n_envs=512))
    rates = {listen: scripted_metrics(env, listen, seed=2)["success_rate"] for listen in SCRIPTS}
    assert rates["nobody"] + 0.2 < rates["everyone"] and rates["everyone"] + 0.08 < rates["predators"], rates


def test_scripted_predator_heads_for_what_it_hears():
    env = PredatorPrey(n_envs=1, n_predators=2, size=5, vision=0, n_distractors=1)
    env.reset(seed=0)
    env.predator_pos[0], env.prey_pos[0] = [[0, 0], [2, 2]], [2, 2]
    env.distractor_pos[0], env.decoy_pos[0] = [[0, 4]], [0, 4]
    rng = np.random.default_rng(0)
    obs = env.observe()
    assert scripted_actions(env, obs, "predators", rng)[0, 0] == 2  # down towards predator 1 on the prey
    assert scripted_actions(env, obs, "everyone", rng)[0, 0] == 4  # mean of (2, 2) and (0, 4) is (1, 3): right
    assert scripted_actions(env, obs, "nobody", rng)[0, 0] in (1, 2, 3, 4)
    assert (scripted_actions(env, obs, "everyone", rng)[0, 2:] == 0).all()


def test_bad_input_names_the_parameter():
    env = PredatorPrey(**dict(ENV, n_envs=2))
    with pytest.raises(ValueError, match="listen"):
        scripted_metrics(env, "liars")
    with pytest.raises(ValueError, match="env"):
        scripted_metrics(PredatorPrey(n_envs=2), "everyone")
    with pytest.raises(TypeError, match="env"):
        liar_metrics(GAComm(6, 5, TINY), "world")
    with pytest.raises(ValueError, match="env"):
        liar_metrics(GAComm(5, 5, TINY), PredatorPrey(n_envs=2))
    with pytest.raises(ValueError, match="env"):
        compare(TINY, seeds=[0], env=dict(ENV, n_distractors=0), progress=False)
    with pytest.raises(TypeError, match="n_distractors"):
        compare(TINY, seeds=[0], env=dict(ENV, n_distractors="2"), progress=False)
    with pytest.raises(ValueError, match="evaluation"):
        compare(TINY, seeds=[0], evaluation={"n_envs": 4}, progress=False)
    with pytest.raises(ValueError, match="seeds"):
        compare(TINY, seeds=[], progress=False)
    with pytest.raises(TypeError, match="config"):
        compare(asdict(TINY), seeds=[0], progress=False)


def test_command_writes_the_shipped_format(tmp_path):
    out = tmp_path / "liars.json"
    main(["--seeds", "0", "--jobs", "1", "--updates", "2", "--envs", "4", "--eval-envs", "8", "--block", "1",
          "--quiet", "--out", str(out)])
    written, shipped = load_results(out), load_results()
    assert written["format"] == shipped["format"] == FORMAT
    assert sorted(written) == sorted(shipped) and sorted(written["methods"]) == sorted(METHODS)
    assert sorted(written["provenance"]) == sorted(shipped["provenance"])
    assert sorted(written["methods"]["GA-Comm"]["final"][0]) == sorted(shipped["methods"]["GA-Comm"]["final"][0])
    assert written["provenance"]["command"].startswith("python -m marl_course.experiments ga_comm_distractors ")
    json.loads(out.read_text())


def test_shipped_file_is_from_todays_defaults_and_complete():
    results = load_results()
    info = results["provenance"]
    assert info["config"]["training"] == asdict(CONFIG) and info["config"]["env"] == ENV
    assert info["config"]["evaluation"] == EVAL and len(info["seeds"]) >= 5 and info["cpu_seconds"] > 0
    assert info["command"] == ("python -m marl_course.experiments ga_comm_distractors --seeds 0-4 --jobs 1 "
                               f"--updates {CONFIG.n_updates} --quiet")
    n_blocks = CONFIG.n_updates // 10
    for name in METHODS:
        assert len(results["methods"][name]["final"]) == len(info["seeds"])
        assert np.array(results["methods"][name]["curves"]).shape == (len(info["seeds"]), n_blocks)
    env = PredatorPrey(**dict(ENV, n_envs=EVAL["n_envs"]))
    for listen in SCRIPTS:  # the scripted references are reproducible exactly
        assert scripted_metrics(env, listen, n_episodes=EVAL["n_episodes"], seed=EVAL["seed"]) == results["scripted"][listen]


def test_graph_figure_marks_the_liars():
    import matplotlib
    matplotlib.use("Agg")
    from marl_course.deep.g2anet import record_episode
    from marl_course.viz.ch10 import draw_graph_frame

    env = PredatorPrey(**dict(ENV, n_envs=1))
    frames = record_episode(GAComm(env.obs_dim, env.n_actions, TINY), env, seed=0)
    frame = dict(frames[0], distractor_pos=env.distractor_pos[0], decoy_pos=env.decoy_pos[0])
    ax = draw_graph_frame(frame, size=env.size)
    labels = ax.get_legend_handles_labels()[1]
    assert "distractor (liar)" in labels and "decoy (claimed prey)" in labels
    with pytest.raises(ValueError, match="distractor_pos"):
        draw_graph_frame(dict(frame, distractor_pos=np.array([[9, 9], [0, 0]])), size=env.size)


def test_scene_command_writes_the_shipped_scene_format(tmp_path):
    from marl_course.experiments.ga_comm_distractors import SCENE_FORMAT, load_scene

    out = tmp_path / "scene.json"
    main(["--scene", "--seeds", "0", "--updates", "1", "--envs", "2", "--eval-envs", "4", "--out", str(out)])
    written, shipped = load_scene(out), load_scene()
    assert written["format"] == shipped["format"] == SCENE_FORMAT
    assert sorted(written) == sorted(shipped) and sorted(written["frames"][0]) == sorted(shipped["frames"][0])
    assert written["frames"][0]["hard"].shape == (5, 5) and written["frames"][0]["distractor_pos"].shape == (2, 2)


def test_shipped_scene_is_the_studys_seed_0_network():
    from marl_course.experiments.ga_comm_distractors import load_scene

    scene, results = load_scene(), load_results()
    assert scene["provenance"]["config"]["training"] == asdict(CONFIG) and scene["provenance"]["seeds"] == [0]
    assert scene["provenance"]["config"]["env"] == ENV
    assert scene["final"] == results["methods"]["GA-Comm"]["final"][0]
