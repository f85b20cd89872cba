"""Known equilibria of the gallery games (Osborne & Rubinstein 1994; Diekmann 1985)."""

import numpy as np
import pytest

from marl_course.games import (
    classify_game,
    is_fully_mixed,
    is_nash,
    is_strict_nash,
    mixed_nash_2x2,
    pure_nash_equilibria,
    support_enumeration,
)
from marl_course.games.gallery import (
    GALLERY,
    battle_of_the_sexes,
    chicken,
    coordination_game,
    matching_pennies,
    prisoners_dilemma,
    rock_paper_scissors,
    stag_hunt,
    volunteers_dilemma,
)

# (game, pure equilibria, mixed equilibrium (x, y) or None) as stated in the textbooks
KNOWN_2X2 = [
    (prisoners_dilemma, [(1, 1)], None),
    (matching_pennies, [], ([0.5, 0.5], [0.5, 0.5])),
    (battle_of_the_sexes, [(0, 0), (1, 1)], ([0.6, 0.4], [0.4, 0.6])),
    (stag_hunt, [(0, 0), (1, 1)], ([0.5, 0.5], [0.5, 0.5])),
    (chicken, [(0, 1), (1, 0)], ([0.9, 0.1], [0.9, 0.1])),
    (coordination_game, [(0, 0), (1, 1)], ([1 / 3, 2 / 3], [1 / 3, 2 / 3])),
]


@pytest.mark.parametrize("make, pure, mixed", KNOWN_2X2)
def test_2x2_equilibria_match_the_textbook(make, pure, mixed):
    g = make()
    assert pure_nash_equilibria(g.payoffs) == pure
    found = mixed_nash_2x2(g.A, g.B)
    expected = [(np.eye(2)[i], np.eye(2)[j]) for i, j in pure] + ([tuple(map(np.array, mixed))] if mixed else [])
    assert len(found) == len(expected)
    for (x, y), (ex, ey) in zip(found, expected):
        np.testing.assert_allclose(x, ex, atol=1e-12)
        np.testing.assert_allclose(y, ey, atol=1e-12)
        assert is_nash(g.payoffs, [x, y])
    # the closed form and support enumeration agree
    enumerated = support_enumeration(g.A, g.B)
    assert len(enumerated) == len(found)


def test_rock_paper_scissors_unique_uniform_equilibrium():
    g = rock_paper_scissors()
    [(x, y)] = support_enumeration(g.A, g.B)
    np.testing.assert_allclose(x, np.full(3, 1 / 3))
    np.testing.assert_allclose(y, np.full(3, 1 / 3))
    assert is_fully_mixed(x) and not is_strict_nash(g.payoffs, [x, y])


def test_prisoners_dilemma_equilibrium_is_strict_and_pareto_dominated():
    g = prisoners_dilemma()
    assert is_strict_nash(g.payoffs, [[0, 1], [0, 1]])
    assert g.A[0, 0] > g.A[1, 1] and g.B[0, 0] > g.B[1, 1]


@pytest.mark.parametrize("cost", [0.1, 0.25, 0.6])
def test_volunteers_dilemma(cost):
    g = volunteers_dilemma(3, cost)
    assert pure_nash_equilibria(g.payoffs) == [(0, 1, 1), (1, 0, 1), (1, 1, 0)]
    q = cost ** 0.5  # Diekmann: each ignores with probability c^(1/(n-1))
    symmetric = [[1 - q, q]] * 3
    assert is_nash(g.payoffs, symmetric, tol=1e-12)
    assert not is_nash(g.payoffs, [[0.5, 0.5]] * 3) or np.isclose(q, 0.5)


def test_classification_by_rewards():
    assert classify_game(matching_pennies().payoffs) == "zero-sum"
    assert classify_game(coordination_game().payoffs) == "fully cooperative"
    assert classify_game(battle_of_the_sexes().payoffs) == "general-sum"


def test_gallery_is_complete_and_constructible():
    for make in GALLERY.values():
        g = make()
        assert len(g.action_names) == g.n_players


def test_three_player_game_has_no_A_B():
    with pytest.raises(ValueError, match="two-player"):
        volunteers_dilemma().A
