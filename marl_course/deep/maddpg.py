"""MADDPG and independent DDPG for discrete particle-world actions (Gumbel-softmax).

Each agent i has a decentralised actor mu_i(o_i) (logits over its actions) and a critic.
With ``centralised=True`` (MADDPG) the critic is Q_i(x, a_1, ..., a_n) on the joint
observation x = (o_1, ..., o_n) and every agent's action; with ``centralised=False``
(independent DDPG, the paper's baseline) it is Q_i(o_i, a_i). Everything else is the same
code. Per sampled batch from the replay D of (x, x', a_1..a_n, r_1..r_n):

    y = r_i + gamma * Q'_i(x', a'_1, ..., a'_n) |_{a'_j = mu'_j(o'_j)}       (target networks)
    L(theta_i) = E[(Q_i(x, a_1, ..., a_n) - y)^2]                            (critic)
    grad J(mu_i) = E[grad mu_i(o_i) grad_{a_i} Q_i(x, a_1, ..., a_n) |_{a_i = mu_i(o_i)}]  (actor)
    theta' <- tau theta + (1 - tau) theta'                                   (Polyak)

Discrete actions pass through the Gumbel-softmax (straight-through): a one-hot sample in the
forward pass, the gradient of softmax((logits + g) / T) in the backward pass. Agents may have
different action counts m_i (``env.n_actions``, e.g. a speaker's 3 words and a listener's 5
moves): one-hot actions are stored zero-padded to max_i m_i and cut back to m_j wherever a
network reads agent j's action.

Extensions (section 4.2 and 4.3 of the paper):

* ``approximate_policies=True``: agent i fits mu_hat_i^j to agent j's replayed actions with
  L(phi_i^j) = -E[log mu_hat_i^j(a_j | o_j) + lambda H(mu_hat_i^j)] and uses the fitted
  policies (their target copies) instead of mu'_j in y.
* ``n_sub_policies=K > 1``: policy ensembles. Each agent holds K sub-policies mu_i^(k); each
  world draws one per agent per episode; transitions go to a replay D_i^(k) per agent and
  sub-policy, and mu_i^(k) is trained on D_i^(k) only.

References
----------
Lowe, Wu, Tamar, Harb, Abbeel & Mordatch (2017), Multi-Agent Actor-Critic for Mixed
Cooperative-Competitive Environments, NeurIPS. Jang, Gu & Poole (2017), Categorical
Reparameterization with Gumbel-Softmax, ICLR.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from marl_course._validation import check_bool, check_instance, check_int, check_int_sequence, check_real
from marl_course.deep.common import History, ReplayBuffer, check_env, mlp, seed_everything, single_thread, soft_update
from marl_course.deep.common import load, save  # noqa: F401  (the deep modules' one contract: maddpg.save, maddpg.load)
from marl_course.envs.particle import N_ACTIONS, ParticleWorld, episode_returns


@dataclass
class MADDPGConfig:
    """Hyper-parameters of :func:`train`; defaults are the fast notebook setting.

    The paper's setting (Lowe et al. 2017, appendix) is given beside each field.
    """

    centralised: bool = True
    """True: MADDPG critics Q_i(x, a_1..a_n); False: independent DDPG critics Q_i(o_i, a_i)."""
    n_rounds: int = 60
    """Training rounds; a round plays one 25-step episode in each of ``n_envs`` worlds
    (paper: 25,000+ episodes in one world)."""
    n_envs: int = 32
    """B, worlds stepped together (paper: 1)."""
    updates_per_round: int = 10
    """Gradient steps per agent after each round (paper: one every 100 environment steps)."""
    warmup_rounds: int = 1
    """Rounds of data collected before the first update."""
    hidden: tuple[int, ...] = (64, 64)
    """Hidden layers of actors and critics (paper: two layers of 64 units)."""
    actor_lr: float = 1e-2
    """Adam step size of the actors (paper: 1e-2)."""
    critic_lr: float = 1e-2
    """Adam step size of the critics (paper: 1e-2)."""
    gamma: float = 0.95
    """Discount (paper: 0.95)."""
    tau: float = 0.05
    """Polyak rate of the target networks (paper: 0.01; with only ~600 updates per agent here,
    0.05 lets the targets keep up: about +1 in final return for both learners)."""
    batch_size: int = 256
    """Transitions per update (paper: 1024; over 60 rounds, seeds 0-2, 1024 raised both learners' greedy
    return by 0.7-1.0 at 1.8 times the CPU time, and did not separate them on seeds 3-5)."""
    buffer_size: int = 100_000
    """Replay size (paper: 1e6)."""
    temperature: float = 1.0
    """Gumbel-softmax temperature T (paper: 1)."""
    logit_penalty: float = 1e-3
    """Weight of the mean squared logits added to the actor loss (the original code's 1e-3)."""
    approximate_policies: bool = False
    """Fit mu_hat_i^j to the other agents' actions and use them in the target (section 4.2)."""
    entropy_weight: float = 1e-3
    """lambda, the entropy bonus of the policy approximation loss (paper: 1e-3)."""
    n_sub_policies: int = 1
    """K, sub-policies per agent in a policy ensemble (section 4.3; paper: K = 3)."""
    eval_every: int = 10
    """Rounds between greedy evaluations."""
    eval_worlds: int = 64
    """Worlds (one episode each) per greedy evaluation."""
    grad_clip: float | None = None
    """Clip each parameter tensor's gradient to this norm before the Adam step (``None``: no clipping;
    the original code clips every tensor at 0.5, ``tf.clip_by_norm`` per variable; on cooperative
    communication, 150 rounds, seeds 0-2, 0.5 moved MADDPG's mean greedy return from -15.09 to -14.78)."""

    def __post_init__(self):
        for name in ("n_rounds", "n_envs", "updates_per_round", "batch_size", "buffer_size",
                     "n_sub_policies", "eval_every", "eval_worlds"):
            check_int(getattr(self, name), name, low=1)
        check_int(self.warmup_rounds, "warmup_rounds", low=0)
        if self.warmup_rounds >= self.n_rounds:
            raise ValueError(f"warmup_rounds ({self.warmup_rounds}) must be less than n_rounds ({self.n_rounds}): "
                             f"updates start after the warm-up, so this run would train nothing")
        check_bool(self.centralised, "centralised")
        check_bool(self.approximate_policies, "approximate_policies")
        check_int_sequence(self.hidden, "hidden", low=1)
        for name in ("actor_lr", "critic_lr", "temperature"):
            check_real(getattr(self, name), name, low=0, low_open=True)
        check_real(self.gamma, "gamma", low=0, high=1, high_open=True)
        check_real(self.tau, "tau", low=0, high=1, low_open=True)
        check_real(self.logit_penalty, "logit_penalty", low=0)
        check_real(self.entropy_weight, "entropy_weight", low=0)
        if self.grad_clip is not None:
            check_real(self.grad_clip, "grad_clip", low=0, low_open=True)


def gumbel_softmax(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """A one-hot sample of softmax(logits) with the Gumbel-softmax gradient (straight-through).

    Forward: ``onehot(argmax(logits + g))`` with ``g = -log(-log U)``, ``U ~ Uniform(0, 1)``,
    which samples ``softmax(logits)`` exactly. Backward: the gradient of the relaxed sample
    ``y = softmax((logits + g) / T)``. Uses torch's global generator (seed it).

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> sample = gumbel_softmax(torch.zeros(4, 5))   # (batch, n_actions)
    >>> sample.detach().round().sum(dim=1).tolist()   # one-hot rows (up to float rounding)
    [1.0, 1.0, 1.0, 1.0]
    """
    temperature = check_real(temperature, "temperature", low=0, low_open=True)
    uniform = torch.rand_like(logits).clamp_(1e-10, 1.0)
    relaxed = F.softmax((logits - torch.log(-torch.log(uniform))) / temperature, dim=-1)
    hard = F.one_hot(relaxed.argmax(dim=-1), logits.shape[-1]).to(logits.dtype)
    return hard + relaxed - relaxed.detach()


class MADDPG(nn.Module):
    """Actors, critics, target copies (and the optional approximations) of n agents.

    Parameters
    ----------
    obs_dims : tuple of int
        d_i, the observation length of each agent (agent i reads ``obs[..., :d_i]``).
    config : MADDPGConfig
    n_actions : tuple of int, optional
        m_i, the action count of each agent (``env.n_actions``; default 5 each, the moves).

    Attributes
    ----------
    actors : ModuleList
        ``actors[i][k]`` is mu_i^(k): ``(batch, d_i) -> (batch, m_i)`` logits.
    critics : ModuleList
        ``critics[i]``: ``(batch, critic_in_i) -> (batch, 1)``.
    approx : ModuleList or None
        ``approx[i][j]`` is mu_hat_i^j: ``(batch, d_j) -> (batch, m_j)`` (``approx[i][i]`` unused, the
        agent's own actor is known).

    Examples
    --------
    >>> agents = MADDPG((18, 18, 18), MADDPGConfig())
    >>> agents.critic_input_dim(0), MADDPG((18, 18, 18), MADDPGConfig(centralised=False)).critic_input_dim(0)
    (69, 23)
    >>> agents.act(np.zeros((2, 3, 18)), explore=False).shape   # (B, n_agents)
    (2, 3)
    >>> speaker_listener = MADDPG((3, 11), MADDPGConfig(), n_actions=(3, 5))   # 3 words, 5 moves
    >>> speaker_listener.actors[0][0][-1].out_features, speaker_listener.critic_input_dim(0)
    (3, 22)
    """

    def __init__(self, obs_dims, config: MADDPGConfig, n_actions=None):
        super().__init__()
        check_instance(config, "config", MADDPGConfig)
        self.obs_dims = check_int_sequence(tuple(obs_dims) if isinstance(obs_dims, np.ndarray) else obs_dims,
                                           "obs_dims", low=1, allow_empty=False)
        self.n_agents = len(self.obs_dims)
        self.n_actions = check_int_sequence((N_ACTIONS,) * self.n_agents if n_actions is None else n_actions,
                                            "n_actions", low=1)
        if len(self.n_actions) != self.n_agents:
            raise ValueError(f"n_actions must give one count per agent ({self.n_agents}), got {self.n_actions}")
        self.max_actions = max(self.n_actions)  # stored one-hot actions are padded to this width
        self.config = config
        K, h = config.n_sub_policies, config.hidden
        self.actors = nn.ModuleList(nn.ModuleList(mlp(d, h, m) for _ in range(K))
                                    for d, m in zip(self.obs_dims, self.n_actions))
        self.critics = nn.ModuleList(mlp(self.critic_input_dim(i), h, 1) for i in range(self.n_agents))
        self.target_actors = copy.deepcopy(self.actors)
        self.target_critics = copy.deepcopy(self.critics)
        self.actor_optimisers = [[torch.optim.Adam(a.parameters(), lr=config.actor_lr) for a in ens] for ens in self.actors]
        self.critic_optimisers = [torch.optim.Adam(c.parameters(), lr=config.critic_lr) for c in self.critics]
        self.approx = self.target_approx = None
        if config.approximate_policies:
            self.approx = nn.ModuleList(nn.ModuleList(mlp(d, h, m) for d, m in zip(self.obs_dims, self.n_actions))
                                        for _ in range(self.n_agents))
            self.target_approx = copy.deepcopy(self.approx)
            self.approx_optimisers = [torch.optim.Adam(a.parameters(), lr=config.actor_lr) for a in self.approx]

    def critic_input_dim(self, i: int) -> int:
        """``sum_j d_j + sum_j m_j`` (centralised) or ``d_i + m_i`` (independent)."""
        check_int(i, "i", low=0, high=self.n_agents - 1)
        if self.config.centralised:
            return sum(self.obs_dims) + sum(self.n_actions)
        return self.obs_dims[i] + self.n_actions[i]

    def _own(self, obs: torch.Tensor, i: int) -> torch.Tensor:
        return obs[:, i, : self.obs_dims[i]]  # (batch, d_i)

    def _own_action(self, actions: torch.Tensor, j: int) -> torch.Tensor:
        return actions[:, j, : self.n_actions[j]]  # (batch, m_j), the padding cut off

    def _pad(self, action: torch.Tensor) -> torch.Tensor:
        return F.pad(action, (0, self.max_actions - action.shape[-1]))  # (batch, max_j m_j)

    def critic_input(self, i: int, obs: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """What critic i sees: (x, a_1..a_n) or (o_i, a_i); obs (batch, n, d), actions (batch, n, max_j m_j)."""
        if self.config.centralised:
            joint_obs = [self._own(obs, j) for j in range(self.n_agents)]
            return torch.cat(joint_obs + [self._own_action(actions, j) for j in range(self.n_agents)], dim=1)
        return torch.cat([self._own(obs, i), self._own_action(actions, i)], dim=1)

    def _logits(self, nets: nn.ModuleList, i: int, obs: torch.Tensor, sub_policy: torch.Tensor) -> torch.Tensor:
        """Logits of agent i under the sub-policy each row played, ``(batch, m_i)``."""
        o = self._own(obs, i)
        if len(nets[i]) == 1:
            return nets[i][0](o)
        every = torch.stack([net(o) for net in nets[i]], dim=1)  # (batch, K, m_i)
        return every[torch.arange(len(o)), sub_policy[:, i]]

    @torch.no_grad()
    @single_thread()
    def act(self, obs, explore: bool = True, sub_policy=None) -> np.ndarray:
        """Actions ``(B, n_agents)`` for observations ``(B, n_agents, d)``: a Gumbel sample or the argmax
        (on one torch thread, as in training)."""
        obs_t = torch.as_tensor(np.asarray(obs), dtype=torch.float32)
        if obs_t.ndim != 3 or obs_t.shape[1] != self.n_agents or obs_t.shape[2] < max(self.obs_dims):
            raise ValueError(f"obs must have shape (B, n_agents = {self.n_agents}, d >= {max(self.obs_dims)}), "
                             f"got {tuple(obs_t.shape)}")
        check_bool(explore, "explore")
        k = torch.zeros(obs_t.shape[:2], dtype=torch.long) if sub_policy is None else torch.as_tensor(sub_policy)
        if sub_policy is not None and (k.shape != obs_t.shape[:2] or k.dtype.is_floating_point
                                       or bool((k < 0).any()) or bool((k >= self.config.n_sub_policies).any())):
            raise ValueError(f"sub_policy must be integers in [0, n_sub_policies = {self.config.n_sub_policies}) "
                             f"of shape (B, n_agents) = {tuple(obs_t.shape[:2])}")
        actions = []
        for i in range(self.n_agents):
            logits = self._logits(self.actors, i, obs_t, k)
            actions.append(gumbel_softmax(logits, self.config.temperature).argmax(1) if explore else logits.argmax(1))
        return torch.stack(actions, dim=1).numpy()

    def draw_sub_policies(self, n_envs: int, rng: np.random.Generator) -> np.ndarray:
        """k ~ Uniform{0..K-1} per world and agent, ``(n_envs, n_agents)``: the sub-policy mu_i^(k) each
        agent plays for one episode (all zeros when K = 1).

        >>> MADDPG((4, 4), MADDPGConfig(n_sub_policies=3)).draw_sub_policies(2, np.random.default_rng(0)).shape
        (2, 2)
        """
        check_int(n_envs, "n_envs", low=1)
        check_instance(rng, "rng", np.random.Generator)
        return rng.integers(self.config.n_sub_policies, size=(n_envs, self.n_agents))

    def _target_actions(self, i: int, next_obs: torch.Tensor, sub_policy: torch.Tensor) -> torch.Tensor:
        """a'_j = mu'_j(o'_j), or mu_hat'_i^j(o'_j) for j != i with approximate policies; (batch, n, max_j m_j)."""
        actions = []
        for j in range(self.n_agents):
            if self.target_approx is not None and j != i:
                logits = self.target_approx[i][j](self._own(next_obs, j))
            else:
                logits = self._logits(self.target_actors, j, next_obs, sub_policy)
            actions.append(self._pad(gumbel_softmax(logits, self.config.temperature)))
        return torch.stack(actions, dim=1)

    def fit_approximations(self, i: int, batch: dict[str, torch.Tensor]) -> float:
        """One step on L(phi_i^j) = -E[log mu_hat(a_j|o_j) + lambda H(mu_hat)] for all j != i."""
        if self.approx is None:
            raise ValueError("fit_approximations needs a config with approximate_policies=True")
        check_int(i, "i", low=0, high=self.n_agents - 1)
        loss = 0.0
        for j in range(self.n_agents):
            if j == i:
                continue
            log_p = F.log_softmax(self.approx[i][j](self._own(batch["obs"], j)), dim=1)  # (batch, m_j)
            entropy = -(log_p.exp() * log_p).sum(1)
            log_likelihood = (log_p * self._own_action(batch["actions"], j)).sum(1)
            loss = loss - (log_likelihood + self.config.entropy_weight * entropy).mean()
        self._descend(self.approx_optimisers[i], loss)
        return loss.item()

    def update(self, i: int, k: int, batch: dict[str, torch.Tensor]) -> tuple[float, float]:
        """One critic and one actor step for agent i's sub-policy k; returns both losses."""
        check_int(i, "i", low=0, high=self.n_agents - 1)
        check_int(k, "k", low=0, high=self.config.n_sub_policies - 1)
        missing = {"obs", "actions", "rewards", "next_obs", "sub_policy"} - set(batch)
        if missing:
            raise ValueError(f"batch is missing the fields {sorted(missing)}")
        cfg = self.config
        obs, actions, next_obs = batch["obs"], batch["actions"], batch["next_obs"]  # (batch, n, d), (batch, n, max m)
        sub_policy = batch["sub_policy"]  # (batch, n)
        if self.approx is not None:
            self.fit_approximations(i, batch)
        # Bellman target with the target networks
        with torch.no_grad():
            next_q = self.target_critics[i](self.critic_input(i, next_obs, self._target_actions(i, next_obs, sub_policy)))
            # no terminal states: the 25-step limit is a truncation, so y always bootstraps (as the
            # original code does); cutting it at the limit would make Q depend on a time it cannot see
            y = batch["rewards"][:, i : i + 1] + cfg.gamma * next_q  # (batch, 1)
        critic_loss = F.mse_loss(self.critics[i](self.critic_input(i, obs, actions)), y)
        self._descend(self.critic_optimisers[i], critic_loss)
        # deterministic policy gradient through the Gumbel-softmax: replace a_i by mu_i^(k)(o_i)
        logits = self.actors[i][k](self._own(obs, i))  # (batch, m_i)
        own = self._pad(gumbel_softmax(logits, cfg.temperature))
        mixed = torch.cat([actions[:, :i], own[:, None], actions[:, i + 1 :]], dim=1)
        actor_loss = -self.critics[i](self.critic_input(i, obs, mixed)).mean() + cfg.logit_penalty * (logits**2).mean()
        self._descend(self.actor_optimisers[i][k], actor_loss)
        soft_update(self.target_critics[i], self.critics[i], cfg.tau)
        soft_update(self.target_actors[i][k], self.actors[i][k], cfg.tau)
        if self.approx is not None:
            soft_update(self.target_approx[i], self.approx[i], cfg.tau)
        return critic_loss.item(), actor_loss.item()

    def _descend(self, optimiser: torch.optim.Optimizer, loss: torch.Tensor) -> None:
        """One Adam step on ``loss``, each parameter tensor's gradient clipped to ``config.grad_clip`` first."""
        optimiser.zero_grad()
        loss.backward()
        if self.config.grad_clip is not None:
            for group in optimiser.param_groups:
                for parameter in group["params"]:
                    if parameter.grad is not None:
                        nn.utils.clip_grad_norm_([parameter], self.config.grad_clip)
        optimiser.step()

@single_thread()
def evaluate(model: MADDPG, env: ParticleWorld, *, n_episodes: int = 1, seed: int = 0, explore: bool = False) -> float:
    """Mean per-agent return over ``n_episodes`` resets of ``env``, each one episode in every one of
    its worlds (greedy by default; ``explore=True`` samples the Gumbel-softmax policy).

    Examples
    --------
    >>> from marl_course.envs.particle import CooperativeNavigation
    >>> agents = MADDPG((18,) * 3, MADDPGConfig())
    >>> r = evaluate(agents, CooperativeNavigation(n_envs=4), seed=0)
    >>> bool(r < 0)
    True
    """
    check_instance(model, "model", MADDPG)
    n_episodes = check_int(n_episodes, "n_episodes", low=1)
    seed = check_int(seed, "seed", low=0)
    check_bool(explore, "explore")
    check_env(env, ("reset", "step", "n_envs"))
    rng = np.random.default_rng(seed)
    returns = []
    for e in range(n_episodes):  # world w of episode e is seeded seed + e * n_envs + w: no world repeats
        sub_policy = model.draw_sub_policies(env.n_envs, rng)
        returns.append(episode_returns(env, lambda obs, _: model.act(obs, explore, sub_policy), seed + e * env.n_envs))
    return float(np.mean(returns))


@single_thread()
def train(env: ParticleWorld, config: MADDPGConfig | None = None, *, seed: int = 0, progress: bool = True,
          eval_env: ParticleWorld | None = None) -> History:
    """Train MADDPG (or independent DDPG) on a batched particle world.

    Each round resets ``env`` (whose ``n_envs`` must be ``config.n_envs``) with a fresh
    seed, plays one episode with Gumbel-sampled actions, stores the transitions, then runs
    ``updates_per_round`` updates per agent (and per sub-policy).

    Parameters
    ----------
    env : ParticleWorld
        Training worlds (e.g. ``CooperativeNavigation(n_envs=config.n_envs)``).
    config : MADDPGConfig
    seed : int
        Seeds torch, the worlds and the replay sampling.
    progress : bool
        Show a tqdm progress bar.
    eval_env : ParticleWorld, optional
        Worlds for greedy evaluation (default: a copy of the task with ``config.eval_worlds``).

    Returns
    -------
    History
        Counted in episodes (all worlds): ``train_return[r]`` is round ``r``'s mean per-agent
        return (exploring), ``eval_return`` the greedy evaluations every ``eval_every`` rounds,
        and ``loss`` the mean critic loss of each round after the warm-up.

    Examples
    --------
    >>> from marl_course.envs.particle import CooperativeNavigation
    >>> cfg = MADDPGConfig(n_rounds=2, n_envs=4, updates_per_round=2, batch_size=32, eval_every=2, eval_worlds=4)
    >>> h = train(CooperativeNavigation(n_envs=4), cfg, seed=0, progress=False)
    >>> len(h.train_return), len(h.eval_return), h.steps[-1]
    (2, 1, 8)
    """
    config = MADDPGConfig() if config is None else check_instance(config, "config", MADDPGConfig)
    seed = check_int(seed, "seed", low=0)
    check_bool(progress, "progress")
    check_env(env, ("reset", "step", "obs_dims", "n_actions", "n_agents", "n_envs"))
    if eval_env is not None:
        check_env(eval_env, ("reset", "step", "n_envs"), "eval_env")
    if env.n_envs != config.n_envs:
        raise ValueError(f"env.n_envs ({env.n_envs}) must equal config.n_envs ({config.n_envs}): "
                         f"build the worlds with {type(env).__name__}(n_envs=config.n_envs)")
    rng = seed_everything(seed)
    if eval_env is None:
        eval_env = copy.copy(env)
        eval_env.n_envs = config.eval_worlds
    agents = MADDPG(env.obs_dims, config, env.n_actions)
    n, K, B = env.n_agents, config.n_sub_policies, env.n_envs
    # one replay D_i^(k) per agent and sub-policy; with K = 1 all agents share one
    shared = [ReplayBuffer(config.buffer_size) for _ in range(K)]
    buffers = [shared] * n if K == 1 else [[ReplayBuffer(config.buffer_size) for _ in range(K)] for _ in range(n)]
    history = History(model=agents, step_unit="episodes")
    eye = np.eye(agents.max_actions, dtype=np.float32)  # one-hot actions, padded to the widest agent
    for r in tqdm(range(config.n_rounds), desc="MADDPG" if config.centralised else "DDPG", disable=not progress):
        obs, _, _ = env.reset(seed=seed * 1_000_003 + r * B)
        sub_policy = agents.draw_sub_policies(B, rng)  # (B, n_agents): mu_i^(k) played this episode
        total, done = 0.0, np.zeros(B, dtype=bool)
        while not done.all():
            actions = agents.act(obs, explore=True, sub_policy=sub_policy)  # (B, n_agents)
            out = env.step(actions)
            transition = dict(obs=obs.astype(np.float32), actions=eye[actions], rewards=out.rewards.astype(np.float32),
                              next_obs=out.obs.astype(np.float32), sub_policy=sub_policy)
            for i in range(n if K > 1 else 1):
                for k in range(K):
                    rows = sub_policy[:, i] == k
                    if rows.any():
                        buffers[i][k].add(**{key: v[rows] for key, v in transition.items()})
            total += out.rewards.mean()
            obs, done = out.obs, out.done
        history.steps.append((r + 1) * B)
        history.train_return.append(float(total))
        if r >= config.warmup_rounds:
            losses = []
            for _ in range(config.updates_per_round):
                for i in range(n):
                    for k in range(K):
                        if len(buffers[i][k]):
                            losses.append(agents.update(i, k, buffers[i][k].sample(config.batch_size, rng))[0])
            history.loss.append(float(np.mean(losses)))
        if (r + 1) % config.eval_every == 0:
            history.eval_steps.append((r + 1) * B)
            history.eval_return.append(evaluate(agents, eval_env, seed=10**9 + r))
    return history
