"""Watching the agents (``marl_course.viz.animation``): seeded recordings repeat, one frame per state,
every frame embedded in the rendered HTML, the policies of the trained learners, and bad input refused."""

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from marl_course.envs.battle_grid import BattleGrid
from marl_course.envs.coordination_grid import CATCH, CoordinationGrid
from marl_course.envs.jungle import Jungle
from marl_course.envs.particle import CooperativeNavigation, SpeakerListener
from marl_course.envs.predator_prey import PredatorPrey
from marl_course.envs.soccer import A, B, N_STATES, Soccer, hand_built_policy, uniform_policy
from marl_course.viz import animation as anim
from marl_course.viz.animation import (animate_episodes, draw_battle, draw_coordination_grid, draw_jungle,
                                       draw_particles, draw_predator_prey, draw_soccer, random_policy, record_frames,
                                       soccer_players, to_html, trained_policy)

# (environment, its draw function, steps to record: None for the whole episode)
WORLDS = {
    "soccer": (lambda: Soccer(), draw_soccer, 12),
    "navigation": (lambda: CooperativeNavigation(max_steps=10), draw_particles, None),
    "speaker-listener": (lambda: SpeakerListener(max_steps=10), draw_particles, None),
    "coordination grid": (lambda: CoordinationGrid(n_envs=1, size=4, episode_limit=15, sight=1), draw_coordination_grid,
                          None),
    "battle": (lambda: BattleGrid(size=8, n_agents=4, max_steps=12), draw_battle, None),
    "jungle": (lambda: Jungle(n_envs=1, n_agents=4, k=2, episode_length=10), draw_jungle, None),
    "predator-prey": (lambda: PredatorPrey(n_envs=1, episode_length=12), draw_predator_prey, None),
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _same(frames_a, frames_b) -> bool:
    return len(frames_a) == len(frames_b) and all(
        a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a) for a, b in zip(frames_a, frames_b))


def _embedded(html) -> int:
    return len(re.findall(r'frames\[\d+\] = "data:image/png;base64,', html.data))


@pytest.mark.parametrize("world", WORLDS)
def test_same_seed_same_frames_and_another_seed_differs(world):
    make, _, n_steps = WORLDS[world]
    env = make()
    policy = random_policy(env)
    first = record_frames(env, policy, seed=5, n_steps=n_steps)
    assert _same(first, record_frames(make(), random_policy(make()), seed=5, n_steps=n_steps))
    assert not _same(first, record_frames(env, policy, seed=6, n_steps=n_steps))


@pytest.mark.parametrize("world", WORLDS)
def test_one_frame_per_state_of_the_episode(world):
    make, _, n_steps = WORLDS[world]
    env = make()
    frames = record_frames(env, random_policy(env), seed=1, n_steps=n_steps)
    assert [f["step"] for f in frames] == list(range(len(frames)))  # the start, then one frame per step
    assert frames[0]["return"] == 0.0 and frames[0]["note"] == ""
    length = n_steps or {"navigation": 10, "speaker-listener": 10, "coordination grid": 15, "battle": 12,
                         "jungle": 10, "predator-prey": 12}[world]
    ended_early = {"coordination grid": "prey caught", "predator-prey": "every predator on the prey"}
    if world in ended_early and len(frames) < length + 1:
        assert frames[-1]["note"] == ended_early[world]  # the episode ended before its time limit
    elif world == "battle" and len(frames) < length + 1:
        assert frames[-1]["note"] in ("blue destroyed", "red destroyed")
    else:
        assert len(frames) == length + 1


def test_the_return_adds_up_the_rewards_of_world_zero():
    env = CooperativeNavigation(n_envs=3, max_steps=6)
    frames = record_frames(env, random_policy(env), seed=2)
    rng, rewards = np.random.default_rng(2), []
    env.reset(2)
    for _ in range(6):
        rewards.append(env.step(random_policy(env)(None, rng)).rewards[0].mean())
    assert np.allclose([f["return"] for f in frames[1:]], np.cumsum(rewards))


def test_coordination_grid_frames_show_a_capture():
    env = CoordinationGrid(n_envs=1, size=2, n_agents=1, prey_move_prob=0.0)  # on 2 x 2 cells the prey is in reach
    frames = record_frames(env, lambda obs, rng: np.full((1, 1), CATCH), seed=0)
    assert len(frames) == 2 and frames[-1]["note"] == "prey caught" and frames[-1]["return"] == env.capture_reward


def test_soccer_players_and_goals():
    env = Soccer()
    frames = record_frames(env, soccer_players(hand_built_policy(A), uniform_policy()), seed=0, n_steps=60)
    goals = [f["note"] for f in frames if f["note"] in ("A scores", "B scores")]
    assert frames[-1]["return"] == goals.count("A scores") - goals.count("B scores")
    assert goals.count("A scores") > goals.count("B scores")  # the hand-built player beats the random one


@pytest.mark.parametrize("world", WORLDS)
def test_every_frame_is_embedded_in_the_html(world):
    make, draw, _ = WORLDS[world]
    env = make()
    before = record_frames(env, random_policy(env), seed=0, n_steps=2)
    after = record_frames(env, random_policy(env), seed=1, n_steps=1)
    animation = animate_episodes(before, after, draw, titles=("before", "after"), dpi=32)
    html = to_html(animation)
    assert _embedded(html) == 3  # the longer recording sets the length; the shorter one holds its last frame
    assert "http" not in html.data and 'class="fa' not in html.data  # plays offline: no CDN, no icon font
    assert not plt.get_fignums()  # the figure is outside pyplot: a notebook shows only the player


def test_frames_show_titles_steps_returns_and_a_legend():
    env = PredatorPrey(n_envs=1, episode_length=5)
    before, after = (record_frames(env, random_policy(env), seed=s) for s in (0, 1))
    animation = animate_episodes(before, after[:3], draw_predator_prey, titles=("untrained (random)", "trained"),
                                 return_label="return per predator", dpi=32)
    animation._func(4)
    texts = [t.get_text() for ax in animation._fig.axes for t in ax.texts]
    assert any(t.startswith("untrained (random)\nstep 4, return per predator") for t in texts)
    assert any(t.startswith("trained\nstep 2,") and t.endswith("episode over") for t in texts)
    assert [t.get_text() for t in animation._fig.legends[0].get_texts()] == ["prey", "predator"]
    to_html(animation)


def test_too_small_an_embed_limit_is_refused():
    env = Jungle(n_envs=1, n_agents=4, k=2, episode_length=2)
    frames = record_frames(env, random_policy(env), seed=0)
    with pytest.raises(ValueError, match="embed_limit_mb"):
        to_html(animate_episodes(frames, frames, draw_jungle), embed_limit_mb=0.02)


def _learner_and_env(name):
    """An untrained network of one deep chapter and the environment it acts in."""
    from marl_course.deep import dgn, g2anet, maddpg, mean_field
    from marl_course.deep import value_decomposition as vd

    torch.manual_seed(0)
    if name == "MADDPG":
        env = CooperativeNavigation(max_steps=6)
        return maddpg.MADDPG(env.obs_dims, maddpg.MADDPGConfig(hidden=(8,))), env
    if name == "QMIX":
        env = CoordinationGrid(n_envs=1, size=4, episode_limit=6)
        return vd.Learner(env, vd.VDConfig(mixer="qmix", hidden=8, embed_dim=4)), env
    if name == "MF-Q":
        env = BattleGrid(size=8, n_agents=4, max_steps=6)
        config = mean_field.MeanFieldConfig("mfq", hidden=(8,))
        return mean_field.MeanFieldAgent(env.obs_dim, env.n_actions, config), env
    if name == "DGN":
        env = Jungle(n_envs=1, n_agents=4, k=2, episode_length=6)
        return dgn.DGN(env.obs_dim, env.n_actions, dgn.DGNConfig(hidden=8)), env
    env = PredatorPrey(n_envs=1, episode_length=6)
    return g2anet.GAComm(env.obs_dim, env.n_actions, g2anet.GACommConfig(hidden=8)), env


@pytest.mark.parametrize("name", ["MADDPG", "QMIX", "MF-Q", "DGN", "GA-Comm"])
def test_trained_policies_act_and_repeat(name):
    learner, env = _learner_and_env(name)
    policy = trained_policy(learner)
    first = record_frames(env, policy, seed=3)
    assert len(first) == 7 or first[-1]["note"]  # the whole episode, unless it ended early
    assert _same(first, record_frames(env, policy, seed=3))  # a recurrent policy starts afresh each episode
    if name == "GA-Comm":
        assert learner.training  # sampling actions in eval mode leaves the network's mode as it was


BAD_INPUTS = [
    (record_frames, dict(env="soccer", policy=print), "env"),
    (record_frames, dict(env=Soccer(), policy=print, seed=0), "n_steps"),
    (record_frames, dict(env=Soccer(), policy=None, n_steps=3), "policy"),
    (record_frames, dict(env=Jungle(n_envs=1), policy=print, seed=-1), "seed"),
    (record_frames, dict(env=Jungle(n_envs=1), policy=print, seed=1.5), "seed"),
    (record_frames, dict(env=Jungle(n_envs=1), policy=print, n_steps=0), "n_steps"),
    (record_frames, dict(env=Jungle(n_envs=1, episode_length=5), policy=print, n_steps=6), "n_steps"),
    (random_policy, dict(env=None), "env"),
    (random_policy, dict(env=object()), "env"),
    (random_policy, dict(env=[Jungle(n_envs=1)]), "env"),
    (soccer_players, dict(policy_a=uniform_policy()[:5], policy_b=uniform_policy()), "policy_a"),
    (soccer_players, dict(policy_a=uniform_policy(), policy_b=np.ones((N_STATES, 5))), "policy_b"),
    (soccer_players, dict(policy_a=uniform_policy(), policy_b=hand_built_policy(B)[:, :4]), "policy_b"),
    (trained_policy, dict(trained=None), "trained"),
    (trained_policy, dict(trained=uniform_policy()), "trained"),
    (trained_policy, dict(trained=torch.nn.Linear(2, 2)), "trained"),
    (animate_episodes, dict(frames_left=[], frames_right=[{"step": 0, "return": 0.0, "note": ""}],
                            draw_frame=draw_soccer), "frames_left"),
    (animate_episodes, dict(frames_left=[{"step": 0, "return": 0.0, "note": ""}], frames_right="frames",
                            draw_frame=draw_soccer), "frames_right"),
    (animate_episodes, dict(frames_left=[{"step": 0}], frames_right=[{"step": 0, "return": 0.0, "note": ""}],
                            draw_frame=draw_soccer), r"frames_left\[0\]"),
    (animate_episodes, dict(frames_left=[{"step": 0, "return": 0.0, "note": ""}],
                            frames_right=[{"step": 0, "return": 0.0, "note": ""}], draw_frame="draw_soccer"),
     "draw_frame"),
    (animate_episodes, dict(frames_left=[{"step": 0, "return": 0.0, "note": ""}],
                            frames_right=[{"step": 0, "return": 0.0, "note": ""}], draw_frame=draw_soccer,
                            titles=("only one",)), "titles"),
    (animate_episodes, dict(frames_left=[{"step": 0, "return": 0.0, "note": ""}],
                            frames_right=[{"step": 0, "return": 0.0, "note": ""}], draw_frame=draw_soccer,
                            dpi=0), "dpi"),
    (animate_episodes, dict(frames_left=[{"step": 0, "return": 0.0, "note": ""}],
                            frames_right=[{"step": 0, "return": 0.0, "note": ""}], draw_frame=draw_soccer,
                            figsize=(8, 4, 1)), "figsize"),
    (animate_episodes, dict(frames_left=[{"step": 0, "return": 0.0, "note": ""}],
                            frames_right=[{"step": 0, "return": 0.0, "note": ""}], draw_frame=draw_soccer,
                            interval_ms=0), "interval_ms"),
    (to_html, dict(animation=None), "animation"),
    (to_html, dict(animation="<html>"), "animation"),
    (to_html, dict(animation=plt.figure), "animation"),
]
_AX = plt.figure().add_subplot()
plt.close("all")
for _draw, _frame, _bad in (
        (draw_soccer, {"cell_a": 0, "cell_b": 1, "ball": 0}, {"cell_a": 20}),
        (draw_particles, {"agent_pos": np.zeros((2, 2)), "landmark_pos": np.ones((2, 2)), "agent_size": 0.1,
                          "goal": -1}, {"agent_pos": np.zeros((2, 3))}),
        (draw_coordination_grid, {"predator_pos": [[0, 0]], "prey_pos": [1, 1], "size": 4}, {"size": 1}),
        (draw_battle, {"positions": [[0, 0]], "team": [0], "hit_points": [1], "hp": 3, "size": 4},
         {"positions": [[0, 0], [1, 1]]}),
        (draw_jungle, {"agent_pos": [[0, 0]], "food_pos": [[1, 1]], "eating": [True], "size": 4},
         {"eating": [True, False]}),
        (draw_predator_prey, {"predator_pos": [[0, 0]], "prey_pos": [1, 1], "size": 4}, {"size": 2.5})):
    _key = next(iter(_bad))
    BAD_INPUTS += [(_draw, dict(frame=dict(_frame, **_bad), ax=_AX), f"frame\\['{_key}'\\]"),
                   (_draw, dict(frame={k: v for k, v in _frame.items() if k != _key}, ax=_AX), "frame"),
                   (_draw, dict(frame=_frame, ax=None), "ax")]
BAD_INPUTS += [
    (draw_coordination_grid, dict(frame={"predator_pos": [[0, 0]], "prey_pos": [4, 1], "size": 4}, ax=_AX),
     r"frame\['prey_pos'\]"),
    (draw_predator_prey, dict(frame={"predator_pos": [[0.5, 0]], "prey_pos": [1, 1], "size": 4}, ax=_AX),
     r"frame\['predator_pos'\]"),
    (draw_jungle, dict(frame={"agent_pos": [[0, 0]], "food_pos": [[1, 1, 1]], "eating": [True], "size": 4}, ax=_AX),
     r"frame\['food_pos'\]"),
]


@pytest.mark.parametrize("function, kwargs, match", BAD_INPUTS,
                         ids=[f"{f.__name__}-{i}" for i, (f, *_) in enumerate(BAD_INPUTS)])
def test_bad_input_is_refused_naming_the_parameter(function, kwargs, match):
    n_figures = len(plt.get_fignums())
    with pytest.raises((ValueError, TypeError), match=match):
        function(**kwargs)
    assert len(plt.get_fignums()) == n_figures, "the input must be refused before a figure is made"


def test_every_public_function_has_bad_inputs():
    public = {name for name, obj in vars(anim).items()
              if callable(obj) and not name.startswith("_") and getattr(obj, "__module__", "") == anim.__name__}
    assert public == {f.__name__ for f, *_ in BAD_INPUTS}
