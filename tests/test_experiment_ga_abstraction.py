"""Chapter 10's game-abstraction probe: the transitions carry the right ground truth, the critic is
fitted to the next reward, the scores are those of the fitted critics, the command writes a file of
the shipped format, and the shipped file is complete and from today's defaults."""

import numpy as np
import pytest
import torch

from marl_course.deep.g2anet_ac import GACritic
from marl_course.experiments.ga_abstraction import (DATA, ENV, FIT, FORMAT, METHODS, collect, compare,
                                                    fit_reward_critic, load_results, main, reward_scores)

torch.set_num_threads(1)
TINY_ENV = dict(ENV, n_envs=8)
TINY_FIT = dict(FIT, steps=3, batch_size=16, hidden=8)


def test_a_capture_reward_comes_only_with_a_relevant_partner():
    # two captors within range after the move could both reach it from the state before: a relevant pair
    data = collect(dict(ENV, n_envs=32), n_episodes=2, epsilon=0.3, seed=4)
    captor = data["reward"] > 0.5  # a capture (+1) beyond the step penalty
    assert captor.sum() > 20
    assert data["relevant"].any(axis=2)[captor].all()
    assert not data["relevant"][:, np.arange(8), np.arange(8)].any()  # never a self-edge
    assert (data["relevant"] == data["relevant"].transpose(0, 2, 1)).all()  # relevance is mutual
    assert data["sees"].tolist() == (data["obs"][..., 2] > 0).tolist()
    again = collect(dict(ENV, n_envs=32), n_episodes=2, epsilon=0.3, seed=4)
    assert all(np.array_equal(data[k], again[k]) for k in data)  # seeded


def test_epsilon_zero_plays_the_chase_rule_and_bad_inputs_are_named():
    greedy = collect(TINY_ENV, n_episodes=1, epsilon=0.0, seed=0)
    far = (np.abs(np.rint(greedy["obs"][..., 3:5] * ENV["size"])).max(-1) > ENV["capture_range"]) & greedy["sees"]
    assert (greedy["action"][far] != 0).all()  # a predator that sees a distant prey walks to it
    with pytest.raises(ValueError, match="env"):
        collect(dict(TINY_ENV, rule="occupy", n_prey=1), n_episodes=1, epsilon=0.3, seed=0)
    with pytest.raises(ValueError, match="epsilon"):
        collect(TINY_ENV, n_episodes=1, epsilon=1.5, seed=0)
    with pytest.raises(ValueError, match="data"):
        fit_reward_critic({"obs": greedy["obs"]}, "soft")
    with pytest.raises(ValueError, match="communication"):
        fit_reward_critic(greedy, "all", steps=1)
    with pytest.raises(ValueError, match="lr"):
        fit_reward_critic(greedy, "soft", steps=1, lr=-0.1)
    with pytest.raises(ValueError, match="hidden"):
        fit_reward_critic(greedy, "soft", steps=1, hidden=0)
    with pytest.raises(TypeError, match="critic"):
        reward_scores("critic", greedy)


def test_the_critic_is_fitted_to_the_next_reward():
    data = collect(dict(ENV, n_envs=16), n_episodes=2, epsilon=0.3, seed=1)
    untrained = reward_scores(fit_reward_critic(data, "none", steps=1, batch_size=8, hidden=8, lr=1e-9), data)
    fitted = reward_scores(fit_reward_critic(data, "none", steps=300, batch_size=64, hidden=8), data)
    # the best constant has the reward's variance as its error; a predator's own view already tells more
    # (measured: 0.048 against a variance of 0.062; untrained 0.13)
    assert fitted["mse"] < untrained["mse"] and fitted["mse"] < 0.9 * float(data["reward"].var())
    assert fitted["kept"] == 0.0 and np.isnan(fitted["precision"])


def test_scores_are_those_of_the_fitted_critics_and_seeds_are_paired():
    out, cpu = compare([2], env=TINY_ENV, data=dict(DATA, train_episodes=1, test_episodes=1), fit=TINY_FIT)
    assert cpu > 0 and set(out["methods"]) == set(METHODS)
    train_data = collect(TINY_ENV, 1, DATA["epsilon"], 2)
    test_data = collect(TINY_ENV, 1, DATA["epsilon"], DATA["test_seed"])
    critic = fit_reward_critic(train_data, "soft", seed=2, **TINY_FIT)
    assert isinstance(critic, GACritic) and not critic.training
    assert out["methods"]["soft-attention critic"]["final"][0] == reward_scores(critic, test_data)
    soft = out["methods"]["soft-attention critic"]["final"][0]
    assert soft["kept"] == 1.0 and soft["recall"] == 1.0 and soft["precision"] == soft["relevant"]
    assert out["methods"]["independent critics"]["final"][0]["precision"] is None  # nan -> None for JSON
    with pytest.raises(ValueError, match="fit"):
        compare([0], fit={"steps": 2})
    with pytest.raises(ValueError, match="n_prey"):
        compare([0], env=dict(TINY_ENV, n_prey=0))


def test_command_writes_a_study_file(tmp_path):
    out = tmp_path / "ga_abstraction.json"
    main(["--seeds", "0-1", "--jobs", "1", "--steps", "2", "--quiet", "--out", str(out)])
    results = load_results(out)
    info = results["provenance"]
    assert info["command"] == f"python -m marl_course.experiments ga_abstraction --seeds 0-1 --jobs 1 --steps 2 " \
                              f"--quiet --out {out}"
    assert info["seeds"] == [0, 1] and info["config"]["fit"]["steps"] == 2 and "torch" in info
    assert info["config"]["env"] == ENV and info["config"]["data"] == DATA
    for method in results["methods"].values():
        assert len(method["final"]) == 2 and all(f["mse"] >= 0 for f in method["final"])
    assert FORMAT in out.read_text()


def test_shipped_probe_is_complete_and_from_todays_defaults():
    results = load_results()
    info = results["provenance"]
    assert info["config"] == {"env": ENV, "data": DATA, "fit": FIT}
    assert info["command"] == "python -m marl_course.experiments ga_abstraction --seeds 0-7 --jobs 2 --quiet"
    assert info["seeds"] == list(range(8)) and info["cpu_seconds"] < 30 * 60
    for name, method in results["methods"].items():
        assert len(method["final"]) == 8
        kept = [f["kept"] for f in method["final"]]
        assert kept == {"GA-AC": kept, "soft-attention critic": [1.0] * 8, "independent critics": [0.0] * 8}[name]
