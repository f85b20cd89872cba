"""Chapter 6's study: DQN and DRQN trained at one flicker probability, played at others.

Hausknecht & Stone's generalisation experiment: a network trained on
``CartPole(flicker=p_train)`` (each frame blanked with probability ``p_train``) is played greedily,
without further learning, at every evaluation probability ``p``. Each run's return is read beside
its return at its own training ``p`` (:func:`relative_scores`): the paper's "percentage of the
original score", here optionally floor-adjusted, ``(R(p) - R_random) / (R(p_train) - R_random)``, so
that a policy collapsing to the random policy's return keeps 0, not the random share.

The notebook runs a seed live; the command line runs more, in parallel
(:mod:`marl_course.experiments.parallel`), and writes a JSON file with its provenance. The shipped
files :data:`RESULTS_PATHS` were written by::

    python -m marl_course.experiments flicker --frames 4 --sequential --max-steps 100 --total-steps 8000 --seeds 0-9
    python -m marl_course.experiments flicker --hide-velocity --frames 10 --max-steps 200 --total-steps 20000 --seeds 0-9

the first with the full state observed, where one visible frame is the state (and DRQN's two update
schemes side by side), the second with the
velocities hidden, where no single frame is (``--out`` writes elsewhere).

Every ``(learner, seed)`` trains on its own seed, and every network is evaluated with one
evaluation seed, so at each ``p`` all networks meet the same initial states and the same blanking.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

import numpy as np

from marl_course._validation import as_finite_array, check_bool, check_int, check_real
from marl_course.deep.drqn import DRQNConfig, evaluate, train
from marl_course.envs.cartpole import CartPole, random_policy_return
from marl_course.experiments.parallel import add_run_arguments, run_seeds_timed
from marl_course.experiments.provenance import check_seeds, provenance, read_results, study_command, write_results

FORMAT = "marl_course.experiments.flicker/1"
"""Identifies the layout of the results file."""
RESULTS_PATHS = {"full_state": Path(__file__).with_name("flicker_full_state.json"),
                 "hidden_velocity": Path(__file__).with_name("flicker_hidden_velocity.json")}
"""The shipped studies (see the module docstring): full state observed, and velocities hidden."""
EVAL_SEED = 10_000
"""The evaluation episodes' seed, the same for every network."""


@dataclass
class RobustnessResult:
    """What :func:`flicker_robustness` returns: greedy returns over an evaluation sweep of flicker p."""

    eval_flicker: np.ndarray
    """The evaluation flicker probabilities p, shape (n_p,)."""
    scores: dict
    """``label -> array (n_seeds, n_p)``: mean greedy return of each seed's network at each p."""
    without_memory: dict
    """``label -> array (n_seeds, n_p)``: the same networks on the same episodes with their memory wiped
    before every step (:func:`marl_course.deep.drqn.run_episodes` with ``memory=False``): the ablation."""
    curves: dict
    """``label -> list of (steps, returns)``, one training curve per seed."""
    cpu_seconds: float = 0.0
    """CPU seconds of all the workers that trained and evaluated the networks (0 when loaded from a file)."""


def run_seed(seed: int, *, configs: dict, train_flicker: float, eval_flicker: np.ndarray, hide_velocity: bool,
             visible_flag: bool, n_envs: int, max_steps: int, eval_envs: int) -> dict:
    """One seed of :func:`flicker_robustness`: ``label -> {"steps", "returns", "scores", "without_memory"}``."""
    train_env = CartPole(n_envs, train_flicker, hide_velocity, max_steps, visible_flag=visible_flag)
    evaluation = [CartPole(eval_envs, p, hide_velocity, max_steps, visible_flag=visible_flag) for p in eval_flicker]
    out = {}
    for label, config in configs.items():
        history = train(train_env, config, seed=seed, progress=False)
        out[label] = {"steps": history.steps, "returns": history.train_return,
                      "scores": [evaluate(history.model, env, seed=EVAL_SEED) for env in evaluation],
                      "without_memory": [evaluate(history.model, env, seed=EVAL_SEED, memory=False)
                                         for env in evaluation]}
    return out


def flicker_robustness(configs: dict, train_flicker: float, eval_flicker, seeds=(0, 1, 2), *,
                       hide_velocity: bool = False, visible_flag: bool = False, n_envs: int = 8, max_steps: int = 100,
                       eval_envs: int = 32, progress: bool = True, jobs: int | None = 1, cluster: str | None = None,
                       address: str | None = None) -> RobustnessResult:
    """Train each config at one flicker probability, then evaluate it greedily at every ``eval_flicker``.

    Every ``(label, seed)`` trains on ``CartPole(n_envs, train_flicker, hide_velocity, max_steps,
    visible_flag=visible_flag)`` and is evaluated on ``eval_envs`` episodes per ``p`` with one
    evaluation seed (:data:`EVAL_SEED`).

    Parameters
    ----------
    configs : dict
        ``label -> DRQNConfig``.
    train_flicker : float
        p of the training environment.
    eval_flicker : array_like, shape (n_p,)
        Evaluation flicker probabilities, each in [0, 1].
    seeds : sequence of int
        One training run per seed and label.
    hide_velocity, visible_flag, n_envs, max_steps : see :class:`~marl_course.envs.cartpole.CartPole`.
    eval_envs : int
        Episodes per evaluation point.
    progress : bool
        A tqdm bar over the seeds.
    jobs, cluster, address
        Where the seeds run (:func:`marl_course.experiments.parallel.run_seeds`); the result does
        not depend on it.

    Returns
    -------
    RobustnessResult

    Examples
    --------
    >>> result = flicker_robustness({"DRQN": DRQNConfig(total_steps=60, learning_starts=20, hidden=8)},
    ...                             0.5, [0.0, 1.0], seeds=(0,), max_steps=10, eval_envs=4, progress=False)
    >>> result.scores["DRQN"].shape
    (1, 2)
    """
    environment = dict(hide_velocity=hide_velocity, visible_flag=visible_flag, n_envs=n_envs, max_steps=max_steps,
                       eval_envs=eval_envs)
    if not isinstance(configs, dict) or not configs or not all(isinstance(c, DRQNConfig) for c in configs.values()):
        raise TypeError("configs must be a non-empty dict of label -> DRQNConfig")
    p_eval = np.asarray(eval_flicker, dtype=float)
    if p_eval.ndim != 1 or p_eval.size == 0 or np.any((p_eval < 0) | (p_eval > 1)):
        raise ValueError(f"eval_flicker must be a non-empty 1-D array of probabilities in [0, 1], got {eval_flicker!r}")
    seeds = check_seeds(seeds)
    check_real(train_flicker, "train_flicker", low=0, high=1)
    for name in ("n_envs", "max_steps", "eval_envs"):
        check_int(environment[name], name, low=1)
    for name in ("hide_velocity", "visible_flag"):
        check_bool(environment[name], name)
    run_one = partial(run_seed, configs=configs, train_flicker=train_flicker, eval_flicker=p_eval, **environment)
    per_seed, cpu_seconds = run_seeds_timed(run_one, seeds, jobs=jobs, cluster=cluster, address=address,
                                            progress=progress, desc=f"seeds trained at p = {train_flicker:g}")
    return RobustnessResult(
        eval_flicker=p_eval,
        scores={label: np.array([run[label]["scores"] for run in per_seed]) for label in configs},
        without_memory={label: np.array([run[label]["without_memory"] for run in per_seed]) for label in configs},
        curves={label: [(run[label]["steps"], run[label]["returns"]) for run in per_seed] for label in configs},
        cpu_seconds=cpu_seconds)


def relative_scores(scores, eval_flicker, reference: float, floor: float = 0.0) -> np.ndarray:
    """Each run's returns relative to its own return at the flicker probability ``reference``.

    ``(R(p) - floor) / (R(reference) - floor)`` per run: with ``floor = 0`` the paper's
    "percentage of the original score"; with ``floor`` the random policy's return, the share of
    what the run gained over random play that survives (0: no better than random).

    Parameters
    ----------
    scores : array_like, shape (n_seeds, n_p)
    eval_flicker : array_like, shape (n_p,)
        Must contain ``reference``.
    reference : float
    floor : float

    Returns
    -------
    numpy.ndarray, shape (n_seeds, n_p)

    Examples
    --------
    >>> relative_scores([[100.0, 50.0], [80.0, 60.0]], [0.0, 0.5], reference=0.0).tolist()
    [[1.0, 0.5], [1.0, 0.75]]
    >>> relative_scores([[100.0, 20.0]], [0.0, 0.5], reference=0.0, floor=20.0).tolist()
    [[1.0, 0.0]]
    """
    scores = as_finite_array(scores, "scores", ndim=2)
    p = as_finite_array(eval_flicker, "eval_flicker", ndim=1)
    reference = check_real(reference, "reference")
    floor = check_real(floor, "floor")
    match = np.flatnonzero(np.isclose(p, reference))
    if scores.shape[1] != len(p) or len(match) == 0:
        raise ValueError(f"eval_flicker must have one entry per column of scores ({scores.shape[1]}) and contain "
                         f"reference={reference!r}")
    if np.any(scores[:, match[0]] == floor):
        raise ValueError(f"scores at the reference flicker (reference={reference!r}) must differ from floor "
                         f"({floor!r}): a run scoring the floor there has no relative score")
    return (scores - floor) / (scores[:, match[:1]] - floor)


def retention(study: RobustnessResult, p_train: float, floor: float = 0.0) -> dict:
    """Per learner, each seed's mean over the evaluation ``p != p_train`` of :func:`relative_scores`.

    With ``floor`` the random policy's return, 1 means the run kept everything it gained over
    random play when the observation quality changed, 0 that it fell to random play.

    >>> study = RobustnessResult(np.array([0.0, 0.5, 1.0]), {"A": np.array([[100.0, 60.0, 20.0]])}, {}, {})
    >>> retention(study, 0.0, floor=20.0)["A"].tolist()
    [0.25]
    """
    p = as_finite_array(study.eval_flicker, "study.eval_flicker", ndim=1)
    others = ~np.isclose(p, check_real(p_train, "p_train", low=0, high=1))
    if not others.any():
        raise ValueError(f"study.eval_flicker must hold a probability other than p_train={p_train!r}")
    return {label: relative_scores(s, p, p_train, floor)[:, others].mean(axis=1) for label, s in study.scores.items()}


def learners(frames: int, sequential: bool = False) -> dict:
    """The study's learners, ``label -> DRQNConfig`` fields: DQN on ``frames`` stacked frames and DRQN
    with bootstrapped random updates, and with ``sequential`` DRQN with sequential updates too.

    >>> list(learners(4, sequential=True))
    ['DQN (k = 4)', 'DRQN (random updates)', 'DRQN (sequential updates)']
    """
    frames = check_int(frames, "frames", low=1)
    out = {f"DQN (k = {frames})": dict(recurrent=False, n_frames=frames), "DRQN (random updates)": dict(recurrent=True)}
    if check_bool(sequential, "sequential"):
        out["DRQN (sequential updates)"] = dict(recurrent=True, update="sequential")
    return out


def load_results(path=RESULTS_PATHS["hidden_velocity"]) -> dict:
    """A results file written by :func:`main` (a name of :data:`RESULTS_PATHS` or a path): ``studies``
    maps ``p_train`` (float) to a :class:`RobustnessResult`, with the ``provenance`` and the
    ``random_return`` floor beside it.

    >>> shipped = load_results("hidden_velocity")
    >>> sorted(shipped["studies"]), len(shipped["provenance"]["seeds"]) >= 10
    ([0.0, 0.5], True)
    """
    raw = read_results(RESULTS_PATHS.get(path, path) if isinstance(path, str) else path, FORMAT)
    studies = {float(p): RobustnessResult(eval_flicker=np.asarray(raw["eval_flicker"]),
                                          scores={label: np.asarray(s) for label, s in study["scores"].items()},
                                          without_memory={label: np.asarray(s)
                                                          for label, s in study["without_memory"].items()},
                                          curves={label: [tuple(c) for c in curves]
                                                  for label, curves in study["curves"].items()})
               for p, study in raw["studies"].items()}
    return {"provenance": raw["provenance"], "random_return": raw["random_return"], "studies": studies}


def main(argv=None) -> None:
    """Command line: train at each ``--train-flicker``, evaluate over ``--eval-flicker``, write the file."""
    parser = argparse.ArgumentParser(prog="python -m marl_course.experiments flicker",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--hide-velocity", action="store_true", help="observe positions only (one frame is not the state)")
    parser.add_argument("--frames", type=int, default=10, help="DQN's stacked frames k (the paper's: 10)")
    parser.add_argument("--sequential", action="store_true", help="add DRQN with sequential updates")
    parser.add_argument("--max-steps", type=int, default=200, help="episode cap (the notebook's: 100)")
    parser.add_argument("--total-steps", type=int, default=20_000, help="training steps per run")
    parser.add_argument("--learning-starts", type=int, default=DRQNConfig.learning_starts,
                        help="steps collected before the first update")
    parser.add_argument("--train-flicker", type=float, nargs="+", default=[0.0, 0.5])
    parser.add_argument("--eval-flicker", type=float, nargs="+", default=[0.0, 0.25, 0.5, 0.75, 1.0])
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    add_run_arguments(parser, default_seeds="0-9")
    args = parser.parse_args(argv)
    configs = {label: DRQNConfig(total_steps=args.total_steps, learning_starts=args.learning_starts, **fields)
               for label, fields in learners(args.frames, args.sequential).items()}
    environment = dict(hide_velocity=args.hide_velocity, visible_flag=False, n_envs=8, max_steps=args.max_steps,
                       eval_envs=32)
    studies, cpu_seconds = {}, 0.0
    for p_train in args.train_flicker:
        result = flicker_robustness(configs, p_train, args.eval_flicker, args.seeds, progress=not args.quiet,
                                    jobs=args.jobs, cluster=args.cluster, address=args.address, **environment)
        cpu_seconds += result.cpu_seconds
        studies[str(p_train)] = {"scores": {label: s.tolist() for label, s in result.scores.items()},
                                 "without_memory": {label: s.tolist() for label, s in result.without_memory.items()},
                                 "curves": {label: [list(c) for c in curves] for label, curves in result.curves.items()}}
    floor = random_policy_return(CartPole(256, 0.0, args.hide_velocity, args.max_steps))
    config = {"learners": {label: asdict(c) for label, c in configs.items()}, **environment,
              "train_flicker": args.train_flicker, "eval_flicker": args.eval_flicker, "eval_seed": EVAL_SEED}
    command = study_command("flicker", argv)
    out = RESULTS_PATHS["hidden_velocity" if args.hide_velocity else "full_state"] if args.out is None else Path(args.out)
    write_results(out, FORMAT,
                  provenance(command, config, args.seeds, cpu_seconds),
                  {"eval_flicker": args.eval_flicker, "random_return": floor, "studies": studies})
