"""The one contract of the tabular learners, and the one loop that trains and tests them.

Every tabular agent (Q-learning, Minimax-Q, Friend-or-Foe Q, Nash-Q, PHC, WoLF-PHC and the
non-learning :class:`FixedPolicy`) has

* ``act(state, rng) -> action``: its action in ``state``, drawn with the generator ``rng``;
* ``update(transition)``: learn from one :class:`Transition` ``(s, a, r, s')``, where ``a`` is the
  *joint* action and ``r`` holds every player's reward. All players get the same object; a learner
  reads its own part, ``transition.actions[self.player]`` and ``transition.rewards[self.player]``
  (and the others' actions if it learns joint-action values), ``player`` being its seat.

:func:`play` is the loop: for ``t = 1, ..., n_steps``

    a_i = agent_i.act(s, rng)  (i = 1, ..., n, in seat order);  s', r = env.step(a);
    agent_i.update((s, a, r, s'))  (when ``learn``);  s = s' (or a new start after an episode end).

It plays Littman's soccer, Hu & Wellman's grid games and repeated matrix games, one game or a
batch of independent runs side by side (chapter 3's PHC and WoLF-PHC learn ``n_runs`` copies at
once). What differs between chapters is not the loop but what is kept from it: the
:class:`Rollout` of rewards and episode ends (from which soccer counts its games won), or
whatever ``callback`` records (chapter 3's policy trajectories).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from marl_course._random import sample_categorical
from marl_course._validation import (as_finite_array, as_probability_rows, as_rng, check_bool, check_generator,
                                     check_index, check_int, check_seed)


class Transition(NamedTuple):
    """One step as every player sees it: ``(state, actions, rewards, next_state)``.

    The joint action and the rewards are indexed by player first: player ``i`` took
    ``actions[i]`` and got ``rewards[i]``. In a batch of runs (an environment with ``n_envs > 1``)
    each field carries the run axis after the player axis: ``state`` and ``next_state`` have shape
    ``(n_runs,)``, ``actions[i]`` and ``rewards[i]`` too. The batch is a trailing axis of the same
    type rather than a second type, so a learner reads its part the same way in one run or in
    many, and :func:`play` builds one object for every player whichever it is.

    Examples
    --------
    >>> step = Transition(state=0, actions=(1, 2), rewards=(1.0, -1.0), next_state=3)
    >>> step.actions[1], step.rewards[1]        # what player 2 (seat 1) did and got
    (2, -1.0)
    """

    state: Any
    actions: Any
    rewards: Any
    next_state: Any


class Rollout(NamedTuple):
    """What :func:`play` returns: every step's rewards and episode ends.

    Attributes
    ----------
    rewards : numpy.ndarray, shape (n_steps, n_players) or (n_steps, n_runs, n_players)
        ``rewards[t, ..., i]`` is player ``i``'s reward at step ``t + 1``.
    done : numpy.ndarray of bool, shape (n_steps,) or (n_steps, n_runs)
        Whether that step ended an episode (a goal or a draw in soccer, a goal or the time limit in
        a grid game).

    Examples
    --------
    >>> from marl_course.envs.matrix_games import make_matrix_game
    >>> pennies = [FixedPolicy([1.0, 0.0]), FixedPolicy([0.0, 1.0])]     # heads against tails
    >>> rollout = play(make_matrix_game("matching_pennies"), pennies, n_steps=3, seed=0)
    >>> rollout.rewards.tolist(), rollout.done.tolist()
    ([[-1.0, 1.0], [-1.0, 1.0], [-1.0, 1.0]], [False, False, False])
    """

    rewards: np.ndarray
    done: np.ndarray


class FixedPolicy:
    """A player that never learns: in state ``s`` it draws its action from ``policy[s]``.

    It follows the tabular contract (``act``/``update``) so it plays in :func:`play` beside the
    learners: a random or hand-built soccer player, a frozen trained policy, a stationary
    opponent in a repeated game. ``update`` ignores the transition.

    Parameters
    ----------
    policy : array_like, shape (S, m) or (m,)
        ``policy[s]`` is the distribution over actions in state ``s``; a single distribution is
        a one-state policy (a repeated matrix game).
    n_runs : int
        Runs played side by side (the environment's ``n_envs``); with more than one, ``act`` takes
        one state per run and returns one action per run.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> FixedPolicy([[0.0, 1.0]]).act(0, rng)
    1
    >>> FixedPolicy([0.5, 0.3, 0.2], n_runs=4).act(np.zeros(4, dtype=int), rng).shape
    (4,)
    """

    def __init__(self, policy, n_runs: int = 1):
        policy = as_probability_rows(as_finite_array(policy, "policy"), "policy")
        if policy.ndim > 2:
            raise ValueError(f"policy must have shape (S, m) or (m,), got {policy.shape}")
        self.policy = np.atleast_2d(policy)                                          # (S, m)
        self.n_runs = check_int(n_runs, "n_runs", low=1)

    @property
    def n_actions(self) -> int:
        """``m``, the player's number of actions."""
        return self.policy.shape[1]

    def act(self, state, rng: np.random.Generator):
        """Sample an action from ``policy[state]`` (:func:`~marl_course._random.sample_categorical`).

        ``state`` is one state (one action is returned) or one state per run, an integer array
        of shape ``(n_runs,)`` (one action per run).
        """
        n_states = self.policy.shape[0]
        if np.ndim(state) == 0:
            state = check_index(state, "state", n_states)
        else:
            states = np.asarray(state)
            if states.shape != (self.n_runs,) or states.dtype.kind not in "iu" or not (
                    0 <= states.min() and states.max() < n_states):
                raise ValueError(f"state must be one state in [0, {n_states - 1}] or one per run, integers of "
                                 f"shape ({self.n_runs},), got {state!r}")
        return self._act(state, check_generator(rng))

    def _act(self, state, rng: np.random.Generator):
        return sample_categorical.unchecked(self.policy[state], rng)

    def update(self, transition: Transition) -> None:
        """A fixed player does not learn: the transition is ignored."""


def as_transition(transition, n_players: int | None = None) -> Transition:
    """``transition`` as a :class:`Transition` after checking its shape: four fields, one action and
    one reward per player (the light check a learner's ``update`` makes before reading its part).
    ``n_players`` is checked when given; otherwise actions and rewards must have one length.

    Examples
    --------
    >>> as_transition((0, (1, 0), (1.0, -1.0), 2))
    Transition(state=0, actions=(1, 0), rewards=(1.0, -1.0), next_state=2)
    >>> as_transition((0, 1, 1.0, 2), n_players=2)
    Traceback (most recent call last):
    ...
    ValueError: transition.actions must hold one action per player (2), got 1
    """
    if not isinstance(transition, (tuple, list)) or len(transition) != 4:
        raise TypeError(f"transition must be a Transition(state, actions, rewards, next_state), got {transition!r}")
    transition = Transition(*transition)
    counts = []
    for field in ("actions", "rewards"):
        value = getattr(transition, field)
        try:
            counts.append(None if isinstance(value, (str, bytes)) else len(value))
        except TypeError:
            counts.append(None)
        if counts[-1] is None or counts[-1] < 1 or counts[-1] != (n_players or counts[0]):
            raise ValueError(f"transition.{field} must hold one {field[:-1]} per player "
                             f"({n_players or counts[0]}), got {value!r}")
    return transition


def _unchecked(agent, method: str):
    """``agent.<method>`` without its input checks when it is one of the package's own agents.

    :func:`play` feeds an agent the environment's states and rewards and its own actions once per
    step, so it skips the checks of the package's agents: the bare method is
    ``<method>.unchecked`` (a :func:`~marl_course._validation.checked_by` method) or
    ``agent._<method>``. A class outside the package, or one that overrides the public method,
    keeps its checks.
    """
    public = getattr(type(agent), method, None)
    if getattr(public, "__module__", "").startswith("marl_course.tabular."):
        if hasattr(public, "unchecked"):
            return public.unchecked.__get__(agent)
        if hasattr(agent, "_" + method):
            return getattr(agent, "_" + method)
    return getattr(agent, method)


def _check_agents(env, agents, n_runs: int) -> None:
    if not isinstance(agents, Sequence) or isinstance(agents, str):
        raise TypeError(f"agents must be a sequence of agents (one per player), got {type(agents).__name__}")
    n_players = getattr(env, "n_players", None)
    if len(agents) != n_players:
        raise ValueError(f"agents must hold one agent per player ({n_players}), got {len(agents)}")
    for i, agent in enumerate(agents):
        if not (callable(getattr(agent, "act", None)) and callable(getattr(agent, "update", None))):
            raise TypeError(f"agents[{i}] must have act(state, rng) and update(transition) methods, "
                            f"got {type(agent).__name__}")
        if getattr(agent, "player", i) != i:
            raise ValueError(f"agents[{i}].player must be {i} (its seat in agents), got {agent.player}")
        for size, count in (("n_states", getattr(env, "n_states", None)),
                            ("n_actions", getattr(env, "action_counts", [None] * (i + 1))[i])):
            if count is not None and getattr(agent, size, count) != count:
                raise ValueError(f"agents[{i}].{size} must be the environment's {count}, got {getattr(agent, size)}")
        runs = getattr(agent, "n_runs", None)
        if runs is None and n_runs > 1:
            raise ValueError(f"agents[{i}] learns one run but env.n_envs = {n_runs}; use one environment")
        if runs is not None and runs != n_runs:
            raise ValueError(f"agents[{i}].n_runs must equal env.n_envs = {n_runs}, got {runs}")


def play(env, agents: Sequence, n_steps: int | None = None, seed=None, learn: bool = True, *,
         n_episodes: int | None = None, callback=None, progress: bool = False) -> Rollout:
    """Let ``agents`` play ``env``, each learning from every step's :class:`Transition` when ``learn``.

    The environment is reset first, seeded with the generator made from ``seed``, and that one
    generator also draws every agent's actions, in this order at each step: agent 1's action,
    ..., agent n's, then the environment's own randomness, then (after an episode end) the draws of
    its reset.

    The environment follows the batched worlds' contract (:mod:`marl_course.envs`) with state
    indices: ``reset(seed) -> (observations, s, info)`` and ``step(a) -> (observations, s', r,
    done, info)``, ``s`` of shape ``(n_envs,)``, ``a`` ``(n_envs, n_players)`` and ``r``
    ``(n_envs, n_players)``. A finished world waits for its reset, so after an episode end
    ``play`` resets the environment, and the learners' ``s'`` of that step is the world's last
    state (a grid game's ``TERMINAL``, or the state where the time limit stopped it), except in
    a game whose ``continuing`` is True (soccer), whose model goes on from a game end to the next
    start: there ``s'`` is the start state the reset drew. One run (``n_envs = 1``) is played with
    plain values: ``s`` an int, ``a`` a tuple, ``r`` one reward per player. A batch of runs
    (``n_envs > 1``) is reset when all of its episodes end, which must happen at one step (a
    ``ValueError`` otherwise).

    Parameters
    ----------
    env : environment
        :class:`~marl_course.envs.soccer.Soccer`, a
        :class:`~marl_course.envs.grid_games.GridGame` or a
        :class:`~marl_course.envs.matrix_games.RepeatedMatrixGame`, of ``n_envs`` runs. It must
        have ``n_players`` and ``n_envs``; its ``n_states`` and ``action_counts``, when present,
        must match the agents' ``n_states`` and ``n_actions``.
    agents : sequence
        One agent per player, in seat order: ``agents[i].player``, when present, must be ``i``,
        and an agent's ``n_runs`` must be ``env``'s ``n_envs`` (an agent without ``n_runs`` plays
        one run).
    n_steps : int, optional
        Steps to play; or give ``n_episodes``.
    seed : int, numpy.random.Generator or None
        A Generator is drawn from (not copied), so successive calls can share one stream.
    learn : bool
        Call every agent's ``update`` after each step (False: evaluation).
    n_episodes : int, optional
        Play until this many episodes have ended, instead of ``n_steps`` steps.
    callback : callable, optional
        ``callback(t, transition)`` after step ``t = 1, 2, ...`` (after the updates).
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    Rollout
        Every step's rewards and episode ends, one run: shape ``(n_steps, n_players)``; a batch:
        ``(n_steps, n_runs, n_players)``.

    Examples
    --------
    A Q-learner playing rock-paper-scissors against a rock-heavy player learns the best response,
    paper (a seeded run repeats exactly):

    >>> from marl_course.envs.matrix_games import make_matrix_game
    >>> from marl_course.tabular.q_learning import QLearner
    >>> env = make_matrix_game("rock_paper_scissors")
    >>> learner = QLearner(1, 3, gamma=0.0, epsilon=0.1, alpha_decay=0.999)
    >>> rollout = play(env, [learner, FixedPolicy([0.8, 0.1, 0.1])], n_steps=500, seed=0)
    >>> rollout.rewards.shape, int(learner.Q[0].argmax()), bool(rollout.rewards[-100:, 0].mean() > 0.5)
    ((500, 2), 1, True)
    """
    for attribute in ("n_players", "n_envs", "reset", "step"):
        if not hasattr(env, attribute):
            raise TypeError(f"env must be a tabular environment (soccer, a grid game, a RepeatedMatrixGame), "
                            f"got {type(env).__name__} (no {attribute!r})")
    _check_agents(env, agents, env.n_envs)
    if (n_steps is None) == (n_episodes is None):
        raise ValueError(f"give exactly one of n_steps and n_episodes, got n_steps={n_steps!r}, n_episodes={n_episodes!r}")
    n_steps = None if n_steps is None else check_int(n_steps, "n_steps", low=1)
    n_episodes = None if n_episodes is None else check_int(n_episodes, "n_episodes", low=1)
    learn = check_bool(learn, "learn")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function callback(t, transition) or None, got {type(callback).__name__}")
    progress = check_bool(progress, "progress")
    rng = as_rng(check_seed(seed))
    return _play(env, agents, n_steps, n_episodes, rng, learn, callback, progress)


def _play(env, agents, n_steps, n_episodes, rng, learn, callback, progress) -> Rollout:
    from tqdm.auto import tqdm

    acts = [_unchecked(agent, "act") for agent in agents]
    updates = [_unchecked(agent, "update") for agent in agents] if learn else []
    continuing = getattr(env, "continuing", False)
    one = env.n_envs == 1  # one run: plain ints and one reward per player, no run axis
    rewards, dones = [], []
    state = env.reset(seed=rng)[1]
    state = int(state[0]) if one else state
    bar = tqdm(total=n_steps or n_episodes, disable=not progress, mininterval=0.5,
               desc="steps" if n_steps else "episodes", unit="step" if n_steps else "episode")
    t = episodes = 0
    while (t < n_steps) if n_steps else (episodes < n_episodes):
        actions = tuple([act(state, rng) for act in acts])
        _, next_state, step_rewards, done, _ = env.step([actions] if one else np.stack(actions, axis=1))
        n_done = np.count_nonzero(done)
        over = n_done == done.size
        if n_done and not over:
            raise ValueError(f"the runs of env ended their episodes at different steps ({done.tolist()}): play "
                             f"plays a batch of runs only when their episodes end together")
        start = env.reset()[1] if over else None  # a finished world waits for its reset
        learned = start if over and continuing else next_state  # soccer's model goes on to the next start
        if one:
            step_rewards, done, learned = step_rewards[0], bool(done[0]), int(learned[0])
        transition = Transition(state, actions, step_rewards if one else step_rewards.T, learned)  # player axis first
        for update in updates:
            update(transition)
        t += 1
        rewards.append(step_rewards)
        dones.append(done)
        if callback is not None:
            callback(t, transition)
        state = start if over else next_state
        state = int(state[0]) if one else state
        if over:
            episodes += 1
        if n_steps or over:
            bar.update(1)
    bar.close()
    return Rollout(np.array(rewards, dtype=float), np.array(dones, dtype=bool))
