"""Chapter 10's second GA-Comm study: predator-prey with liars, where choosing whom to hear is necessary.

On the traffic junction no car needs a message, so GA-Comm's hard attention has nothing to do. Here
it has: three predators search a 5 x 5 grid for a prey they see only within one cell, and two
*distractors* join every world (:class:`~marl_course.envs.predator_prey.PredatorPrey` with
``n_distractors=2``). A distractor does not move or earn anything, but its observation claims, at
every step, that the prey is in sight next to a decoy cell, in the very form of a real sighting;
only an identity entry of the observation gives it away. A predator that hears the liars is sent
to the decoy. The ground truth of relevance is known: every predator-predator edge is relevant,
every edge to or from a distractor is not (base rate ``6 / 20 = 0.3``).

Scripted policies show what listening is worth on these worlds (:func:`scripted_metrics`): a
predator walks to the prey when it sees it, and otherwise to the mean of the cells claimed by the
agents it listens to (everyone, the predators only, or nobody: a random walk).

The three policies of :data:`~marl_course.experiments.ga_comm.METHODS` (GA-Comm, full soft
attention, no communication) are trained with REINFORCE (:func:`marl_course.deep.g2anet.train`;
the distractors' own actions are not learned from) from the same seeds and scored on the same fresh
worlds by :func:`liar_metrics`: success rate, the predators' mean return, the hard attention's
kept edges against the ground truth (kept fraction, precision, recall; the base rate is the
precision of edges kept at random), and the final weights ``W_h W_s`` a predator puts on a
distractor and on another predator (the soft analogue: 1/4 each for uniform attention over the
four others). The command::

    python -m marl_course.experiments ga_comm_distractors --seeds 0-4 --jobs 1 --updates 1000 --quiet

The shipped file :data:`RESULTS_PATH` holds that run with its provenance (the command, the
configuration, the seeds, the versions and the CPU seconds of all workers);
``tests/test_experiment_ga_comm_distractors.py`` regenerates a short version and checks its format.
The figure's scene (:data:`SCENE_PATH`, :func:`record_scene`) comes from::

    python -m marl_course.experiments ga_comm_distractors --scene --seeds 0 --updates 1000
Paired gaps between methods come from :func:`marl_course.experiments.paired.gap`.
"""

from __future__ import annotations

import time
from dataclasses import asdict, replace
from functools import partial
from pathlib import Path

import numpy as np
import torch

from marl_course._validation import check_bool, check_choice, check_instance, check_int
from marl_course.deep.g2anet import GAComm, GACommConfig, record_episode, rollout, train
from marl_course.deep.common import single_thread
from marl_course.deep.graph_attention import EdgeScores
from marl_course.envs.predator_prey import PredatorPrey
from marl_course.experiments.ga_comm import METHODS
from marl_course.experiments.paired import gather
from marl_course.experiments.parallel import run_seeds_timed, training_study
from marl_course.experiments.provenance import check_seeds, check_settings, provenance, read_results, study_command, write_results

RESULTS_PATH = Path(__file__).with_name("ga_comm_distractors.json")
"""The shipped results of the study."""
FORMAT = "marl_course.ga_comm_distractors/1"
"""Identifies the layout of the results file."""
SCENE_PATH = Path(__file__).with_name("ga_comm_distractors_scene.json")
"""The shipped scene: one episode of the GA-Comm of seed 0 (:func:`record_scene`), for the figure."""
SCENE_FORMAT = "marl_course.ga_comm_distractors_scene/1"
"""Identifies the layout of the scene file."""
ENV = dict(n_envs=32, n_predators=3, size=5, vision=1, episode_length=10, n_distractors=2)
"""The training worlds: 3 predators and 2 liars, 5 x 5, vision 1, 10 steps."""
CONFIG = GACommConfig(n_updates=1000, gamma=0.9, lr=3e-3)
"""The shared training setting (the study's defaults); ``communication`` is set per method."""
EVAL = dict(n_envs=256, n_episodes=2, seed=123)
"""The scoring: 2 x 256 fresh episodes from ``seed``, the same for every run."""
SCRIPTS = ("nobody", "everyone", "predators")
"""Whom a scripted predator listens to (:func:`scripted_actions`)."""


def _toward(delta: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The move along the larger component of ``delta`` (..., 2); a random move where ``delta`` is 0."""
    rows, cols = delta[..., 0], delta[..., 1]
    along_rows = np.abs(rows) >= np.abs(cols)
    # the grid's actions: 1 up (-row), 2 down (+row), 3 left (-column), 4 right (+column)
    moves = np.where(along_rows, np.where(rows > 0, 2, 1), np.where(cols > 0, 4, 3))
    return np.where((rows == 0) & (cols == 0), rng.integers(1, 5, size=moves.shape), moves)


def scripted_actions(env: PredatorPrey, obs: np.ndarray, listen: str, rng: np.random.Generator) -> np.ndarray:
    """A hand-written policy reading the observations ``obs`` (E, N, 6) of a world with distractors.

    A predator that sees the prey steps towards it. Otherwise it steps towards the mean (rounded)
    of the prey cells claimed by the agents it listens to (``listen``: ``"everyone"``, the
    ``"predators"`` only, or ``"nobody"``), a claimed cell being the speaker's position plus its
    claimed offset; with no claim, or on the claimed cell, it moves at random. The distractors'
    actions are 0. Returns the actions (E, N).

    Examples
    --------
    >>> env = PredatorPrey(n_envs=1, n_predators=2, size=5, vision=0, n_distractors=1)
    >>> obs, _, _ = env.reset(seed=0)
    >>> env.predator_pos[0], env.prey_pos[0], env.distractor_pos[0], env.decoy_pos[0] = [[0, 0], [2, 2]], [2, 2], [[0, 4]], [0, 4]
    >>> obs = env.observe()
    >>> rng = np.random.default_rng(0)
    >>> scripted_actions(env, obs, "predators", rng)[0, 0], scripted_actions(env, obs, "everyone", rng)[0, 0]  # down; right
    (np.int64(2), np.int64(4))
    """
    check_instance(env, "env", PredatorPrey)
    check_choice(listen, "listen", SCRIPTS)
    if env.n_distractors == 0:
        raise ValueError("env: scripted_actions needs a world with distractors (n_distractors > 0)")
    obs = np.asarray(obs)
    if obs.shape != (env.n_envs, env.n_agents, env.obs_dim):
        raise ValueError(f"obs must have shape {(env.n_envs, env.n_agents, env.obs_dim)}, got {obs.shape}")
    n_pred = env.n_predators
    position = np.rint(obs[..., :2] * (env.size - 1)).astype(int)  # (E, N, 2)
    sees = obs[..., 2] > 0
    claim = position + np.rint(obs[..., 3:5] * env.size).astype(int)  # where each agent says the prey is
    speakers = {"everyone": np.ones(env.n_agents, bool), "predators": env.controlled,
                "nobody": np.zeros(env.n_agents, bool)}[listen]
    heard = (sees & speakers).astype(float)  # (E, N)
    target, told = np.zeros((env.n_envs, n_pred, 2)), np.zeros((env.n_envs, n_pred), bool)
    for i in range(n_pred):
        weight = heard.copy()
        weight[:, i] = 0.0
        count = weight.sum(axis=1)
        target[:, i] = np.rint((weight[..., None] * claim).sum(axis=1) / np.maximum(count, 1)[:, None])
        told[:, i] = count > 0
    own = sees[:, :n_pred]
    target = np.where(own[..., None], claim[:, :n_pred], target)
    delta = np.where((own | told)[..., None], target - position[:, :n_pred], 0).astype(int)
    return np.concatenate([_toward(delta, rng), np.zeros((env.n_envs, env.n_distractors), int)], axis=1)


def scripted_metrics(env: PredatorPrey, listen: str, *, n_episodes: int = 1, seed: int = 0) -> dict:
    """Success rate and the predators' mean return of :func:`scripted_actions` (``listen``) on
    ``n_episodes`` resets of ``env``.

    Examples
    --------
    >>> env = PredatorPrey(n_envs=256, size=5, vision=1, n_distractors=2)
    >>> rates = [scripted_metrics(env, listen, seed=0)["success_rate"] for listen in SCRIPTS]
    >>> rates[0] < rates[1] < rates[2]          # nobody < everyone (liars too) < the predators only
    True
    """
    check_instance(env, "env", PredatorPrey)
    n_episodes = check_int(n_episodes, "n_episodes", low=1)
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    success, returns = [], []
    for _ in range(n_episodes):
        obs, _, info = env.reset(seed=int(rng.integers(2**31)))
        done, total = np.zeros(env.n_envs, dtype=bool), np.zeros((env.n_envs, env.n_predators))
        while not done.all():
            obs, _, reward, done, info = env.step(scripted_actions(env, obs, listen, rng))
            total += reward[:, : env.n_predators]
        success.append(info["success"].mean())
        returns.append(total.mean())
    return {"success_rate": float(np.mean(success)), "return": float(np.mean(returns))}


@single_thread()
def liar_metrics(model: GAComm, env: PredatorPrey, *, n_episodes: int = 1, seed: int = 0) -> dict[str, float]:
    """Score a policy on predator-prey with distractors, and its graph against the ground truth.

    Plays ``n_episodes`` resets of ``env`` (eval mode: hard edges by argmax, actions sampled) and returns

    - ``success_rate`` and ``return``, the mean return of a real predator per episode;
    - the hard edges ``K_ij = W_h^{ij}`` (``i`` hears ``j``) over the ordered pairs ``i != j`` at
      every step of a running world, against ``R`` = :meth:`PredatorPrey.relevance` (predator
      pairs): ``kept``, ``relevant`` (the base rate), ``precision`` and ``recall``
      (:class:`~marl_course.deep.graph_attention.EdgeScores`);
    - ``kept_predator`` and ``kept_distractor``: the fraction of a predator's edges to another
      predator, and to a distractor, that are kept;
    - ``weight_predator`` and ``weight_distractor``: the mean final weight ``W_h W_s`` a predator
      puts on one other predator, and on one distractor (1 / (N - 1) each for uniform attention; with
      hard attention ``W_s`` still normalises over every other agent, a cut edge entering with logit
      0, so the kept weights of a row sum to less than 1: :func:`~marl_course.deep.g2anet.two_stage_weights`).

    Examples
    --------
    >>> env = PredatorPrey(n_envs=8, n_distractors=2)
    >>> _ = torch.manual_seed(0)
    >>> scores = liar_metrics(GAComm(env.obs_dim, 5, GACommConfig(hidden=8, communication="soft")), env)
    >>> scores["kept"], scores["recall"], scores["precision"] == scores["relevant"] == 0.3   # all edges kept
    (1.0, 1.0, True)
    """
    check_instance(model, "model", GAComm)
    check_instance(env, "env", PredatorPrey)
    if env.n_distractors == 0:
        raise ValueError("env: liar_metrics needs a world with distractors (n_distractors > 0)")
    n_episodes = check_int(n_episodes, "n_episodes", low=1)
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    generator = torch.Generator().manual_seed(int(rng.integers(2**31)))
    edges = EdgeScores()
    real = env.controlled
    others = ~np.eye(env.n_agents, dtype=bool)
    to_predator = real[:, None] & real[None, :] & others  # (N, N): predator i hears predator j
    to_liar = real[:, None] & ~real[None, :]
    sums = dict(kept_predator=0.0, kept_distractor=0.0, weight_predator=0.0, weight_distractor=0.0)
    counts = dict(predator=0, distractor=0)
    captured = {}
    hook = model.attention.register_forward_hook(lambda module, inputs, output: captured.update(weights=output[2]))

    def score(env_, hard, present):
        running = ~env_.done  # the worlds before this step
        kept, weights = hard.numpy() > 0, captured["weights"].numpy()
        edges.add(kept=kept, relevant=env_.relevance(1), pairs=others[None] & running[:, None, None])
        for kind, mask in (("predator", to_predator), ("distractor", to_liar)):
            selected = mask[None] & running[:, None, None]
            sums["kept_" + kind] += float(kept[selected].sum())
            sums["weight_" + kind] += float(weights[selected].sum())
            counts[kind] += int(selected.sum())

    was_training = model.training
    model.eval()
    success, returns = [], []
    try:
        with torch.no_grad():
            for _ in range(n_episodes):
                batch = rollout(model, env, int(rng.integers(2**31)), generator, on_step=score)
                success.append(batch["success"].mean())
                returns.append(float(batch["reward"].sum(0)[:, real].mean()))
    finally:
        hook.remove()
        model.train(was_training)
    out = {"success_rate": float(np.mean(success)), "return": float(np.mean(returns))} | edges.summary()
    return out | {key: value / max(counts[key.split("_")[1]], 1) for key, value in sums.items()}


def run_seed(seed: int, *, config: GACommConfig, env: dict, evaluation: dict, block: int,
             progress: bool = False) -> dict:
    """One seed of :func:`compare`: every method trained from ``seed`` and scored by :func:`liar_metrics`.

    Returns ``{method: {"curve": [mean training success per block of updates], "final": metrics}}``.
    """
    n_blocks = config.n_updates // block
    eval_env = PredatorPrey(**{**env, "n_envs": evaluation["n_envs"]})
    out = {}
    for name, communication in METHODS.items():
        history = train(PredatorPrey(**env), replace(config, communication=communication), seed=seed, progress=progress)
        success = np.asarray(history.metrics["success_rate"][: n_blocks * block]).reshape(n_blocks, block)
        final = liar_metrics(history.model, eval_env, n_episodes=evaluation["n_episodes"], seed=evaluation["seed"])
        out[name] = {"curve": success.mean(axis=1).tolist(), "final": final}
    return out


def compare(config: GACommConfig = CONFIG, seeds=(0, 1), *, env: dict | None = None, evaluation: dict | None = None,
            block: int = 10, progress: bool = True, jobs: int | None = 1, cluster: str | None = None,
            address: str | None = None) -> tuple[dict, float]:
    """Train every method of :data:`~marl_course.experiments.ga_comm.METHODS` from each seed and summarise.

    Parameters as :func:`marl_course.experiments.ga_comm.compare`, with ``env`` the keyword
    arguments of the training :class:`PredatorPrey` (default :data:`ENV`; it must have distractors)
    and ``evaluation`` those of the scoring (default :data:`EVAL`).

    Returns
    -------
    (dict, float)
        The summary: ``updates`` (the update count at the end of each block), ``scripted``
        (:func:`scripted_metrics` of every listener in :data:`SCRIPTS` on the scoring worlds) and,
        per method, ``curves`` ``(n_seeds, n_blocks)`` and ``final`` (one :func:`liar_metrics`
        dict per seed); and the CPU seconds of all workers.

    Examples
    --------
    >>> out, cpu = compare(GACommConfig(n_updates=2, hidden=8), seeds=[0], env=dict(ENV, n_envs=4), block=1,
    ...                    evaluation=dict(EVAL, n_envs=8, n_episodes=1), progress=False)
    >>> out["updates"], sorted(out["scripted"]), sorted(out["methods"]["GA-Comm"]["final"][0])[:3]
    ([1, 2], ['everyone', 'nobody', 'predators'], ['kept', 'kept_distractor', 'kept_predator'])
    """
    check_instance(config, "config", GACommConfig)
    seeds = check_seeds(seeds)
    env = check_settings(env, "env", ENV, same_keys=False)
    evaluation = check_settings(evaluation, "evaluation", EVAL)
    if PredatorPrey(**env).n_distractors == 0:  # also names a bad field now, not in a worker
        raise ValueError("env must have distractors (n_distractors > 0)")
    block = check_int(block, "block", low=1, high=config.n_updates)
    check_bool(progress, "progress")
    run_one = partial(run_seed, config=config, env=env, evaluation=evaluation, block=block,
                      progress=progress and jobs == 1 and cluster is None)
    per_seed, cpu_seconds = run_seeds_timed(run_one, seeds, jobs=jobs, cluster=cluster, address=address)
    n_blocks = config.n_updates // block
    eval_env = PredatorPrey(**{**env, "n_envs": evaluation["n_envs"]})
    summary = {"updates": [(b + 1) * block for b in range(n_blocks)],
               "scripted": {listen: scripted_metrics(eval_env, listen, n_episodes=evaluation["n_episodes"],
                                                     seed=evaluation["seed"]) for listen in SCRIPTS},
               **gather(per_seed, METHODS, {"curves": "curve", "final": "final"})}
    return summary, cpu_seconds


def record_scene(seed: int = 0, *, config: GACommConfig = CONFIG, env: dict | None = None, scene_seed: int = 3,
                 evaluation: dict | None = None) -> dict:
    """GA-Comm trained from ``seed`` as in :func:`run_seed`, then one episode of one world recorded for a figure.

    Returns ``{"frames": [...], "final": metrics}``: per step the lists ``predator_pos``,
    ``prey_pos``, ``distractor_pos``, ``decoy_pos``, ``hard`` and ``weights``
    (:func:`~marl_course.deep.g2anet.record_episode` with ``scene_seed``, plus the liars), and the
    model's :func:`liar_metrics` on the scoring worlds, which equal the study's ``final`` of the
    same seed when both ran on one machine (training is deterministic there).

    Examples
    --------
    >>> scene = record_scene(config=GACommConfig(n_updates=1, hidden=8), env=dict(ENV, n_envs=2),
    ...                      evaluation=dict(EVAL, n_envs=4, n_episodes=1))
    >>> len(scene["frames"][0]["hard"]), sorted(scene["frames"][0])[:3]
    (5, ['decoy_pos', 'distractor_pos', 'hard'])
    """
    check_instance(config, "config", GACommConfig)
    env = check_settings(env, "env", ENV, same_keys=False)
    evaluation = check_settings(evaluation, "evaluation", EVAL, same_keys=False)
    model = train(PredatorPrey(**env), replace(config, communication=METHODS["GA-Comm"]),
                  seed=check_int(seed, "seed", low=0), progress=False).model
    final = liar_metrics(model, PredatorPrey(**{**env, "n_envs": evaluation["n_envs"]}),
                         n_episodes=evaluation["n_episodes"], seed=evaluation["seed"])
    world = PredatorPrey(**{**env, "n_envs": 1})
    frames = record_episode(model, world, seed=check_int(scene_seed, "scene_seed", low=0))
    liars = {"distractor_pos": world.distractor_pos[0].tolist(), "decoy_pos": world.decoy_pos[0].tolist()}
    return {"frames": [{key: np.asarray(value).tolist() for key, value in frame.items()} | liars for frame in frames],
            "final": final}


def load_scene(path=SCENE_PATH) -> dict:
    """Read a scene file written by ``main(["--scene", ...])``, checking its format tag; the frames' entries as arrays."""
    scene = read_results(path, SCENE_FORMAT)
    scene["frames"] = [{key: np.asarray(value) for key, value in frame.items()} for frame in scene["frames"]]
    return scene


def load_results(path=RESULTS_PATH) -> dict:
    """Read a results file written by :func:`main`, checking its format tag.

    Examples
    --------
    >>> results = load_results()
    >>> sorted(results["methods"]) == sorted(METHODS), results["provenance"]["command"].split()[3]
    (True, 'ga_comm_distractors')
    """
    return read_results(path, FORMAT)


def write_scene(argv, args, config: GACommConfig, env: dict, evaluation: dict) -> None:
    """``--scene``: :func:`record_scene` from the first seed, written to :data:`SCENE_PATH` (or ``--out``) with its provenance."""
    start = time.process_time()
    scene = record_scene(args.seeds[0], config=config, env=env, evaluation=evaluation)
    settings = {"training": asdict(config), "env": env, "evaluation": evaluation, "scene_seed": 3}
    write_results(SCENE_PATH if args.out is None else Path(args.out), SCENE_FORMAT,
                  provenance(study_command("ga_comm_distractors", argv), settings, args.seeds[:1],
                             time.process_time() - start), scene)


def main(argv=None) -> None:
    """Command line: run :func:`compare` and write the results file, or with ``--scene`` the scene file
    (see the module docstring)."""
    training_study("ga_comm_distractors", argv, doc=__doc__, config=CONFIG, length="updates", unit="update", env=ENV,
                   evaluation=EVAL, compare=compare, path=RESULTS_PATH, format=FORMAT, scene=write_scene)
