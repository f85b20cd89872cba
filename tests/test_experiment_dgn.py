"""Chapter 9's study: each entry is the trained network's score, the seeds' spread over processes
changes nothing, the command writes a file of the shipped format, and the shipped file was made with
today's defaults."""

from dataclasses import asdict, replace

import numpy as np
import pytest
import torch

from marl_course.deep.dgn import DGN, DGNConfig, evaluate, train
from marl_course.envs.jungle import Jungle
from marl_course.experiments.dgn import (DQN, EVAL_SEED, FORMAT, attention_scores, dgn_label, dgn_study, learners,
                                         load_results, main)

ENV = dict(n_envs=2, n_agents=5, n_scouts=1, k=3, episode_length=6)


def _tiny(**fields):
    return {label: replace(config, n_episodes=3, hidden=8, batch_size=8, **fields)
            for label, config in learners((0.0, 0.5), n_episodes=3).items()}


def test_study_entries_are_the_trained_networks_scores():
    configs = _tiny()
    results, cpu = dgn_study(configs, seeds=(0, 1), environment=ENV, eval_episodes=2, attention_episodes=2,
                             progress=False, keep_models=True)
    assert cpu > 0 and set(results) == {DQN, dgn_label(0.0), dgn_label(0.5)}
    label = dgn_label(0.5)
    again = train(Jungle(**ENV), configs[label], seed=1, progress=False)
    assert results[label]["curve"][1] == again.train_return
    assert results[label]["greedy"][1] == evaluate(again.model, Jungle(**ENV), n_episodes=2, seed=EVAL_SEED)
    scores = attention_scores(again.model, ENV, n_episodes=2)
    assert results[label]["attention"][1] == scores["attention"]
    assert results[label]["attention_heads"][1] == scores["attention_heads"]
    # the loss parts are recorded per episode, the KL also at lambda = 0; DQN has no attention to score
    assert len(results[dgn_label(0.0)]["kl"][0]) == 3 and np.nanmax(results[dgn_label(0.0)]["kl"][0]) > 0
    assert "attention" not in results[DQN] and np.nanmax(results[DQN]["kl"][0]) == 0.0
    for key, value in results[label]["model"][1].state_dict().items():
        torch.testing.assert_close(value, again.model.state_dict()[key])


def test_attention_scores_are_the_uniform_share_for_a_network_that_attends_uniformly():
    torch.manual_seed(0)
    net = DGN(Jungle(**ENV).obs_dim, Jungle.n_actions, DGNConfig(hidden=8))
    with torch.no_grad():  # zero queries and keys: every logit 0, every row uniform over B_+i
        net.conv1.qkv.weight.zero_()
        net.conv2.qkv.weight.zero_()
    scores = attention_scores(net, ENV, n_episodes=3)
    learned, uniform = scores["attention"]
    assert learned == pytest.approx(uniform) and 0 < uniform < 1
    assert scores["attention_heads"] == pytest.approx([uniform, uniform])


def test_the_seeds_give_the_same_study_in_one_process_and_in_two():
    configs = {label: config for label, config in _tiny().items() if label != DQN}
    kwargs = dict(seeds=(0, 1, 2), environment=ENV, eval_episodes=1, attention_episodes=1, progress=False)
    here, _ = dgn_study(configs, jobs=1, **kwargs)
    pool, _ = dgn_study(configs, jobs=2, **kwargs)
    assert here == pool


def test_study_rejects_bad_arguments():
    with pytest.raises(TypeError, match="configs"):
        dgn_study({"DGN": {"reg_weight": 0.03}})
    with pytest.raises(ValueError, match="n_scouts"):
        dgn_study(_tiny(), environment=dict(n_agents=3, n_scouts=4))
    with pytest.raises(ValueError, match="reg_weight"):
        learners((-1.0,))


def test_command_writes_a_study_file(tmp_path):
    out = tmp_path / "dgn.json"
    main(["--episodes", "2", "--reg-weights", "0", "0.3", "--seeds", "0-1", "--eval-episodes", "1",
          "--attention-episodes", "1", "--jobs", "1", "--quiet", "--out", str(out)])
    results = load_results(out)
    info = results["provenance"]
    assert info["command"].startswith("python -m marl_course.experiments dgn --episodes 2")
    assert info["seeds"] == [0, 1] and info["cpu_seconds"] > 0
    assert set(results["learners"]) == {DQN, dgn_label(0), dgn_label(0.3)}
    for label, fields in results["learners"].items():
        assert fields["curve"].shape == (2, 2) and fields["greedy"].shape == (2,)
        assert (label == DQN) == ("attention" not in fields)
    assert 0 < results["random_return"] < Jungle().episode_length
    assert FORMAT in out.read_text()


def test_shipped_study_is_complete_and_from_todays_defaults():
    results = load_results()
    info, config = results["provenance"], results["provenance"]["config"]
    n_episodes = config["learners"][DQN]["n_episodes"]
    weights = [c["reg_weight"] for label, c in config["learners"].items() if label != DQN]
    assert config["learners"] == {label: asdict(c) for label, c in learners(weights, n_episodes).items()}
    env = Jungle()
    assert config["environment"] == {name: getattr(env, name) for name in config["environment"]}
    assert len(config["environment"]) == 11 and config["eval_seed"] == EVAL_SEED
    assert len(info["seeds"]) >= 10 and info["cpu_seconds"] > 0 and "torch" in info
    n_seeds = len(info["seeds"])
    for label, fields in results["learners"].items():
        assert fields["curve"].shape == (n_seeds, n_episodes) and fields["greedy"].shape == (n_seeds,)
        assert fields["td_loss"].shape == fields["kl"].shape == (n_seeds, n_episodes)
        if label != DQN:
            assert fields["attention"].shape == (n_seeds, 2) and fields["attention_heads"].shape[0] == n_seeds
