"""Chapter 3 plots: PHC and WoLF-PHC trajectories, and the explorer's drawing callback.

Two-action games are drawn in the joint strategy square (player 1's probability of action 0
against player 2's); three-action games on the probability simplex of each player
(:mod:`marl_course.viz.simplex`). ``draw_self_play`` is the explorer callback (a plain function,
tested headless); ``explore_wolf`` wires it to ipywidgets.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from marl_course._validation import as_probability_vector, check_choice, check_int, check_real, check_seed
from marl_course.envs.matrix_games import make_matrix_game
from marl_course.games import solve_zero_sum
from marl_course.tabular.phc import Trajectory, distance_to_strategy, self_play
from marl_course.viz._checks import check_ax, check_names, check_sequence, check_text
from marl_course.viz.simplex import plot_simplex_trajectory, simplex_axes, simplex_to_xy
from marl_course.viz.explorers import explorer

EXPLORER_GAMES = ("matching_pennies", "rock_paper_scissors")
"""The games of the explorer: zero-sum, each with a unique fully mixed equilibrium."""


def _check_trajectories(trajectories) -> dict:
    if not isinstance(trajectories, dict) or not trajectories:
        raise TypeError("trajectories must be a non-empty dict {label: Trajectory}")
    for label, trajectory in trajectories.items():
        if not isinstance(trajectory, Trajectory):
            raise TypeError(f"trajectories[{label!r}] must be a Trajectory, got {type(trajectory).__name__}")
    return trajectories


def _check_indices(trajectories: dict, player: int | None = None, run: int | None = None,
                   action: int | None = None, name: str = "trajectories"):
    """Check ``player``, ``run`` and ``action`` index every trajectory (the smallest one bounds them)."""
    policies = [t.policies for t in trajectories.values()]
    if player is not None:
        player = check_int(player, "player", low=0, high=min(len(p) for p in policies) - 1)
    players = range(len(policies[0])) if player is None else [player]
    if run is not None:
        run = check_int(run, "run", low=0, high=min(p[i].shape[1] for p in policies for i in players) - 1)
    if action is not None:
        action = check_int(action, "action", low=0, high=min(p[i].shape[-1] for p in policies for i in players) - 1)
    return player, run, action


def _check_equilibrium_strategy(equilibrium, size: int, name: str = "equilibrium"):
    return None if equilibrium is None else as_probability_vector(equilibrium, name, size=size)


def plot_strategy_square(trajectories, run: int = 0, action: int = 0, equilibrium=None, ax=None,
                         action_name: str = "heads"):
    """Two-action games: player 2's against player 1's probability of ``action`` over learning.

    Parameters
    ----------
    trajectories : dict {label: Trajectory}
    run : int
        Which independent run to draw.
    action : int
        The action whose probabilities are the axes.
    equilibrium : (x, y), optional
        The equilibrium strategies, marked with a star.
    ax : matplotlib Axes, optional
    action_name : str
        The action's name for the axis labels.

    Examples
    --------
    >>> from marl_course.tabular.phc import self_play
    >>> run = self_play(make_matrix_game("matching_pennies"), 0.001, 0.002, n_steps=500, seed=0)
    >>> ax = plot_strategy_square({"WoLF-PHC": run})
    >>> ax.get_xlabel()
    'player 1: Pr(heads)'
    """
    trajectories = _check_trajectories(trajectories)
    _, run, action = _check_indices(trajectories, run=run, action=action)
    n_actions = next(iter(trajectories.values())).policies[0].shape[-1]
    if equilibrium is not None:
        check_sequence(equilibrium, "equilibrium")
        if len(equilibrium) != 2:
            raise ValueError(f"equilibrium must be a pair (x, y) of strategies, got {len(equilibrium)} items")
        equilibrium = (as_probability_vector(equilibrium[0], "equilibrium[0]", size=n_actions),
                       as_probability_vector(equilibrium[1], "equilibrium[1]", size=n_actions))
    check_ax(ax)
    check_text(action_name, "action_name")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 4.4))
    for label, trajectory in trajectories.items():
        x = trajectory.policies[0][:, run, 0, action]
        y = trajectory.policies[1][:, run, 0, action]
        line, = ax.plot(x, y, lw=1.0, label=label)
        ax.plot(x[0], y[0], "o", color=line.get_color(), ms=5)
        ax.plot(x[-1], y[-1], "s", color=line.get_color(), ms=5)
    if equilibrium is not None:
        ax.plot(equilibrium[0][action], equilibrium[1][action], "*", color="k", ms=12, label="Nash equilibrium")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel(f"player 1: Pr({action_name})")
    ax.set_ylabel(f"player 2: Pr({action_name})")
    ax.legend(loc="upper right", fontsize=8)
    return ax


def plot_simplex_trajectories(trajectories, player: int = 0, run: int = 0, equilibrium=None, ax=None,
                              labels=("rock", "paper", "scissors")):
    """Three-action games: one player's policy over learning, on the probability simplex.

    Circles mark the start, squares the end, a star the equilibrium strategy.

    Examples
    --------
    >>> from marl_course.tabular.phc import self_play
    >>> run = self_play(make_matrix_game("rock_paper_scissors"), 0.001, 0.001, n_steps=500, seed=0)
    >>> ax = plot_simplex_trajectories({"PHC": run}, equilibrium=[1/3, 1/3, 1/3])
    >>> ax.get_legend() is not None
    True
    """
    trajectories = _check_trajectories(trajectories)
    player, run, _ = _check_indices(trajectories, player=player, run=run)
    for label, trajectory in trajectories.items():
        if trajectory.policies[player].shape[-1] != 3:
            raise ValueError(f"trajectories[{label!r}] must be of a three-action game for the simplex, "
                             f"got {trajectory.policies[player].shape[-1]} actions")
    equilibrium = _check_equilibrium_strategy(equilibrium, 3)
    check_ax(ax)
    labels = check_names(labels, "labels", 3)
    ax = simplex_axes(ax, labels=labels)
    for label, trajectory in trajectories.items():
        plot_simplex_trajectory(trajectory.policies[player][:, run, 0], ax=ax, label=label)
    if equilibrium is not None:
        ax.plot(*simplex_to_xy(equilibrium), "*", color="k", ms=12, label="Nash equilibrium")
    ax.legend(loc="upper left", fontsize=8, bbox_to_anchor=(-0.05, 1.02))
    return ax


def plot_distance_to_equilibrium(trajectories, equilibrium, player: int = 0, ax=None):
    """Mean over runs of ``||pi_i(t) - pi_i*||`` against the step ``t``, one line per trajectory.

    Examples
    --------
    >>> from marl_course.tabular.phc import self_play
    >>> run = self_play(make_matrix_game("matching_pennies", n_envs=2), 0.001, 0.002, n_steps=500, seed=0)
    >>> ax = plot_distance_to_equilibrium({"WoLF-PHC": run}, [0.5, 0.5])
    >>> ax.get_ylabel()
    'distance to equilibrium ||pi - pi*||'
    """
    trajectories = _check_trajectories(trajectories)
    player, _, _ = _check_indices(trajectories, player=player)
    for label, trajectory in trajectories.items():
        _check_equilibrium_strategy(equilibrium, trajectory.policies[player].shape[-1])
    check_ax(ax)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.4))
    for label, trajectory in trajectories.items():
        distance = distance_to_strategy(trajectory.policies[player][:, :, 0], equilibrium)  # (K, n_runs)
        n_runs = distance.shape[1]
        ax.plot(trajectory.steps, distance.mean(axis=1), label=label if n_runs == 1 else f"{label} (mean of {n_runs} runs)")
    ax.set_xlabel("step t")
    ax.set_ylabel("distance to equilibrium ||pi - pi*||")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    return ax


def plot_action_probability(trajectories, action: int = 0, run: int = 0, ax=None, action_name: str = "heads"):
    """Each player's probability of ``action`` against the step, one line per trajectory and player.

    Bowling & Veloso's matching-pennies figure: ``Pr(heads)`` over learning, equilibrium 1/2.

    Examples
    --------
    >>> from marl_course.tabular.phc import self_play
    >>> run = self_play(make_matrix_game("matching_pennies"), 0.001, 0.002, n_steps=500, seed=0)
    >>> ax = plot_action_probability({"WoLF-PHC": run})
    >>> [line.get_label() for line in ax.lines]
    ['WoLF-PHC, player 1', 'WoLF-PHC, player 2']
    """
    trajectories = _check_trajectories(trajectories)
    _, run, action = _check_indices(trajectories, run=run, action=action)
    check_ax(ax)
    check_text(action_name, "action_name")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.4))
    for label, trajectory in trajectories.items():
        for player, policies in enumerate(trajectory.policies):
            ax.plot(trajectory.steps, policies[:, run, 0, action], lw=1.0, label=f"{label}, player {player + 1}")
    ax.set_xlabel("step t")
    ax.set_ylabel(f"Pr({action_name})")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=8, loc="upper right", ncol=2)
    return ax


def plot_policy_over_time(trajectory: Trajectory, player: int = 0, run: int = 0, action_names=None, ax=None):
    """Every action's probability ``pi_i(a)`` of one player against the step.

    Examples
    --------
    >>> from marl_course.tabular.phc import self_play
    >>> run = self_play(make_matrix_game("rock_paper_scissors"), 0.001, 0.002, n_steps=500, seed=0)
    >>> len(plot_policy_over_time(run, action_names=("rock", "paper", "scissors")).lines)
    3
    """
    if not isinstance(trajectory, Trajectory):
        raise TypeError(f"trajectory must be a Trajectory, got {type(trajectory).__name__}")
    player, run, _ = _check_indices({"trajectory": trajectory}, player=player, run=run)
    policies = trajectory.policies[player][:, run, 0]  # (K, |A|)
    if action_names is None:
        action_names = [f"action {a}" for a in range(policies.shape[1])]
    action_names = check_names(action_names, "action_names", policies.shape[1])
    check_ax(ax)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.4))
    for a, name in enumerate(action_names):
        ax.plot(trajectory.steps, policies[:, a], label=f"pi({name})")
    ax.set_xlabel("step t")
    ax.set_ylabel(f"player {player + 1}: probability")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=8)
    return ax


def draw_self_play(game: str = "rock_paper_scissors", delta_w: float = 0.0005, delta_l: float = 0.0015,
                   n_steps: int = 20_000, seed: int = 0):
    """The explorer callback: both players learn by (WoLF-)PHC in ``game``; draw their policies.

    ``delta_l > delta_w`` is WoLF-PHC, ``delta_l == delta_w`` plain PHC. Matching pennies is drawn
    in the strategy square, rock-paper-scissors on each player's simplex.

    Returns
    -------
    fig, trajectory
        The figure and the :class:`~marl_course.tabular.phc.Trajectory` it draws.

    Examples
    --------
    >>> fig, run = draw_self_play("matching_pennies", 0.001, 0.003, n_steps=1000)
    >>> len(fig.axes), int(run.steps[-1])
    (2, 1000)
    """
    check_choice(game, "game", EXPLORER_GAMES)
    delta_w = check_real(delta_w, "delta_w", low=0, high=1, low_open=True)
    delta_l = check_real(delta_l, "delta_l", low=0, high=1, low_open=True)
    n_steps = check_int(n_steps, "n_steps", low=100)
    check_seed(seed)
    env = make_matrix_game(game)
    algorithm = "WoLF-PHC" if delta_l > delta_w else "PHC"
    trajectory = self_play(env, delta_w, max(delta_l, delta_w), n_steps, seed=seed, record_every=max(n_steps // 500, 1))
    _, row_strategy, column_strategy = solve_zero_sum(env.game.A)
    label = {algorithm: trajectory}
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.4))
    if env.action_counts[0] == 2:
        plot_strategy_square(label, equilibrium=(row_strategy, column_strategy), ax=left)
        left.set_title(f"{env.game.name}: joint strategy")
    else:
        names = env.game.action_names[0]
        plot_simplex_trajectories(label, player=0, equilibrium=row_strategy, ax=left, labels=names)
        left.set_title(f"{env.game.name}: player 1")
    plot_distance_to_equilibrium(label, row_strategy, ax=right)
    right.set_title(f"player 1, delta_w={delta_w:g}, delta_l={max(delta_l, delta_w):g}")
    if delta_l < delta_w:
        right.text(0.5, 0.9, "delta_l < delta_w: ran PHC with delta = delta_w", transform=right.transAxes,
                   ha="center", fontsize=8, color="C3")
    fig.tight_layout()
    return fig, trajectory


def explore_wolf(game: str = "rock_paper_scissors"):
    """An ipywidgets explorer: the game, ``delta_w``, ``delta_l`` and the number of steps.

    Redraws :func:`draw_self_play` when a slider is released (``continuous_update=False``), through
    :func:`~marl_course.viz.explorers.explorer`.
    """
    import ipywidgets as widgets

    check_choice(game, "game", EXPLORER_GAMES)
    controls = dict(
        game=widgets.Dropdown(options=list(EXPLORER_GAMES), value=game, description="game"),
        delta_w=widgets.FloatLogSlider(value=0.0005, base=10, min=-4, max=-2, step=0.1, readout_format=".5f",
                                       description="delta_w", continuous_update=False),
        delta_l=widgets.FloatLogSlider(value=0.0015, base=10, min=-4, max=-1.5, step=0.1, readout_format=".5f",
                                       description="delta_l", continuous_update=False),
        n_steps=widgets.IntSlider(value=10_000, min=2_000, max=60_000, step=2_000, description="steps",
                                  continuous_update=False),
    )

    return explorer(draw_self_play, controls, rows=[["game", "n_steps"], ["delta_w", "delta_l"]])
