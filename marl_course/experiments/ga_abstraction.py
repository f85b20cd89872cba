"""Chapter 10's game-abstraction probe: does G2ANet's hard attention keep the agents that matter
when the critic's job needs them?

In the GA-AC study (:mod:`marl_course.experiments.ga_ac`) the critics keep almost every edge. Their
target, a discounted return under a policy that keeps changing, gives no edge a clear reason to
go. Here the same critic (:class:`~marl_course.deep.g2anet_ac.GACritic`, the paper's two-stage
attention) gets a job whose ground truth is exact. It is fitted by regression, off-line, to the
*next reward* (``gamma = 0``)::

    min  mean_(batch, i) ( Q_i(o_i, a_i, x_i) - r_i )^2,    so    Q_i(o, a) -> E[r_i | o, a].

On the coupled-capture worlds of the GA-AC study (:data:`ENV`, ``rule="capture"``: a prey is
caught when two predators are within one cell of it at once) the reward ``r_i`` depends on ``a_j``
only when ``i`` and ``j`` can both be within range of one prey after one move: the pairs of
:meth:`~marl_course.envs.predator_prey.PredatorPrey.relevance` with horizon 1. A critic that
predicts ``r_i`` needs the edges ``i <- j`` of those pairs and no other.

All critics learn from the same transitions, played by a fixed behaviour:
:func:`~marl_course.experiments.ga_ac.chase_rule`, with probability ``epsilon`` a uniformly
random action instead (:func:`collect`). The three critics of :data:`METHODS` differ only in
their edges (``GAACConfig.communication``). They are scored on the same held-out transitions
(:func:`reward_scores`): the squared error of ``Q_i(o, a)`` against ``r_i``, and the hard edges
(eval mode: argmax) against the ground truth. The edge scores are ``kept``, ``relevant`` (the base
rate, the precision of edges kept blind to relevance), ``precision`` and ``recall``
(:class:`~marl_course.deep.graph_attention.EdgeScores`). They also include ``kept_if_sees`` and
``kept_if_blind``: the fraction of predator ``i``'s edges ``i <- j`` kept when ``i`` sees a prey,
and when it sees none (then ``r_i`` depends on nobody: no prey is within reach of ``i``). The command::

    python -m marl_course.experiments ga_abstraction --seeds 0-7 --jobs 2 --quiet

The shipped file :data:`RESULTS_PATH` holds that run with its provenance (command, settings,
seeds, versions, CPU seconds); ``tests/test_experiment_ga_abstraction.py`` regenerates a short
version and checks it.
"""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from marl_course._validation import check_bool, check_instance, check_int, check_real
from marl_course.deep.common import seed_everything, single_thread
from marl_course.deep.g2anet_ac import GAACConfig, GACritic, at_actions, one_hot
from marl_course.deep.graph_attention import EdgeScores
from marl_course.envs.predator_prey import PredatorPrey
from marl_course.experiments.ga_ac import ENV as GA_AC_ENV
from marl_course.experiments.ga_ac import METHODS, chase_rule
from marl_course.experiments.paired import gather
from marl_course.experiments.parallel import add_run_arguments, run_seeds_timed
from marl_course.experiments.provenance import check_seeds, check_settings, provenance, read_results, study_command, write_results

RESULTS_PATH = Path(__file__).with_name("ga_abstraction.json")
"""The shipped results of the probe."""
FORMAT = "marl_course.ga_abstraction/1"
"""Identifies the layout of the results file."""
ENV = dict(GA_AC_ENV, n_envs=64)
"""The worlds: the GA-AC study's coupled capture (8 predators, 4 prey, 10 x 10, vision 2, 20 steps), 64 at once."""
DATA = dict(train_episodes=12, test_episodes=4, epsilon=0.3, test_seed=5000)
"""The transitions: 12 training and 4 held-out episodes of every world; the held-out ones are the same for every
seed (drawn from ``test_seed``), the training ones are drawn from the run's seed."""
FIT = dict(steps=1000, batch_size=128, lr=3e-3, hidden=32)
"""The regression: Adam steps, transitions per step, learning rate, the critic's feature size ``d``."""


def collect(env: dict, n_episodes: int, epsilon: float, seed: int) -> dict[str, np.ndarray]:
    """Transitions of the behaviour policy on ``PredatorPrey(**env)`` (``rule="capture"``).

    Every predator plays :func:`~marl_course.experiments.ga_ac.chase_rule`, or with probability
    ``epsilon`` a uniformly random action. Returns one row per step of a running world: ``obs``
    (M, N, 5) float32, ``action`` (M, N) int64, ``reward`` (M, N) float32, ``relevant`` (M, N, N)
    bool (``env.relevance(1)`` of the state the actions were taken in) and ``sees`` (M, N) bool
    (the predator sees a prey).

    Examples
    --------
    >>> data = collect(dict(ENV, n_envs=4), n_episodes=1, epsilon=0.3, seed=0)
    >>> data["obs"].shape[1:], data["relevant"].shape[1:], data["obs"].shape[0] <= 4 * ENV["episode_length"]
    ((8, 5), (8, 8), True)
    """
    world = PredatorPrey(**check_instance(env, "env", dict))
    if world.rule != "capture":
        raise ValueError("env must have rule='capture' (the ground truth of who matters)")
    n_episodes = check_int(n_episodes, "n_episodes", low=1)
    epsilon = check_real(epsilon, "epsilon", low=0, high=1)
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    rows = {key: [] for key in ("obs", "action", "reward", "relevant", "sees")}
    for _ in range(n_episodes):
        obs, _, _ = world.reset(seed=int(rng.integers(2**31)))
        done = np.zeros(world.n_envs, dtype=bool)
        while not done.all():
            actions = chase_rule(world, obs, rng)
            explore = rng.random(actions.shape) < epsilon
            actions = np.where(explore, rng.integers(0, world.n_actions, size=actions.shape), actions)
            running, relevant = ~world.done, world.relevance(1)
            next_obs, _, reward, done, _ = world.step(actions)
            for key, value in (("obs", obs), ("action", actions), ("reward", reward), ("relevant", relevant),
                               ("sees", obs[..., 2] > 0)):
                rows[key].append(value[running])
            obs = next_obs
    dtypes = {"obs": np.float32, "action": np.int64, "reward": np.float32, "relevant": bool, "sees": bool}
    return {key: np.concatenate(value).astype(dtypes[key]) for key, value in rows.items()}


@single_thread()
def fit_reward_critic(data: dict, communication: str, *, seed: int = 0, steps: int = FIT["steps"],
                      batch_size: int = FIT["batch_size"], lr: float = FIT["lr"], hidden: int = FIT["hidden"]) -> GACritic:
    """A :class:`~marl_course.deep.g2anet_ac.GACritic` fitted to the next reward: ``Q_i(o, a) -> r_i``.

    ``steps`` Adam steps (learning rate ``lr``) on ``mean (Q_i(o_i, a_i, x_i) - r_i)^2`` over
    ``batch_size`` transitions of ``data`` (from :func:`collect`) drawn with replacement; the hard
    edges are sampled (straight-through Gumbel-softmax) as in GA-AC's training. Returns the critic
    in eval mode (hard edges by argmax).

    Examples
    --------
    >>> data = collect(dict(ENV, n_envs=4), n_episodes=1, epsilon=0.3, seed=0)
    >>> critic = fit_reward_critic(data, "soft", steps=2, batch_size=8, hidden=8)
    >>> critic.training, critic.attention.communication
    (False, 'soft')
    """
    _check_data(data)
    seed = check_int(seed, "seed", low=0)
    steps = check_int(steps, "steps", low=1)
    batch_size = check_int(batch_size, "batch_size", low=1)
    lr = check_real(lr, "lr", low=0, low_open=True)  # named here: the config calls it critic_lr
    config = GAACConfig(hidden=hidden, communication=communication, critic_lr=lr)
    rng = seed_everything(seed)
    critic = GACritic(data["obs"].shape[-1], PredatorPrey.n_actions, config)
    optimiser = torch.optim.Adam(critic.parameters(), lr=config.critic_lr)
    obs, action, reward = (torch.as_tensor(data[key]) for key in ("obs", "action", "reward"))
    for _ in range(steps):
        rows = torch.as_tensor(rng.integers(0, len(obs), size=batch_size))
        q_all = critic(obs[rows], one_hot(action[rows], critic.n_actions))[0]  # (B, N, n_actions)
        loss = F.mse_loss(at_actions(q_all, action[rows]), reward[rows])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return critic.eval()


@single_thread()
def reward_scores(critic: GACritic, data: dict) -> dict[str, float]:
    """Scores of a fitted critic on transitions ``data``: the error of ``Q_i(o, a)`` against ``r_i``
    and the hard edges ``K_ij = W_h^{ij}`` (argmax) against the ground truth ``R_ij``.

    Returns ``mse``; ``kept``, ``relevant``, ``precision``, ``recall`` over the ordered pairs
    ``i != j`` of every transition (:class:`~marl_course.deep.graph_attention.EdgeScores`; nan
    where a denominator is empty); and ``kept_if_sees`` / ``kept_if_blind``, the fraction of the
    edges ``i <- j`` kept among those whose listener ``i`` sees a prey, and among the others.

    Examples
    --------
    >>> data = collect(dict(ENV, n_envs=4), n_episodes=1, epsilon=0.3, seed=0)
    >>> scores = reward_scores(fit_reward_critic(data, "soft", steps=2, batch_size=8, hidden=8), data)
    >>> scores["kept"], scores["recall"], scores["precision"] == scores["relevant"]   # soft keeps every edge
    (1.0, 1.0, True)
    """
    check_instance(critic, "critic", GACritic)
    _check_data(data)
    was_training = critic.training
    critic.eval()
    try:
        with torch.no_grad():
            action = torch.as_tensor(data["action"])
            q_all, hard, _ = critic(torch.as_tensor(data["obs"]), one_hot(action, critic.n_actions))
            mse = float(F.mse_loss(at_actions(q_all, action), torch.as_tensor(data["reward"])))
    finally:
        critic.train(was_training)
    kept = hard.numpy() > 0
    n = kept.shape[-1]
    pairs = np.broadcast_to(~np.eye(n, dtype=bool), kept.shape)
    edges = EdgeScores()
    edges.add(kept=kept, relevant=data["relevant"], pairs=pairs)
    sees = np.broadcast_to(data["sees"][:, :, None], kept.shape)  # the listener i sees a prey

    def share(mask):
        return float(kept[mask].mean()) if mask.any() else float("nan")

    return {"mse": mse} | edges.summary() | {"kept_if_sees": share(pairs & sees), "kept_if_blind": share(pairs & ~sees)}


def _check_data(data) -> None:
    check_instance(data, "data", dict)
    missing = {"obs", "action", "reward", "relevant", "sees"} - set(data)
    if missing:
        raise ValueError(f"data is missing the fields {sorted(missing)} (use collect)")


def run_seed(seed: int, *, env: dict, data: dict, fit: dict) -> dict:
    """One seed of :func:`compare`: training transitions drawn from ``seed``, every critic of
    :data:`METHODS` fitted from ``seed`` and scored on the held-out transitions of ``data["test_seed"]``.

    Returns ``{method: {"final": reward_scores}}`` (nan as None, for JSON).
    """
    train_data = collect(env, data["train_episodes"], data["epsilon"], seed)
    test_data = collect(env, data["test_episodes"], data["epsilon"], data["test_seed"])
    out = {}
    for name, communication in METHODS.items():
        critic = fit_reward_critic(train_data, communication, seed=seed, **fit)
        scores = reward_scores(critic, test_data)
        out[name] = {"final": {k: (None if np.isnan(v) else v) for k, v in scores.items()}}
    return out


def compare(seeds=(0, 1), *, env: dict | None = None, data: dict | None = None, fit: dict | None = None,
            jobs: int | None = 1, cluster: str | None = None, address: str | None = None,
            progress: bool = False) -> tuple[dict, float]:
    """Fit every critic of :data:`METHODS` from each seed (:func:`run_seed`) and gather the scores.

    ``env``, ``data`` and ``fit`` default to :data:`ENV`, :data:`DATA` and :data:`FIT` (a given dict
    must have the same keys). Returns ``({"methods": {name: {"final": [scores per seed]}}}, CPU
    seconds of all workers)``; the layout of the other studies, so
    :func:`marl_course.experiments.paired.gap` reads it.

    Examples
    --------
    >>> out, cpu = compare([0], env=dict(ENV, n_envs=4), data=dict(DATA, train_episodes=1, test_episodes=1),
    ...                    fit=dict(FIT, steps=2, batch_size=8, hidden=8))
    >>> sorted(out["methods"]) == sorted(METHODS), sorted(out["methods"]["GA-AC"]["final"][0])[:3]
    (True, ['kept', 'kept_if_blind', 'kept_if_sees'])
    """
    seeds = check_seeds(seeds)
    settings = {name: check_settings(value, name, default)
                for name, value, default in (("env", env, ENV), ("data", data, DATA), ("fit", fit, FIT))}
    PredatorPrey(**settings["env"])  # names a bad field here, not in a worker
    check_bool(progress, "progress")
    per_seed, cpu_seconds = run_seeds_timed(partial(run_seed, **settings), seeds, jobs=jobs, cluster=cluster,
                                            address=address, progress=progress, desc="ga_abstraction seeds")
    return gather(per_seed, METHODS, {"final": "final"}), cpu_seconds


def load_results(path=RESULTS_PATH) -> dict:
    """Read a results file written by :func:`main`, checking its format tag.

    Examples
    --------
    >>> results = load_results()
    >>> sorted(results["methods"]) == sorted(METHODS), results["provenance"]["command"].split()[3]
    (True, 'ga_abstraction')
    """
    return read_results(path, FORMAT)


def main(argv=None) -> None:
    """Command line: run :func:`compare` and write the results file (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m marl_course.experiments ga_abstraction",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=FIT["steps"], help="Adam steps per critic")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_run_arguments(parser, default_seeds="0-7")
    args = parser.parse_args(argv)
    settings = {"env": ENV, "data": DATA, "fit": dict(FIT, steps=args.steps)}
    summary, cpu_seconds = compare(args.seeds, **settings, jobs=args.jobs, cluster=args.cluster,
                                   address=args.address, progress=not args.quiet)
    write_results(RESULTS_PATH if args.out is None else Path(args.out), FORMAT,
                  provenance(study_command("ga_abstraction", argv), settings, args.seeds, cpu_seconds), summary)
