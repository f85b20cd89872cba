"""Policy hill-climbing (PHC) and Win or Learn Fast PHC (WoLF-PHC), Bowling & Veloso 2002.

Each agent learns from its own action and reward only: a Q-table ``Q(s, a)`` of size
``|S||A|`` (a joint-action learner such as Minimax-Q or Nash-Q needs ``|S||A|^n``) and a mixed
policy ``pi(s, .)``. After each step

(b) Q-learning:     ``Q(s,a) <- (1 - alpha) Q(s,a) + alpha (r + gamma max_a' Q(s',a'))``;
(c) WoLF only, the average policy:  ``C(s) <- C(s) + 1``,
    ``pibar(s,a') <- pibar(s,a') + (pi(s,a') - pibar(s,a')) / C(s)``;
(d) hill-climb ``pi(s, .)`` towards the greedy action of ``Q(s, .)`` by ``delta``:
    ``pi(s,a) <- pi(s,a) + Delta_sa`` with ``Delta_sa = -delta_sa`` for non-greedy ``a`` and
    ``sum_{a' != a} delta_sa'`` for the greedy one, where
    ``delta_sa = min(pi(s,a), delta / (|A| - 1))`` keeps ``pi(s, .)`` on the simplex.

PHC uses one fixed ``delta``. WoLF-PHC chooses it by the *win test*: ``delta = delta_w`` when
``sum_a pi(s,a) Q(s,a) > sum_a pibar(s,a) Q(s,a)`` (the current policy beats the average one:
winning, learn slowly) and ``delta = delta_l > delta_w`` otherwise (losing, learn fast).

Every learner here runs ``n_runs`` independent copies at once (arrays of shape
``(n_runs, |S|, |A|)``) so that many seeds cost one numpy call.

References
----------
Bowling, M. & Veloso, M. (2002). Multiagent learning using a variable learning rate.
*Artificial Intelligence* 136(2), 215-250. Tables 1 (PHC) and 2 (WoLF-PHC).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from marl_course._random import sample_categorical
from marl_course._validation import (as_finite_array, as_probability_rows, as_rng, check_bool, check_generator,
                                     check_int, check_real, check_seed, checked_by)
from marl_course.envs.matrix_games import RepeatedMatrixGame
from marl_course.tabular.play import as_transition, play


def _check_hill_climb(policy, q_values, delta) -> None:
    """The input checks of :func:`hill_climb`."""
    policy = as_probability_rows(as_finite_array(policy, "policy"), "policy")
    if policy.shape[-1] < 2:
        raise ValueError(f"policy must have at least 2 actions on its last axis, got shape {policy.shape}")
    q_values = as_finite_array(q_values, "q_values")
    if q_values.shape != policy.shape:
        raise ValueError(f"q_values must have the shape of policy {policy.shape}, got {q_values.shape}")
    delta = as_finite_array(delta, "delta")
    if np.any(delta < 0) or np.any(delta > 1):
        raise ValueError("delta must be in [0, 1]")
    try:
        fits = np.broadcast_shapes(delta.shape, policy.shape[:-1]) == policy.shape[:-1]
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"delta must be one step size or one per distribution, shape {policy.shape[:-1]}, "
                         f"got shape {delta.shape}")


@checked_by(_check_hill_climb)
def hill_climb(policy, q_values, delta) -> np.ndarray:
    """Step (d): move ``pi`` towards the greedy action of ``Q`` by at most ``delta``, on the simplex.

    ``pi'(a) = pi(a) - delta_a`` for every non-greedy ``a`` and the greedy action gains the sum of
    what the others lost, with ``delta_a = min(pi(a), delta / (|A| - 1))``. Ties in ``Q`` go to
    the lowest action index.

    Parameters
    ----------
    policy : array_like, shape (..., |A|)
        Distributions ``pi(s, .)``.
    q_values : array_like, shape (..., |A|)
        ``Q(s, .)`` for the same states.
    delta : float or array_like, shape (...)
        The step size (one per distribution, or one for all), in [0, 1].

    Returns
    -------
    ndarray, shape (..., |A|)
        The new distributions (non-negative, summing to 1).

    References
    ----------
    Bowling & Veloso (2002), Table 1, step 2(b) (step (d) of WoLF-PHC in Table 2).

    Examples
    --------
    >>> hill_climb([0.5, 0.3, 0.2], [0.0, 1.0, 0.0], delta=0.1)
    array([0.45, 0.4 , 0.15])
    >>> hill_climb([0.05, 0.95], [0.0, 1.0], delta=0.1)   # cannot take more than is there
    array([0., 1.])
    """
    policy, q_values = np.asarray(policy, dtype=float), np.asarray(q_values, dtype=float)
    n_actions = policy.shape[-1]
    greedy = np.argmax(q_values, axis=-1)[..., None]                              # (..., 1)
    is_greedy = np.arange(n_actions) == greedy                                   # (..., |A|)
    taken = np.minimum(policy, np.asarray(delta)[..., None] / (n_actions - 1))  # delta_sa
    taken = np.where(is_greedy, 0.0, taken)
    return policy - taken + is_greedy * taken.sum(axis=-1, keepdims=True)       # pi + Delta_sa


def _check_wolf_step_size(policy, average_policy, q_values, delta_w, delta_l) -> None:
    """The input checks of :func:`wolf_step_size`."""
    policy = as_probability_rows(as_finite_array(policy, "policy"), "policy")
    average_policy = as_probability_rows(as_finite_array(average_policy, "average_policy"), "average_policy")
    q_values = as_finite_array(q_values, "q_values")
    if not policy.shape == average_policy.shape == q_values.shape:
        raise ValueError(f"policy, average_policy and q_values must share a shape, got "
                         f"{policy.shape}, {average_policy.shape}, {q_values.shape}")
    _check_wolf_rates(delta_w, delta_l)


@checked_by(_check_wolf_step_size)
def wolf_step_size(policy, average_policy, q_values, delta_w: float, delta_l: float) -> np.ndarray:
    """The win test of WoLF: ``delta_w`` if ``sum_a pi Q > sum_a pibar Q`` (winning), else ``delta_l``.

    Parameters
    ----------
    policy, average_policy, q_values : array_like, shape (..., |A|)
        ``pi(s, .)``, ``pibar(s, .)`` and ``Q(s, .)``.
    delta_w, delta_l : float
        The winning and losing step sizes, ``0 < delta_w < delta_l <= 1``.

    Returns
    -------
    ndarray, shape (...)

    References
    ----------
    Bowling & Veloso (2002), Table 2, step 2(d).

    Examples
    --------
    >>> q = [1.0, 0.0]
    >>> wolf_step_size([[0.9, 0.1], [0.2, 0.8]], [[0.5, 0.5], [0.5, 0.5]], [q, q], 0.01, 0.04)
    array([0.01, 0.04])
    """
    policy, average_policy, q_values = (np.asarray(x, dtype=float) for x in (policy, average_policy, q_values))
    winning = (policy * q_values).sum(-1) > (average_policy * q_values).sum(-1)
    return np.where(winning, delta_w, delta_l)


def _check_wolf_rates(delta_w, delta_l):
    delta_w = check_real(delta_w, "delta_w", low=0, high=1, low_open=True)
    delta_l = check_real(delta_l, "delta_l", low=0, high=1, low_open=True)
    if not delta_l > delta_w:
        raise ValueError(f"delta_l must be larger than delta_w (learn fast when losing), got "
                         f"delta_w={delta_w}, delta_l={delta_l}")
    return delta_w, delta_l


def q_table_sizes(n_states: int, n_actions: int, n_agents: int) -> tuple[int, int]:
    """Entries of one agent's Q-table: ``|S||A|`` for PHC, ``|S||A|^n`` for a joint-action learner.

    >>> q_table_sizes(n_states=1, n_actions=3, n_agents=2)
    (3, 9)
    """
    n_states = check_int(n_states, "n_states", low=1)
    n_actions = check_int(n_actions, "n_actions", low=1)
    n_agents = check_int(n_agents, "n_agents", low=1)
    return n_states * n_actions, n_states * n_actions ** n_agents


def _check_update(learner, transition) -> None:
    """The input checks of :meth:`PHC.update` and :meth:`WoLFPHC.update`: its part of a transition,
    one entry per run (or one for all runs)."""
    state, actions, rewards, next_state = as_transition(transition)
    if learner.player >= len(actions):
        raise ValueError(f"transition.actions must hold an action for player {learner.player}, got {len(actions)}")
    _check_run_indices(state, "transition.state", learner.n_runs, learner.n_states)
    _check_run_indices(actions[learner.player], f"transition.actions[{learner.player}]", learner.n_runs,
                       learner.n_actions)
    _check_run_rewards(rewards[learner.player], learner.n_runs, f"transition.rewards[{learner.player}]")
    _check_run_indices(next_state, "transition.next_state", learner.n_runs, learner.n_states)


class PHC:
    """Policy hill-climbing (Bowling & Veloso 2002, Table 1) for ``n_runs`` independent copies.

    Parameters
    ----------
    n_actions : int
        ``|A|``, at least 2.
    n_states : int
        ``|S|`` (1 for a repeated matrix game).
    n_runs : int
        Independent copies learning side by side.
    alpha : float
        Q-learning rate in (0, 1].
    delta : float
        Policy step size in (0, 1].
    gamma : float
        Discount in [0, 1).
    epsilon : float
        Exploration: actions are drawn from ``(1 - epsilon) pi + epsilon / |A|``.

    The defaults (``alpha=0.2, delta=0.0005, gamma=0, epsilon=0.05``) are the chapter's fast
    setting for repeated matrix games (``gamma=0``: one state, so only the immediate reward
    matters). The paper decays ``alpha`` and ``delta`` with time and runs up to 10^6 steps.
    initial_policy : array_like, shape (|A|,), optional
        ``pi(s, .)`` at the start in every state and run; uniform by default.
    player : int
        Its seat: it learns from ``transition.actions[player]`` and ``transition.rewards[player]``
        (one entry per run).

    Attributes
    ----------
    q_values : ndarray, shape (n_runs, |S|, |A|)
    policy : ndarray, shape (n_runs, |S|, |A|)

    References
    ----------
    Bowling & Veloso (2002), Table 1.

    Examples
    --------
    >>> from marl_course.tabular.play import Transition
    >>> agent = PHC(n_actions=2, alpha=0.5, delta=0.1)
    >>> agent.update(Transition(0, (0, 1), (1.0, -1.0), 0))
    >>> agent.policy[0, 0]
    array([0.6, 0.4])
    """

    def __init__(self, n_actions: int, n_states: int = 1, n_runs: int = 1, alpha: float = 0.2,
                 delta: float = 0.0005, gamma: float = 0.0, epsilon: float = 0.05, initial_policy=None,
                 player: int = 0):
        n_actions = check_int(n_actions, "n_actions", low=2)
        self.player = check_int(player, "player", low=0)
        n_states = check_int(n_states, "n_states", low=1)
        self.n_runs = check_int(n_runs, "n_runs", low=1)
        self.alpha = check_real(alpha, "alpha", low=0, high=1, low_open=True)
        self.delta = check_real(delta, "delta", low=0, high=1, low_open=True)
        self.gamma = check_real(gamma, "gamma", low=0, high=1, high_open=True)
        self.epsilon = check_real(epsilon, "epsilon", low=0, high=1)
        if initial_policy is None:
            initial_policy = np.full(n_actions, 1.0 / n_actions)
        start = as_probability_rows(as_finite_array(initial_policy, "initial_policy"), "initial_policy")
        if start.shape != (n_actions,):
            raise ValueError(f"initial_policy must have shape ({n_actions},), got {start.shape}")
        self.q_values = np.zeros((self.n_runs, n_states, n_actions))                   # (n_runs, |S|, |A|)
        self.policy = np.broadcast_to(start, self.q_values.shape).copy()               # (n_runs, |S|, |A|)
        self._runs = np.arange(self.n_runs)

    @property
    def n_actions(self) -> int:
        """``|A|``, the agent's number of actions."""
        return self.q_values.shape[2]

    @property
    def n_states(self) -> int:
        """``|S|``, the number of states."""
        return self.q_values.shape[1]

    def act(self, state, rng) -> np.ndarray:
        """Step (a): sample one action per run from the exploring policy ``(1 - epsilon) pi + epsilon / |A|``.

        ``state`` holds one state per run, shape ``(n_runs,)``, or one state for all runs; one
        action per run is returned, an int when ``n_runs = 1`` and ``state`` is one state.
        """
        _check_run_indices(state, "state", self.n_runs, self.n_states)
        check_generator(rng)
        return self._act(state, rng)

    def _act(self, state, rng):
        probabilities = self.policy[self._runs, state]                                 # (n_runs, |A|)
        probabilities = (1 - self.epsilon) * probabilities + self.epsilon / self.n_actions
        actions = sample_categorical.unchecked(probabilities, rng)
        return int(actions[0]) if np.ndim(state) == 0 and self.n_runs == 1 else actions

    def learn_q_values(self, states, actions, rewards, next_states) -> None:
        """Step (b), in every run: ``Q(s,a) <- (1 - alpha) Q(s,a) + alpha (r + gamma max_a' Q(s',a'))``.

        >>> agent = PHC(2, alpha=0.5)
        >>> agent.learn_q_values([0], [1], [2.0], [0]); agent.q_values[0, 0].tolist()
        [0.0, 1.0]
        """
        target = rewards + self.gamma * self.q_values[self._runs, next_states].max(axis=1)
        self.q_values[self._runs, states, actions] += self.alpha * (target - self.q_values[self._runs, states, actions])

    def climb_policy(self, states, delta) -> None:
        """Step (d), in every run: ``pi(s, .)`` moves by ``delta`` towards ``argmax_a Q(s, a)``
        (:func:`hill_climb`), staying on the simplex.

        >>> agent = PHC(2)
        >>> agent.q_values[0, 0] = [0.0, 1.0]
        >>> agent.climb_policy([0], 0.1); agent.policy[0, 0].tolist()
        [0.4, 0.6]
        """
        self.policy[self._runs, states] = hill_climb.unchecked(self.policy[self._runs, states],
                                                               self.q_values[self._runs, states], delta)

    @checked_by(_check_update)
    def update(self, transition) -> None:
        """Learn from its part of the transition (one entry per run)."""
        states, actions, rewards, next_states = transition
        actions, rewards = actions[self.player], rewards[self.player]
        self.learn_q_values(states, actions, rewards, next_states)   # (b)
        self.climb_policy(states, self.delta)                        # (c) of Table 1, (d) of Table 2


class WoLFPHC(PHC):
    """WoLF policy hill-climbing (Bowling & Veloso 2002, Table 2): PHC with the win test.

    Parameters are those of :class:`PHC`, with ``delta`` replaced by ``delta_w < delta_l``
    (defaults ``delta_w=0.0005, delta_l=0.0015``; the paper mostly uses ``delta_l = 2 delta_w``).

    Attributes
    ----------
    average_policy : ndarray, shape (n_runs, |S|, |A|)
        ``pibar(s, .)``, the running mean of the policies played in ``s``.
    counts : ndarray, shape (n_runs, |S|)
        ``C(s)``, visits of ``s``.

    References
    ----------
    Bowling & Veloso (2002), Table 2.

    Examples
    --------
    >>> from marl_course.tabular.play import Transition
    >>> agent = WoLFPHC(n_actions=2, alpha=0.5, delta_w=0.05, delta_l=0.2)
    >>> agent.update(Transition(0, (0, 1), (1.0, -1.0), 0))
    >>> agent.policy[0, 0]   # pi = pibar after one visit: not winning, so delta_l
    array([0.7, 0.3])
    >>> agent.update(Transition(0, (0, 1), (1.0, -1.0), 0))
    >>> agent.policy[0, 0]   # now pi beats pibar: winning, so delta_w
    array([0.75, 0.25])
    """

    def __init__(self, n_actions: int, n_states: int = 1, n_runs: int = 1, alpha: float = 0.2,
                 delta_w: float = 0.0005, delta_l: float = 0.0015, gamma: float = 0.0, epsilon: float = 0.05,
                 initial_policy=None, player: int = 0):
        self.delta_w, self.delta_l = _check_wolf_rates(delta_w, delta_l)
        super().__init__(n_actions, n_states, n_runs, alpha, delta_w, gamma, epsilon, initial_policy, player)
        self.average_policy = self.policy.copy()                                       # (n_runs, |S|, |A|)
        self.counts = np.zeros(self.q_values.shape[:2])                                # (n_runs, |S|)

    @checked_by(_check_update)
    def update(self, transition) -> None:
        """Learn from its part of the transition (one entry per run)."""
        states, actions, rewards, next_states = transition
        actions, rewards, runs = actions[self.player], rewards[self.player], self._runs
        self.learn_q_values(states, actions, rewards, next_states)                     # (b)
        # step (c): C(s) <- C(s) + 1; pibar(s,.) <- pibar(s,.) + (pi(s,.) - pibar(s,.)) / C(s)
        self.counts[runs, states] += 1
        pi, pibar = self.policy[runs, states], self.average_policy[runs, states]
        pibar = pibar + (pi - pibar) / self.counts[runs, states][:, None]
        self.average_policy[runs, states] = pibar
        # step (d): delta_w if sum pi Q > sum pibar Q (winning) else delta_l, then hill-climb
        delta = wolf_step_size.unchecked(pi, pibar, self.q_values[runs, states], self.delta_w, self.delta_l)
        self.climb_policy(states, delta)


def _check_run_indices(values, name: str, n_runs: int, size: int) -> None:
    """Integers in ``[0, size)``, one per run (shape ``(n_runs,)``) or one for all runs (a scalar)."""
    array = np.asarray(values)
    if array.shape not in ((), (n_runs,)) or array.dtype.kind not in "iu":
        raise ValueError(f"{name} must be integers of shape ({n_runs},) (one per run), "
                         f"got {array.dtype} array of shape {array.shape}")
    if array.min() < 0 or array.max() >= size:
        raise ValueError(f"{name} must be in [0, {size - 1}], got {array}")


def _check_run_rewards(rewards, n_runs: int, name: str = "rewards") -> None:
    array = as_finite_array(rewards, name)
    if array.shape not in ((), (n_runs,)):
        raise ValueError(f"{name} must have shape ({n_runs},) (one per run), got shape {array.shape}")


@dataclass(frozen=True)
class Trajectory:
    """Policies recorded while learning.

    Attributes
    ----------
    steps : ndarray, shape (K,)
        The step counts at which policies were recorded (0 = before learning).
    policies : list of ndarray, one per player, shape (K, n_runs, |S|, |A_i|)
        ``pi_i(s, .)`` at each recorded step.
    mean_rewards : ndarray, shape (n_players,)
        Each player's reward averaged over all steps and runs.
    """

    steps: np.ndarray
    policies: list
    mean_rewards: np.ndarray


def learn(env, agents: Sequence, n_steps: int, seed=None, record_every: int = 100,
          progress: bool = False) -> Trajectory:
    """:func:`~marl_course.tabular.play.play` for ``n_steps`` steps, recording every player's policy
    every ``record_every`` steps.

    Parameters
    ----------
    env : RepeatedMatrixGame
    agents : sequence
        One agent per player (``PHC``, ``WoLFPHC``, a
        :class:`~marl_course.tabular.play.FixedPolicy` ...), ``agents[i].player == i``, all with
        ``n_runs`` equal to ``env.n_envs``.
    n_steps : int
    seed : int, Generator or None
    record_every : int
        Steps between two recorded policies.
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    Trajectory

    Examples
    --------
    >>> from marl_course.envs.matrix_games import make_matrix_game
    >>> env = make_matrix_game("rock_paper_scissors", n_envs=2)
    >>> agents = [WoLFPHC(3, n_runs=2), WoLFPHC(3, n_runs=2, player=1)]
    >>> trajectory = learn(env, agents, n_steps=1000, seed=0, record_every=250)
    >>> trajectory.steps.tolist(), trajectory.policies[0].shape
    ([0, 250, 500, 750, 1000], (5, 2, 1, 3))
    """
    n_steps = check_int(n_steps, "n_steps", low=1)
    record_every = check_int(record_every, "record_every", low=1)

    def policy_per_run(agent):  # a fixed player holds one policy (S, m) for all runs
        return np.broadcast_to(agent.policy, (getattr(env, "n_envs", 1), *agent.policy.shape[-2:])).copy()

    records, recorded_steps = [[policy_per_run(agent)] for agent in agents], [0]

    def record(t, transition):
        if t % record_every == 0 or t == n_steps:
            recorded_steps.append(t)
            for policies, agent in zip(records, agents):
                policies.append(policy_per_run(agent))

    rollout = play(env, agents, n_steps, seed=seed, callback=record, progress=progress)
    rewards = rollout.rewards.reshape(n_steps, -1, rollout.rewards.shape[-1])      # (n_steps, n_runs, n_players)
    reward_sum = 0.0
    for step_rewards in rewards:                   # summed step by step, as self_play_one_run sums
        reward_sum = reward_sum + step_rewards.mean(axis=0)
    return Trajectory(np.array(recorded_steps), [np.stack(r) for r in records], np.asarray(reward_sum) / n_steps)


def _progress_bar(n_steps: int, progress: bool):
    """A tqdm bar over ``n_steps`` steps, silent (updates do nothing) unless ``progress``."""
    from tqdm.auto import tqdm

    return tqdm(total=n_steps, desc="learning", unit="step", disable=not progress)


def off_equilibrium_start(n_actions: int, player: int, weight: float = 0.7) -> np.ndarray:
    """The chapter's starting policy: ``weight`` on action ``player mod |A|``, the rest uniform.

    Player 1 starts mostly on action 0, player 2 mostly on action 1: off the uniform equilibrium
    of matching pennies and rock-paper-scissors.

    >>> off_equilibrium_start(3, player=1)
    array([0.1, 0.8, 0.1])
    """
    n_actions = check_int(n_actions, "n_actions", low=2)
    player = check_int(player, "player", low=0)
    weight = check_real(weight, "weight", low=0, high=1)
    start = np.full(n_actions, (1 - weight) / n_actions)
    start[player % n_actions] += weight
    return start


def self_play(env, delta_w: float, delta_l: float, n_steps: int, seed=None, alpha: float = 0.2,
              epsilon: float = 0.05, initial_policies=None, record_every: int = 100,
              progress: bool = False) -> Trajectory:
    """Every player of ``env`` learns with WoLF-PHC (``delta_l > delta_w``) or PHC (``delta_l == delta_w``).

    Parameters
    ----------
    env : RepeatedMatrixGame
        ``env.n_envs`` independent runs are learned side by side.
    delta_w, delta_l : float
        Winning and losing policy steps; equal values give plain PHC with ``delta = delta_w``.
    n_steps : int
    seed : int, Generator or None
    alpha, epsilon : float
        As in :class:`PHC`.
    initial_policies : sequence of array_like, optional
        One starting ``pi_i`` per player; by default :func:`off_equilibrium_start`.
    record_every : int
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    Trajectory

    Examples
    --------
    >>> from marl_course.envs.matrix_games import make_matrix_game
    >>> env = make_matrix_game("matching_pennies", n_envs=4)
    >>> run = self_play(env, delta_w=0.001, delta_l=0.002, n_steps=2000, seed=0, record_every=1000)
    >>> run.policies[0].shape
    (3, 4, 1, 2)
    """
    delta_w = check_real(delta_w, "delta_w", low=0, high=1, low_open=True)
    delta_l = check_real(delta_l, "delta_l", low=0, high=1, low_open=True)
    if delta_l < delta_w:
        raise ValueError(f"delta_l must be >= delta_w (equal for PHC), got delta_w={delta_w}, delta_l={delta_l}")
    for attribute in ("action_counts", "n_states", "n_envs"):
        if not hasattr(env, attribute):
            raise TypeError(f"env must be a RepeatedMatrixGame or have its interface (no {attribute!r}), "
                            f"got {type(env).__name__}")
    counts = env.action_counts
    if initial_policies is None:
        initial_policies = [off_equilibrium_start(m, i) for i, m in enumerate(counts)]
    if not isinstance(initial_policies, Sequence) or isinstance(initial_policies, str):
        raise TypeError(f"initial_policies must be a sequence of strategies (one per player), "
                        f"got {type(initial_policies).__name__}")
    if len(initial_policies) != len(counts):
        raise ValueError(f"initial_policies must hold one policy per player ({len(counts)}), got {len(initial_policies)}")
    for i, (policy, m) in enumerate(zip(initial_policies, counts)):
        name = f"initial_policies[{i}]"
        if as_probability_rows(as_finite_array(policy, name), name).shape != (m,):
            raise ValueError(f"{name} must be one distribution over player {i}'s {m} actions, got {policy!r}")
    common = dict(n_states=env.n_states, n_runs=env.n_envs, alpha=alpha, epsilon=epsilon)
    if delta_l > delta_w:
        agents = [WoLFPHC(m, delta_w=delta_w, delta_l=delta_l, initial_policy=p, player=i, **common)
                  for i, (m, p) in enumerate(zip(counts, initial_policies))]
    else:
        agents = [PHC(m, delta=delta_w, initial_policy=p, player=i, **common)
                  for i, (m, p) in enumerate(zip(counts, initial_policies))]
    run = self_play_one_run if type(env) is RepeatedMatrixGame and env.n_envs == 1 else learn
    return run(env, agents, n_steps, seed=seed, record_every=record_every, progress=progress)


def self_play_one_run(env, agents: Sequence, n_steps: int, seed=None, record_every: int = 100,
                      progress: bool = False) -> Trajectory:
    """:func:`learn` for one run of a repeated matrix game, in plain Python floats.

    The same steps (b)-(d), the same random draws in the same order and the same floating-point
    operations as the batched learners, so the :class:`Trajectory` is identical (tested); without
    numpy's per-call overhead on arrays of two or three numbers it runs many times faster, which
    keeps chapter 3's explorer interactive (the ratio: ``benchmarks/bench_phc_one_run.py``).

    Parameters are those of :func:`learn`, with ``env`` a :class:`RepeatedMatrixGame` of one run
    and ``agents`` fresh learners of one kind (all ``PHC`` or all ``WoLFPHC``, same ``alpha``,
    ``gamma`` and ``epsilon``, no update made yet). The agents' tables are not updated.

    Examples
    --------
    >>> from marl_course.envs.matrix_games import make_matrix_game
    >>> env = make_matrix_game("matching_pennies")
    >>> fresh = lambda: [WoLFPHC(2, player=i) for i in (0, 1)]
    >>> fast = self_play_one_run(env, fresh(), n_steps=300, seed=0, record_every=100)
    >>> slow = learn(env, fresh(), n_steps=300, seed=0, record_every=100)
    >>> all(np.array_equal(a, b) for a, b in zip(fast.policies, slow.policies))
    True
    """
    if type(env) is not RepeatedMatrixGame or env.n_envs != 1:
        raise TypeError(f"env must be a RepeatedMatrixGame with n_envs = 1, got {env!r}")
    if not isinstance(agents, Sequence) or len(agents) != env.n_players:
        raise ValueError(f"agents must hold one learner per player ({env.n_players}), got {agents!r}")
    kind = type(agents[0])
    for i, agent in enumerate(agents):
        if type(agent) is not kind or kind not in (PHC, WoLFPHC):
            raise TypeError(f"agents must all be PHC or all WoLFPHC learners, agents[{i}] is {type(agent).__name__}")
        if (agent.player, agent.n_runs, agent.n_actions) != (i, 1, env.action_counts[i]):
            raise ValueError(f"agents[{i}] must have player={i}, n_runs=1 and {env.action_counts[i]} actions")
        if (agent.alpha, agent.gamma, agent.epsilon) != (agents[0].alpha, agents[0].gamma, agents[0].epsilon):
            raise ValueError(f"agents[{i}] must share alpha, gamma and epsilon with agents[0]")
    n_steps = check_int(n_steps, "n_steps", low=1)
    record_every = check_int(record_every, "record_every", low=1)
    progress = check_bool(progress, "progress")
    rng = as_rng(check_seed(seed))
    payoffs = env.model.rewards[:, 0].tolist()                     # R_i(a_1, ..., a_n), nested lists
    players = range(len(agents))
    counts = [agent.n_actions for agent in agents]
    wolf = isinstance(agents[0], WoLFPHC)
    policies = [agent.policy[0, 0].tolist() for agent in agents]   # pi_i(s, .)
    averages = [list(p) for p in policies]                         # pibar_i(s, .)
    q_values = [[0.0] * m for m in counts]                         # Q_i(s, .)
    visits = [0.0 for _ in players]                                # C_i(s)
    alpha, gamma, epsilon = agents[0].alpha, agents[0].gamma, agents[0].epsilon
    records = [[p[:] for p in policies]]
    recorded_steps, reward_sums, done_steps = [0], [0.0 for _ in players], 0
    bar = _progress_bar(n_steps, progress)
    while done_steps < n_steps:
        chunk = min(record_every, n_steps - done_steps)
        draws = rng.random(chunk * len(agents)).tolist()           # one uniform per player and step
        for t in range(chunk):
            actions = []
            for i in players:      # (a) act: (1 - eps) pi + eps / |A|, sample_categorical's rule
                m, cumulative, total = counts[i], [], 0.0
                for p in policies[i]:
                    total += (1 - epsilon) * p + epsilon / m
                    cumulative.append(total)
                draw = draws[t * len(agents) + i] * total
                actions.append(sum(draw >= c for c in cumulative))
            for i in players:
                reward = payoffs[i]
                for a in actions:
                    reward = reward[a]
                reward_sums[i] += reward
                q, pi, a, m = q_values[i], policies[i], actions[i], counts[i]
                q[a] += alpha * ((reward + gamma * max(q)) - q[a])                      # (b)
                delta = agents[i].delta
                if wolf:                                                                # (c)
                    visits[i] += 1
                    pibar = averages[i]
                    for b in range(m):
                        pibar[b] = pibar[b] + (pi[b] - pibar[b]) / visits[i]
                    winning = _dot(pi, q) > _dot(pibar, q)
                    delta = agents[i].delta_w if winning else agents[i].delta_l
                greedy, step = q.index(max(q)), delta / (m - 1)                         # (d)
                taken = [0.0 if b == greedy else min(pi[b], step) for b in range(m)]
                moved = _dot(taken, [1.0] * m)
                policies[i] = [pi[b] + moved if b == greedy else pi[b] - taken[b] for b in range(m)]
        done_steps += chunk
        recorded_steps.append(done_steps)
        records.append([p[:] for p in policies])
        bar.update(chunk)
    bar.close()
    stacked = [np.array([record[i] for record in records])[:, None, None, :] for i in players]
    return Trajectory(np.array(recorded_steps), stacked, np.array(reward_sums) / n_steps)


def _dot(x, y) -> float:
    """``sum_a x_a y_a`` summed left to right, as numpy sums a row of fewer than eight numbers."""
    total = 0.0
    for a, b in zip(x, y):
        total += a * b
    return total


def distance_to_strategy(policies, strategy) -> np.ndarray:
    """Euclidean distance ``||pi - pi*||`` of each policy (last axis) to a strategy ``pi*``.

    Used to measure convergence to a Nash equilibrium strategy.

    >>> distance_to_strategy([[0.5, 0.5], [1.0, 0.0]], [0.5, 0.5]).round(4)
    array([0.    , 0.7071])
    """
    policies = as_probability_rows(as_finite_array(policies, "policies"), "policies")
    strategy = as_probability_rows(as_finite_array(strategy, "strategy"), "strategy")
    if strategy.shape != policies.shape[-1:]:
        raise ValueError(f"strategy must have shape {policies.shape[-1:]}, got {strategy.shape}")
    return np.linalg.norm(policies - strategy, axis=-1)
