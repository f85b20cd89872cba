"""Chapter 5 exercises: MADDPG and the particle worlds.

Every expected answer is computed by ``marl_course`` when a question is checked.

>>> from marl_course.exercises import ch05
>>> ch05.q1.check(ch05.q1.reference()).status
'correct'
"""

from __future__ import annotations

from functools import lru_cache, partial

import numpy as np

from marl_course.exercises.checker import Question, expect_choice, expect_function, expect_integer, expect_number
from marl_course.envs.particle import CooperativeNavigation, episode_returns, scripted_navigation_actions

# ---- Q1: pen and paper, the size of a centralised critic's input


@lru_cache(maxsize=1)
def _critic_input_size() -> int:
    from marl_course.deep.maddpg import MADDPG, MADDPGConfig  # torch only when asked

    return MADDPG((18,) * 3, MADDPGConfig(centralised=True)).critic_input_dim(0)


def _grade_q1(answer):
    expect_integer(answer, _critic_input_size(), what="the critic's input length")


q1 = Question(
    "Q1",
    "In cooperative navigation (N = 3 agents, 18 numbers per observation, 5 discrete actions fed to the "
    "critic as one-hot vectors), how many numbers does MADDPG's centralised critic $Q_i(x, a_1, a_2, a_3)$ take?",
    _grade_q1,
    hints=["$x = (o_1, o_2, o_3)$: every agent's observation.",
           "Add one one-hot action vector of length 5 per agent. Independent DDPG would take only $o_i$ and $a_i$."],
    solution=lambda: f"$3 \\times 18 + 3 \\times 5 = {_critic_input_size()}$ (`MADDPG(...).critic_input_dim(0)`).",
    kind="pen-and-paper",
    reference=_critic_input_size,
)

# ---- Q2: pen and paper, the particle physics


@lru_cache(maxsize=1)
def _position_after_three_pushes() -> float:
    env = CooperativeNavigation(n_envs=1)
    env.reset(0)
    env.agent_pos[0] = [[0.0, 0.0], [5.0, 5.0], [-5.0, 5.0]]  # far apart: no contact force
    for _ in range(3):
        env.step(np.array([[2, 0, 0]]))
    return float(env.agent_pos[0, 0, 0])


def _grade_q2(answer):
    expect_number(answer, _position_after_three_pushes(), digits=3, what="the x position")


q2 = Question(
    "Q2",
    "An agent starts at rest at $x = 0$, far from everyone, and presses *+x* (action 2) for three steps. "
    "With $dt = 0.1$, damping $0.25$, mass 1 and action force 5, where is it (its $x$) after the third step? (3 significant digits are enough.)",
    _grade_q2,
    hints=["mpe2 moves the position with the **old** velocity first: $p \\leftarrow p + v\\,dt$, then "
           "$v \\leftarrow 0.75\\,v + 5\\,dt$.",
           "Keep a small table with one row per step, starting from $(p, v) = (0, 0)$: in each row move $p$ "
           "with the velocity of the row before, then update $v$. The third position uses the velocity left "
           "after the second step."],
    solution=lambda: f"$p_3 = 0.1 (0 + 0.5 + 0.875) = {_position_after_three_pushes():.4f}$.",
    kind="pen-and-paper",
    reference=_position_after_three_pushes,
)

# ---- Q3: coding, the cooperative navigation reward


def _reference_reward(agent_pos, landmark_pos):
    env = CooperativeNavigation(n_envs=1, n_agents=len(agent_pos))
    env.reset(0)
    env.agent_pos[0], env.landmark_pos[0] = agent_pos, landmark_pos
    return env.rewards()[0]


def _reward_inputs(rng):
    n = int(rng.integers(2, 5))
    return rng.uniform(-0.5, 0.5, (n, 2)), rng.uniform(-1, 1, (n, 2))  # close together: collisions happen


def _grade_q3(answer):
    expect_function(answer, _reference_reward, _reward_inputs, n_trials=30, tol=1e-9,
                    what="your cooperative_navigation_reward")


def _reward_solution():
    return ("```python\n"
            "def cooperative_navigation_reward(agent_pos, landmark_pos):\n"
            "    dist = np.linalg.norm(agent_pos[:, None] - landmark_pos[None], axis=-1)  # (n_agents, n_landmarks)\n"
            "    coverage = -dist.min(axis=0).sum()\n"
            "    gap = np.linalg.norm(agent_pos[:, None] - agent_pos[None], axis=-1)\n"
            "    collisions = ((gap < 0.3) & ~np.eye(len(agent_pos), dtype=bool)).sum(axis=1)\n"
            "    return 0.5 * coverage - 0.5 * collisions\n"
            "```\nThe package computes it in `CooperativeNavigation.rewards`.")


q3 = Question(
    "Q3",
    "Write `cooperative_navigation_reward(agent_pos, landmark_pos)` for one world: `agent_pos` and "
    "`landmark_pos` are `(N, 2)` arrays; return the `(N,)` rewards $r_i = \\tfrac12(-\\sum_l \\min_j "
    "\\|p_j - q_l\\|) + \\tfrac12(-\\#\\{j \\ne i: \\|p_i - p_j\\| < 0.3\\})$.",
    _grade_q3,
    hints=["Build the `(N, N)` matrix of agent-to-landmark distances with broadcasting; the coverage term is "
           "shared by all agents.",
           "Agents collide when their distance is below the sum of their sizes (0.15 + 0.15); do not count "
           "an agent colliding with itself."],
    solution=_reward_solution,
    kind="coding",
    reference=lambda: _reference_reward,
)

# ---- Q4: experiment, the scripted policy without velocity damping


@lru_cache(maxsize=1)
def _undamped_scripted_return() -> float:
    env = CooperativeNavigation(n_envs=200)
    return float(episode_returns(env, partial(scripted_navigation_actions, damping=0.0), seed=0).mean())


def _grade_q4(answer):
    expect_number(answer, _undamped_scripted_return(), tol=0.05, what="the mean per-agent return")


q4 = Question(
    "Q4",
    "The scripted assign-and-steer policy steers with $u = \\text{gain}\\,(q - p_i) - \\text{damping}\\,v_i$. "
    "Set `damping=0.0` and measure its mean per-agent return with "
    "`episode_returns(CooperativeNavigation(n_envs=200), partial(scripted_navigation_actions, damping=0.0), "
    "seed=0).mean()`. Report the number (compare it with the default policy's: what does the velocity term do?).",
    _grade_q4,
    hints=["`from functools import partial`; everything else is in `marl_course.envs.particle`.",
           "Without the velocity term the agents overshoot their landmarks and oscillate around them."],
    solution=lambda: (f"The mean per-agent return is {_undamped_scripted_return():.3f}, lower than the default "
                      "policy's: without braking the agents overshoot and circle their landmarks."),
    kind="experiment",
    reference=_undamped_scripted_return,
)

# ---- Q5: concept, what each agent needs when it acts

_EXECUTION_OPTIONS = ["its own actor", "its own actor and its critic", "every agent's actor", "all actors and critics"]


def _grade_q5(answer):
    expect_choice(answer, "its own actor", _EXECUTION_OPTIONS, what="the networks used at execution")


q5 = Question(
    "Q5",
    f"After centralised training, what does agent $i$ need to choose its action during execution? One of {_EXECUTION_OPTIONS}.",
    _grade_q5,
    hints=["The critic $Q_i(x, a_1, \\dots, a_n)$ is only used to compute gradients during training.",
           "Decentralised execution: $a_i = \\mu_i(o_i)$."],
    solution="`'its own actor'`: execution is decentralised, $a_i = \\mu_i(o_i)$ uses only $o_i$.",
    kind="pen-and-paper",
    reference=lambda: "its own actor",
)
