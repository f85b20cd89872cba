"""Littman's soccer: rules, the model against the simulator, and Shapley's values on the full model."""

import numpy as np
import pytest

from marl_course.envs.soccer import (A, B, GOAL_ROWS, N_STATES, NEXT_STATE, SCORE, START_STATES, STATE_INDEX, STATES,
                                     MatchRecord, Soccer, hand_built_policy, uniform_policy)
from marl_course.tabular.play import FixedPolicy, Rollout, play


def cell(row, col):
    return row * 5 + col


def test_state_count_and_index_roundtrip():
    assert N_STATES == 20 * 19 * 2
    for k in (0, 17, N_STATES - 1):
        assert STATE_INDEX[tuple(STATES[k])] == k


def test_carrying_the_ball_into_the_attacked_goal_scores():
    s = STATE_INDEX[cell(GOAL_ROWS[0], 0), cell(3, 4), A]
    assert set(SCORE[s, 3, 4]) == {1}          # A moves W into the left goal, whatever the order
    s = STATE_INDEX[cell(0, 0), cell(GOAL_ROWS[1], 4), B]
    assert set(SCORE[s, 4, 2]) == {-1}         # B moves E into the right goal
    s = STATE_INDEX[cell(0, 0), cell(3, 4), A]
    assert SCORE[s, 3, 4].tolist() == [0, 0] and NEXT_STATE[s, 3, 4, 0] == s  # W off the grid outside the goal


def test_bumping_into_the_standing_player_hands_over_the_ball():
    s = STATE_INDEX[cell(1, 1), cell(1, 2), A]  # A has the ball, B stands to its east
    for first in (A, B):
        assert tuple(STATES[NEXT_STATE[s, 2, 4, first]]) == (cell(1, 1), cell(1, 2), B)


def test_move_order_matters_when_both_go_for_the_same_square():
    s = STATE_INDEX[cell(1, 1), cell(1, 3), B]  # both step into (1, 2)
    a_first, b_first = (tuple(STATES[NEXT_STATE[s, 2, 3, first]]) for first in (A, B))
    assert a_first == (cell(1, 2), cell(1, 3), A)  # B bumps into A: A gets the ball
    assert b_first == (cell(1, 1), cell(1, 2), B)


def test_env_is_seeded_and_an_ended_game_waits_for_its_reset():
    runs = []
    for _ in range(2):
        env = Soccer()
        env.reset(seed=3)
        steps = []
        for _ in range(30):
            steps.append(env.step([[3, 2]]))
            if steps[-1][3][0]:
                steps.append(env.step([[3, 2]]))  # an ended game is frozen: same board, reward 0, still done
                steps.append(env.reset())
        runs.append(steps)
    assert all(np.array_equal(x, y) for first, again in zip(*runs) for x, y in zip(first[:4], again[:4]))
    ends = [i for i, step in enumerate(runs[0]) if len(step) == 5 and step[3][0]][::2]  # each end, then frozen
    assert ends
    for i in ends:
        end, frozen, (obs, start, info) = runs[0][i:i + 3]
        assert end[4]["terminated"][0] and not end[4]["truncated"][0]
        assert frozen[1][0] == end[1][0] and frozen[2].tolist() == [[0.0, 0.0]] and frozen[4]["terminated"][0]
        assert start[0] in START_STATES and obs.tolist() == [[start[0]] * 2] and info == {}


def test_worlds_of_a_batch_play_their_own_games():
    env = Soccer(draw_probability=0.0, n_envs=2)
    env.reset(seed=0)
    env.state[:] = STATE_INDEX[cell(GOAL_ROWS[0], 0), cell(3, 4), A]  # A in front of its goal with the ball
    _, state, rewards, done, info = env.step([[3, 4], [4, 4]])  # world 0: A scores; world 1: A stands
    assert rewards.tolist() == [[1.0, -1.0], [0.0, 0.0]] and done.tolist() == [True, False]
    _, again, rewards, done, _ = env.step([[4, 4], [3, 4]])  # world 0 is frozen; world 1: A scores
    assert again[0] == state[0] and rewards.tolist() == [[0.0, 0.0], [1.0, -1.0]] and done.all()
    generator = env.rng.bit_generator.state
    env.step([[4, 4], [4, 4]])
    assert env.rng.bit_generator.state == generator  # ended worlds draw nothing


def test_invalid_parameters_are_named():
    with pytest.raises(ValueError, match="draw_probability"):
        Soccer(draw_probability=1.5)


def test_hand_built_beats_random():
    record = MatchRecord.of(play(Soccer(), [FixedPolicy(hand_built_policy(A)), FixedPolicy(uniform_policy())], 3000,
                                 seed=0))
    assert record.percent_won_a > 90 and record.steps == 3000


def test_match_record_counts_the_games_of_a_rollout():
    rewards = np.array([[0.0, 0.0], [1.0, -1.0], [0.0, 0.0], [-1.0, 1.0], [0.0, 0.0]])
    done = np.array([False, True, True, True, False])
    assert MatchRecord.of(Rollout(rewards, done)) == MatchRecord(wins_a=1, wins_b=1, draws=1, steps=5)
    with pytest.raises(ValueError, match="rollout"):
        MatchRecord.of(Rollout(rewards[:, None], done))


@pytest.mark.slow
def test_model_matches_simulator_and_shapley_values_are_symmetric():
    from marl_course.games import shapley_values

    env = Soccer(n_envs=4000)
    game = env.model()
    s, a, b = START_STATES[0], 3, 2
    env.reset(seed=0)
    env.state[:] = s
    _, state, _, done, _ = env.step(np.tile([a, b], (4000, 1)))
    state = np.where(done, env.reset()[1], state)  # the model goes on from a game end to the next start
    counts = np.bincount(state, minlength=N_STATES)
    assert np.abs(counts / 4000 - game.transitions[s, a, b]).max() < 0.03
    values = shapley_values(game, tol=1e-6).values
    # the board is symmetric under a half turn that swaps A and B: V*(A has the ball) = -V*(B has it)
    assert values[START_STATES[0]] == pytest.approx(-values[START_STATES[1]], abs=1e-5)
    assert values[START_STATES[0]] > 0


@pytest.mark.parametrize("bad", [-1, 5, 1.0])
def test_step_names_a_bad_action(bad):
    env = Soccer()
    env.reset(seed=0)
    with pytest.raises((TypeError, ValueError), match="actions"):
        env.step([[bad, 0]])


@pytest.fixture(scope="module")
def soccer_model_and_values():
    from marl_course.games import shapley_values

    game = Soccer().model()
    return game, shapley_values(game, tol=1e-9)


@pytest.mark.slow
def test_minimax_policy_from_the_model_guarantees_the_equilibrium_value(soccer_model_and_values):
    from marl_course.tabular.exploitability import best_response

    game, exact = soccer_model_and_values
    guaranteed = best_response(game, exact.row_policy).values
    assert np.abs(guaranteed - exact.values).max() < 1e-6  # exploitability 0 in every state
    guaranteed_b = best_response(game, exact.col_policy, player=1).values
    assert np.abs(guaranteed_b + exact.values).max() < 1e-6


@pytest.mark.slow
def test_random_and_hand_built_players_are_exploitable(soccer_model_and_values):
    from marl_course.tabular.exploitability import exploitability

    game, exact = soccer_model_and_values
    starts = list(START_STATES)
    assert (exploitability(game, uniform_policy(), exact.values)[starts] > 0.5).all()
    assert (exploitability(game, hand_built_policy(A), exact.values)[starts] > 0.3).all()
    assert (exploitability(game, hand_built_policy(A), exact.values) > -1e-9).all()
