"""Traffic junction: routes cell by cell, collisions and their penalty, time penalty, departures,
arrivals (max_cars, p_arrive), batching, seeding, observations, ground-truth relevance, bad inputs."""

import math

import numpy as np
import pytest

from marl_course.envs.traffic_junction import BRAKE, GAS, TrafficJunction


def make_scene(cars, *, max_cars=None, n_envs=1, **kwargs):
    """An env (no arrivals unless asked) with ``cars = [(slot, road, progress, tau), ...]`` placed in every world."""
    max_cars = max_cars or max(slot for slot, *_ in cars) + 1
    env = TrafficJunction(n_envs=n_envs, max_cars=max_cars, **{"p_arrive": 0.0, **kwargs})
    env.reset(seed=0)
    for slot, road, progress, tau in cars:
        env.active[:, slot] = True
        env.route[:, slot] = road
        env.progress[:, slot] = progress
        env.tau[:, slot] = tau
    return env


def actions_for(env, *per_slot):
    return np.tile(np.array(per_slot, dtype=int), (env.n_envs, 1))


def test_cars_follow_their_routes_cell_by_cell_and_leave_at_the_end():
    # car 0 on road 0 (down column 3) from its entry cell, car 1 on road 1 (right along row 3) one cell in:
    # car 1 crosses the junction one step before car 0, so they never meet
    env = make_scene([(0, 0, 0, 0), (1, 1, 1, 0)])
    np.testing.assert_array_equal(env.positions()[0], [[0, 3], [3, 1]])
    path_0 = [(1, 3), (2, 3), (3, 3), (4, 3), (5, 3), (6, 3), None]
    path_1 = [(3, 2), (3, 3), (3, 4), (3, 5), (3, 6), None, None]
    for t, (expect_0, expect_1) in enumerate(zip(path_0, path_1)):
        _, _, reward, _, info = env.step(actions_for(env, GAS, GAS))
        for slot, expect in ((0, expect_0), (1, expect_1)):
            if expect is None:
                assert not info["active"][0, slot]
                np.testing.assert_array_equal(info["positions"][0, slot], [-1, -1])
                assert reward[0, slot] == 0.0
            else:
                assert info["active"][0, slot]
                assert tuple(info["positions"][0, slot]) == expect
                assert reward[0, slot] == pytest.approx(-0.01 * (t + 1))
        assert not info["collided"].any() and info["success"][0]
    # each car left on the step it pressed gas on the last cell of its route (index size - 1 = 6)
    env = make_scene([(0, 0, 6, 3), (1, 1, 6, 3)])
    _, _, reward, _, info = env.step(actions_for(env, GAS, BRAKE))
    np.testing.assert_array_equal(info["left"][0], [True, False])
    np.testing.assert_array_equal(info["active"][0], [False, True])
    np.testing.assert_array_equal(info["positions"][0], [[-1, -1], [3, 6]])
    np.testing.assert_allclose(reward[0], [0.0, -0.04])


def test_brake_keeps_the_car_in_place_and_is_remembered():
    env = make_scene([(0, 1, 2, 0)], vision=0)
    obs, _, _, _, info = env.step(actions_for(env, BRAKE))
    np.testing.assert_array_equal(info["positions"][0, 0], [3, 2])
    np.testing.assert_allclose(obs[0, 0], [0.5, 2 / 6, 1.0, 2 / 6, 1.0, 0.0])
    obs, _, _, _, info = env.step(actions_for(env, GAS))
    np.testing.assert_array_equal(info["positions"][0, 0], [3, 3])
    np.testing.assert_allclose(obs[0, 0], [0.5, 0.5, 1.0, 0.5, 0.0, 0.0])


def test_junction_collision_is_detected_and_penalised_exactly():
    # cars 0 (road 0) and 1 (road 1) both one cell before the junction; car 2 far away on road 0
    env = make_scene([(0, 0, 2, 4), (1, 1, 2, 0), (2, 0, 5, 2)])
    _, _, reward, _, info = env.step(actions_for(env, GAS, GAS, BRAKE))
    np.testing.assert_array_equal(info["positions"][0, :2], [[3, 3], [3, 3]])
    np.testing.assert_array_equal(info["collided"][0], [True, True, False])
    assert info["collisions"][0] == 1 and not info["success"][0]
    np.testing.assert_allclose(reward[0], [-10 - 0.05, -10 - 0.01, -0.03], atol=1e-12)
    # staying together collides again; driving apart ends it but the episode stays failed
    _, _, reward, _, info = env.step(actions_for(env, BRAKE, BRAKE, BRAKE))
    np.testing.assert_allclose(reward[0], [-10.06, -10.02, -0.04], atol=1e-12)
    _, _, reward, _, info = env.step(actions_for(env, GAS, BRAKE, BRAKE))
    assert not info["collided"].any() and info["collisions"][0] == 0 and not info["success"][0]
    np.testing.assert_allclose(reward[0], [-0.07, -0.03, -0.05], atol=1e-12)
    # only one of the two moving: no collision
    env = make_scene([(0, 0, 2, 0), (1, 1, 2, 0)])
    _, _, reward, _, info = env.step(actions_for(env, GAS, BRAKE))
    assert not info["collided"].any() and info["success"][0]


def test_rear_end_collision_and_three_cars_in_one_cell():
    env = make_scene([(0, 1, 4, 0), (1, 1, 5, 0)])  # car 0 right behind car 1 on road 1
    _, _, reward, _, info = env.step(actions_for(env, GAS, BRAKE))
    np.testing.assert_array_equal(info["collided"][0], [True, True])
    np.testing.assert_allclose(reward[0], [-10.01, -10.01])
    env = make_scene([(0, 1, 4, 0), (1, 1, 5, 0)])
    _, _, _, _, info = env.step(actions_for(env, GAS, GAS))  # moving together: fine
    assert not info["collided"].any()
    # three cars on the junction: each pays -10 once, one collision cell
    env = make_scene([(0, 0, 2, 0), (1, 1, 2, 0), (2, 0, 3, 0), (3, 1, 0, 0)])
    _, _, reward, _, info = env.step(actions_for(env, GAS, GAS, BRAKE, BRAKE))
    np.testing.assert_array_equal(info["collided"][0], [True, True, True, False])
    assert info["collisions"][0] == 1
    np.testing.assert_allclose(reward[0], [-10.01, -10.01, -10.01, -0.01])
    # two separate collision cells count twice
    env = make_scene([(0, 0, 2, 0), (1, 1, 2, 0), (2, 1, 4, 0), (3, 1, 5, 0)])
    _, _, _, _, info = env.step(actions_for(env, GAS, GAS, GAS, BRAKE))
    assert info["collisions"][0] == 2 and info["collided"][0].all()


def test_time_penalty_grows_with_tau_from_the_entry_step():
    env = TrafficJunction(n_envs=3, max_cars=1, p_arrive=1.0, episode_length=8)
    env.reset(seed=1)
    _, _, reward, _, info = env.step(np.zeros((3, 1), dtype=int))  # the car enters road 0 (road 0 is served first)
    assert info["arrived"].all() and (info["route"] == 0).all() and (info["tau"] == 0).all()
    np.testing.assert_array_equal(reward, 0.0)
    for tau in range(1, 6):
        _, _, reward, _, info = env.step(np.full((3, 1), BRAKE))
        np.testing.assert_array_equal(info["tau"], tau)
        np.testing.assert_allclose(reward, -0.01 * tau, rtol=0, atol=1e-12)


def test_arrivals_respect_max_cars():
    env = TrafficJunction(n_envs=20, max_cars=3, p_arrive=1.0, episode_length=20)
    env.reset(seed=0)
    # all brake: one car per road at step 1, the third slot is taken by the next road-0 arrival
    _, _, _, _, info = env.step(np.full((20, 3), BRAKE))
    np.testing.assert_array_equal(info["active"].sum(axis=1), 2)
    _, _, _, _, info = env.step(np.full((20, 3), BRAKE))
    np.testing.assert_array_equal(info["active"].sum(axis=1), 3)
    assert info["collided"].sum(axis=1).tolist() == [2] * 20  # the new car landed on the braking one
    rng = np.random.default_rng(0)
    for _ in range(18):
        _, _, _, _, info = env.step(rng.integers(0, 2, size=(20, 3)))
        assert (info["active"].sum(axis=1) <= 3).all()
        arrived = info["arrived"]
        assert not (arrived & info["acted"] & ~info["left"]).any()  # arrivals only fill free slots


def test_arrival_rate_matches_p_arrive_and_slots_are_uniform():
    p, n_envs, steps = 0.3, 200, 20
    env = TrafficJunction(n_envs=n_envs, max_cars=14, p_arrive=p, episode_length=steps)  # 2 * size: never full
    env.reset(seed=3)
    per_road, slot_use = np.zeros(2), np.zeros(14)
    for _ in range(steps):
        _, _, _, _, info = env.step(np.zeros((n_envs, 14), dtype=int))
        assert info["active"].sum(axis=1).max() < 14
        for road in (0, 1):
            per_road[road] += (info["arrived"] & (info["route"] == road)).sum()
        slot_use += info["arrived"].sum(axis=0)
    rate = per_road / (n_envs * steps)
    sd = math.sqrt(p * (1 - p) / (n_envs * steps))
    np.testing.assert_allclose(rate, p, atol=5 * sd)
    share = slot_use / slot_use.sum()
    np.testing.assert_allclose(share, 1 / 14, atol=0.03)  # a free slot is drawn uniformly
    env = TrafficJunction(n_envs=50, p_arrive=0.0)
    env.reset(seed=0)
    for _ in range(20):
        assert not env.step(np.zeros((50, 5), dtype=int))[4]["active"].any()


def test_new_cars_enter_at_the_road_starts():
    env = TrafficJunction(n_envs=100, max_cars=5, p_arrive=0.5)
    env.reset(seed=2)
    seen = 0
    for _ in range(20):
        _, _, _, _, info = env.step(np.zeros((100, 5), dtype=int))
        arrived = info["arrived"]
        starts = np.where((info["route"][arrived] == 0)[:, None], [0, 3], [3, 0])
        np.testing.assert_array_equal(info["positions"][arrived], starts)
        np.testing.assert_array_equal(info["progress"][arrived], 0)
        seen += arrived.sum()
    assert seen > 100


def test_all_brake_collides_only_on_entry_cells():
    env = TrafficJunction(n_envs=100, max_cars=5, p_arrive=0.5)
    env.reset(seed=4)
    entry_collisions = 0
    for _ in range(20):
        _, _, reward, _, info = env.step(np.full((100, 5), BRAKE))
        pos = info["positions"][info["active"]]
        assert ((pos == [0, 3]).all(axis=1) | (pos == [3, 0]).all(axis=1)).all()  # nobody ever moves
        hit = info["positions"][info["collided"]]
        assert ((hit == [0, 3]).all(axis=1) | (hit == [3, 0]).all(axis=1)).all()
        entry_collisions += info["collisions"].sum()
        assert (reward[info["collided"]] <= -10).all()
    assert entry_collisions > 0
    # with at most one car per road nothing can collide under all-brake
    env = TrafficJunction(n_envs=100, max_cars=2, p_arrive=1.0)
    env.reset(seed=4)
    for _ in range(20):
        _, _, _, _, info = env.step(np.full((100, 2), BRAKE))
        assert not info["collided"].any()
    assert info["success"].all()


def test_batched_worlds_equal_single_worlds_given_the_same_randomness():
    n_envs, n_cars, steps = 4, 5, 20
    batched = TrafficJunction(n_envs=n_envs, max_cars=n_cars, vision=1, p_arrive=0.4)
    singles = [TrafficJunction(n_envs=1, max_cars=n_cars, vision=1, p_arrive=0.4) for _ in range(n_envs)]
    obs_b, _, _ = batched.reset(seed=9)
    for single in singles:
        single.reset(seed=0)
    draws = []
    real_draw = batched._draw

    def recording_draw():
        coins, keys = real_draw()
        draws.append((coins, keys))
        return coins, keys

    batched._draw = recording_draw
    for e, single in enumerate(singles):
        single._draw = lambda e=e: (draws[-1][0][e:e + 1], draws[-1][1][e:e + 1])
    rng = np.random.default_rng(5)
    for _ in range(steps):
        actions = rng.integers(0, 2, size=(n_envs, n_cars))
        obs_b, _, rew_b, done_b, info_b = batched.step(actions)
        for e, single in enumerate(singles):
            obs_s, _, rew_s, done_s, info_s = single.step(actions[e:e + 1])
            np.testing.assert_array_equal(obs_s[0], obs_b[e])
            np.testing.assert_array_equal(rew_s[0], rew_b[e])
            assert done_s[0] == done_b[e]
            for key in info_b:
                np.testing.assert_array_equal(info_s[key][0], info_b[key][e])
            np.testing.assert_array_equal(single.relevance(2)[0], batched.relevance(2)[e])
    assert len(draws) == steps and sum(c.sum() for c, _ in draws) > 10


def test_reset_with_the_same_seed_reproduces_the_episode():
    def run(env, seed):
        out = [env.reset(seed=seed)[0]]
        rng = np.random.default_rng(seed)
        done = np.zeros(env.n_envs, dtype=bool)
        while not done.all():
            obs, _, reward, done, info = env.step(rng.integers(0, 2, size=(env.n_envs, env.n_agents)))
            out += [obs, reward, info["positions"], info["active"], info["collided"]]
        return out

    env = TrafficJunction(n_envs=8, vision=1, p_arrive=0.5)
    first, again = run(env, 3), run(env, 3)
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    other = run(TrafficJunction(n_envs=8, vision=1, p_arrive=0.5), 4)
    assert any(not np.array_equal(a, b) for a, b in zip(first, other))
    with pytest.raises(RuntimeError, match="reset"):
        env.step(np.zeros((8, 5), dtype=int))


def test_episode_length_and_done():
    env = TrafficJunction(n_envs=3, episode_length=4)
    env.reset(seed=0)
    dones = [env.step(np.zeros((3, 5), dtype=int))[3] for _ in range(4)]
    assert [d.tolist() for d in dones] == [[False] * 3] * 3 + [[True] * 3]


def test_observation_window_counts_other_cars_and_free_slots_are_zero():
    # vision 1: car 0 on the junction (3, 3); car 1 above it at (2, 3); car 2 left of it at (3, 2);
    # car 3 far away at (3, 6); slot 4 free
    env = make_scene([(0, 0, 3, 0), (1, 0, 2, 0), (2, 1, 2, 0), (3, 1, 6, 0)], max_cars=5, vision=1)
    obs = env.observe()[0]
    assert obs.shape == (5, env.obs_dim) and env.obs_dim == 14 and obs.dtype == np.float32
    window = obs[0, 5:].reshape(3, 3)
    np.testing.assert_array_equal(window, [[0, 1, 0], [1, 0, 0], [0, 0, 0]])
    np.testing.assert_allclose(obs[0, :5], [0.5, 0.5, 0.0, 0.5, 0.0])
    # car 1 sees car 0 below and car 2 below-left; car 2 sees car 0 right and car 1 above-right
    np.testing.assert_array_equal(obs[1, 5:].reshape(3, 3), [[0, 0, 0], [0, 0, 0], [1, 1, 0]])
    np.testing.assert_array_equal(obs[2, 5:].reshape(3, 3), [[0, 0, 1], [0, 0, 1], [0, 0, 0]])
    np.testing.assert_array_equal(obs[3, 5:], 0)
    np.testing.assert_array_equal(obs[4], 0)
    # two other cars in one cell count 2; vision 0 sees only the own cell
    env = make_scene([(0, 0, 3, 0), (1, 1, 3, 0), (2, 0, 3, 0)], vision=0)
    obs = env.observe()[0]
    assert env.obs_dim == 6
    np.testing.assert_array_equal(obs[:, 5], [2, 2, 2])


def test_relevance_matches_a_hand_built_scene():
    # size 7, junction index 3. Road 0: car 0 at index 1, car 1 at index 2, car 2 at index 5 (past).
    # Road 1: car 3 at index 3 (on the junction), car 4 at index 0; slot 5 free.
    env = make_scene([(0, 0, 1, 0), (1, 0, 2, 0), (2, 0, 5, 0), (3, 1, 3, 0), (4, 1, 0, 0)], max_cars=6)
    expected_1 = np.zeros((6, 6), dtype=bool)
    for i, j in [(0, 1), (1, 3)]:  # same road, one cell apart; car 1 one step from the junction, car 3 on it
        expected_1[i, j] = expected_1[j, i] = True
    np.testing.assert_array_equal(env.relevance(horizon=1)[0], expected_1)
    expected_2 = expected_1.copy()
    for i, j in [(0, 3)]:  # car 0 two steps from the junction
        expected_2[i, j] = expected_2[j, i] = True
    np.testing.assert_array_equal(env.relevance(horizon=2)[0], expected_2)
    expected_3 = expected_2.copy()
    for i, j in [(1, 2), (0, 4), (1, 4), (3, 4)]:
        expected_3[i, j] = expected_3[j, i] = True
    np.testing.assert_array_equal(env.relevance(horizon=3)[0], expected_3)
    np.testing.assert_array_equal(env.relevance(horizon=0)[0], np.zeros((6, 6), dtype=bool))
    # car 2 (road 0, past the junction) and road-1 cars never become relevant
    assert not env.relevance(horizon=6)[0, 2, 3:].any()


def test_relevance_is_exactly_the_possibility_of_a_collision():
    """Brute force: for two cars, enumerate all action sequences of length <= k and compare."""
    import itertools

    size, c = 7, 3
    for k in range(0, 4):
        for road_j in (0, 1):
            for li in range(size):
                for lj in range(size):
                    env = make_scene([(0, 0, li, 0), (1, road_j, lj, 0)])
                    possible = False
                    for t in range(k + 1):
                        for xi, xj in itertools.product(range(t + 1), repeat=2):
                            pi, pj = li + xi, lj + xj
                            if pi >= size or pj >= size:
                                continue
                            cell_i = (pi, c)
                            cell_j = (pj, c) if road_j == 0 else (c, pj)
                            possible |= cell_i == cell_j
                    assert env.relevance(horizon=k)[0, 0, 1] == possible, (k, road_j, li, lj)
                    assert env.relevance(horizon=k)[0, 1, 0] == possible


def test_render_marks_cars_and_collisions():
    env = make_scene([(0, 0, 3, 0), (1, 1, 3, 0), (2, 1, 5, 0)], size=5 + 2)
    picture = env.render().splitlines()
    assert picture[3] == "...X.2." and picture[0] == "###.###"


BAD_CONSTRUCTOR = [
    ("n_envs", 0, ValueError), ("n_envs", 2.5, TypeError), ("max_cars", 0, ValueError),
    ("max_cars", "5", TypeError), ("size", 6, ValueError), ("size", 1, ValueError), ("size", 7.0, TypeError),
    ("vision", -1, ValueError), ("vision", 7, ValueError), ("p_arrive", 1.5, ValueError),
    ("p_arrive", -0.1, ValueError), ("p_arrive", math.nan, ValueError), ("p_arrive", "0.3", TypeError),
    ("episode_length", 0, ValueError), ("collision_penalty", 1.0, ValueError),
    ("time_penalty", 0.01, ValueError), ("time_penalty", True, TypeError),
]


@pytest.mark.parametrize(("name", "value", "error"), BAD_CONSTRUCTOR, ids=[f"{n}={v!r}" for n, v, _ in BAD_CONSTRUCTOR])
def test_bad_constructor_arguments_name_the_parameter(name, value, error):
    with pytest.raises(error, match=name):
        TrafficJunction(**{name: value})


def test_bad_reset_step_and_relevance_inputs():
    env = TrafficJunction(n_envs=2, max_cars=3)
    for seed in ("0", -1, 1.5):
        with pytest.raises((TypeError, ValueError), match="seed"):
            env.reset(seed=seed)
    env.reset(seed=0)
    for actions in (np.zeros((2, 4), dtype=int), np.full((2, 3), 2), np.zeros((2, 3)), np.full((2, 3), -1)):
        with pytest.raises(ValueError, match="actions"):
            env.step(actions)
    with pytest.raises(ValueError, match="horizon"):
        env.relevance(horizon=-1)
    with pytest.raises(TypeError, match="horizon"):
        env.relevance(horizon=1.0)
    with pytest.raises(ValueError, match="world"):
        env.render(world=2)
