"""Deep MARL in torch (CPU): the only sub-package that imports torch."""
