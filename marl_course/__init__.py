"""marl_course: the helper package of the MARL interactive course.

Sub-packages (import what a chapter needs; torch is imported only by ``marl_course.deep``):

- ``games``: normal-form games, equilibrium solvers, stochastic games (chapter 1)
- ``envs``: the environments the chapters train in
- ``tabular``: Minimax-Q, Nash-Q, FFQ, WoLF-PHC, independent Q-learning
- ``dynamics``: learning automata and gradient dynamics
- ``deep``: torch implementations (MADDPG, DRQN, IQL/VDN/QMIX, MF-Q/MF-AC, DGN, G2ANet)
- ``viz``: plots and ipywidgets explorers
- ``exercises``: the checker and one module per chapter
"""

__version__ = "0.1.0"
