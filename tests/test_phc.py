"""PHC and WoLF-PHC (Bowling & Veloso 2002): the update rules, the simplex, convergence, rationality."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from marl_course.envs.matrix_games import make_matrix_game
from marl_course.games import best_responses, solve_zero_sum
from marl_course.tabular.phc import (
    PHC,
    WoLFPHC,
    distance_to_strategy,
    hill_climb,
    learn,
    off_equilibrium_start,
    q_table_sizes,
    self_play,
    wolf_step_size,
)
from marl_course.tabular.play import FixedPolicy, Transition, play

unit = st.floats(0.0, 1.0, allow_nan=False)


def _policy(weights):
    weights = np.asarray(weights) + 1e-3
    return weights / weights.sum()


# ---- step (d): hill climbing


@settings(max_examples=200, deadline=None)
@given(arrays(float, 4, elements=unit), arrays(float, 4, elements=st.floats(-5, 5)), unit)
def test_hill_climb_stays_on_the_simplex_and_moves_towards_greedy(weights, q, delta):
    policy = _policy(weights)
    new = hill_climb(policy, q, delta)
    assert np.all(new >= 0) and new.sum() == pytest.approx(1.0, abs=1e-12)
    greedy = int(np.argmax(q))
    others = np.arange(4) != greedy
    assert new[greedy] >= policy[greedy] - 1e-15
    assert np.all(new[others] <= policy[others] + 1e-15)
    # each non-greedy action loses min(pi(a), delta / (|A| - 1))
    np.testing.assert_allclose(policy[others] - new[others], np.minimum(policy[others], delta / 3), atol=1e-12)


def test_hill_climb_with_a_full_step_reaches_the_greedy_pure_policy():
    np.testing.assert_allclose(hill_climb([0.2, 0.3, 0.5], [0.0, 2.0, 1.0], delta=1.0), [0, 1, 0])


def test_hill_climb_validates():
    with pytest.raises(ValueError, match="policy"):
        hill_climb([0.5, 0.6], [0, 1], 0.1)
    with pytest.raises(ValueError, match="q_values"):
        hill_climb([0.5, 0.5], [0, 1, 2], 0.1)
    with pytest.raises(ValueError, match="delta"):
        hill_climb([0.5, 0.5], [0, 1], 1.5)


# ---- the win test


@settings(max_examples=100, deadline=None)
@given(arrays(float, 3, elements=unit), arrays(float, 3, elements=unit), arrays(float, 3, elements=st.floats(-5, 5)))
def test_win_test_uses_the_slow_rate_exactly_when_pi_beats_the_average(w1, w2, q):
    pi, pibar = _policy(w1), _policy(w2)
    assume(abs(pi @ q - pibar @ q) > 1e-9)  # a tie is decided by rounding
    delta = wolf_step_size(pi, pibar, q, 0.01, 0.03)
    assert delta == (0.01 if pi @ q > pibar @ q else 0.03)


@pytest.mark.parametrize("delta_w, delta_l", [(0.02, 0.02), (0.03, 0.01), (0.0, 0.1)])
def test_wolf_needs_delta_l_larger_than_delta_w(delta_w, delta_l):
    with pytest.raises(ValueError, match="delta_"):
        WoLFPHC(3, delta_w=delta_w, delta_l=delta_l)


def test_average_policy_is_the_mean_of_the_policies_played():
    # step (c): after C visits pibar is the mean of the C policies held when each visit was learned from
    env = make_matrix_game("rock_paper_scissors", n_envs=3)
    agents = [WoLFPHC(3, n_runs=3, delta_w=0.01, delta_l=0.05, player=i) for i in range(2)]
    held = [agents[0].policy.copy()]
    play(env, agents, 40, seed=5, callback=lambda t, transition: held.append(agents[0].policy.copy()))
    held = held[:-1]  # the policy after the last step was not learned from
    np.testing.assert_allclose(agents[0].average_policy, np.mean(held, axis=0), atol=1e-12)
    np.testing.assert_array_equal(agents[0].counts, 40)


def test_q_update_is_the_q_learning_rule():
    agent = PHC(2, n_states=2, alpha=0.5, gamma=0.9)
    agent.q_values[0, 1] = [2.0, 4.0]
    agent.update(Transition([0], ([1], [0]), ([1.0], [-1.0]), [1]))
    assert agent.q_values[0, 0, 1] == pytest.approx(0.5 * (1.0 + 0.9 * 4.0))
    np.testing.assert_array_equal(agent.q_values[0, 1], [2.0, 4.0])


# ---- learning: policies on the simplex, determinism, regression


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(["matching_pennies", "rock_paper_scissors", "battle_of_the_sexes"]),
       st.floats(1e-3, 0.2), st.floats(1.0, 5.0), st.floats(0.01, 1.0), st.integers(0, 2**16))
def test_learned_policies_stay_on_the_simplex(game, delta_w, ratio, alpha, seed):
    env = make_matrix_game(game, n_envs=4)
    run = self_play(env, delta_w, min(delta_w * ratio, 1.0), n_steps=200, seed=seed, alpha=alpha, record_every=20)
    for policies in run.policies:
        assert np.all(policies >= 0)
        np.testing.assert_allclose(policies.sum(axis=-1), 1.0, atol=1e-12)


def test_same_seed_same_result():
    env = make_matrix_game("rock_paper_scissors", n_envs=2)
    first = self_play(env, 0.001, 0.003, 500, seed=11)
    second = self_play(env, 0.001, 0.003, 500, seed=11)
    for a, b in zip(first.policies, second.policies):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("game", ["matching_pennies", "rock_paper_scissors", "battle_of_the_sexes"])
@pytest.mark.parametrize("delta_w, delta_l", [(0.001, 0.003), (0.002, 0.002), (0.05, 0.2)])
def test_one_run_fast_path_is_identical_to_the_batched_learners(game, delta_w, delta_l):
    """self_play on one run uses plain floats; the batched learners must give the same trajectory, bit for bit."""
    env = make_matrix_game(game)
    fast = self_play(env, delta_w, delta_l, 3000, seed=5, record_every=700, alpha=0.3, epsilon=0.1)
    starts = [off_equilibrium_start(m, i) for i, m in enumerate(env.action_counts)]
    if delta_l > delta_w:
        agents = [WoLFPHC(m, alpha=0.3, epsilon=0.1, delta_w=delta_w, delta_l=delta_l, initial_policy=p, player=i)
                  for i, (m, p) in enumerate(zip(env.action_counts, starts))]
    else:
        agents = [PHC(m, alpha=0.3, epsilon=0.1, delta=delta_w, initial_policy=p, player=i)
                  for i, (m, p) in enumerate(zip(env.action_counts, starts))]
    batched = learn(env, agents, 3000, seed=5, record_every=700)
    np.testing.assert_array_equal(fast.steps, batched.steps)
    for a, b in zip(fast.policies, batched.policies):
        assert a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(fast.mean_rewards, batched.mean_rewards)


def test_one_run_fast_path_validates_like_the_batched_one():
    env = make_matrix_game("matching_pennies")
    for bad, name in (({"n_steps": 0}, "n_steps"), ({"record_every": 0}, "record_every"), ({"progress": "yes"}, "progress")):
        kwargs = dict(n_steps=100, record_every=10) | bad
        with pytest.raises((ValueError, TypeError), match=name):
            self_play(env, 0.001, 0.002, seed=0, **kwargs)


@pytest.mark.parametrize("delta_l, row, column, reward", [
    (0.0015,  # WoLF-PHC
     [[0.0385, 0.1945, 0.767], [0.05175, 0.25575, 0.6925]],
     [[0.51525, 0.48475, 0.0], [0.5185, 0.4815, 0.0]], -0.07033333),
    (0.0005,  # PHC
     [[0.0515, 0.24525, 0.70325], [0.0515, 0.1655, 0.783]],
     [[0.52975, 0.47025, 0.0], [0.48775, 0.51225, 0.0]], -0.05916667),
])
def test_seeded_regression(delta_l, row, column, reward):
    run = self_play(make_matrix_game("rock_paper_scissors", n_envs=2), 0.0005, delta_l, 3000, seed=0,
                    record_every=3000)
    np.testing.assert_allclose(run.policies[0][-1, :, 0], row, atol=1e-9)
    np.testing.assert_allclose(run.policies[1][-1, :, 0], column, atol=1e-9)
    assert run.mean_rewards[0] == pytest.approx(reward, abs=1e-7)


# ---- the headline: PHC cycles, WoLF-PHC converges (Bowling & Veloso 2002, figures 4 and 5)


@pytest.mark.slow
@pytest.mark.parametrize("game", ["rock_paper_scissors", "matching_pennies"])
def test_wolf_converges_to_the_equilibrium_while_phc_does_not(game):
    env = make_matrix_game(game, n_envs=8)
    _, equilibrium, _ = solve_zero_sum(env.game.A)
    n_steps = 30_000
    distance = {}
    for name, delta_l in (("PHC", 0.0005), ("WoLF", 0.0015)):
        run = self_play(env, 0.0005, delta_l, n_steps, seed=2, record_every=100)
        d = distance_to_strategy(run.policies[0][:, :, 0], equilibrium).mean(axis=1)  # (K,) mean over runs
        k = len(d)
        distance[name] = (d[: k // 4].mean(), d[k // 2:].mean())  # time averages: first quarter, last half
    wolf_start, wolf_end = distance["WoLF"]
    phc_start, phc_end = distance["PHC"]
    assert wolf_end < 0.15 and wolf_end < 0.6 * wolf_start      # WoLF's distance shrinks ...
    assert phc_end > 0.3 and phc_end > 0.8 * phc_start          # ... PHC's does not
    assert wolf_end < phc_end / 3


@pytest.mark.parametrize("game, opponent", [("rock_paper_scissors", [0.5, 0.3, 0.2]),
                                            ("matching_pennies", [0.3, 0.7])])
def test_wolf_learns_a_best_response_to_a_fixed_opponent(game, opponent):
    # rationality (Bowling & Veloso 2002, section 3): against a stationary opponent, a best response
    env = make_matrix_game(game, n_envs=6)
    learner = WoLFPHC(env.action_counts[0], n_runs=6, alpha=0.05)
    learn(env, [learner, FixedPolicy(opponent, n_runs=6)], n_steps=8000, seed=4, record_every=6000)
    (best,) = best_responses(env.game.payoffs, [np.full(len(opponent), 1 / len(opponent)), opponent], player=0)
    assert np.all(learner.policy[:, 0, best] > 0.99)


def test_fixed_player_samples_its_strategy():
    opponent = FixedPolicy([0.2, 0.8], n_runs=20_000)
    actions = opponent.act(np.zeros(20_000, dtype=int), np.random.default_rng(0))
    assert abs(actions.mean() - 0.8) < 0.02


def test_a_fixed_player_is_recorded_like_a_learner():
    env = make_matrix_game("matching_pennies", n_envs=3)
    run = learn(env, [PHC(2, n_runs=3), FixedPolicy([0.3, 0.7], n_runs=3)], n_steps=20, seed=0, record_every=10)
    assert run.policies[0].shape == run.policies[1].shape == (3, 3, 1, 2)
    assert np.all(run.policies[1] == [0.3, 0.7])
    one_run = FixedPolicy([[0.3, 0.7]])
    one_run.update(Transition(0, (1, 0), (1.0, -1.0), 0))             # any transition is ignored
    assert type(one_run.act(0, np.random.default_rng(0))) is int and one_run.policy.tolist() == [[0.3, 0.7]]


# ---- memory and interface


def test_q_table_sizes_are_s_a_and_s_a_to_the_n():
    assert q_table_sizes(760, 5, 2) == (3800, 19_000)
    assert q_table_sizes(1, 3, 4) == (3, 81)


def test_play_checks_the_agents():
    env = make_matrix_game("matching_pennies", n_envs=2)
    with pytest.raises(ValueError, match="agents"):
        play(env, [PHC(2, n_runs=2)], 1, seed=0)
    with pytest.raises(ValueError, match="n_runs"):
        play(env, [PHC(2, n_runs=2), PHC(2, n_runs=3, player=1)], 1, seed=0)


@pytest.mark.parametrize("kwargs, name", [({"alpha": 0.0}, "alpha"), ({"delta": 2.0}, "delta"),
                                          ({"gamma": 1.0}, "gamma"), ({"epsilon": -0.1}, "epsilon"),
                                          ({"initial_policy": [0.5, 0.5, 0.5]}, "initial_policy")])
def test_phc_validates(kwargs, name):
    with pytest.raises(ValueError, match=name):
        PHC(3, **kwargs)
