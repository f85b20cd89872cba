"""Shared deep-MARL pieces (torch, CPU): seeding, MLPs, target updates, replay, checkpoints.

Every deep chapter builds on these; an algorithm module adds only what its math adds.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import torch
from torch import nn

from marl_course._validation import check_int, check_real


def seed_everything(seed: int) -> np.random.Generator:
    """Seed Python, numpy and torch; return a ``numpy.random.Generator`` for the caller's sampling.

    Same seed, same result on the same machine (torch CPU kernels are deterministic here).

    >>> rng = seed_everything(0)
    >>> isinstance(rng, np.random.Generator)
    True
    """
    seed = check_int(seed, "seed", low=0)
    random.seed(seed)
    torch.manual_seed(seed)
    return np.random.default_rng(seed)


def mlp(in_dim: int, hidden: tuple[int, ...], out_dim: int, activation: type[nn.Module] = nn.ReLU) -> nn.Sequential:
    """A multilayer perceptron ``in_dim -> hidden... -> out_dim`` (no activation on the output).

    >>> net = mlp(4, (8, 8), 2)
    >>> net(torch.zeros(3, 4)).shape
    torch.Size([3, 2])
    """
    dims = [check_int(in_dim, "in_dim", low=1), *hidden]
    layers: list[nn.Module] = []
    for a, b in zip(dims[:-1], dims[1:]):
        layers += [nn.Linear(a, b), activation()]
    layers.append(nn.Linear(dims[-1], check_int(out_dim, "out_dim", low=1)))
    return nn.Sequential(*layers)


@torch.no_grad()
def soft_update(target: nn.Module, source: nn.Module, tau: float) -> None:
    """Polyak averaging ``theta' <- tau theta + (1 - tau) theta'`` (``tau = 1`` copies).

    >>> a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    >>> soft_update(a, b, 1.0)
    >>> bool(torch.equal(a.weight, b.weight))
    True
    """
    tau = check_real(tau, "tau", low=0, high=1, low_open=True)
    for t, s in zip(target.parameters(), source.parameters()):
        t.mul_(1.0 - tau).add_(s, alpha=tau)


class ReplayBuffer:
    """A fixed-size ring buffer of transitions stored as named numpy arrays.

    ``add(**fields)`` stores a batch of transitions (leading axis = batch); ``sample(batch_size,
    rng)`` returns a dict of torch tensors. Field shapes are fixed by the first ``add``.

    >>> buf = ReplayBuffer(capacity=10)
    >>> buf.add(obs=np.zeros((4, 3)), reward=np.ones(4))
    >>> len(buf), buf.sample(2, np.random.default_rng(0))["obs"].shape
    (4, torch.Size([2, 3]))
    """

    def __init__(self, capacity: int):
        self.capacity = check_int(capacity, "capacity", low=1)
        self._data: dict[str, np.ndarray] = {}
        self._next = 0
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def add(self, **fields) -> None:
        batch = {k: np.asarray(v) for k, v in fields.items()}
        n = len(next(iter(batch.values())))
        if any(len(v) != n for v in batch.values()):
            raise ValueError("all fields passed to add() must have the same leading (batch) length")
        if not self._data:
            self._data = {k: np.zeros((self.capacity, *v.shape[1:]), dtype=v.dtype) for k, v in batch.items()}
        elif set(batch) != set(self._data):
            raise ValueError(f"add() fields must be {sorted(self._data)}, got {sorted(batch)}")
        idx = (self._next + np.arange(n)) % self.capacity
        for k, v in batch.items():
            self._data[k][idx] = v
        self._next = int((self._next + n) % self.capacity)
        self._size = min(self._size + n, self.capacity)

    def sample(self, batch_size: int, rng: np.random.Generator) -> dict[str, torch.Tensor]:
        if self._size == 0:
            raise ValueError("cannot sample from an empty buffer")
        idx = rng.integers(0, self._size, size=check_int(batch_size, "batch_size", low=1))
        return {k: torch.as_tensor(v[idx]) for k, v in self._data.items()}


def save_state(path, **modules: nn.Module) -> None:
    """Save the named modules' state dicts to one file."""
    torch.save({name: m.state_dict() for name, m in modules.items()}, Path(path))


def load_state(path, **modules: nn.Module) -> None:
    """Load state dicts saved by :func:`save_state` into the named modules (``weights_only=True``)."""
    states = torch.load(Path(path), weights_only=True)
    missing = set(modules) - set(states)
    if missing:
        raise ValueError(f"path holds no state for {sorted(missing)}; it has {sorted(states)}")
    for name, module in modules.items():
        module.load_state_dict(states[name])
