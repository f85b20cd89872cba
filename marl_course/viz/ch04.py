"""Chapter 4 plots: phase portraits on the unit square, simplex trajectories, convergence bars.

Every two-action dynamic lives on the unit square ``(p_1, q_1)`` (the probability that each
player picks its first action); three-action strategies are drawn on the simplex with
:mod:`marl_course.viz.simplex`. :func:`draw_explorer` is the callback of the chapter's
ipywidgets explorer, a plain function so it can be tested without a browser.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from marl_course._validation import (as_finite_array, as_probability_rows, as_probability_vector, check_choice,
                                     check_int, check_real, check_seed)
from marl_course.dynamics.automata import learning_automata, normalise_payoffs, record
from marl_course.dynamics.gradient import default_equilibrium_2x2, wolf_iga
from marl_course.dynamics.lagging_anchor import lagging_anchor
from marl_course.games import solve_zero_sum
from marl_course.games.gallery import GALLERY
from marl_course.viz._checks import as_pair_of_series, check_ax, check_mapping, check_names, check_sequence, check_text
from marl_course.viz.simplex import plot_simplex_trajectory, simplex_axes, simplex_to_xy

METHODS = ("L_R-I", "L_R-P", "IGA", "WoLF-IGA", "Lagging Anchor")
"""The dynamics the explorer can run."""

EXPLORER_GAMES = ("matching_pennies", "prisoners_dilemma", "coordination_game", "battle_of_the_sexes",
                  "rock_paper_scissors")
"""Gallery games offered by the explorer."""


def gradient_field(R_1, R_2, alpha_min: float = 1.0, alpha_max: float = 1.0, equilibrium=None,
                   density: int = 15) -> tuple[np.ndarray, ...]:
    """The (WoLF-)IGA direction field on a ``density x density`` grid of the unit square.

    Computed from one step of :func:`marl_course.dynamics.gradient.wolf_iga` from every grid
    point (so the field is exactly the dynamics' own step, projection included), divided by
    the step size.

    Returns
    -------
    p_1, q_1, d_p, d_q : arrays of shape (density, density)

    Examples
    --------
    >>> from marl_course.games.gallery import matching_pennies
    >>> g = matching_pennies()
    >>> p, q, dp, dq = gradient_field(g.A, g.B, density=3)
    >>> round(float(dp[2, 1]), 6), round(float(dq[1, 2]), 6)   # q_1 = 1: p_1 up; p_1 = 1: q_1 down
    (2.0, -2.0)
    """
    density = check_int(density, "density", low=2)
    p, q = np.meshgrid(np.linspace(0, 1, density), np.linspace(0, 1, density))
    step = 1e-6
    starts = np.column_stack([p.ravel(), q.ravel()])
    iterates = wolf_iga(R_1, R_2, step, alpha_min, alpha_max, starts, equilibrium)
    (p0, q0), (p1, q1) = next(iterates), next(iterates)
    return p, q, ((p1 - p0) / step).reshape(p.shape), ((q1 - q0) / step).reshape(q.shape)


def plot_phase_portrait(R_1, R_2, trajectories=(), alpha_min: float = 1.0, alpha_max: float = 1.0,
                        equilibrium=None, ax=None, title: str = "", labels=("player 1", "player 2")):
    """Draw the (WoLF-)IGA direction field with trajectories on the unit square.

    Parameters
    ----------
    R_1, R_2 : array_like, shape (2, 2)
    trajectories : sequence of (p_1, q_1) pairs of arrays of shape (T,)
        Paths to draw over the field (start marked with a circle, end with a square).
    alpha_min, alpha_max, equilibrium
        As in :func:`marl_course.dynamics.gradient.wolf_iga`; the defaults give IGA's field.
    ax : matplotlib Axes, optional
    title : str
    labels : (str, str)
        Names of the players, used in the axis labels.

    Examples
    --------
    >>> from marl_course.games.gallery import matching_pennies
    >>> g = matching_pennies()
    >>> ax = plot_phase_portrait(g.A, g.B, [(np.linspace(0.2, 0.5, 5), np.full(5, 0.8))], title="IGA")
    >>> ax.get_xlabel()
    'p_1: P(player 1 plays its first action)'
    """
    check_sequence(trajectories, "trajectories", allow_empty=True)
    paths = []
    for i, pair in enumerate(trajectories):
        paths.append(as_pair_of_series(pair, f"trajectories[{i}]", ("p_1", "q_1")))
    check_ax(ax)
    check_text(title, "title")
    labels = check_names(labels, "labels", 2)
    p, q, dp, dq = gradient_field(R_1, R_2, alpha_min, alpha_max, equilibrium)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.8, 4.5))
    speed = np.hypot(dp, dq)
    scale = np.where(speed > 0, speed, 1.0)
    ax.quiver(p, q, dp / scale, dq / scale, speed, cmap="Greys", alpha=0.7, angles="xy", pivot="mid",
              scale=25, width=0.004)
    for i, (path_p, path_q) in enumerate(paths):
        line, = ax.plot(path_p, path_q, lw=1.3, label="trajectory" if i == 0 else None)
        ax.plot(path_p[0], path_q[0], "o", color=line.get_color(), ms=5)
        ax.plot(path_p[-1], path_q[-1], "s", color=line.get_color(), ms=5)
    p_star, q_star = default_equilibrium_2x2(R_1, R_2) if equilibrium is None else equilibrium
    ax.plot(p_star, q_star, "*", color="crimson", ms=13, label="Nash equilibrium", zorder=5)
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(-0.03, 1.03)
    ax.set_aspect("equal")
    ax.set_xlabel(f"p_1: P({labels[0]} plays its first action)")
    ax.set_ylabel(f"q_1: P({labels[1]} plays its first action)")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    return ax


def plot_simplex_runs(strategies, ax=None, labels=("action 0", "action 1", "action 2"), equilibrium=None,
                      title: str = "", max_runs: int = 8):
    """Draw the paths of up to ``max_runs`` runs, ``strategies`` of shape (T, n_runs, 3), on the simplex.

    Examples
    --------
    >>> path = np.tile([[0.6, 0.2, 0.2]], (4, 2, 1))
    >>> ax = plot_simplex_runs(path, equilibrium=[1/3, 1/3, 1/3], title="runs")
    >>> ax.get_title()
    'runs'
    """
    strategies = as_finite_array(strategies, "strategies", ndim=3)
    if strategies.shape[-1] != 3:
        raise ValueError(f"strategies must have shape (T, n_runs, 3), got {strategies.shape}")
    strategies = as_probability_rows(strategies, "strategies")
    if equilibrium is not None:
        equilibrium = as_probability_vector(equilibrium, "equilibrium", size=3)
    max_runs = check_int(max_runs, "max_runs", low=1)
    check_ax(ax)
    check_text(title, "title")
    labels = check_names(labels, "labels", 3)
    ax = simplex_axes(ax, labels=labels)
    for run in range(min(strategies.shape[1], max_runs)):
        plot_simplex_trajectory(strategies[:, run], ax=ax, alpha=0.8)
    if equilibrium is not None:
        ax.plot(*simplex_to_xy(equilibrium), "*", color="crimson", ms=14, label="Nash equilibrium", zorder=5)
        ax.legend(loc="upper left", fontsize=8)
    ax.set_title(title)
    return ax


def convergence_fractions(final_points, targets: dict, tol: float) -> dict:
    """The fraction of runs whose final point lies within ``tol`` (max-norm) of each target.

    Parameters
    ----------
    final_points : array_like, shape (n_runs, d)
    targets : dict name -> array of shape (d,)
    tol : float

    Returns
    -------
    dict name -> fraction, plus ``"elsewhere"`` for the runs near no target.

    Examples
    --------
    >>> convergence_fractions([[1, 1], [0, 0], [0.5, 0.5], [1, 0.999]], {"A": [1, 1], "B": [0, 0]}, 0.01)
    {'A': 0.5, 'B': 0.25, 'elsewhere': 0.25}
    """
    points = as_finite_array(final_points, "final_points", ndim=2)
    tol = check_real(tol, "tol", low=0, low_open=True)
    check_mapping(targets, "targets")
    target_points = {}
    for name, t in targets.items():
        target_points[name] = as_finite_array(t, f"targets[{name!r}]", ndim=1)
        if target_points[name].shape[0] != points.shape[1]:
            raise ValueError(f"targets[{name!r}] must have {points.shape[1]} entries (like each final point), "
                             f"got {target_points[name].shape[0]}")
    near = {name: np.max(np.abs(points - t), axis=1) <= tol for name, t in target_points.items()}
    fractions = {name: float(hit.mean()) for name, hit in near.items()}
    fractions["elsewhere"] = float(1.0 - np.any(np.array(list(near.values())), axis=0).mean())
    return fractions


def plot_convergence_fractions(fractions: dict, ax=None, title: str = "", colour: str = "steelblue"):
    """Bar chart of :func:`convergence_fractions` (the share of runs ending near each equilibrium).

    Examples
    --------
    >>> ax = plot_convergence_fractions({"(C, C)": 0.0, "(D, D)": 1.0, "elsewhere": 0.0}, title="L_R-I")
    >>> len(ax.patches)
    3
    """
    check_mapping(fractions, "fractions")
    for name, value in fractions.items():
        check_real(value, f"fractions[{name!r}]", low=0, high=1)
    check_ax(ax)
    check_text(title, "title")
    check_text(colour, "colour")
    from matplotlib.colors import is_color_like
    if not is_color_like(colour):
        raise ValueError(f"colour must be a matplotlib colour, got {colour!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    names = list(fractions)
    bars = ax.bar(names, [fractions[n] for n in names], color=colour)
    ax.bar_label(bars, labels=[f"{fractions[n]:.0%}" for n in names], padding=2)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("fraction of runs")
    ax.set_xlabel("where the run ended")
    ax.set_title(title)
    return ax


def draw_explorer(game: str = "matching_pennies", method: str = "WoLF-IGA", eta: float = 0.01,
                  alpha_min: float = 1.0, alpha_max: float = 4.0, eta_d: float = 1.0, n_runs: int = 5,
                  n_steps: int = 3000, seed: int = 0):
    """The explorer's callback: run ``method`` on a gallery ``game`` and draw its paths.

    Two-action games are drawn on the unit square over the IGA / WoLF-IGA field (the field
    shown is the gradient field, whatever ``method`` runs); rock-paper-scissors on the simplex.
    ``eta`` is the step size (``eta_1`` for automata, with the penalty ``eta_2 = eta / 10`` for
    L_R-P). Starting points are drawn at random with ``seed``.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> fig = draw_explorer("matching_pennies", "IGA", eta=0.01, n_runs=2, n_steps=50)
    >>> fig.axes[0].get_title()
    'IGA on Matching pennies (2 runs, 50 steps)'
    >>> plt.close(fig)
    """
    check_choice(game, "game", EXPLORER_GAMES)
    check_choice(method, "method", METHODS)
    automaton = method in ("L_R-I", "L_R-P")
    eta = check_real(eta, "eta", low=0, high=1 if automaton else None, low_open=True, high_open=automaton)
    alpha_min = check_real(alpha_min, "alpha_min", low=0, low_open=True)
    alpha_max = check_real(alpha_max, "alpha_max", low=0, low_open=True)
    eta_d = check_real(eta_d, "eta_d", low=0)
    g = GALLERY[game]()
    n_runs = check_int(n_runs, "n_runs", low=1)
    n_steps = check_int(n_steps, "n_steps", low=2)
    check_seed(seed)
    m = g.A.shape[0]
    rng = np.random.default_rng(seed)
    starts = [rng.dirichlet(np.ones(m), n_runs), rng.dirichlet(np.ones(m), n_runs)]
    every = max(1, n_steps // 300)
    title = f"{method} on {g.name} ({n_runs} runs, {n_steps} steps)"
    if method in ("IGA", "WoLF-IGA") and m != 2:
        fig, ax = plt.subplots(figsize=(5.2, 1.2))
        ax.text(0.5, 0.5, f"{method} is defined for two-action games only;\n{g.name} has {m} actions.",
                ha="center", va="center")
        ax.axis("off")
        return fig
    if method in ("IGA", "WoLF-IGA"):
        a_lo, a_hi = (1.0, 1.0) if method == "IGA" else (alpha_min, alpha_max)
        p, q = record(wolf_iga(g.A, g.B, eta, a_lo, a_hi, np.column_stack([starts[0][:, 0], starts[1][:, 0]])),
                      n_steps, every)
        first_action = (p, q)
    elif method == "Lagging Anchor":
        path = record(lagging_anchor(g.A, g.B, eta, eta_d, initial=starts, n_runs=n_runs, seed=seed), n_steps, every)
        first_action, strategies = (path.v[..., 0], path.w[..., 0]), path.v
    else:
        eta_2 = eta / 10 if method == "L_R-P" else 0.0
        p1, p2 = record(learning_automata(normalise_payoffs(g.payoffs), eta, eta_2, starts, n_runs, seed),
                        n_steps, every)
        first_action, strategies = (p1[..., 0], p2[..., 0]), p1
    fig, ax = plt.subplots(figsize=(5.2, 4.8))
    if m == 2:
        a_lo, a_hi = (alpha_min, alpha_max) if method == "WoLF-IGA" else (1.0, 1.0)
        paths = [(first_action[0][:, r], first_action[1][:, r]) for r in range(n_runs)]
        plot_phase_portrait(g.A, g.B, paths, a_lo, a_hi, ax=ax, title=title)
    else:
        plot_simplex_runs(strategies, ax=ax, labels=g.action_names[0], equilibrium=solve_zero_sum(g.A)[1],
                          title=title + "\nplayer 1's strategy", max_runs=n_runs)
    return fig
