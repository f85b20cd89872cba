"""Environments the chapters train in: tabular games with full models, batched numpy worlds."""
