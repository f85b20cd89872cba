"""Bad inputs to ``marl_course.deep``: every config field and every public function names what is wrong.

Two tables:

- the configs: for every field of every ``*Config`` dataclass, values of the wrong type, NaN / inf,
  out-of-range numbers, ints for bools and unknown strings for choices, generated from the field's
  annotation (plus the per-field range below), and the cross-field settings that would train nothing;
- the public functions: forward passes given tensors of the wrong rank, losses with bad arguments,
  training runs that could take no gradient step, evaluations of zero episodes, ...

Every case must raise ``ValueError`` or ``TypeError`` whose message names the parameter or field.
Nothing here trains for real: the runs are refused before they start.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import torch

from marl_course.deep import common, dgn, drqn, g2anet, g2anet_ac, graph_attention, maddpg
from marl_course.deep import mean_field, recurrent, value_decomposition
from marl_course.experiments import flicker
from marl_course.experiments import maddpg as maddpg_study
from marl_course.experiments import parallel
from marl_course.envs.battle_grid import BattleGrid
from marl_course.envs.cartpole import CartPole
from marl_course.envs.jungle import Jungle
from marl_course.envs.particle import CooperativeNavigation
from marl_course.envs.predator_prey import PredatorPrey
from marl_course.envs.two_step import TwoStepGame

CONFIGS = [drqn.DRQNConfig, dgn.DGNConfig, mean_field.MeanFieldConfig, g2anet.GACommConfig, g2anet_ac.GAACConfig,
           maddpg.MADDPGConfig, value_decomposition.VDConfig]

# ---------------------------------------------------------------- the config table

UPPER_ONE = {"gamma", "epsilon_start", "epsilon_end", "epsilon_fraction", "tau"}
"""Float fields bounded above by 1 (probabilities, discounts, averaging rates): 1.5 is refused."""
POSITIVE = {"lr", "actor_lr", "critic_lr", "temperature", "gumbel_tau", "tau", "grad_clip", "updates_per_step"}
"""Float fields that must be > 0: 0.0 is refused."""
INT_MAY_BE_ZERO = {"learning_starts", "warmup_rounds"}
"""Int fields for which 0 is valid."""
NEGATIVE_FLOAT_OK: set[str] = set()
"""Float fields for which -1 would be valid: none."""


def _bad_values(field: dataclasses.Field) -> list:
    """Meaningful bad values of one config field, from its annotation and the sets above."""
    kind, name = str(field.type), field.name
    if kind == "bool":
        return [1, 0, "yes", None]
    if kind == "str":
        return ["no-such-choice", "", 1, None]
    if kind.startswith("tuple"):
        return [64, "64", (64, 0), (64, -1), (64, 2.5), ("a",), None]
    if kind == "int":
        bad = [-1, 2.5, "3", True, None, float("nan")]
        return bad if name in INT_MAY_BE_ZERO else [0, *bad]
    if kind in ("float", "float | None"):  # an optional float: None is valid (e.g. grad_clip=None, no clipping)
        bad = ["0.1", float("nan"), float("inf"), float("-inf"), True] + ([None] if kind == "float" else [])
        if name not in NEGATIVE_FLOAT_OK:
            bad.append(-1.0)
        if name in UPPER_ONE:
            bad.append(1.5)
        if name in POSITIVE:
            bad.append(0.0)
        return bad
    raise AssertionError(f"no bad values for {name}: {kind}")


CONFIG_CASES = [pytest.param(cls, f.name, value, id=f"{cls.__name__}.{f.name}={value!r}")
                for cls in CONFIGS for f in dataclasses.fields(cls) for value in _bad_values(f)]


@pytest.mark.parametrize("cls, name, value", CONFIG_CASES)
def test_a_bad_config_field_is_refused_and_named(cls, name, value):
    with pytest.raises((ValueError, TypeError), match=name):
        cls(**{name: value})


@pytest.mark.parametrize("cls", CONFIGS)
def test_every_config_field_has_bad_values_and_the_defaults_are_valid(cls):
    cls()  # the defaults pass their own checks
    for f in dataclasses.fields(cls):
        assert len(_bad_values(f)) >= 3, f.name


@pytest.mark.parametrize("cls, kwargs, match", [
    # a replay smaller than a batch never trains (DGN, mean field and GA-AC wait for a full batch)
    (dgn.DGNConfig, dict(buffer_size=16, batch_size=32), "buffer_size"),
    (mean_field.MeanFieldConfig, dict(buffer_size=64, batch_size=128), "buffer_size"),
    (g2anet_ac.GAACConfig, dict(buffer_size=100, batch_size=256), "batch_size"),
    # updates start after the warm-up / learning_starts: a run ending first trains nothing
    (maddpg.MADDPGConfig, dict(n_rounds=3, warmup_rounds=3), "warmup_rounds"),
    (maddpg.MADDPGConfig, dict(n_rounds=1), "n_rounds"),
    (drqn.DRQNConfig, dict(total_steps=300, learning_starts=400), "learning_starts"),
    (drqn.DRQNConfig, dict(total_steps=100, learning_starts=98, updates_per_step=0.25), "updates_per_step"),
    (drqn.DRQNConfig, dict(updates_per_step=0.0), "updates_per_step"),
    (mean_field.MeanFieldConfig, dict(train_every=0), "train_every"),
])
def test_a_config_that_would_train_nothing_is_refused(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)


# ---------------------------------------------------------------- the function table


def _rng():
    return np.random.default_rng(0)


def _buffer(**fields):
    buf = common.ReplayBuffer(10)
    buf.add(**(fields or {"obs": np.zeros((2, 3))}))
    return buf


def _drqn_batch():
    ep = drqn.run_episodes(drqn.RecurrentQNet(4, 2, 8), CartPole(n_envs=2, max_steps=5), 1.0, _rng(), 0)
    return {k: torch.as_tensor(v) for k, v in ep.items()}


def _td_loss(**kwargs):
    net = drqn.RecurrentQNet(4, 2, 8)
    args = dict(q_net=net, target_net=net, batch=_drqn_batch(), gamma=0.9, update="random", trace_length=4,
                rng=_rng())
    args.update(kwargs)
    return drqn.td_loss(**args)


def _dgn_net():
    return dgn.DGN(4, 3, dgn.DGNConfig(hidden=8))


def _dgn_batch(**drop):
    batch = dict(obs=torch.zeros(2, 3, 4), next_obs=torch.zeros(2, 3, 4), action=torch.zeros(2, 3, dtype=torch.long),
                 reward=torch.ones(2, 3), terminated=torch.zeros(2), adjacency=torch.ones(2, 3, 3, dtype=torch.bool))
    return {k: v for k, v in batch.items() if k not in drop}


def _small_jungle():
    return Jungle(n_envs=2, n_agents=3, k=2, episode_length=5)


def _mf_agent(algorithm="mfq"):
    return mean_field.MeanFieldAgent(5, 3, mean_field.MeanFieldConfig(algorithm))


def _small_battle():
    return BattleGrid(size=8, n_agents=4, max_steps=10)


def _gacomm():
    return g2anet.GAComm(5, 5, g2anet.GACommConfig(hidden=8))


def _reinforce_batch(**drop):
    batch = {k: torch.zeros(2, 1, 1) for k in ("log_prob", "entropy", "value", "reward", "active")}
    return {k: v for k, v in batch.items() if k not in drop}


def _critic():
    return g2anet_ac.GACritic(5, 5, g2anet_ac.GAACConfig(hidden=8))


def _actor():
    return g2anet_ac.make_actor(5, 5, g2anet_ac.GAACConfig(hidden=8))


def _gaac():
    return g2anet_ac.GAAC(5, 5, g2anet_ac.GAACConfig(hidden=8))


def _ac_batch(**drop):
    batch = {"obs": torch.zeros(4, 3, 5), "next_obs": torch.zeros(4, 3, 5), "action": torch.zeros(4, 3, dtype=int),
             "reward": torch.zeros(4, 3), "done": torch.ones(4)}
    return {k: v for k, v in batch.items() if k not in drop}


def _maddpg(**kwargs):
    return maddpg.MADDPG((6, 6), maddpg.MADDPGConfig(**kwargs))


def _maddpg_batch(**drop):
    batch = dict(obs=torch.zeros(8, 2, 6), actions=torch.zeros(8, 2, 5), rewards=torch.zeros(8, 2),
                 next_obs=torch.zeros(8, 2, 6), sub_policy=torch.zeros(8, 2, dtype=torch.long))
    return {k: v for k, v in batch.items() if k not in drop}


def _learner(mixer="qmix"):
    return value_decomposition.Learner(TwoStepGame(), value_decomposition.VDConfig(mixer=mixer))


def _gap_finals():
    return {"MADDPG": [{"return": -1.0}, {"return": -2.0}]}


def _mix(**shapes):
    b, n, e = 2, 3, 4
    args = dict(q_agents=torch.zeros(b, n), w1=torch.zeros(b, n, e), b1=torch.zeros(b, e), w2=torch.zeros(b, e),
                b2=torch.zeros(b))
    args.update({k: torch.zeros(v) for k, v in shapes.items()})
    return value_decomposition.monotonic_mix(**args)


FUNCTION_CASES = [
    # ---- common
    ("seed_everything(-1)", lambda: common.seed_everything(-1), "seed"),
    ("seed_everything(1.5)", lambda: common.seed_everything(1.5), "seed"),
    ("mlp in_dim=0", lambda: common.mlp(0, (8,), 2), "in_dim"),
    ("mlp hidden=(0,)", lambda: common.mlp(4, (0,), 2), "hidden"),
    ("mlp hidden=8", lambda: common.mlp(4, 8, 2), "hidden"),
    ("mlp out_dim=0", lambda: common.mlp(4, (8,), 0), "out_dim"),
    ("mlp activation='relu'", lambda: common.mlp(4, (8,), 2, activation="relu"), "activation"),
    ("soft_update tau=0", lambda: common.soft_update(torch.nn.Linear(2, 2), torch.nn.Linear(2, 2), 0.0), "tau"),
    ("soft_update tau=nan", lambda: common.soft_update(torch.nn.Linear(2, 2), torch.nn.Linear(2, 2), math.nan), "tau"),
    ("soft_update target='x'", lambda: common.soft_update("x", torch.nn.Linear(2, 2), 0.5), "target"),
    ("ReplayBuffer(0)", lambda: common.ReplayBuffer(0), "capacity"),
    ("ReplayBuffer(2.5)", lambda: common.ReplayBuffer(2.5), "capacity"),
    ("ReplayBuffer.add()", lambda: common.ReplayBuffer(4).add(), "fields"),
    ("ReplayBuffer.add scalar", lambda: common.ReplayBuffer(4).add(obs=1.0), "obs"),
    ("ReplayBuffer.add lengths", lambda: common.ReplayBuffer(4).add(obs=np.zeros((2, 3)), reward=np.ones(3)), "reward"),
    ("ReplayBuffer.add new shape", lambda: _buffer().add(obs=np.zeros((2, 4))), "obs"),
    ("ReplayBuffer.add new fields", lambda: _buffer().add(state=np.zeros((2, 3))), "fields"),
    ("ReplayBuffer.sample batch_size=0", lambda: _buffer().sample(0, _rng()), "batch_size"),
    ("ReplayBuffer.sample rng=0", lambda: _buffer().sample(2, 0), "rng"),
    ("save model='x'", lambda: common.save("x", "unused.pt"), "model"),
    ("load model='x'", lambda: common.load("x", "unused.pt"), "model"),
    ("check_updates_possible", lambda: common.check_updates_possible(max_steps=3, transitions_per_step=1,
                                                                     batch_size=8, update_every=1,
                                                                     fields="batch_size"), "batch_size"),
    # ---- recurrent (QMIX's agent network)
    ("agent_inputs obs 2-D", lambda: recurrent.agent_inputs(torch.zeros(2, 3), torch.zeros(2, 2, dtype=int), 2), "obs"),
    ("agent_inputs last_actions shape",
     lambda: recurrent.agent_inputs(torch.zeros(1, 2, 3), torch.zeros(1, 3, dtype=int), 2), "last_actions"),
    ("agent_inputs last_actions range",
     lambda: recurrent.agent_inputs(torch.zeros(1, 2, 3), torch.tensor([[0, 5]]), 2), "last_actions"),
    ("agent_inputs n_actions=0",
     lambda: recurrent.agent_inputs(torch.zeros(1, 2, 3), torch.tensor([[-1, -1]]), 0), "n_actions"),
    ("RecurrentAgent obs_dim=0", lambda: recurrent.RecurrentAgent(0, 2, 2), "obs_dim"),
    ("RecurrentAgent n_agents=0", lambda: recurrent.RecurrentAgent(3, 2, 0), "n_agents"),
    ("RecurrentAgent hidden_dim=0", lambda: recurrent.RecurrentAgent(3, 2, 2, 0), "hidden_dim"),
    ("RecurrentAgent.initial_hidden(0)", lambda: recurrent.RecurrentAgent(3, 2, 2, 8).initial_hidden(0), "batch"),
    ("RecurrentAgent.forward obs 2-D",
     lambda: recurrent.RecurrentAgent(3, 2, 2, 8)(torch.zeros(4, 3), torch.full((4, 2), -1), torch.zeros(4, 2, 8)),
     "obs"),
    ("RecurrentAgent.forward n_agents",
     lambda: recurrent.RecurrentAgent(3, 2, 2, 8)(torch.zeros(4, 3, 3), torch.full((4, 3), -1), torch.zeros(4, 3, 8)),
     "n_agents"),
    ("RecurrentAgent.forward obs_dim",
     lambda: recurrent.RecurrentAgent(3, 2, 2, 8)(torch.zeros(4, 2, 5), torch.full((4, 2), -1), torch.zeros(4, 2, 8)),
     "obs_dim"),
    ("RecurrentAgent.forward hidden",
     lambda: recurrent.RecurrentAgent(3, 2, 2, 8)(torch.zeros(4, 2, 3), torch.full((4, 2), -1), torch.zeros(4, 8)),
     "hidden"),
    ("RecurrentAgent.unroll obs 3-D",
     lambda: recurrent.RecurrentAgent(3, 2, 2, 8).unroll(torch.zeros(4, 2, 3), torch.zeros(4, 1, 2)), "obs"),
    ("RecurrentAgent.unroll actions",
     lambda: recurrent.RecurrentAgent(3, 2, 2, 8).unroll(torch.zeros(4, 3, 2, 3), torch.zeros(4, 3, 2)), "actions"),
    # ---- DRQN
    ("RecurrentQNet obs_dim=0", lambda: drqn.RecurrentQNet(0, 2), "obs_dim"),
    ("RecurrentQNet n_actions=0", lambda: drqn.RecurrentQNet(4, 0), "n_actions"),
    ("RecurrentQNet hidden=0", lambda: drqn.RecurrentQNet(4, 2, 0), "hidden"),
    ("RecurrentQNet.forward (batch, obs)", lambda: drqn.RecurrentQNet(4, 2, 8)(torch.zeros(5, 4)), "obs"),
    ("RecurrentQNet.forward 4-D", lambda: drqn.RecurrentQNet(4, 2, 8)(torch.zeros(5, 7, 1, 4)), "obs"),
    ("RecurrentQNet.forward obs_dim", lambda: drqn.RecurrentQNet(4, 2, 8)(torch.zeros(5, 7, 3)), "obs_dim"),
    ("RecurrentQNet.forward memory",
     lambda: drqn.RecurrentQNet(4, 2, 8)(torch.zeros(5, 7, 4), torch.zeros(1, 5, 8)), "memory"),
    ("FrameStackQNet n_frames=0", lambda: drqn.FrameStackQNet(4, 2, n_frames=0), "n_frames"),
    ("FrameStackQNet hidden=0", lambda: drqn.FrameStackQNet(4, 2, hidden=0), "hidden"),
    ("FrameStackQNet.forward (batch, obs)", lambda: drqn.FrameStackQNet(4, 2, 3, 8)(torch.zeros(5, 4)), "obs"),
    ("FrameStackQNet.forward obs_dim", lambda: drqn.FrameStackQNet(4, 2, 3, 8)(torch.zeros(5, 7, 3)), "obs_dim"),
    ("FrameStackQNet.forward memory",
     lambda: drqn.FrameStackQNet(4, 2, 3, 8)(torch.zeros(5, 7, 4), torch.zeros(5, 3, 4)), "memory"),
    ("make_q_net config=dict", lambda: drqn.make_q_net(4, 2, {"recurrent": True}), "config"),
    ("run_episodes epsilon=-0.1",
     lambda: drqn.run_episodes(drqn.RecurrentQNet(4, 2, 8), CartPole(max_steps=3), -0.1, _rng(), 0), "epsilon"),
    ("run_episodes seed=-1",
     lambda: drqn.run_episodes(drqn.RecurrentQNet(4, 2, 8), CartPole(max_steps=3), 0.1, _rng(), -1), "seed"),
    ("td_target gamma=1.5", lambda: drqn.td_target(torch.zeros(1, 2), torch.zeros(1, 2), torch.zeros(1, 2, 2), 1.5),
     "gamma"),
    ("td_target q_next shape", lambda: drqn.td_target(torch.zeros(1, 2), torch.zeros(1, 2), torch.zeros(1, 3, 2), 0.5),
     "q_next"),
    ("td_target terminal shape", lambda: drqn.td_target(torch.zeros(1, 2), torch.zeros(2), torch.zeros(1, 2, 2), 0.5),
     "terminal"),
    ("td_loss trace_length=0", lambda: _td_loss(trace_length=0), "trace_length"),
    ("td_loss update='both'", lambda: _td_loss(update="both"), "update"),
    ("td_loss gamma=2", lambda: _td_loss(gamma=2.0), "gamma"),
    ("td_loss rng=None", lambda: _td_loss(rng=None), "rng"),
    ("td_loss batch without length", lambda: _td_loss(batch={"obs": torch.zeros(1, 2, 4)}), "batch"),
    ("drqn.train config=dict", lambda: drqn.train(CartPole(), {"total_steps": 10}, progress=False), "config"),
    ("drqn.train seed=-1", lambda: drqn.train(CartPole(), drqn.DRQNConfig(), seed=-1, progress=False), "seed"),
    ("drqn.train progress='no'", lambda: drqn.train(CartPole(), drqn.DRQNConfig(), progress="no"), "progress"),
    ("drqn.evaluate n_episodes=0",
     lambda: drqn.evaluate(drqn.RecurrentQNet(4, 2, 8), CartPole(max_steps=3), n_episodes=0), "n_episodes"),
    ("drqn.evaluate seed=-1", lambda: drqn.evaluate(drqn.RecurrentQNet(4, 2, 8), CartPole(max_steps=3), seed=-1),
     "seed"),
    ("drqn.evaluate model='x'", lambda: drqn.evaluate("x", CartPole(max_steps=3)), "model"),
    ("flicker_robustness train_flicker=1.5",
     lambda: flicker.flicker_robustness({"a": drqn.DRQNConfig()}, 1.5, [0.0], progress=False), "train_flicker"),
    ("flicker_robustness seeds=()",
     lambda: flicker.flicker_robustness({"a": drqn.DRQNConfig()}, 0.0, [0.0], seeds=(), progress=False), "seeds"),
    ("flicker_robustness n_envs=0",
     lambda: flicker.flicker_robustness({"a": drqn.DRQNConfig()}, 0.0, [0.0], n_envs=0, progress=False), "n_envs"),
    ("flicker_robustness eval_envs=0",
     lambda: flicker.flicker_robustness({"a": drqn.DRQNConfig()}, 0.0, [0.0], eval_envs=0, progress=False), "eval_envs"),
    ("flicker_robustness hide_velocity=1",
     lambda: flicker.flicker_robustness({"a": drqn.DRQNConfig()}, 0.0, [0.0], hide_velocity=1, progress=False),
     "hide_velocity"),
    ("relative_scores zero reference score",
     lambda: flicker.relative_scores([[0.0, 1.0], [2.0, 1.0]], [0.0, 0.5], reference=0.0), "reference"),
    ("relative_scores reference=nan", lambda: flicker.relative_scores([[1.0, 1.0]], [0.0, 0.5], math.nan), "reference"),
    ("relative_scores reference='0'", lambda: flicker.relative_scores([[1.0, 1.0]], [0.0, 0.5], "0"), "reference"),
    ("relative_scores floor='0'", lambda: flicker.relative_scores([[1.0, 1.0]], [0.0, 0.5], 0.0, floor="0"), "floor"),
    ("relative_scores floor at the reference",
     lambda: flicker.relative_scores([[2.0, 1.0]], [0.0, 0.5], 0.0, floor=2.0), "floor"),
    ("relative_scores scores nan", lambda: flicker.relative_scores([[math.nan, 1.0]], [0.0, 0.5], 0.0), "scores"),
    # ---- graph attention and DGN
    ("masked_softmax mask shape", lambda: graph_attention.masked_softmax(torch.zeros(2, 3), torch.ones(2, 4) > 0),
     "mask"),
    ("masked_softmax empty row", lambda: graph_attention.masked_softmax(torch.zeros(2, 3), torch.zeros(2, 3) > 0),
     "mask"),
    ("masked_softmax numpy logits", lambda: graph_attention.masked_softmax(np.zeros(3), torch.ones(3) > 0), "logits"),
    ("attention_kl shapes", lambda: graph_attention.attention_kl(torch.ones(3) / 3, torch.ones(2) / 2), r"\bq\b"),
    ("attention_kl eps=-1", lambda: graph_attention.attention_kl(torch.ones(3) / 3, torch.ones(3) / 3, eps=-1.0),
     "eps"),
    ("RelationKernel dim=0", lambda: graph_attention.RelationKernel(0, 2), "dim"),
    ("RelationKernel n_heads=0", lambda: graph_attention.RelationKernel(8, 0), "n_heads"),
    ("RelationKernel tau=0", lambda: graph_attention.RelationKernel(8, 2, tau=0.0), "tau"),
    ("RelationKernel.forward h 2-D",
     lambda: graph_attention.RelationKernel(8, 2)(torch.zeros(3, 8), torch.ones(3, 3) > 0), r"\bh\b"),
    ("RelationKernel.forward h dim",
     lambda: graph_attention.RelationKernel(8, 2)(torch.zeros(1, 3, 4), torch.ones(1, 3, 3) > 0), r"\bh\b"),
    ("RelationKernel.forward adjacency",
     lambda: graph_attention.RelationKernel(8, 2)(torch.zeros(1, 3, 8), torch.ones(3, 3) > 0), "adjacency"),
    ("DGN obs_dim=0", lambda: dgn.DGN(0, 3, dgn.DGNConfig(hidden=8)), "obs_dim"),
    ("DGN n_actions=0", lambda: dgn.DGN(4, 0, dgn.DGNConfig(hidden=8)), "n_actions"),
    ("DGN config=dict", lambda: dgn.DGN(4, 3, {"hidden": 8}), "config"),
    ("DGN.forward obs 2-D", lambda: _dgn_net()(torch.zeros(3, 4), torch.ones(1, 3, 3) > 0), "obs"),
    ("DGN.forward obs_dim", lambda: _dgn_net()(torch.zeros(1, 3, 5), torch.ones(1, 3, 3) > 0), "obs"),
    ("DGN.forward adjacency", lambda: _dgn_net()(torch.zeros(1, 3, 4), torch.ones(1, 3, 4) > 0), "adjacency"),
    ("dgn_loss gamma=1.5", lambda: dgn.dgn_loss(_dgn_net(), _dgn_net(), _dgn_batch(), 1.5, 0.0), "gamma"),
    ("dgn_loss reg_weight=-1", lambda: dgn.dgn_loss(_dgn_net(), _dgn_net(), _dgn_batch(), 0.9, -1.0), "reg_weight"),
    ("dgn_loss batch without terminated", lambda: dgn.dgn_loss(_dgn_net(), _dgn_net(), _dgn_batch(terminated=1), 0.9, 0.0),
     "batch"),
    ("greedy_actions adjacency", lambda: dgn.greedy_actions(_dgn_net(), np.zeros((2, 3, 4), np.float32),
                                                            np.ones((2, 3), bool)), "adjacency"),
    ("greedy_actions net='x'", lambda: dgn.greedy_actions("x", np.zeros((2, 3, 4)), np.ones((2, 3, 3), bool)), "net"),
    ("dgn.train zero updates", lambda: dgn.train(_small_jungle(), dgn.DGNConfig(n_episodes=2, hidden=8),
                                                 progress=False), "batch_size"),
    ("dgn.train update_every beyond the run",
     lambda: dgn.train(_small_jungle(), dgn.DGNConfig(n_episodes=2, batch_size=2, update_every=11), progress=False),
     "update_every"),
    ("dgn.train config=dict", lambda: dgn.train(_small_jungle(), {"hidden": 8}, progress=False), "config"),
    ("dgn.train seed=-1", lambda: dgn.train(_small_jungle(), dgn.DGNConfig(batch_size=2), seed=-1, progress=False),
     "seed"),
    ("dgn.evaluate n_episodes=0", lambda: dgn.evaluate(_dgn_net(), _small_jungle(), n_episodes=0), "n_episodes"),
    ("dgn.evaluate model='x'", lambda: dgn.evaluate("x", _small_jungle()), "model"),
    ("dgn.evaluate seed='0'", lambda: dgn.evaluate(_dgn_net(), _small_jungle(), seed="0"), "seed"),
    ("dgn.record_episode seed=-1", lambda: dgn.record_episode(_dgn_net(), _small_jungle(), seed=-1), "seed"),
    ("attention_on_informed frames='x'", lambda: dgn.attention_on_informed("x"), "frames"),
    ("attention_on_informed frames=[{}]", lambda: dgn.attention_on_informed([{}]), "frames"),
    ("attention_on_informed head=-1", lambda: dgn.attention_on_informed(
        [{"informed": np.ones(2, bool), "adjacency": np.ones((2, 2), bool), "attention": np.full((2, 2), 0.5)}], head=-1),
     "head"),
    ("attention_on_informed head=2 of 1", lambda: dgn.attention_on_informed(
        [{"informed": np.ones(2, bool), "adjacency": np.ones((2, 2), bool), "attention": np.full((2, 2), 0.5),
          "head_attention": np.full((1, 2, 2), 0.5)}], head=2), "head"),
    ("record_episode layer=3", lambda: dgn.record_episode(_dgn_net(), None, layer=3), "layer"),
    ("DGN forward layer=0", lambda: _dgn_net()(torch.zeros(1, 3, 4), torch.ones(1, 3, 3, dtype=torch.bool), layer=0),
     "layer"),
    # ---- mean field
    ("MeanFieldAgent obs_dim=0", lambda: mean_field.MeanFieldAgent(0, 3, mean_field.MeanFieldConfig()), "obs_dim"),
    ("MeanFieldAgent n_actions=0", lambda: mean_field.MeanFieldAgent(5, 0, mean_field.MeanFieldConfig()), "n_actions"),
    ("MeanFieldAgent config=dict", lambda: mean_field.MeanFieldAgent(5, 3, {"algorithm": "mfq"}), "config"),
    ("MeanFieldAgent.q_values obs 1-D", lambda: _mf_agent().q_values(torch.zeros(5), torch.zeros(1, 3)), "obs"),
    ("MeanFieldAgent.q_values obs_dim", lambda: _mf_agent().q_values(torch.zeros(2, 4), torch.zeros(2, 3)), "obs_dim"),
    ("MeanFieldAgent.q_values mean_action",
     lambda: _mf_agent().q_values(torch.zeros(2, 5), torch.zeros(2, 2)), "mean_action"),
    ("MeanFieldAgent.policy beta=-1", lambda: _mf_agent().policy(torch.zeros(2, 5), torch.zeros(2, 3), -1.0), "beta"),
    ("MeanFieldAgent.policy beta='1'", lambda: _mf_agent().policy(torch.zeros(2, 5), torch.zeros(2, 3), "1"), "beta"),
    ("MeanFieldAgent.policy mfac obs", lambda: _mf_agent("mfac").policy(torch.zeros(5), None, 1.0), "obs"),
    ("mean_field.train zero updates",
     lambda: mean_field.train(_small_battle(), mean_field.MeanFieldConfig(n_episodes=2), seed=0, progress=False),
     "batch_size"),
    ("mean_field.train train_every beyond the run",
     lambda: mean_field.train(_small_battle(), mean_field.MeanFieldConfig(n_episodes=1, batch_size=4, train_every=11),
                              seed=0, progress=False), "train_every"),
    ("mean_field.train config=dict", lambda: mean_field.train(_small_battle(), {}, seed=0, progress=False), "config"),
    ("mean_field.train seed=-1",
     lambda: mean_field.train(_small_battle(), mean_field.MeanFieldConfig(), seed=-1, progress=False), "seed"),
    ("mean_field.train progress=1",
     lambda: mean_field.train(_small_battle(), mean_field.MeanFieldConfig(), seed=0, progress=1), "progress"),
    ("mean_field.evaluate n_episodes=0", lambda: mean_field.evaluate(_mf_agent(), _small_battle(), n_episodes=0),
     "n_episodes"),
    ("mean_field.evaluate seed=-1", lambda: mean_field.evaluate(_mf_agent(), _small_battle(), seed=-1), "seed"),
    ("mean_field.evaluate model='x'", lambda: mean_field.evaluate("x", _small_battle()), "model"),
    ("mean_field.battle_outcome model='x'", lambda: mean_field.battle_outcome("x", _small_battle()), "model"),
    # ---- G2ANet (GA-Comm)
    ("two_stage_weights hard 1-D", lambda: g2anet.two_stage_weights(torch.zeros(3), torch.zeros(3)), "hard"),
    ("two_stage_weights scores shape", lambda: g2anet.two_stage_weights(torch.zeros(3, 3), torch.zeros(3, 2)),
     "scores"),
    ("discounted_returns gamma=1.5", lambda: g2anet.discounted_returns(torch.ones(3), 1.5), "gamma"),
    ("discounted_returns empty", lambda: g2anet.discounted_returns(torch.ones(0), 0.5), "rewards"),
    ("TwoStageAttention dim=0", lambda: g2anet.TwoStageAttention(0), "dim"),
    ("TwoStageAttention communication='all'", lambda: g2anet.TwoStageAttention(4, "all"), "communication"),
    ("TwoStageAttention gumbel_tau=0", lambda: g2anet.TwoStageAttention(4, gumbel_tau=0.0), "gumbel_tau"),
    ("TwoStageAttention own_key=1", lambda: g2anet.TwoStageAttention(4, own_key=1), "own_key"),
    ("TwoStageAttention.forward query 2-D",
     lambda: g2anet.TwoStageAttention(4)(torch.zeros(3, 4), torch.zeros(3, 4), torch.zeros(3, 4)), "query"),
    ("TwoStageAttention.forward key shape",
     lambda: g2anet.TwoStageAttention(4)(torch.zeros(2, 3, 4), torch.zeros(2, 2, 4), torch.zeros(2, 3, 4)), "key"),
    ("TwoStageAttention.forward value dim",
     lambda: g2anet.TwoStageAttention(4)(torch.zeros(2, 3, 4), torch.zeros(2, 3, 4), torch.zeros(2, 3, 5)), "value"),
    ("GAComm obs_dim=0", lambda: g2anet.GAComm(0, 5, g2anet.GACommConfig(hidden=8)), "obs_dim"),
    ("GAComm n_actions=0", lambda: g2anet.GAComm(5, 0, g2anet.GACommConfig(hidden=8)), "n_actions"),
    ("GAComm config=dict", lambda: g2anet.GAComm(5, 5, {"hidden": 8}), "config"),
    ("GAComm.forward obs 2-D", lambda: _gacomm()(torch.zeros(3, 5)), "obs"),
    ("GAComm.forward obs_dim", lambda: _gacomm()(torch.zeros(2, 3, 4)), "obs_dim"),
    ("GAComm.forward state", lambda: _gacomm()(torch.zeros(2, 3, 5), torch.zeros(2, 3, 8)), "state"),
    ("rollout seed=-1", lambda: g2anet.rollout(_gacomm(), PredatorPrey(n_envs=2, episode_length=2), -1), "seed"),
    ("rollout generator=0",
     lambda: g2anet.rollout(_gacomm(), PredatorPrey(n_envs=2, episode_length=2), 0, generator=0), "generator"),
    ("rollout net='x'", lambda: g2anet.rollout("x", PredatorPrey(n_envs=2, episode_length=2), 0), "net"),
    ("reinforce_loss gamma=2", lambda: g2anet.reinforce_loss(_reinforce_batch(), 2.0, 0.5, 0.01), "gamma"),
    ("reinforce_loss value_coef=-1", lambda: g2anet.reinforce_loss(_reinforce_batch(), 0.9, -1.0, 0.01),
     "value_coef"),
    ("reinforce_loss entropy_coef=nan", lambda: g2anet.reinforce_loss(_reinforce_batch(), 0.9, 0.5, math.nan),
     "entropy_coef"),
    ("reinforce_loss batch without active", lambda: g2anet.reinforce_loss(_reinforce_batch(active=1), 0.9, 0.5, 0.0),
     "batch"),
    ("g2anet.train config=dict", lambda: g2anet.train(PredatorPrey(n_envs=2), {"n_updates": 1}, progress=False),
     "config"),
    ("g2anet.train seed=-1", lambda: g2anet.train(PredatorPrey(n_envs=2), g2anet.GACommConfig(), seed=-1,
                                                  progress=False), "seed"),
    ("g2anet.evaluate n_episodes=0", lambda: g2anet.evaluate(_gacomm(), PredatorPrey(n_envs=2), n_episodes=0),
     "n_episodes"),
    ("g2anet.evaluate model='x'", lambda: g2anet.evaluate("x", PredatorPrey(n_envs=2)), "model"),
    ("g2anet.record_episode seed=-1", lambda: g2anet.record_episode(_gacomm(), PredatorPrey(n_envs=1), seed=-1),
     "seed"),
    # ---- GA-AC
    ("counterfactual_advantage q_all shape",
     lambda: g2anet_ac.counterfactual_advantage(torch.ones(2) / 2, torch.ones(3), torch.tensor(1)), "q_all"),
    ("counterfactual_advantage actions shape",
     lambda: g2anet_ac.counterfactual_advantage(torch.ones(2, 2) / 2, torch.ones(2, 2), torch.tensor([1, 0, 1])),
     "actions"),
    ("actor_loss alpha=-1", lambda: g2anet_ac.actor_loss(torch.zeros(1, 1, 2), torch.tensor([[1]]),
                                                         torch.zeros(1, 1, 2), alpha=-1.0), "alpha"),
    ("actor_loss logits 2-D", lambda: g2anet_ac.actor_loss(torch.zeros(1, 2), torch.tensor([1]), torch.zeros(1, 2),
                                                           alpha=0.0), "logits"),
    ("actor_loss q_all shape", lambda: g2anet_ac.actor_loss(torch.zeros(1, 1, 2), torch.tensor([[1]]),
                                                            torch.zeros(1, 1, 3), alpha=0.0), "q_all"),
    ("GACritic obs_dim=0", lambda: g2anet_ac.GACritic(0, 5, g2anet_ac.GAACConfig(hidden=8)), "obs_dim"),
    ("GACritic config=dict", lambda: g2anet_ac.GACritic(5, 5, {"hidden": 8}), "config"),
    ("GACritic.forward obs 2-D", lambda: _critic()(torch.zeros(3, 5), torch.zeros(3, 5)), "obs"),
    ("GACritic.forward actions not one-hot", lambda: _critic()(torch.zeros(2, 3, 5), torch.zeros(2, 3)), "actions"),
    ("one_hot n_actions=0", lambda: g2anet_ac.one_hot(torch.tensor([0]), 0), "n_actions"),
    ("one_hot actions out of range", lambda: g2anet_ac.one_hot(torch.tensor([3]), 3), "actions"),
    ("at_actions shape", lambda: g2anet_ac.at_actions(torch.zeros(2, 3, 4), torch.zeros(2, dtype=int)), "actions"),
    ("critic_loss gamma=1.5", lambda: g2anet_ac.critic_loss(_critic(), _critic(), _actor(), _ac_batch(), 1.5, 0.01),
     "gamma"),
    ("critic_loss alpha=-1", lambda: g2anet_ac.critic_loss(_critic(), _critic(), _actor(), _ac_batch(), 0.9, -1.0),
     "alpha"),
    ("critic_loss batch without reward",
     lambda: g2anet_ac.critic_loss(_critic(), _critic(), _actor(), _ac_batch(reward=1), 0.9, 0.01), "batch"),
    ("policy_step_loss alpha=-1", lambda: g2anet_ac.policy_step_loss(_actor(), _critic(), torch.zeros(4, 3, 5), -1.0),
     "alpha"),
    ("policy_step_loss obs 2-D", lambda: g2anet_ac.policy_step_loss(_actor(), _critic(), torch.zeros(4, 5), 0.01),
     "obs"),
    ("make_actor config=dict", lambda: g2anet_ac.make_actor(5, 5, {"hidden": 8}), "config"),
    ("make_actor obs_dim=0", lambda: g2anet_ac.make_actor(0, 5, g2anet_ac.GAACConfig()), "obs_dim"),
    ("sample_actions obs 2-D", lambda: g2anet_ac.sample_actions(_actor(), np.zeros((3, 5), np.float32)), "obs"),
    ("g2anet_ac.train zero updates",
     lambda: g2anet_ac.train(PredatorPrey(n_envs=2, episode_length=4), g2anet_ac.GAACConfig(n_rounds=2),
                             progress=False), "batch_size"),
    ("g2anet_ac.train update_every beyond the run",
     lambda: g2anet_ac.train(PredatorPrey(n_envs=2, episode_length=4),
                             g2anet_ac.GAACConfig(n_rounds=1, batch_size=2, update_every=5), progress=False),
     "update_every"),
    ("g2anet_ac.train config=dict", lambda: g2anet_ac.train(PredatorPrey(n_envs=2), {}, progress=False), "config"),
    ("g2anet_ac.train seed=-1", lambda: g2anet_ac.train(PredatorPrey(), g2anet_ac.GAACConfig(), seed=-1,
                                                        progress=False), "seed"),
    ("g2anet_ac.evaluate n_episodes=0", lambda: g2anet_ac.evaluate(_gaac(), PredatorPrey(n_envs=2), n_episodes=0),
     "n_episodes"),
    ("g2anet_ac.evaluate model='x'", lambda: g2anet_ac.evaluate("x", PredatorPrey(n_envs=2)), "model"),
    ("g2anet_ac.record_episode seed=-1",
     lambda: g2anet_ac.record_episode(_gaac(), PredatorPrey(n_envs=1), seed=-1), "seed"),
    ("g2anet_ac.record_episode model='x'",
     lambda: g2anet_ac.record_episode("x", PredatorPrey(n_envs=1)), "model"),
    # ---- MADDPG
    ("gumbel_softmax temperature=0", lambda: maddpg.gumbel_softmax(torch.zeros(2, 5), 0.0), "temperature"),
    ("gumbel_softmax temperature=-1", lambda: maddpg.gumbel_softmax(torch.zeros(2, 5), -1.0), "temperature"),
    ("gumbel_softmax temperature=nan", lambda: maddpg.gumbel_softmax(torch.zeros(2, 5), math.nan), "temperature"),
    ("gumbel_softmax temperature='1'", lambda: maddpg.gumbel_softmax(torch.zeros(2, 5), "1"), "temperature"),
    ("MADDPG obs_dims=()", lambda: maddpg.MADDPG((), maddpg.MADDPGConfig()), "obs_dims"),
    ("MADDPG obs_dims=(0,)", lambda: maddpg.MADDPG((0,), maddpg.MADDPGConfig()), "obs_dims"),
    ("MADDPG obs_dims=18", lambda: maddpg.MADDPG(18, maddpg.MADDPGConfig()), "obs_dims"),
    ("MADDPG config=dict", lambda: maddpg.MADDPG((6, 6), {}), "config"),
    ("MADDPG.act obs 2-D", lambda: _maddpg().act(np.zeros((2, 6))), "obs"),
    ("MADDPG.act n_agents", lambda: _maddpg().act(np.zeros((2, 3, 6))), "obs"),
    ("MADDPG.act explore='yes'", lambda: _maddpg().act(np.zeros((2, 2, 6)), explore="yes"), "explore"),
    ("MADDPG.act sub_policy range",
     lambda: _maddpg().act(np.zeros((2, 2, 6)), sub_policy=np.ones((2, 2), int)), "sub_policy"),
    ("MADDPG.update i=2", lambda: _maddpg().update(2, 0, _maddpg_batch()), r"\bi\b"),
    ("MADDPG.update k=1", lambda: _maddpg().update(0, 1, _maddpg_batch()), r"\bk\b"),
    ("MADDPG.update batch without rewards", lambda: _maddpg().update(0, 0, _maddpg_batch(rewards=1)), "batch"),
    ("MADDPG.fit_approximations without approximations",
     lambda: _maddpg().fit_approximations(0, _maddpg_batch()), "approximate_policies"),
    ("MADDPG.fit_approximations i=-1",
     lambda: _maddpg(approximate_policies=True).fit_approximations(-1, _maddpg_batch()), r"\bi\b"),
    ("maddpg.evaluate seed=-1", lambda: maddpg.evaluate(_maddpg(), CooperativeNavigation(n_agents=2), seed=-1), "seed"),
    ("maddpg.evaluate n_episodes=0",
     lambda: maddpg.evaluate(_maddpg(), CooperativeNavigation(n_agents=2), n_episodes=0), "n_episodes"),
    ("maddpg.evaluate explore=1", lambda: maddpg.evaluate(_maddpg(), CooperativeNavigation(n_agents=2), explore=1),
     "explore"),
    ("maddpg.evaluate model='x'", lambda: maddpg.evaluate("x", CooperativeNavigation()), "model"),
    ("maddpg.train config=dict", lambda: maddpg.train(CooperativeNavigation(), {}, progress=False), "config"),
    ("maddpg.train seed=-1", lambda: maddpg.train(CooperativeNavigation(), maddpg.MADDPGConfig(), seed=-1,
                                                  progress=False), "seed"),
    ("maddpg.train progress='no'", lambda: maddpg.train(CooperativeNavigation(), maddpg.MADDPGConfig(),
                                                        progress="no"), "progress"),
    # ---- the MADDPG experiment
    # ---- running seeds in parallel (the experiments' command line)
    ("run_seeds run_one=3", lambda: parallel.run_seeds(3, [0]), "run_one"),
    ("run_seeds seeds=[]", lambda: parallel.run_seeds(str, []), "seeds"),
    ("run_seeds jobs=0", lambda: parallel.run_seeds(str, [0], jobs=0), "jobs"),
    ("run_seeds cluster='spark'", lambda: parallel.run_seeds(str, [0], cluster="spark"), "cluster"),
    ("run_seeds address without cluster", lambda: parallel.run_seeds(str, [0], address="tcp://x:8786"), "address"),
    ("parse_seeds '3-1'", lambda: parallel.parse_seeds("3-1"), "seeds"),
    ("parse_seeds 'a'", lambda: parallel.parse_seeds("a"), "seeds"),
    ("parse_seeds 3", lambda: parallel.parse_seeds(3), "seeds"),
    ("compare jobs=0", lambda: maddpg_study.compare(maddpg.MADDPGConfig(), jobs=0, progress=False), "jobs"),
    ("compare config=dict", lambda: maddpg_study.compare({}, progress=False), "config"),
    ("compare seeds=()", lambda: maddpg_study.compare(maddpg.MADDPGConfig(), seeds=(), progress=False), "seeds"),
    ("compare seeds=0", lambda: maddpg_study.compare(maddpg.MADDPGConfig(), seeds=0, progress=False), "seeds"),
    ("compare block=0", lambda: maddpg_study.compare(maddpg.MADDPGConfig(), block=0, progress=False), "block"),
    ("compare block > n_rounds",
     lambda: maddpg_study.compare(maddpg.MADDPGConfig(n_rounds=4), block=5, progress=False), "block"),
    ("compare eval_worlds=0",
     lambda: maddpg_study.compare(maddpg.MADDPGConfig(), eval_worlds=0, progress=False), "eval_worlds"),
    ("compare eval_seed=-1",
     lambda: maddpg_study.compare(maddpg.MADDPGConfig(), eval_seed=-1, progress=False), "eval_seed"),
    ("compare progress='no'", lambda: maddpg_study.compare(maddpg.MADDPGConfig(), progress="no"), "progress"),
    ("compare learners one", lambda: maddpg_study.compare(
        maddpg.MADDPGConfig(), learners={"MADDPG": {}}, progress=False), "learners"),
    ("compare learners unknown field", lambda: maddpg_study.compare(
        maddpg.MADDPGConfig(), learners={"a": {"lr": 1.0}, "b": {}}, progress=False), "learners"),
    ("maddpg.train env.n_envs != config.n_envs", lambda: maddpg.train(
        CooperativeNavigation(n_envs=3), maddpg.MADDPGConfig(n_envs=4), progress=False), "n_envs"),
    ("EdgeScores.add shapes", lambda: graph_attention.EdgeScores().add(
        np.ones(2, bool), np.ones(3, bool), np.ones(2, bool)), "kept"),
    ("cross_play_table results={}", lambda: maddpg_study.cross_play_table({}), "results"),
    ("cross_play_differences results={}",
     lambda: maddpg_study.cross_play_differences({}, "MADDPG", "independent DDPG"), "results"),
    ("cross_play_differences learner unknown", lambda: maddpg_study.cross_play_differences(
        maddpg_study.load_results(maddpg_study.RESULTS_PATHS["physical_deception"]), "DQN", "MADDPG"), "learner"),
    ("ensemble_learners n_sub_policies=1", lambda: maddpg_study.ensemble_learners(1), "n_sub_policies"),
    ("draw_sub_policies n_envs=0", lambda: _maddpg().draw_sub_policies(0, np.random.default_rng(0)), "n_envs"),
    ("draw_sub_policies rng=0", lambda: _maddpg().draw_sub_policies(2, 0), "rng"),
    ("greedy_metrics agents='x'", lambda: maddpg_study.greedy_metrics("x", CooperativeNavigation()), "agents"),
    ("greedy_metrics eval_seed=-1",
     lambda: maddpg_study.greedy_metrics(_maddpg(), CooperativeNavigation(n_agents=2), -1), "eval_seed"),
    ("gap_in_returns one learner", lambda: maddpg_study.gap_in_returns(_gap_finals()), "finals"),
    ("gap_in_returns one seed", lambda: maddpg_study.gap_in_returns(
        {"MADDPG": [{"return": 1.0}], "independent DDPG": [{"return": 1.0}]}), "finals"),
    ("save_results summary={}", lambda: maddpg_study.save_results({}, maddpg.MADDPGConfig(), [0], "c", 1.0,
                                                                       "unused.json"), "summary"),
    ("save_results cpu_seconds=-1", lambda: maddpg_study.save_results(
        {"episodes": [], "learners": {}}, maddpg.MADDPGConfig(), [0], "c", -1.0, "unused.json"), "cpu_seconds"),
    ("save_results config=dict", lambda: maddpg_study.save_results(
        {"episodes": [], "learners": {}}, {}, [0], "c", 1.0, "unused.json"), "config"),
    ("main --rounds 1", lambda: maddpg_study.main(["--rounds", "1", "--quiet", "--out", "unused.json"]),
     "n_rounds"),
    # ---- value decomposition
    ("monotonic_mix q_agents 1-D", lambda: _mix(q_agents=(3,)), "q_agents"),
    ("monotonic_mix w1 shape", lambda: _mix(w1=(2, 2, 4)), "w1"),
    ("monotonic_mix b1 shape", lambda: _mix(b1=(2, 3)), "b1"),
    ("monotonic_mix w2 shape", lambda: _mix(w2=(2,)), "w2"),
    ("monotonic_mix b2 shape", lambda: _mix(b2=(2, 1)), "b2"),
    ("QMixer n_agents=0", lambda: value_decomposition.QMixer(0, 3), "n_agents"),
    ("QMixer state_dim=0", lambda: value_decomposition.QMixer(2, 0), "state_dim"),
    ("QMixer embed_dim=0", lambda: value_decomposition.QMixer(2, 3, 0), "embed_dim"),
    ("QMixer.forward q_agents", lambda: value_decomposition.QMixer(2, 3, 4)(torch.zeros(5, 3), torch.zeros(5, 3)),
     "q_agents"),
    ("QMixer.forward state", lambda: value_decomposition.QMixer(2, 3, 4)(torch.zeros(5, 2), torch.zeros(5, 4)),
     "state"),
    ("make_mixer 'sum'", lambda: value_decomposition.make_mixer("sum", 2, 3), "mixer"),
    ("Learner config=dict", lambda: value_decomposition.Learner(TwoStepGame(), {"mixer": "vdn"}), "config"),
    ("Learner.td_loss batch without filled", lambda: _learner().td_loss({"obs": torch.zeros(1, 3, 2, 3)}), "batch"),
    ("run_episodes epsilon=1.5", lambda: value_decomposition.run_episodes(_learner(), TwoStepGame(), 1.5, _rng()),
     "epsilon"),
    ("run_episodes rng=0", lambda: value_decomposition.run_episodes(_learner(), TwoStepGame(), 0.5, 0), "rng"),
    ("episode_returns {}", lambda: value_decomposition.episode_returns({}), "episodes"),
    ("episode_returns shapes", lambda: value_decomposition.episode_returns(
        {"reward": np.zeros((2, 3)), "filled": np.ones((2, 2), bool)}), "episodes"),
    ("value_decomposition.train config=dict",
     lambda: value_decomposition.train(TwoStepGame(), {"mixer": "vdn"}, progress=False), "config"),
    ("value_decomposition.train seed=-1",
     lambda: value_decomposition.train(TwoStepGame(), value_decomposition.VDConfig(), seed=-1, progress=False), "seed"),
    ("value_decomposition.train progress='no'",
     lambda: value_decomposition.train(TwoStepGame(), value_decomposition.VDConfig(), progress="no"), "progress"),
    ("value_decomposition.evaluate seed=-1", lambda: value_decomposition.evaluate(_learner(), TwoStepGame(), seed=-1),
     "seed"),
    ("joint_q_table action_history", lambda: value_decomposition.joint_q_table(
        _learner("vdn"), [np.ones((2, 3))], np.zeros((1, 2)), np.ones(3)), "action_history"),
    ("joint_q_table obs_history", lambda: value_decomposition.joint_q_table(
        _learner("vdn"), np.ones((2, 3)), np.zeros((0, 2)), np.ones(3)), "obs_history"),
    ("greedy_joint_action learner='x'", lambda: value_decomposition.greedy_joint_action("x", TwoStepGame()),
     "learner"),
]


@pytest.mark.parametrize("call, match", [pytest.param(call, match, id=label) for label, call, match in FUNCTION_CASES])
def test_a_bad_argument_is_refused_and_named(call, match, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nothing a refused call might write lands in the repository
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_refused_calls_leave_no_file_behind(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for label, call, _ in FUNCTION_CASES:
        if "save" in label or "main" in label:
            with pytest.raises((ValueError, TypeError)):
                call()
    assert list(tmp_path.iterdir()) == []


def test_the_tables_cover_every_config_field_and_every_deep_module():
    assert {cls.__module__ for cls in CONFIGS} | {"marl_course.deep.common"} >= {
        m.__name__ for m in (dgn, drqn, g2anet, g2anet_ac, maddpg, mean_field, value_decomposition)}
    assert len(CONFIG_CASES) >= 300 and len(FUNCTION_CASES) >= 240


NOT_AN_ENV = object()

ENV_CASES = [
    ("drqn.train", lambda: drqn.train(NOT_AN_ENV, drqn.DRQNConfig(), progress=False)),
    ("drqn.run_episodes", lambda: drqn.run_episodes(drqn.RecurrentQNet(4, 2, 8), NOT_AN_ENV, 0.1, _rng(), 0)),
    ("drqn.evaluate", lambda: drqn.evaluate(drqn.RecurrentQNet(4, 2, 8), NOT_AN_ENV)),
    ("dgn.train", lambda: dgn.train(NOT_AN_ENV, dgn.DGNConfig(), progress=False)),
    ("dgn.evaluate", lambda: dgn.evaluate(_dgn_net(), NOT_AN_ENV)),
    ("mean_field.train", lambda: mean_field.train(NOT_AN_ENV, mean_field.MeanFieldConfig(), progress=False)),
    ("mean_field.evaluate", lambda: mean_field.evaluate(_mf_agent(), NOT_AN_ENV)),
    ("g2anet.train", lambda: g2anet.train(NOT_AN_ENV, g2anet.GACommConfig(), progress=False)),
    ("g2anet.rollout", lambda: g2anet.rollout(_gacomm(), NOT_AN_ENV, 0)),
    ("g2anet.evaluate", lambda: g2anet.evaluate(_gacomm(), NOT_AN_ENV)),
    ("g2anet_ac.train", lambda: g2anet_ac.train(NOT_AN_ENV, g2anet_ac.GAACConfig(), progress=False)),
    ("g2anet_ac.evaluate", lambda: g2anet_ac.evaluate(_gaac(), NOT_AN_ENV)),
    ("maddpg.train", lambda: maddpg.train(NOT_AN_ENV, maddpg.MADDPGConfig(), progress=False)),
    ("maddpg.train eval_env", lambda: maddpg.train(CooperativeNavigation(), maddpg.MADDPGConfig(), progress=False,
                                                   eval_env=NOT_AN_ENV)),
    ("maddpg.evaluate", lambda: maddpg.evaluate(_maddpg(), NOT_AN_ENV)),
    ("value_decomposition.Learner", lambda: value_decomposition.Learner(NOT_AN_ENV, value_decomposition.VDConfig())),
    ("value_decomposition.train", lambda: value_decomposition.train(NOT_AN_ENV, progress=False)),
    ("value_decomposition.run_episodes", lambda: value_decomposition.run_episodes(_learner(), NOT_AN_ENV, 0.1, _rng())),
]


@pytest.mark.parametrize("call", [pytest.param(call, id=label) for label, call in ENV_CASES])
def test_something_that_is_not_an_environment_is_refused_and_named(call):
    with pytest.raises(TypeError, match="env"):
        call()


SAVE_CASES = [
    ("VDConfig.epsilon(-1)", lambda: value_decomposition.VDConfig().epsilon(-1), "episode"),
    ("MADDPG.critic_input_dim(5)", lambda: _maddpg().critic_input_dim(5), r"\bi\b"),
    ("load_results not JSON", lambda: maddpg_study.load_results(__file__), "path"),
    ("two_step_q_tables learner='x'", lambda: value_decomposition.two_step_q_tables("x"), "learner"),
    ("TwoStageAttention.hard_attention query 2-D",
     lambda: g2anet.TwoStageAttention(4).hard_attention(torch.zeros(3, 4), torch.zeros(3, 4)), "query"),
    ("check_graph_inputs adjacency",
     lambda: graph_attention.check_graph_inputs(torch.zeros(2, 3, 4), "h", torch.ones(2, 3, 2) > 0), "adjacency"),
    ("check_rank", lambda: common.check_rank(torch.zeros(2), "obs", 3, "(batch, time, obs_dim)"), "obs"),
    ("check_env", lambda: common.check_env(None, ("reset",)), "env"),
]


@pytest.mark.parametrize("call, match", [pytest.param(call, match, id=label) for label, call, match in SAVE_CASES])
def test_save_load_and_small_helpers_name_a_bad_argument(call, match, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises((ValueError, TypeError), match=match):
        call()
    assert list(tmp_path.iterdir()) == []
