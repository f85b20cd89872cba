"""Tabular multi-agent learners: Minimax-Q, Nash-Q, FFQ, (WoLF-)PHC, independent Q-learning."""
