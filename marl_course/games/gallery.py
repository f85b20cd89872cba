"""A gallery of classic normal-form games with their textbook payoffs.

Each constructor returns a :class:`NormalFormGame`. The equilibria quoted in the docstrings are
the textbook ones (Osborne & Rubinstein, *A Course in Game Theory*, 1994, ch. 2-3; Diekmann 1985
for the volunteer's dilemma); ``tests/test_games_gallery.py`` checks them with the solvers.
Action 0 is the first row (player 1) or column (player 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from marl_course._validation import as_payoff_arrays, check_int, check_real


@dataclass(frozen=True)
class NormalFormGame:
    """A named n-player matrix game.

    Attributes
    ----------
    name : str
    payoffs : tuple of n arrays of shape (m_1, ..., m_n)
        ``payoffs[i][a_1, ..., a_n]`` is player ``i``'s reward ``Q_i(a_1, ..., a_n)``.
    action_names : tuple of n tuples of str
    description : str
    """

    name: str
    payoffs: tuple
    action_names: tuple
    description: str = ""

    def __post_init__(self):
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a str, got {type(self.name).__name__}")
        if not isinstance(self.description, str):
            raise TypeError(f"description must be a str, got {type(self.description).__name__}")
        arrays = as_payoff_arrays(self.payoffs, "payoffs")
        object.__setattr__(self, "payoffs", tuple(arrays))
        if not isinstance(self.action_names, Sequence) or isinstance(self.action_names, str):
            raise TypeError(f"action_names must be a tuple of n tuples of str, got {type(self.action_names).__name__}")
        if len(self.action_names) != len(arrays):
            raise ValueError(f"action_names must hold one tuple of names per player ({len(arrays)}), "
                             f"got {len(self.action_names)}")
        for i, (names, m) in enumerate(zip(self.action_names, arrays[0].shape)):
            if (not isinstance(names, Sequence) or isinstance(names, str)
                    or not all(isinstance(a, str) for a in names)):
                raise TypeError(f"action_names[{i}] must be a tuple of str, got {names!r}")
            if len(names) != m:
                raise ValueError(f"action_names[{i}] must name {m} actions, got {len(names)}")

    @property
    def n_players(self) -> int:
        return len(self.payoffs)

    @property
    def A(self) -> np.ndarray:
        """Row player's payoff matrix ``R_1`` (two-player games)."""
        self._require_two_players()
        return self.payoffs[0]

    @property
    def B(self) -> np.ndarray:
        """Column player's payoff matrix ``R_2`` (two-player games)."""
        self._require_two_players()
        return self.payoffs[1]

    def _require_two_players(self):
        if self.n_players != 2:
            raise ValueError(f"{self.name} has {self.n_players} players; A and B exist for two-player games")


def _symmetric(name, A, actions, description):
    A = np.asarray(A, dtype=float)
    return NormalFormGame(name, (A, A.T.copy()), (actions, actions), description)


def prisoners_dilemma() -> NormalFormGame:
    """Prisoner's dilemma with Axelrod's payoffs T=5 > R=3 > P=1 > S=0.

    Unique equilibrium, strict and pure: (defect, defect), although (cooperate, cooperate) pays
    both more.

    >>> prisoners_dilemma().A
    array([[3., 0.],
           [5., 1.]])
    """
    return _symmetric("Prisoner's dilemma", [[3, 0], [5, 1]], ("cooperate", "defect"),
                      "Defecting dominates; the equilibrium (D, D) is worse for both than (C, C).")


def matching_pennies() -> NormalFormGame:
    """Matching pennies: zero-sum, the row player wins on a match.

    Unique equilibrium: both mix (1/2, 1/2); value 0.
    """
    A = np.array([[1.0, -1.0], [-1.0, 1.0]])
    return NormalFormGame("Matching pennies", (A, -A), (("heads", "tails"), ("heads", "tails")),
                          "No pure equilibrium; the unique equilibrium is fully mixed.")


def rock_paper_scissors() -> NormalFormGame:
    """Rock-paper-scissors: zero-sum, win +1, loss -1, tie 0.

    Unique equilibrium: both play (1/3, 1/3, 1/3); value 0.
    """
    A = np.array([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])
    names = ("rock", "paper", "scissors")
    return NormalFormGame("Rock-paper-scissors", (A, -A), (names, names),
                          "Each action beats one and loses to another; the equilibrium is uniform.")


def battle_of_the_sexes() -> NormalFormGame:
    """Battle of the sexes: both want to meet, but prefer different events.

    Equilibria: (opera, opera), (football, football), and the mixed one
    x = (3/5, 2/5), y = (2/5, 3/5) with payoffs (6/5, 6/5).
    """
    A = np.array([[3.0, 0.0], [0.0, 2.0]])
    B = np.array([[2.0, 0.0], [0.0, 3.0]])
    names = ("opera", "football")
    return NormalFormGame("Battle of the sexes", (A, B), (names, names),
                          "Two pure equilibria with opposed preferences, and one mixed.")


def stag_hunt() -> NormalFormGame:
    """Stag hunt: hunting the stag pays only if both do.

    Equilibria: (stag, stag) (payoff-dominant), (hare, hare) (risk-dominant), and the mixed one
    in which both hunt the stag with probability 1/2.
    """
    return _symmetric("Stag hunt", [[4, 1], [3, 2]], ("stag", "hare"),
                      "Cooperation is an equilibrium, but a risky one.")


def chicken() -> NormalFormGame:
    """Chicken (hawk-dove): swerving is safe, going straight wins unless both do.

    Equilibria: (swerve, straight), (straight, swerve), and the mixed one in which both swerve
    with probability 9/10.
    """
    return _symmetric("Chicken", [[0, -1], [1, -10]], ("swerve", "straight"),
                      "Two asymmetric pure equilibria and a symmetric mixed one.")


def coordination_game() -> NormalFormGame:
    """A pure coordination (team) game: both get 2 on (A, A), 1 on (B, B), 0 otherwise.

    Equilibria: (A, A), (B, B), and the mixed one in which both play A with probability 1/3.
    """
    A = np.array([[2.0, 0.0], [0.0, 1.0]])
    names = ("A", "B")
    return NormalFormGame("Coordination game", (A, A.copy()), (names, names),
                          "Fully cooperative: identical rewards, two pure equilibria.")


def volunteers_dilemma(n_players: int = 3, cost: float = 0.25) -> NormalFormGame:
    """The volunteer's dilemma (Diekmann 1985) for ``n`` players.

    Everyone gets 1 if at least one player volunteers (action 0), 0 if nobody does; a volunteer
    pays ``cost`` (0 < cost < 1); ``2 <= n_players <= 16``. Pure equilibria: exactly one volunteer. The symmetric mixed
    equilibrium has each player *not* volunteering with probability ``q = cost**(1/(n-1))``.

    >>> volunteers_dilemma().payoffs[0].shape
    (2, 2, 2)
    """
    n_players = check_int(n_players, "n_players", low=2, high=16)  # 2**16 joint actions at most
    cost = check_real(cost, "cost", low=0, high=1, low_open=True, high_open=True)
    shape = (2,) * n_players
    grid = np.indices(shape)  # grid[i] = action of player i at each joint action
    anyone = np.any(grid == 0, axis=0)
    payoffs = tuple(anyone.astype(float) - cost * (grid[i] == 0) for i in range(n_players))
    return NormalFormGame(f"Volunteer's dilemma ({n_players} players)", payoffs,
                          (("volunteer", "ignore"),) * n_players,
                          "Someone must pay for the public good; who?")


GALLERY = {
    "prisoners_dilemma": prisoners_dilemma,
    "matching_pennies": matching_pennies,
    "rock_paper_scissors": rock_paper_scissors,
    "battle_of_the_sexes": battle_of_the_sexes,
    "stag_hunt": stag_hunt,
    "chicken": chicken,
    "coordination_game": coordination_game,
    "volunteers_dilemma": volunteers_dilemma,
}
"""Every gallery game by key, for menus and loops."""
