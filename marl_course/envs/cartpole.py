"""CartPole in numpy, batched, with partial observability: flickering frames and hidden velocities.

The physics is the cart-pole of Barto, Sutton & Anderson (1983) in the frictionless form
derived by Florian (2007), integrated with explicit Euler steps of ``tau = 0.02`` s: with
state ``s = (x, x_dot, theta, theta_dot)``, force ``F = +-10`` N, cart mass ``m_c = 1``,
pole mass ``m_p = 0.1`` and pole half-length ``l = 0.5``,

    theta_ddot = (g sin(theta) - cos(theta) (F + m_p l theta_dot^2 sin(theta)) / (m_c + m_p))
                 / (l (4/3 - m_p cos^2(theta) / (m_c + m_p)))
    x_ddot     = (F + m_p l (theta_dot^2 sin(theta) - theta_ddot cos(theta))) / (m_c + m_p)

An episode ends when ``|x| > 2.4`` or ``|theta| > 12`` degrees (terminal) or after
``max_steps`` steps (truncated); the reward is 1 per step survived.

Partial observability (the DRQN chapter's POMDP ``(S, A, P, R, Omega, O)``): the agent sees
``o_t ~ O(s_t)`` instead of ``s_t``:

- ``hide_velocity=True``: ``o_t = (x, theta)``; velocities must be inferred from a history.
- ``flicker=p``: with probability ``p`` per step and per world, the whole observation is
  blanked to zeros (Hausknecht & Stone's flickering Atari, on CartPole).
- ``visible_flag=True``: one more entry, 1 when the frame was shown and 0 when it was blanked,
  so a blank is no longer the same vector as the upright, centred, still state.

References
----------
Barto, Sutton & Anderson 1983, "Neuronlike adaptive elements that can solve difficult learning
control problems". Florian 2007, "Correct equations for the dynamics of the cart-pole system".
Hausknecht & Stone 2015, "Deep Recurrent Q-Learning for Partially Observable MDPs".

Examples
--------
>>> env = CartPole(n_envs=3, flicker=0.5)
>>> obs, state, info = env.reset(seed=0)
>>> obs.shape, state.shape
((3, 4), (3, 4))
>>> obs, state, reward, done, info = env.step([0, 1, 1])
>>> state.shape, reward.tolist()
((3, 4), [1.0, 1.0, 1.0])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from marl_course._validation import as_actions, as_finite_array, as_rng, check_bool, check_int, check_real, check_seed


@dataclass(frozen=True)
class CartPoleParams:
    """Physical constants (the classic values of Barto et al. 1983)."""

    gravity: float = 9.8
    """g, m/s^2."""
    cart_mass: float = 1.0
    """m_c, kg."""
    pole_mass: float = 0.1
    """m_p, kg."""
    half_length: float = 0.5
    """l, half the pole's length, m."""
    force: float = 10.0
    """|F|, N: action 0 pushes left (-F), action 1 right (+F)."""
    tau: float = 0.02
    """Euler time step, s."""
    x_limit: float = 2.4
    """The episode ends when |x| exceeds this (m)."""
    theta_limit: float = 12 * 2 * np.pi / 360
    """The episode ends when |theta| exceeds this (rad; 12 degrees)."""

    def __post_init__(self):
        check_real(self.gravity, "gravity")
        for name in ("cart_mass", "pole_mass", "half_length", "tau", "x_limit", "theta_limit"):
            check_real(getattr(self, name), name, low=0, low_open=True)
        check_real(self.force, "force", low=0)


def cartpole_derivatives(state, force, params: CartPoleParams = CartPoleParams()) -> np.ndarray:
    """Time derivative ``(x_dot, x_ddot, theta_dot, theta_ddot)`` of cart-pole states.

    Parameters
    ----------
    state : array_like, shape (..., 4)
        ``(x, x_dot, theta, theta_dot)``; ``theta = 0`` is upright, positive clockwise.
    force : array_like, shape (...)
        Horizontal force on the cart ``F`` (N).

    Returns
    -------
    numpy.ndarray, shape (..., 4)

    References
    ----------
    Florian 2007, equations (21) and (22) with zero friction.

    Examples
    --------
    >>> cartpole_derivatives([0.0, 0.0, 0.0, 0.0], 0.0).tolist()  # upright and still: equilibrium
    [0.0, 0.0, 0.0, 0.0]
    """
    state = as_finite_array(state, "state")
    if state.shape[-1:] != (4,):
        raise ValueError(f"state must have 4 entries (x, x_dot, theta, theta_dot) on its last axis, got shape {state.shape}")
    force = as_finite_array(force, "force")
    try:
        np.broadcast_shapes(force.shape, state.shape[:-1])
    except ValueError:
        raise ValueError(f"force must be one force or one per state, shape {state.shape[:-1]}, "
                         f"got shape {force.shape}") from None
    if not isinstance(params, CartPoleParams):
        raise TypeError(f"params must be a CartPoleParams, got {type(params).__name__}")
    _, x_dot, theta, theta_dot = np.moveaxis(state, -1, 0)
    p = params
    total_mass = p.cart_mass + p.pole_mass
    sin, cos = np.sin(theta), np.cos(theta)
    temp = (force + p.pole_mass * p.half_length * theta_dot**2 * sin) / total_mass
    theta_ddot = (p.gravity * sin - cos * temp) / (p.half_length * (4.0 / 3.0 - p.pole_mass * cos**2 / total_mass))
    x_ddot = temp - p.pole_mass * p.half_length * theta_ddot * cos / total_mass
    return np.stack(np.broadcast_arrays(x_dot, x_ddot, theta_dot, theta_ddot), axis=-1)


class CartPole:
    """``n_envs`` cart-pole worlds stepped together, observed fully, flickering or without velocities.

    All worlds start together at ``reset`` and each runs until it fails or reaches
    ``max_steps``; a finished world stays frozen (reward 0, ``done`` True) until the next
    ``reset``, so one batch of episodes is collected by stepping until ``done.all()``.

    Parameters
    ----------
    n_envs : int
        B, the number of parallel worlds.
    flicker : float
        Probability in [0, 1] that a world's observation is blanked (all zeros) at a step.
    hide_velocity : bool
        Observe ``(x, theta)`` instead of ``(x, x_dot, theta, theta_dot)``.
    max_steps : int
        Episode length limit (the episode is truncated, not terminal, there).
    params : CartPoleParams
        Physical constants.
    visible_flag : bool
        Append to each observation 1 if it was shown, 0 if it was blanked.

    Attributes
    ----------
    obs_dim : int
        4, or 2 with ``hide_velocity``, plus 1 with ``visible_flag``. ``n_actions`` is 2 (push
        left, push right).

    Notes
    -----
    The contract of :mod:`marl_course.envs` for one agent: ``reset(seed)`` returns
    ``(obs, state, info)`` and ``step(actions)`` returns ``(obs, state, reward, done, info)``:
    ``obs`` (B, obs_dim), ``state`` (B, 4) the true ``s_t``, ``reward`` (B,), ``done`` (B,) and
    ``info`` with ``"terminated"`` (B,), the worlds that ended by failing (a terminal state, kept
    while they stay frozen), ``"truncated"`` (B,), those stopped by ``max_steps``, and
    ``"active"`` (B,), the worlds that were still running before this step.

    Examples
    --------
    >>> env = CartPole(n_envs=2, hide_velocity=True, max_steps=5)
    >>> env.reset(seed=1)[0].shape
    (2, 2)
    >>> for _ in range(5):
    ...     obs, state, reward, done, info = env.step([1, 1])
    >>> done.tolist(), info["terminated"].tolist(), info["truncated"].tolist()
    ([True, True], [False, False], [True, True])
    """

    n_actions = 2

    def __init__(self, n_envs: int = 1, flicker: float = 0.0, hide_velocity: bool = False,
                 max_steps: int = 200, params: CartPoleParams = CartPoleParams(), visible_flag: bool = False):
        self.n_envs = check_int(n_envs, "n_envs", low=1)
        self.flicker = check_real(flicker, "flicker", low=0, high=1)
        self.hide_velocity = check_bool(hide_velocity, "hide_velocity")
        self.visible_flag = check_bool(visible_flag, "visible_flag")
        self.max_steps = check_int(max_steps, "max_steps", low=1)
        if not isinstance(params, CartPoleParams):
            raise TypeError(f"params must be a CartPoleParams, got {type(params).__name__}")
        self.params = params
        self.obs_dim = (2 if self.hide_velocity else 4) + self.visible_flag
        self._rng = np.random.default_rng(0)
        self.state = np.zeros((self.n_envs, 4))
        self.done = np.ones(self.n_envs, dtype=bool)
        self.terminated = np.zeros(self.n_envs, dtype=bool)
        self.t = 0

    def observe(self, state) -> np.ndarray:
        """``o_t ~ O(s_t)``: drop the velocities if hidden, blank each world with probability ``flicker``,
        then append the visibility flag if asked.

        ``state`` has shape ``(n_envs, 4)``; one uniform number per world is drawn for the flicker."""
        state = as_finite_array(state, "state", ndim=2)
        if state.shape != (self.n_envs, 4):
            raise ValueError(f"state must have shape ({self.n_envs}, 4) (one cart-pole state per world), "
                             f"got {state.shape}")
        return self._observe(state)

    def _observe(self, state: np.ndarray) -> np.ndarray:
        obs = np.asarray(state, dtype=float)[:, [0, 2]] if self.hide_velocity else np.array(state, dtype=float)
        blank = self._rng.random(len(obs)) < self.flicker
        obs[blank] = 0.0
        if self.visible_flag:
            obs = np.concatenate([obs, (~blank)[:, None].astype(float)], axis=1)  # (B, obs_dim)
        return obs

    def reset(self, seed=None) -> tuple[np.ndarray, np.ndarray, dict]:
        """Start ``n_envs`` episodes from states uniform in [-0.05, 0.05]^4; return ``(o_0, s_0, info)``,
        ``o_0`` (B, obs_dim) and ``s_0`` (B, 4)."""
        self._rng = as_rng(check_seed(seed))
        self.state = self._rng.uniform(-0.05, 0.05, size=(self.n_envs, 4))
        self.done = np.zeros(self.n_envs, dtype=bool)
        self.terminated = np.zeros(self.n_envs, dtype=bool)
        self.t = 0
        return self._observe(self.state), self.state.copy(), {}

    def step(self, actions):
        """Advance every running world one Euler step with action 0 (push left) or 1 (push right)."""
        actions = as_actions(actions, (self.n_envs,), 2)
        active = ~self.done
        force = np.where(actions == 1, self.params.force, -self.params.force)
        new_state = self.state + self.params.tau * cartpole_derivatives(self.state, force, self.params)
        self.state = np.where(active[:, None], new_state, self.state)
        self.t += 1
        x, theta = self.state[:, 0], self.state[:, 2]
        terminal = active & ((np.abs(x) > self.params.x_limit) | (np.abs(theta) > self.params.theta_limit))
        self.terminated = self.terminated | terminal
        self.done = self.done | terminal | (self.t >= self.max_steps)
        reward = active.astype(float)
        info = {"terminated": self.terminated.copy(), "truncated": self.done & ~self.terminated, "active": active}
        return self._observe(self.state), self.state.copy(), reward, self.done.copy(), info


def random_policy_return(env: CartPole, seed: int = 0) -> float:
    """Mean return of uniformly random pushes over one batch of ``env.n_envs`` episodes: the floor to beat.

    Examples
    --------
    >>> 9 < random_policy_return(CartPole(n_envs=256, max_steps=100)) < 30
    True
    """
    if not isinstance(env, CartPole):
        raise TypeError(f"env must be a CartPole, got {type(env).__name__}")
    rng = as_rng(check_seed(seed))
    env.reset(seed)
    total, done = np.zeros(env.n_envs), np.zeros(env.n_envs, dtype=bool)
    while not done.all():
        _, _, reward, done, _ = env.step(rng.integers(0, 2, size=env.n_envs))
        total += reward
    return float(total.mean())


def markov_prediction_error(observations, actions, history: int = 1) -> float:
    """How well the last ``history`` observations and actions predict the next observation.

    The article's test of a POMDP: is what matters for the future fully expressed by what the
    agent sees? Fit ``o_{t+1} ~ W [o_{t-h+1}, ..., o_t, a_{t-h+1}, ..., a_t, 1]`` (actions one-hot)
    by least squares over all steps of all episodes and return the mean squared residual
    divided by the variance of the change ``o_{t+1} - o_t``: the fraction of the change left
    unexplained (0 = the history predicts it perfectly). A Markov observation gives a residual
    near 0 already with ``history=1``; hidden velocities need ``history >= 2``. The fit is
    linear, so use short episodes near upright (small angles, no failures) for a clean test.

    Parameters
    ----------
    observations : array_like, shape (n_episodes, T + 1, obs_dim)
    actions : array_like of int, shape (n_episodes, T)
    history : int
        h >= 1, the number of consecutive observations used as the predictor.

    Returns
    -------
    float

    Examples
    --------
    >>> env = CartPole(n_envs=100, hide_velocity=True, max_steps=10)
    >>> rng = np.random.default_rng(0)
    >>> obs = [env.reset(seed=0)[0]]
    >>> acts = rng.integers(0, 2, size=(10, 100))
    >>> obs += [env.step(a)[0] for a in acts]
    >>> o, a = np.stack(obs, axis=1), acts.T
    >>> markov_prediction_error(o, a, history=1) > 0.3 > 0.1 > markov_prediction_error(o, a, history=2)
    True
    """
    obs = as_finite_array(observations, "observations", ndim=3)
    if obs.shape[1] < 2:
        raise ValueError(f"observations must hold at least two steps (n_episodes, T + 1, obs_dim), got {obs.shape}")
    acts = np.asarray(actions)
    if acts.shape != obs.shape[:1] + (obs.shape[1] - 1,):
        raise ValueError(f"actions must have shape {(obs.shape[0], obs.shape[1] - 1)} (n_episodes, T), got {acts.shape}")
    if not np.issubdtype(acts.dtype, np.integer) or acts.min() < 0:
        raise ValueError(f"actions must be non-negative integers (action indices), got {acts.dtype} array "
                         f"with minimum {acts.min()}")
    history = check_int(history, "history", low=1, high=obs.shape[1] - 1)
    n_actions = int(acts.max()) + 1
    steps = range(history - 1, obs.shape[1] - 1)
    inputs = [np.concatenate([obs[:, t - history + 1:t + 1].reshape(len(obs), -1),
                              np.eye(n_actions)[acts[:, t - history + 1:t + 1]].reshape(len(obs), -1),
                              np.ones((len(obs), 1))], axis=1) for t in steps]
    X = np.concatenate(inputs)
    Y = np.concatenate([obs[:, t + 1] for t in steps])
    W, *_ = np.linalg.lstsq(X, Y, rcond=None)
    residual = Y - X @ W
    change = Y - np.concatenate([obs[:, t] for t in steps])
    spread = np.mean(np.var(change, axis=0))
    if not spread > 0:
        raise ValueError("observations must change from step to step: the variance of o_{t+1} - o_t is 0, "
                         "so the unexplained fraction is undefined")
    return float(np.mean(residual**2) / spread)


def markov_probe(flicker: float = 0.0, hide_velocity: bool = False, history: int = 1, seed: int = 0,
                 n_episodes: int = 200, steps: int = 10) -> float:
    """:func:`markov_prediction_error` on short random-action episodes of one observation model.

    ``n_episodes`` episodes of ``steps`` uniformly random pushes (near upright, so the linear fit
    is fair) observed through ``CartPole(flicker=..., hide_velocity=...)``.

    Examples
    --------
    >>> markov_probe(0.0, False, 1) < 0.02 < markov_probe(0.5, False, 1)  # flicker breaks the Markov property
    True
    """
    n_episodes = check_int(n_episodes, "n_episodes", low=1)
    steps = check_int(steps, "steps", low=1)
    history = check_int(history, "history", low=1, high=steps)
    seed = check_seed(seed)
    env = CartPole(n_envs=n_episodes, flicker=flicker, hide_velocity=hide_velocity, max_steps=steps)
    actions = as_rng(seed).integers(0, 2, size=(steps, env.n_envs))
    obs = np.stack([env.reset(seed)[0]] + [env.step(a)[0] for a in actions], axis=1)
    return markov_prediction_error(obs, actions.T, history)
