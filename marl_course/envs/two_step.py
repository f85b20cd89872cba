"""The two-step cooperative matrix game of the QMIX paper (Rashid et al. 2018, section 6.1).

Two agents, two actions each, one team reward. In state 1 nothing is paid; agent 1's action
picks the next state (action A -> state 2A, action B -> state 2B). In 2A every joint action pays
7; in 2B the payoff is ``[[0, 1], [1, 8]]``. The optimum (8) needs agent 1 to choose B *and*
both agents to choose B in 2B; a value function that adds per-agent utilities (VDN) cannot
represent 2B well enough to prefer it, a monotone mixer (QMIX) can.

Layout (a batch of ``n_envs`` games stepped in lockstep):

- state ``s``: one-hot of (state 1, state 2A, state 2B), shape ``(n_envs, 3)``; all zeros once done;
- observation ``o_i``: each agent sees the state (full observability, as in the paper),
  shape ``(n_envs, n_agents, 3)``;
- reward ``r``: shape ``(n_envs,)``; done: ``(n_envs,)``, true after the second step, a true terminal
  state: ``info["terminated"] = done`` and ``info["truncated"]`` all False (the common contract of
  :mod:`marl_course.envs`).

References
----------
Rashid, Samvelyan, de Witt, Farquhar, Foerster, Whiteson (2018). QMIX: Monotonic value function
factorisation for deep multi-agent reinforcement learning. ICML. Section 6.1, Figure 3, Table 1.
"""

from __future__ import annotations

import numpy as np

from marl_course._validation import as_actions, check_int, check_seed

STATE_NAMES = ("1", "2A", "2B")
"""The three states, in the order of the state one-hot."""

PAYOFF_2A = np.full((2, 2), 7.0)
"""Team payoff in state 2A: 7 for every joint action ``(a_1, a_2)``."""

PAYOFF_2B = np.array([[0.0, 1.0], [1.0, 8.0]])
"""Team payoff in state 2B, rows agent 1's action (A, B), columns agent 2's."""

PAPER_Q_TOT = {
    "VDN": {"1": [[6.94, 6.94], [6.35, 6.36]], "2A": [[6.99, 7.02], [6.99, 7.02]],
            "2B": [[-1.87, 2.31], [2.33, 6.51]]},
    "QMIX": {"1": [[6.93, 6.93], [7.92, 7.92]], "2A": [[7.00, 7.00], [7.00, 7.00]],
             "2B": [[0.00, 1.00], [1.00, 8.00]]},
}
"""The learned ``Q_tot`` tables reported by Rashid et al. (2018), Table 1 (rows: agent 1's action)."""


class TwoStepGame:
    """A batch of two-step games (see the module docstring for the layout).

    Parameters
    ----------
    n_envs : int
        Games stepped in lockstep.

    Examples
    --------
    >>> env = TwoStepGame(n_envs=2)
    >>> obs, state, info = env.reset(seed=0)
    >>> obs.shape, state.tolist()
    ((2, 2, 3), [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    >>> obs, state, reward, done, info = env.step([[0, 1], [1, 0]])  # agent 1 picks 2A, 2B
    >>> state.tolist(), reward.tolist()
    ([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [0.0, 0.0])
    >>> _, _, reward, done, _ = env.step([[1, 1], [1, 1]])
    >>> reward.tolist(), done.tolist()
    ([7.0, 8.0], [True, True])
    """

    n_agents = 2
    n_actions = 2
    obs_dim = 3
    state_dim = 3
    episode_limit = 2

    def __init__(self, n_envs: int = 1):
        self.n_envs = check_int(n_envs, "n_envs", low=1)
        self._state = np.zeros(self.n_envs, dtype=int)  # 0 = state 1, 1 = 2A, 2 = 2B, 3 = terminal

    def _observe(self):
        state = np.zeros((self.n_envs, self.state_dim))
        live = self._state < 3
        state[np.flatnonzero(live), self._state[live]] = 1.0
        obs = np.repeat(state[:, None, :], self.n_agents, axis=1)  # (n_envs, n_agents, obs_dim)
        return obs, state

    def reset(self, seed=None):
        """Start every game in state 1 (deterministic; ``seed`` is accepted for the common interface);
        returns ``(obs, state, info)``."""
        check_seed(seed)
        self._state[:] = 0
        return *self._observe(), {}

    def step(self, actions):
        """Apply joint actions ``(n_envs, n_agents)``; finished games stay finished and pay 0."""
        actions = as_actions(actions, (self.n_envs, self.n_agents), 2)
        reward = np.zeros(self.n_envs)
        first = self._state == 0
        in_2a, in_2b = self._state == 1, self._state == 2
        reward[in_2a] = PAYOFF_2A[actions[in_2a, 0], actions[in_2a, 1]]
        reward[in_2b] = PAYOFF_2B[actions[in_2b, 0], actions[in_2b, 1]]
        self._state[in_2a | in_2b] = 3
        self._state[first] = 1 + actions[first, 0]
        obs, state = self._observe()
        done = self._state == 3
        return obs, state, reward, done, {"terminated": done.copy(), "truncated": np.zeros(self.n_envs, dtype=bool)}
