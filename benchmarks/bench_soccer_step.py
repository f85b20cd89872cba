"""Benchmark: the batched soccer step at ``n_envs = 1`` and a soccer Q-learning run, against a scalar soccer step.

:class:`~marl_course.envs.soccer.Soccer` steps ``n_envs`` games with arrays (the batched worlds'
contract); the peer here is ``ScalarSoccer``, a minimal scalar reference of the one-game step the
package had before (written for this benchmark, not part of the package): plain ints, the same
outcome tables ``NEXT_STATE`` and ``SCORE``, and the same draws in the same order (who moves first,
the draw coin when nobody scored, the ball's holder at the next start). Both run in this process
on the same seeded actions; the script checks that they give the same states and rewards step
for step, then prints each one's CPU time per step and the ratio. The second part plays 20,000
steps of Q-learning against Q-learning with :func:`~marl_course.tabular.play.play` and with a
plain loop over ``ScalarSoccer`` (the same learners, the same generator), checks the two learned
tables are equal, and prints the ratio. Run by hand:
``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_soccer_step.py``.
"""

from __future__ import annotations

import time

import numpy as np

from marl_course.envs.soccer import N_STATES, NEXT_STATE, SCORE, START_STATES, Soccer
from marl_course.tabular.play import Transition, play
from marl_course.tabular.q_learning import QLearner

N_STEPS, N_PLAY, SEED = 20_000, 20_000, 0


class ScalarSoccer:
    """Reference peer (benchmark only): one soccer game stepped with plain ints, a game end resetting in the step."""

    def __init__(self, draw_probability: float = 0.1):
        self.draw_probability = draw_probability
        self.state, self.rng = START_STATES[0], np.random.default_rng()

    def reset(self, rng: np.random.Generator) -> int:
        self.rng = rng
        self.state = START_STATES[int(rng.integers(2))]
        return self.state

    def step(self, action_a: int, action_b: int) -> tuple[int, tuple[float, float], bool]:
        first = int(self.rng.integers(2))
        goal = int(SCORE[self.state, action_a, action_b, first])
        if goal or self.rng.random() < self.draw_probability:
            self.state = START_STATES[int(self.rng.integers(2))]
            return self.state, (float(goal), float(-goal)), True
        self.state = int(NEXT_STATE[self.state, action_a, action_b, first])
        return self.state, (0.0, 0.0), False


def batched_steps(actions: np.ndarray) -> tuple[float, list]:
    env = Soccer()
    env.reset(seed=SEED)
    trace = []
    start = time.process_time()
    for action in actions:
        _, state, rewards, done, _ = env.step(action[None])
        if done[0]:
            state = env.reset()[1]
        trace.append((int(state[0]), float(rewards[0, 0])))
    return time.process_time() - start, trace


def scalar_steps(actions: np.ndarray) -> tuple[float, list]:
    env = ScalarSoccer()
    env.reset(np.random.default_rng(SEED))
    trace = []
    start = time.process_time()
    for action_a, action_b in actions.tolist():
        state, rewards, _ = env.step(action_a, action_b)
        trace.append((state, rewards[0]))
    return time.process_time() - start, trace


def q_learners() -> list[QLearner]:
    return [QLearner(N_STATES, 5, player=i) for i in (0, 1)]


def batched_play() -> tuple[float, list[QLearner]]:
    agents = q_learners()
    start = time.process_time()
    play(Soccer(), agents, N_PLAY, seed=SEED)
    return time.process_time() - start, agents


def scalar_play() -> tuple[float, list[QLearner]]:
    agents = q_learners()
    rng = np.random.default_rng(SEED)
    env = ScalarSoccer()
    start = time.process_time()
    state = env.reset(rng)
    for _ in range(N_PLAY):
        actions = tuple(agent._act(state, rng) for agent in agents)
        next_state, rewards, _ = env.step(*actions)
        transition = Transition(state, actions, rewards, next_state)
        for agent in agents:
            type(agent).update.unchecked(agent, transition)
        state = next_state
    return time.process_time() - start, agents


def best_of(run, repeats: int = 3):
    results = [run() for _ in range(repeats)]
    return min(seconds for seconds, _ in results), results[0][1]


def main() -> None:
    actions = np.random.default_rng(1).integers(5, size=(N_STEPS, 2))
    batched_s, batched_trace = best_of(lambda: batched_steps(actions))
    scalar_s, scalar_trace = best_of(lambda: scalar_steps(actions))
    print(f"one soccer step, n_envs = 1, {N_STEPS:,} seeded random joint actions (reset after each game end)")
    print(f"  scalar reference step:  {scalar_s / N_STEPS * 1e6:6.1f} us")
    print(f"  Soccer.step (batched):  {batched_s / N_STEPS * 1e6:6.1f} us   ratio {batched_s / scalar_s:4.1f}x   "
          f"identical: {batched_trace == scalar_trace}")
    play_s, play_agents = best_of(batched_play)
    loop_s, loop_agents = best_of(scalar_play)
    same = all(np.array_equal(a.Q, b.Q) for a, b in zip(play_agents, loop_agents))
    print(f"Q-learning against Q-learning on soccer, {N_PLAY:,} steps")
    print(f"  scalar loop over the reference step: {loop_s:5.2f} s CPU")
    print(f"  play on Soccer (batched contract):   {play_s:5.2f} s CPU   ratio {play_s / loop_s:4.1f}x   "
          f"identical tables: {same}")


if __name__ == "__main__":
    main()
