"""Learning dynamics in matrix games: learning automata, IGA, WoLF-IGA, Lagging Anchor."""
