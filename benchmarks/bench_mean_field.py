"""Time per agent-step of the mean-field hot paths as the number of agents grows (run by hand).

    .venv/bin/python benchmarks/bench_mean_field.py

Prints CPU microseconds per agent-step of one MF-Q step on the Ising lattice (all agents'
tables updated at once) and of one battle-grid environment step plus a batched forward pass of
the shared MF-Q network, from 100 to 10,000 agents, and the ratio to the 100-agent cost. Linear
cost means ratios near 1 (or below: fixed overheads are shared by more agents). Then the same
battle step with 16 soldiers a side in 1 to 64 worlds stepped together (``n_envs``), per
agent-step: the worlds are whole arrays, no Python loop over them, so the per-agent cost falls as
the worlds share the fixed overheads.
"""

import time

import numpy as np
import torch

from marl_course.deep.mean_field import MeanFieldAgent, MeanFieldConfig, act
from marl_course.envs.battle_grid import BattleGrid
from marl_course.tabular.mean_field_q import ising_mean_field_q

torch.set_num_threads(1)


def per_agent_step(run, n_agents: int, n_steps: int) -> float:
    start = time.process_time()
    run(n_steps)
    return (time.process_time() - start) / (n_steps * n_agents) * 1e6


def ising(side: int):
    def run(n_steps):
        for _ in ising_mean_field_q(side, 1.0, n_steps, seed=0):
            pass
    return run


def battle(n_agents: int, n_envs: int = 1):
    side = int(np.ceil(np.sqrt(3 * n_agents * 2)))
    env = BattleGrid(n_envs=n_envs, size=side, n_agents=n_agents, max_steps=10**6)
    agent = MeanFieldAgent(env.obs_dim, env.n_actions, MeanFieldConfig("mfq"))
    rng = np.random.default_rng(0)

    def run(n_steps):
        obs, _, info = env.reset(seed=0)
        for _ in range(n_steps):
            actions = act(agent, obs, info["mean_action"], 5.0, rng)
            obs, _, _, _, info = env.step(actions)
    return run


def main():
    for name, make, sizes in [("Ising MF-Q step", ising, [10, 32, 100]),
                              ("battle step + MF-Q forward", battle, [100, 1000, 10000])]:
        print(name)
        base = None
        for size in sizes:
            n_agents = size * size if make is ising else size
            cost = per_agent_step(make(size), n_agents, n_steps=max(5, 20_000 // n_agents))
            base = base or cost
            print(f"  {n_agents:>6} agents: {cost:8.2f} us per agent-step, ratio to 100 agents {cost / base:5.2f}")
    print("battle step + MF-Q forward, 16 vs 16, worlds stepped together")
    base = None
    for n_envs in (1, 4, 16, 64):
        cost = per_agent_step(battle(16, n_envs), 16 * n_envs, n_steps=max(20, 4000 // n_envs))
        base = base or cost
        print(f"  {n_envs:>6} worlds: {cost:8.2f} us per agent-step, ratio to 1 world {cost / base:5.2f}")


if __name__ == "__main__":
    main()
