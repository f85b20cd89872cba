"""The chapter 1 explorer: edit a 2x2 bimatrix and watch best responses and the equilibrium set move.

``draw_2x2_game`` is the callback (a plain function, tested headless); ``explore_2x2`` wires it to
ipywidgets sliders with ``continuous_update=False`` and a menu of gallery games.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np

from marl_course._validation import as_bimatrix, check_choice
from marl_course.games import classify_game
from marl_course.games.gallery import GALLERY
from marl_course.viz.games import _describe_equilibrium_set, plot_best_responses_2x2, plot_payoff_table

_ENTRIES = [("A", 0, 0), ("A", 0, 1), ("A", 1, 0), ("A", 1, 1), ("B", 0, 0), ("B", 0, 1), ("B", 1, 0), ("B", 1, 1)]


def draw_2x2_game(A, B):
    """Draw the payoff table and the best-response correspondences of the 2x2 game ``(A, B)``.

    The title states the exact equilibrium set (:func:`marl_course.viz.games.equilibrium_set_2x2`),
    e.g. "1 isolated equilibrium (p=0, q=0) and a continuum p=1, q in [1/3, 1]" for a degenerate game.

    Returns
    -------
    fig, (points, segments, regions)
        The figure and the equilibrium set it marks: isolated ``(p, q)``, continua as segments
        ``((p0, q0), (p1, q1))``, and two-dimensional regions.

    Examples
    --------
    >>> from marl_course.games.gallery import matching_pennies
    >>> g = matching_pennies()
    >>> fig, (points, segments, regions) = draw_2x2_game(g.A, g.B)
    >>> points, segments, regions
    ([(0.5, 0.5)], [], [])
    >>> fig.axes[1].get_title()
    'equilibria: 1 isolated equilibrium (p=1/2, q=1/2)'
    """
    A, B = as_bimatrix(A, B)
    if A.shape != (2, 2):
        raise ValueError(f"A must be 2x2, got shape {A.shape}")
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 5.4), gridspec_kw={"width_ratios": [1, 1.1]})
    plot_payoff_table((A, B), ax=left, action_names=(["row 0", "row 1"], ["col 0", "col 1"]),
                      title=f"a {classify_game([A, B])} game")
    _, equilibria = plot_best_responses_2x2(A, B, ax=right)
    right.set_title("equilibria: " + textwrap.fill(_describe_equilibrium_set(*equilibria), 55), fontsize=9)
    fig.tight_layout()
    return fig, equilibria


def explore_2x2(game: str = "battle_of_the_sexes"):
    """An ipywidgets explorer: a gallery menu and eight payoff sliders; redraws on release.

    Parameters
    ----------
    game : str
        The starting gallery game (a key of ``marl_course.games.gallery.GALLERY`` with 2x2 payoffs).
    """
    import ipywidgets as widgets
    from IPython.display import display

    two_by_two = {k: f() for k, f in GALLERY.items() if f().n_players == 2 and f().A.shape == (2, 2)}
    check_choice(game, "game", sorted(two_by_two))
    menu = widgets.Dropdown(options=[(g.name, k) for k, g in two_by_two.items()], value=game, description="game")
    sliders = [widgets.FloatSlider(min=-10, max=10, step=0.5, description=f"{m}[{i},{j}]",
                                   continuous_update=False, layout=widgets.Layout(width="260px"))
               for m, i, j in _ENTRIES]
    output = widgets.Output()

    def redraw(*_):
        values = np.array([s.value for s in sliders])
        with output:
            output.clear_output(wait=True)
            fig, _ = draw_2x2_game(values[:4].reshape(2, 2), values[4:].reshape(2, 2))
            display(fig)
            plt.close(fig)

    def load_game(change):
        g = two_by_two[change["new"]]
        for slider, (m, i, j) in zip(sliders, _ENTRIES):
            slider.unobserve(redraw, "value")
            slider.value = float((g.A if m == "A" else g.B)[i, j])
            slider.observe(redraw, "value")
        redraw()

    for slider in sliders:
        slider.observe(redraw, "value")
    menu.observe(load_game, "value")
    load_game({"new": game})
    grid = widgets.VBox([menu, widgets.HBox([widgets.VBox(sliders[:4]), widgets.VBox(sliders[4:])])])
    return widgets.VBox([grid, output])
