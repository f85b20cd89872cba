"""Environments the chapters train in: tabular games with full models, batched numpy worlds.

The batched worlds share one contract, so a loop written for one reads the others:

- ``n_envs`` worlds are stepped together; ``n_agents``, ``n_actions`` and ``obs_dim`` (or
  ``obs_dims`` per agent) describe one world;
- ``reset(seed) -> (obs, state, info)``: ``obs`` of shape ``(n_envs, n_agents, obs_dim)``
  (``(n_envs, obs_dim)`` for a single-agent world), ``state`` ``(n_envs, state_dim)``, the global
  state a centralised learner may read (the joint observation where a world has no richer
  one), and a dict ``info``; the same seed gives the same worlds;
- ``step(actions) -> (obs, state, reward, done, info)`` with ``actions`` ``(n_envs, n_agents)``,
  ``reward`` ``(n_envs,)`` for a team reward or ``(n_envs, n_agents)`` for one per agent, ``done``
  a bool array ``(n_envs,)``, and ``info["terminated"]`` / ``info["truncated"]`` (``(n_envs,)``
  bools, ``done = terminated | truncated``): a terminated world reached a terminal state, a
  truncated one was stopped by a time limit, from which a learner still bootstraps; a finished
  world stays done (frozen) until the next ``reset``;
- the tabular games (:class:`~marl_course.envs.soccer.Soccer`,
  :class:`~marl_course.envs.grid_games.GridGame`,
  :class:`~marl_course.envs.matrix_games.RepeatedMatrixGame`) have ``n_players``, ``n_states`` and
  ``action_counts`` instead, and observe the state indices the tabular learners read: ``obs`` of
  shape ``(n_envs, n_players)`` (each player sees the index), ``state`` ``(n_envs,)``.

``tests/test_env_contract.py`` checks every world that follows it.
"""
