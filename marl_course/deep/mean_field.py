"""Neural mean-field Q-learning (MF-Q), mean-field actor-critic (MF-AC) and independent Q-learning.

All agents of an army share one network (as in Yang et al. 2018's battle experiments) and act
at once: a forward pass takes the whole batch ``(n_envs x n_agents, ...)`` of the battles stepped
together, so a step costs time linear in the number of agents. The three learners differ only
where their math differs:

- **IQL**: ``Q(o_j, a_j)``; target ``r_j + gamma max_a Q'(o'_j, a)``.
- **MF-Q**: ``Q(o_j, a_j, a-bar_j)`` (the neighbours' mean action is an input); target
  ``r_j + gamma v_j(o'_j)`` with the mean-field value
  ``v_j = sum_a pi(a | o'_j, a-bar'_j) Q'(o'_j, a, a-bar'_j)`` under the Boltzmann policy
  ``pi ∝ exp(+beta Q)`` (the article's ``exp(-beta Q)`` is the energy convention, see
  :func:`marl_course.tabular.mean_field_q.boltzmann_policy`).
- **MF-AC**: the same critic, but ``v_j`` and the actions come from an actor ``pi_theta(a | o_j)``
  trained with the policy gradient ``grad log pi_theta(a_j | o_j) Q(o_j, a_j, a-bar_j)``
  (the expectation over ``a_j`` is taken exactly, with the baseline ``v_j``).

References
----------
Yang, Luo, Li, Zhou, Zhang, Wang (2018). Mean Field Multi-Agent Reinforcement Learning. ICML,
equations (9)-(12), Algorithms 1 and 2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from marl_course._random import sample_categorical
from marl_course._validation import check_bool, check_choice, check_instance, check_int, check_int_sequence, check_real
from marl_course.deep.common import (History, ReplayBuffer, check_env, check_rank, check_size, check_updates_possible, mlp,
                                     seed_everything, single_thread, soft_update)
from marl_course.deep.common import load, save  # noqa: F401  (the deep modules' one contract: mean_field.save, .load)

ALGORITHMS = ("iql", "mfq", "mfac")


@dataclass
class MeanFieldConfig:
    """Hyperparameters of :func:`train` (defaults: the notebook's fast setting)."""

    algorithm: str = "mfq"
    """'iql', 'mfq' or 'mfac'."""
    n_episodes: int = 40
    """Training episodes (the paper trains 2,000 battle rounds)."""
    hidden: tuple[int, ...] = (64, 64)
    """Hidden layer widths (the paper uses convolutional encoders and 256 units)."""
    lr: float = 1e-3
    """Adam learning rate (paper: 1e-4)."""
    gamma: float = 0.95
    """Discount (paper: 0.95)."""
    batch_size: int = 128
    """Transitions per gradient step (paper: 64)."""
    buffer_size: int = 20_000
    """Replay capacity in agent-transitions (paper: 80,000 for MF-Q; MF-AC is on-policy there)."""
    beta_start: float = 1.0
    """Boltzmann inverse temperature at the start of training."""
    beta_end: float = 10.0
    """Inverse temperature reached at the last episode (linear schedule)."""
    tau: float = 0.05
    """Polyak factor of the target networks, ``theta' <- tau theta + (1 - tau) theta'``."""
    entropy: float = 0.01
    """MF-AC's entropy bonus on the actor."""
    train_every: int = 2
    """Environment steps per gradient step."""

    def __post_init__(self):
        check_choice(self.algorithm, "algorithm", ALGORITHMS)
        for name in ("n_episodes", "batch_size", "buffer_size", "train_every"):
            check_int(getattr(self, name), name, low=1)
        check_int_sequence(self.hidden, "hidden", low=1)
        check_real(self.lr, "lr", low=0, low_open=True)
        check_real(self.gamma, "gamma", low=0, high=1)
        check_real(self.beta_start, "beta_start", low=0)
        check_real(self.beta_end, "beta_end", low=0)
        check_real(self.tau, "tau", low=0, high=1, low_open=True)
        check_real(self.entropy, "entropy", low=0)
        if self.buffer_size < self.batch_size:
            raise ValueError(f"buffer_size ({self.buffer_size}) must be at least batch_size ({self.batch_size}): "
                             f"a smaller replay never holds a batch, so nothing is trained")


class MeanFieldAgent(nn.Module):
    """The shared networks of one army: a critic ``Q`` (with ``a-bar`` as input unless IQL),
    its target copy, and for MF-AC an actor ``pi_theta(a | o)``.

    Examples
    --------
    >>> agent = MeanFieldAgent(obs_dim=5, n_actions=3, config=MeanFieldConfig("mfq"))
    >>> agent.q_values(torch.zeros(4, 5), torch.full((4, 3), 1 / 3)).shape
    torch.Size([4, 3])
    """

    def __init__(self, obs_dim: int, n_actions: int, config: MeanFieldConfig):
        super().__init__()
        check_instance(config, "config", MeanFieldConfig)
        if config.algorithm not in ALGORITHMS:
            raise ValueError(f"config.algorithm must be one of {ALGORITHMS}, got {config.algorithm!r}")
        self.obs_dim = check_int(obs_dim, "obs_dim", low=1)
        self.n_actions = check_int(n_actions, "n_actions", low=1)
        self.config = config
        self.mean_field = config.algorithm != "iql"
        in_dim = obs_dim + (n_actions if self.mean_field else 0)
        self.critic = mlp(in_dim, config.hidden, n_actions)
        self.target = mlp(in_dim, config.hidden, n_actions)
        self.target.load_state_dict(self.critic.state_dict())
        self.actor = mlp(obs_dim, config.hidden, n_actions) if config.algorithm == "mfac" else None

    def _input(self, obs: torch.Tensor, mean_action: torch.Tensor) -> torch.Tensor:
        check_rank(obs, "obs", 2, "(n, obs_dim)")
        check_size(obs, "obs", 1, self.obs_dim, "obs_dim")
        if self.mean_field:
            check_rank(mean_action, "mean_action", 2, "(n, n_actions)")
            if tuple(mean_action.shape) != (obs.shape[0], self.n_actions):
                raise ValueError(f"mean_action must have shape (n, n_actions) = {(obs.shape[0], self.n_actions)}, "
                                 f"got {tuple(mean_action.shape)}")
        return torch.cat([obs, mean_action], dim=-1) if self.mean_field else obs

    def q_values(self, obs, mean_action, target: bool = False) -> torch.Tensor:
        """``Q(o_j, ., a-bar_j)``: (n, obs_dim), (n, n_actions) -> (n, n_actions)."""
        net = self.target if target else self.critic
        return net(self._input(obs, mean_action))

    def policy(self, obs, mean_action, beta: float, target: bool = False) -> torch.Tensor:
        """The acting policy (n, n_actions): the actor for MF-AC, else Boltzmann ``exp(beta Q)``."""
        beta = check_real(beta, "beta", low=0)
        if self.actor is not None:
            check_rank(obs, "obs", 2, "(n, obs_dim)")
            check_size(obs, "obs", 1, self.obs_dim, "obs_dim")
            return torch.softmax(self.actor(obs), dim=-1)
        return torch.softmax(beta * self.q_values(obs, mean_action, target), dim=-1)

def mean_field_loss(agent: MeanFieldAgent, batch: dict, beta: float) -> torch.Tensor:
    """The critic's TD loss (plus MF-AC's actor loss) on a replay batch.

    ``y_j = r_j + gamma (1 - terminal_j) v(s'_j)`` with ``v = max_a Q'`` for IQL and the mean-field
    value ``v = sum_a pi'(a | o'_j, a-bar'_j) Q'(o'_j, a, a-bar'_j)`` otherwise; the critic's loss is the
    Huber loss of ``Q(o_j, a_j, a-bar_j) - y_j``. MF-AC adds ``-E_pi[A] - entropy H(pi)`` with the
    advantage ``A = Q - sum_a pi Q`` (detached).
    """
    config = agent.config
    obs, mean_action, action = batch["obs"], batch["mean_action"], batch["action"].long()
    q = agent.q_values(obs, mean_action)                                        # (batch, n_actions)
    with torch.no_grad():
        q_next = agent.q_values(batch["next_obs"], batch["next_mean_action"], target=True)
        if config.algorithm == "iql":
            value = q_next.max(dim=-1).values                                   # max_a Q'
        else:
            pi_next = agent.policy(batch["next_obs"], batch["next_mean_action"], beta, target=True)
            value = (pi_next * q_next).sum(dim=-1)                              # mean-field v_j(s')
        target = batch["reward"] + config.gamma * (1.0 - batch["terminal"]) * value
    loss = nn.functional.smooth_l1_loss(q.gather(1, action[:, None])[:, 0], target)
    if agent.actor is not None:
        pi = torch.softmax(agent.actor(obs), dim=-1)                            # (batch, n_actions)
        advantage = (q - (pi * q).sum(dim=-1, keepdim=True)).detach()
        entropy = -(pi * torch.log(pi + 1e-8)).sum(dim=-1)
        loss = loss - ((pi * advantage).sum(dim=-1) + config.entropy * entropy).mean()
    return loss


def act(agent: MeanFieldAgent, obs, mean_action, beta: float, rng: np.random.Generator,
        greedy: bool = False) -> np.ndarray:
    """Every agent's action from :meth:`MeanFieldAgent.policy` (sampled, or its argmax if ``greedy``).

    ``obs`` ``(..., obs_dim)`` and ``mean_action`` ``(..., n_actions)`` may carry any leading axes,
    e.g. ``(n_envs, n_agents)``; the actions have those axes. One uniform is drawn per agent, in
    row-major order (none if ``greedy``).

    Examples
    --------
    >>> agent = MeanFieldAgent(obs_dim=5, n_actions=3, config=MeanFieldConfig("mfq"))
    >>> act(agent, np.zeros((2, 4, 5), np.float32), np.full((2, 4, 3), 1 / 3, np.float32), 1.0,
    ...     np.random.default_rng(0)).shape
    (2, 4)
    """
    obs, mean_action = torch.as_tensor(obs), torch.as_tensor(mean_action)
    batch = tuple(obs.shape[:-1])
    with torch.no_grad():
        probs = agent.policy(obs.reshape(-1, obs.shape[-1]), mean_action.reshape(-1, mean_action.shape[-1]), beta)
    probs = probs.numpy().reshape(batch + (probs.shape[-1],))
    if greedy:
        return probs.argmax(axis=-1)
    return sample_categorical.unchecked(probs, rng)  # float32 rows: their sums may miss 1 by more than 1e-8


@single_thread()
def train(env, config: MeanFieldConfig | None = None, *, seed: int = 0, progress: bool = True) -> History:
    """Train one shared red agent by ``config.algorithm`` on ``env`` (a :class:`BattleGrid` of
    ``n_envs`` battles).

    An episode resets every battle and steps them together until all are done. Every step stores
    one transition per red agent that acted (alive, in a battle not yet over) ``(o_j, a-bar_j,
    a_j, r_j, o'_j, a-bar'_j, terminal_j)``; ``a-bar_j`` is the neighbours' mean action of the
    previous step (``info["mean_action"]``), the one the agent conditions on when it acts
    (Algorithm 1). ``terminal_j`` is 1 when agent ``j`` died or its battle was terminated (an army
    destroyed), so the target ``r_j + gamma (1 - terminal_j) v_j(s')`` bootstraps at a truncation
    (the time limit) and not at a termination.

    Returns a :class:`~marl_course.deep.common.History` counted in episodes: ``train_return[k]``
    is red's summed reward per agent in episode ``k`` (averaged over the battles), ``loss`` the
    loss of each gradient step, and ``metrics["blue_killed"][k]`` the fraction of the blue army
    destroyed in episode ``k`` (averaged over the battles). With ``n_envs = 1`` each episode is
    one battle.

    Examples
    --------
    >>> from marl_course.envs.battle_grid import BattleGrid
    >>> history = train(BattleGrid(size=8, n_agents=4, max_steps=10), MeanFieldConfig(n_episodes=2, batch_size=16),
    ...                 seed=0, progress=False)
    >>> history.steps, len(history.metrics["blue_killed"])
    ([1, 2], 2)
    """
    seed = check_int(seed, "seed", low=0)
    config = MeanFieldConfig() if config is None else check_instance(config, "config", MeanFieldConfig)
    check_bool(progress, "progress")
    check_env(env, ("reset", "step", "obs_dim", "n_actions", "n_agents", "n_envs"))
    if config.algorithm not in ALGORITHMS:
        raise ValueError(f"config.algorithm must be one of {ALGORITHMS}, got {config.algorithm!r}")
    if hasattr(env, "max_steps"):
        check_updates_possible(max_steps=config.n_episodes * env.max_steps,
                               transitions_per_step=env.n_envs * env.n_agents, batch_size=config.batch_size,
                               update_every=config.train_every,
                               fields="n_episodes, batch_size, train_every (with env.max_steps, env.n_envs, "
                                      "env.n_agents)")
    rng = seed_everything(seed)
    agent = MeanFieldAgent(env.obs_dim, env.n_actions, config)
    optimiser = torch.optim.Adam(agent.parameters(), lr=config.lr)
    buffer = ReplayBuffer(config.buffer_size)
    history = History(model=agent, step_unit="episodes", metrics={"blue_killed": []})
    step = 0
    for episode in tqdm(range(config.n_episodes), disable=not progress, desc=config.algorithm):
        beta = config.beta_start + (config.beta_end - config.beta_start) * episode / max(config.n_episodes - 1, 1)
        obs, _, info = env.reset(seed=int(rng.integers(2**31)))
        mean_action = info["mean_action"]                                       # (E, N, n_actions)
        acting = np.ones((env.n_envs, env.n_agents), dtype=bool)                # alive, battle not over
        total, done = np.zeros(env.n_envs), np.zeros(env.n_envs, dtype=bool)
        while not done.all():
            actions = act(agent, obs, mean_action, beta, rng)                   # (E, N)
            next_obs, _, reward, done, info = env.step(actions)
            next_mean_action = info["mean_action"]
            terminal = ~info["alive"] | info["terminated"][:, None]             # truncation bootstraps
            buffer.add(obs=obs[acting], mean_action=mean_action[acting], action=actions[acting],
                       reward=reward[acting].astype(np.float32), next_obs=next_obs[acting],
                       next_mean_action=next_mean_action[acting],
                       terminal=terminal[acting].astype(np.float32))
            total += reward.sum(axis=1) / env.n_agents
            obs, mean_action, acting = next_obs, next_mean_action, info["alive"] & ~done[:, None]
            step += 1
            if step % config.train_every == 0 and len(buffer) >= config.batch_size:
                loss = mean_field_loss(agent, buffer.sample(config.batch_size, rng), beta)
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                soft_update(agent.target, agent.critic, config.tau)
                history.loss.append(loss.item())
        history.steps.append(episode + 1)
        history.train_return.append(float(total.mean()))
        history.metrics["blue_killed"].append(float(np.mean(1.0 - info["blue_alive"] / env.n_agents)))
    return history


@single_thread()
def evaluate(model: MeanFieldAgent, env, *, n_episodes: int = 10, seed: int = 0) -> float:
    """Mean return per red agent of greedy play over ``n_episodes`` battles (see :func:`battle_outcome`).

    >>> from marl_course.envs.battle_grid import BattleGrid
    >>> env = BattleGrid(size=8, n_agents=4, max_steps=10)
    >>> isinstance(evaluate(MeanFieldAgent(env.obs_dim, env.n_actions, MeanFieldConfig()), env, n_episodes=2), float)
    True
    """
    return battle_outcome(model, env, n_episodes=n_episodes, seed=seed)["mean_return"]


@single_thread()
def battle_outcome(model: MeanFieldAgent, env, *, n_episodes: int = 10, seed: int = 0) -> dict[str, float]:
    """Greedy play of a trained agent: mean return per agent and fraction of blue destroyed.

    ``n_episodes`` battles are played ``env.n_envs`` at a time (each batch reset with a seed drawn
    from ``seed``; the surplus battles of the last batch are dropped), so with ``n_envs = 1`` the
    battles are those of a one-battle environment.

    Examples
    --------
    >>> from marl_course.envs.battle_grid import BattleGrid
    >>> env = BattleGrid(n_envs=2, size=8, n_agents=4, max_steps=10)
    >>> result = battle_outcome(MeanFieldAgent(env.obs_dim, env.n_actions, MeanFieldConfig()), env, n_episodes=3)
    >>> sorted(result)
    ['blue_killed', 'mean_return']
    """
    n_episodes = check_int(n_episodes, "n_episodes", low=1)
    agent = check_instance(model, "model", MeanFieldAgent)
    check_env(env, ("reset", "step", "obs_dim", "n_actions", "n_agents", "n_envs"))
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    returns, killed = [], []
    while len(returns) < n_episodes:
        obs, _, info = env.reset(seed=int(rng.integers(2**31)))
        total, done = np.zeros(env.n_envs), np.zeros(env.n_envs, dtype=bool)
        while not done.all():
            actions = act(agent, obs, info["mean_action"], agent.config.beta_end, rng, greedy=True)
            obs, _, reward, done, info = env.step(actions)
            total += reward.sum(axis=1) / env.n_agents
        returns.extend(total)
        killed.extend(1.0 - info["blue_alive"] / env.n_agents)
    return {"mean_return": float(np.mean(returns[:n_episodes])), "blue_killed": float(np.mean(killed[:n_episodes]))}
