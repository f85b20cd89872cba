"""Every deep learner keeps one contract: the same train/evaluate/save/load signatures, one History,
shared hyperparameter names, and a checkpoint that restores the model exactly."""

import dataclasses
import inspect

import numpy as np
import pytest
import torch
from torch import nn

from marl_course.deep import common, dgn, drqn, g2anet, g2anet_ac, maddpg, mean_field, value_decomposition
from marl_course.envs.battle_grid import BattleGrid
from marl_course.envs.cartpole import CartPole
from marl_course.envs.jungle import Jungle
from marl_course.envs.particle import CooperativeNavigation
from marl_course.envs.predator_prey import PredatorPrey
from marl_course.envs.two_step import TwoStepGame

# module, its config class, a tiny config, a small environment
LEARNERS = {
    "dgn": (dgn, dgn.DGNConfig, dict(n_episodes=2, hidden=8, batch_size=8),
            lambda: Jungle(n_envs=2, n_agents=3, k=2, episode_length=5)),
    "drqn": (drqn, drqn.DRQNConfig, dict(total_steps=60, learning_starts=20, hidden=8),
             lambda: CartPole(n_envs=4, flicker=0.5, max_steps=10)),
    "g2anet": (g2anet, g2anet.GACommConfig, dict(n_updates=2, hidden=8),
               lambda: PredatorPrey(n_envs=4, episode_length=3)),
    "g2anet_ac": (g2anet_ac, g2anet_ac.GAACConfig, dict(n_rounds=3, hidden=8, batch_size=16),
                  lambda: PredatorPrey(n_envs=8, episode_length=4)),
    "maddpg": (maddpg, maddpg.MADDPGConfig, dict(n_rounds=2, n_envs=4, updates_per_round=2, batch_size=32,
                                                 eval_every=2, eval_worlds=4),
               lambda: CooperativeNavigation(n_envs=4)),
    "mean_field": (mean_field, mean_field.MeanFieldConfig, dict(n_episodes=2, batch_size=16),
                   lambda: BattleGrid(size=8, n_agents=4, max_steps=10)),
    "value_decomposition": (value_decomposition, value_decomposition.VDConfig, dict(mixer="vdn", n_episodes=16),
                            lambda: TwoStepGame(n_envs=8)),
}
STEP_UNITS = {"episodes", "environment steps", "updates", "rounds"}
RETIRED_NAMES = {"buffer_capacity", "buffer_episodes", "beta", "target_tau", "lr_actor", "lr_critic", "eps_start",
                 "eps_end", "eps_fraction", "epsilon_finish", "epsilon_decay", "hidden_dim", "n_threads"}
"""Names that once meant the same thing as a shared name (buffer_size, tau, actor_lr, epsilon_*, hidden)."""
KW = inspect.Parameter.KEYWORD_ONLY
POS = inspect.Parameter.POSITIONAL_OR_KEYWORD


def _params(function):
    return list(inspect.signature(function).parameters.values())


@pytest.mark.parametrize("name", LEARNERS)
def test_train_has_the_shared_signature(name):
    module, config_class, _, _ = LEARNERS[name]
    env, config, seed, progress, *extra = _params(module.train)
    assert (env.name, env.kind) == ("env", POS)
    assert (config.name, config.kind, config.default) == ("config", POS, None)
    assert (seed.name, seed.kind, seed.default) == ("seed", KW, 0)
    assert (progress.name, progress.kind, progress.default) == ("progress", KW, True)
    assert all(p.kind == KW and p.default is not inspect.Parameter.empty for p in extra), extra
    assert config_class.__name__.endswith("Config") and dataclasses.is_dataclass(config_class)


@pytest.mark.parametrize("name", LEARNERS)
def test_evaluate_save_and_load_have_the_shared_signatures(name):
    module = LEARNERS[name][0]
    model, env, n_episodes, seed, *extra = _params(module.evaluate)
    assert [(p.name, p.kind) for p in (model, env)] == [("model", POS), ("env", POS)]
    assert (n_episodes.name, n_episodes.kind) == ("n_episodes", KW) and n_episodes.default >= 1
    assert (seed.name, seed.kind, seed.default) == ("seed", KW, 0)
    assert all(p.kind == KW and p.default is not inspect.Parameter.empty for p in extra), extra
    assert module.save is common.save and module.load is common.load


@pytest.mark.parametrize("name", LEARNERS)
def test_configs_use_the_shared_hyperparameter_names(name):
    fields = {f.name for f in dataclasses.fields(LEARNERS[name][1])}
    assert not fields & RETIRED_NAMES, fields & RETIRED_NAMES


@pytest.mark.parametrize("name", LEARNERS)
def test_train_returns_one_history_and_a_checkpoint_restores_the_model(name, tmp_path):
    module, config_class, tiny, make_env = LEARNERS[name]
    env = make_env()
    history = module.train(env, config_class(**tiny), seed=1, progress=False)
    assert type(history) is common.History and isinstance(history.model, nn.Module)
    assert history.step_unit in STEP_UNITS
    assert len(history.steps) == len(history.train_return) > 0
    assert np.all(np.diff(history.steps) > 0) and history.steps[0] > 0
    assert len(history.eval_steps) == len(history.eval_return)
    assert np.isfinite(history.train_return).all() and len(history.loss) > 0
    for values in history.metrics.values():
        assert len(values) in (len(history.steps), len(history.loss))
    score = module.evaluate(history.model, env, seed=5)
    assert isinstance(score, float) and np.isfinite(score)
    module.save(history.model, tmp_path / "model.pt")
    fresh = module.load(_untrained_twin(name, env, config_class(**tiny)), tmp_path / "model.pt")
    for (key, a), b in zip(history.model.state_dict().items(), fresh.state_dict().values()):
        assert torch.equal(a, b), key
    assert module.evaluate(fresh, env, seed=5) == score


def _untrained_twin(name, env, config):
    """A model built the way train builds it, before training."""
    return {
        "dgn": lambda: dgn.DGN(env.obs_dim, env.n_actions, config),
        "drqn": lambda: drqn.make_q_net(env.obs_dim, env.n_actions, config),
        "g2anet": lambda: g2anet.GAComm(env.obs_dim, env.n_actions, config),
        "g2anet_ac": lambda: g2anet_ac.GAAC(env.obs_dim, env.n_actions, config),
        "maddpg": lambda: maddpg.MADDPG(env.obs_dims, config, env.n_actions),
        "mean_field": lambda: mean_field.MeanFieldAgent(env.obs_dim, env.n_actions, config),
        "value_decomposition": lambda: value_decomposition.Learner(env, config),
    }[name]()


def test_training_runs_on_one_thread_and_restores_the_callers_setting():
    before = torch.get_num_threads()
    seen = []

    @common.single_thread()
    def inside():
        seen.append(torch.get_num_threads())

    inside()
    assert seen == [1] and torch.get_num_threads() == before
