"""Games and equilibria (chapter 1): normal-form games, solvers, stochastic games."""

from marl_course.games.equilibria import (
    MAX_SUPPORT_PAIRS,
    DegenerateGameWarning,
    mixed_nash_2x2,
    pure_nash_equilibria,
    support_enumeration,
    support_pair_count,
)
from marl_course.games.gallery import GALLERY, NormalFormGame
from marl_course.games.normal_form import (
    action_values,
    best_responses,
    classify_game,
    expected_payoffs,
    is_fully_cooperative,
    is_fully_mixed,
    is_nash,
    is_pure,
    is_strict_nash,
    is_zero_sum,
)
from marl_course.games.zero_sum import maximin_value_linprog, solve_zero_sum

__all__ = [
    "MAX_SUPPORT_PAIRS", "DegenerateGameWarning", "mixed_nash_2x2", "pure_nash_equilibria", "support_enumeration",
    "support_pair_count", "maximin_value_linprog",
    "GALLERY", "NormalFormGame", "action_values", "best_responses", "classify_game",
    "expected_payoffs", "is_fully_cooperative", "is_fully_mixed", "is_nash", "is_pure",
    "is_strict_nash", "is_zero_sum", "solve_zero_sum",
]

from marl_course.games.stochastic import (  # noqa: E402
    ShapleyIterate,
    StochasticGame,
    big_match,
    evaluate_joint_policy,
    is_stationary_equilibrium,
    repeated_game,
    shapley_value_iteration,
    shapley_values,
    stage_games,
)

__all__ += [
    "ShapleyIterate", "StochasticGame", "big_match", "evaluate_joint_policy", "is_stationary_equilibrium",
    "repeated_game", "shapley_value_iteration", "shapley_values", "stage_games",
]
