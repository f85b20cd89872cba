"""The long MADDPG-vs-DDPG run: the command writes a file of the shipped format, the same however its seeds
are spread over processes or a cluster; the shipped file is consistent."""

import json
from dataclasses import asdict, fields

import numpy as np
import pytest
import torch

from marl_course.deep.maddpg import MADDPG, MADDPGConfig
from marl_course.envs.particle import PhysicalDeception, episode_returns
from marl_course.experiments.maddpg import (FORMAT, LEARNERS, RESULTS_PATHS, compare, cross_play, ensemble_learners,
                                            load_results, main, pairing_label)

torch.set_num_threads(1)


def _check_layout(results, n_seeds, task="cooperative_navigation", learners=LEARNERS):
    assert results["format"] == FORMAT
    provenance = results["provenance"]
    assert provenance["command"].startswith("python -m marl_course.experiments maddpg")
    assert set(provenance["config"]) == {f.name for f in fields(MADDPGConfig)}
    assert len(provenance["seeds"]) == n_seeds and provenance["cpu_seconds"] > 0
    assert {"torch", "numpy", "python"} <= set(provenance)
    config = provenance["config"]
    block = results["episodes"][0] // config["n_envs"]
    assert len(results["episodes"]) == config["n_rounds"] // block
    assert results["learner_fields"] == learners
    assert set(results["learners"]) == set(learners)
    assert ("cross_play" in results) == (task == "physical_deception")
    if task == "physical_deception":
        assert set(results["cross_play"]) == {pairing_label(g, a) for g in learners for a in learners}
        for name in learners:  # a learner playing itself is its final score
            assert results["cross_play"][pairing_label(name, name)] == results["learners"][name]["final"]
        assert all(len(scores) == n_seeds for scores in results["cross_play"].values())
    for learner in results["learners"].values():
        assert np.shape(learner["curves"]) == (n_seeds, len(results["episodes"]))
        assert len(learner["final"]) == n_seeds
        for final in learner["final"]:
            if task == "cooperative_navigation":
                # the identity of navigation_metrics (local ratio 1/2, N = 3, T = 25) ties the three numbers together
                assert final["return"] == pytest.approx(-12.5 * final["distance"] - final["collisions"] / 3, abs=1e-9)
            elif task == "physical_deception":
                # the good agents' return is sum_t (d_0 - min_i d_i) = T (adversary distance - good distance)
                assert final["return"] == pytest.approx(25 * (final["adversary_distance"] - final["good_distance"]))
            else:
                assert set(final) == {"return", "distance", "reached", "information"}
                assert final["return"] < 0 and 0 <= final["reached"] <= 1
                assert -1e-12 <= final["information"] <= np.log2(3) + 1e-12


def test_command_regenerates_a_short_results_file(tmp_path):
    out = tmp_path / "short.json"
    main(["--rounds", "4", "--seeds", "0", "--block", "2", "--quiet", "--out", str(out)])
    results = load_results(out)
    _check_layout(results, n_seeds=1)
    assert results["provenance"]["config"]["n_rounds"] == 4
    assert results["provenance"]["torch"] == torch.__version__
    # its final returns are a stored regression value: tests/test_training_regressions.py


def test_command_runs_physical_deception_with_cross_play(tmp_path):
    out = tmp_path / "deception.json"
    main(["--task", "physical_deception", "--rounds", "4", "--seeds", "0", "--block", "2", "--quiet", "--jobs", "1",
          "--out", str(out)])
    _check_layout(load_results(out), n_seeds=1, task="physical_deception")


def test_command_runs_the_policy_ensembles(tmp_path):
    out = tmp_path / "ensembles.json"
    main(["--task", "physical_deception", "--ensembles", "2", "--rounds", "4", "--seeds", "0", "--block", "2",
          "--quiet", "--jobs", "1", "--out", str(out)])
    _check_layout(load_results(out), n_seeds=1, task="physical_deception", learners=ensemble_learners(2))


def test_an_ensemble_plays_one_drawn_sub_policy_per_world_in_cross_play():
    env = PhysicalDeception(n_envs=16)
    torch.manual_seed(0)
    ensemble, single = MADDPG(env.obs_dims, MADDPGConfig(n_sub_policies=3)), MADDPG(env.obs_dims, MADDPGConfig())
    k = ensemble.draw_sub_policies(16, np.random.default_rng(5))
    single.draw_sub_policies(16, np.random.default_rng(5))
    assert len(np.unique(k)) == 3  # the worlds do not all play sub-policy 0

    def policy(obs, rng=None):  # the ensemble's good agents with their drawn sub-policies, the single adversary
        return np.concatenate([single.act(obs, explore=False)[:, :1],
                               ensemble.act(obs, explore=False, sub_policy=k)[:, 1:]], axis=1)

    returns = episode_returns(PhysicalDeception(n_envs=16), policy, seed=5)
    assert cross_play(ensemble, single, env, eval_seed=5)["return"] == pytest.approx(returns[:, 1].mean())


def test_cross_play_takes_the_adversary_from_one_model_and_the_good_agents_from_the_other():
    env = PhysicalDeception(n_envs=16)
    torch.manual_seed(0)
    a, b = (MADDPG(env.obs_dims, MADDPGConfig()) for _ in range(2))
    mixed = cross_play(a, b, env, eval_seed=3)

    def policy(obs, rng=None):  # b's adversary (agent 0), a's good agents
        return np.concatenate([b.act(obs, explore=False)[:, :1], a.act(obs, explore=False)[:, 1:]], axis=1)

    returns = episode_returns(PhysicalDeception(n_envs=16), policy, seed=3)
    assert mixed["return"] == pytest.approx(returns[:, 1].mean())
    assert mixed["adversary_distance"] == pytest.approx(-returns[:, 0].mean() / 25)
    assert mixed != cross_play(b, a, env, eval_seed=3)


def test_command_runs_cooperative_communication(tmp_path):
    out = tmp_path / "speaker.json"
    main(["--task", "speaker_listener", "--rounds", "4", "--seeds", "0,1", "--block", "2", "--quiet", "--jobs", "1",
          "--out", str(out)])
    _check_layout(load_results(out), n_seeds=2, task="speaker_listener")


@pytest.mark.parametrize("task", sorted(RESULTS_PATHS))
def test_shipped_results_file_is_complete_and_from_the_default_config(task):
    results = load_results(RESULTS_PATHS[task])
    n_seeds = len(results["provenance"]["seeds"])
    approximate, ensembles = task.endswith("_approximate"), task.endswith("_ensembles")
    env_task = task.removesuffix("_approximate").removesuffix("_ensembles")
    assert n_seeds >= (3 if task == "cooperative_navigation" else 5 if approximate or ensembles else 10)
    assert (f"--task {env_task}" in results["provenance"]["command"]) == (env_task != "cooperative_navigation")
    assert ("--approximate-policies" in results["provenance"]["command"]) == approximate
    assert ("--ensembles 3" in results["provenance"]["command"]) == ensembles
    _check_layout(results, n_seeds, env_task, ensemble_learners(3) if ensembles else LEARNERS)
    config = results["provenance"]["config"]
    default = asdict(MADDPGConfig(n_rounds=config["n_rounds"], approximate_policies=approximate))
    assert config == json.loads(json.dumps(default))  # the shipped run used today's defaults
    assert config["n_rounds"] > MADDPGConfig().n_rounds  # longer than the notebook's live run


def test_load_results_rejects_other_files(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"format": "something else"}))
    with pytest.raises(ValueError, match="path"):
        load_results(path)


TINY = MADDPGConfig(n_rounds=4, n_envs=4, updates_per_round=2, batch_size=16, eval_every=4, eval_worlds=4)


def test_seeds_give_the_same_file_in_this_process_in_two_processes_and_on_a_dask_cluster():
    kwargs = dict(seeds=[0, 1, 2], block=2, eval_worlds=8, progress=False, task="speaker_listener")
    here, cpu_here = compare(TINY, jobs=1, **kwargs)
    pool, cpu_pool = compare(TINY, jobs=2, **kwargs)
    dask, cpu_dask = compare(TINY, jobs=2, cluster="dask", **kwargs)  # a local cluster of 2 one-thread workers
    assert here == pool == dask
    assert min(cpu_here, cpu_pool, cpu_dask) > 0  # the workers' CPU is counted, not the parent's idle wait
    one_seed, _ = compare(TINY, jobs=1, **{**kwargs, "seeds": [1]})
    assert {name: learner["curves"][0] for name, learner in one_seed["learners"].items()} == \
        {name: learner["curves"][1] for name, learner in here["learners"].items()}  # a seed's run is its own


def test_the_ensemble_files_single_policy_runs_are_the_cross_play_files_maddpg_runs():
    # the same code, config and seeds: the shipped ensemble study retrained the cross-play study's MADDPG runs exactly
    ensembles = load_results(RESULTS_PATHS["physical_deception_ensembles"])
    cross = load_results(RESULTS_PATHS["physical_deception"])
    first = [cross["provenance"]["seeds"].index(s) for s in ensembles["provenance"]["seeds"]]
    assert ensembles["learners"]["MADDPG"]["final"] == [cross["learners"]["MADDPG"]["final"][k] for k in first]
    assert ensembles["learners"]["MADDPG"]["curves"] == [cross["learners"]["MADDPG"]["curves"][k] for k in first]
