"""Tabular multi-agent learners: Minimax-Q, Nash-Q, FFQ, (WoLF-)PHC, independent Q-learning.

They share one contract, ``act(state, rng)`` and ``update(transition)``, and one loop,
:func:`marl_course.tabular.play.play` (see :mod:`marl_course.tabular.play`).
"""
