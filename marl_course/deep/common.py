"""Shared deep-MARL pieces (torch, CPU): seeding, MLPs, target updates, replay, one thread, the
learning History and checkpoints.

Every deep chapter builds on these; an algorithm module adds only what its math adds.
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from marl_course._validation import check_instance, check_int, check_int_sequence, check_real


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
    dims = [check_int(in_dim, "in_dim", low=1), *check_int_sequence(hidden, "hidden", low=1)]
    if not (isinstance(activation, type) and issubclass(activation, nn.Module)):
        raise TypeError(f"activation must be a torch.nn.Module class such as nn.ReLU, got {activation!r}")
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
    check_instance(target, "target", nn.Module)
    check_instance(source, "source", nn.Module)
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
        if not fields:
            raise ValueError("fields: add() needs at least one named field, e.g. add(obs=..., reward=...)")
        batch = {k: np.asarray(v) for k, v in fields.items()}
        for k, v in batch.items():
            if v.ndim == 0:
                raise ValueError(f"{k} must have a leading batch axis, got a scalar")
        n = len(next(iter(batch.values())))
        if any(len(v) != n for v in batch.values()):
            raise ValueError("all fields passed to add() must have the same leading (batch) length, got "
                             + ", ".join(f"{k}: {len(v)}" for k, v in batch.items()))
        if not self._data:
            self._data = {k: np.zeros((self.capacity, *v.shape[1:]), dtype=v.dtype) for k, v in batch.items()}
        elif set(batch) != set(self._data):
            raise ValueError(f"add() fields must be {sorted(self._data)}, got {sorted(batch)}")
        for k, v in batch.items():
            if v.shape[1:] != self._data[k].shape[1:]:
                raise ValueError(f"{k} must have per-transition shape {self._data[k].shape[1:]} (fixed by the "
                                 f"first add), got {v.shape[1:]}")
        idx = (self._next + np.arange(n)) % self.capacity
        for k, v in batch.items():
            self._data[k][idx] = v
        self._next = int((self._next + n) % self.capacity)
        self._size = min(self._size + n, self.capacity)

    def sample(self, batch_size: int, rng: np.random.Generator) -> dict[str, torch.Tensor]:
        if self._size == 0:
            raise ValueError("cannot sample from an empty buffer")
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        idx = rng.integers(0, self._size, size=check_int(batch_size, "batch_size", low=1))
        return {k: torch.as_tensor(v[idx]) for k, v in self._data.items()}


def save(model: nn.Module, path) -> None:
    """Save a trained model's weights (its ``state_dict``: every parameter and buffer, targets included).

    Every deep learner's :func:`train` returns ``History.model``; ``save(history.model, path)``
    and :func:`load` into a model built the same way restore it exactly.
    """
    check_instance(model, "model", nn.Module)
    torch.save(model.state_dict(), Path(path))


def load(model: nn.Module, path) -> nn.Module:
    """Load weights saved by :func:`save` into ``model`` (built with the same config) and return it.

    The file is read with ``weights_only=True`` (no pickled code runs).

    >>> import tempfile, pathlib
    >>> a, b = mlp(2, (4,), 1), mlp(2, (4,), 1)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     save(a, pathlib.Path(tmp) / "net.pt")
    ...     _ = load(b, pathlib.Path(tmp) / "net.pt")
    >>> all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    True
    """
    check_instance(model, "model", nn.Module)
    model.load_state_dict(torch.load(Path(path), weights_only=True))
    return model


@contextmanager
def single_thread():
    """Run torch on one CPU thread inside the block (or the decorated function), then restore.

    The course's networks are small: intra-op threads gain nothing, and on a shared CPU their
    contention slows training several times. One thread also makes a run's floating-point
    reductions independent of the machine's core count.

    >>> with single_thread():
    ...     torch.get_num_threads()
    1
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@dataclass
class History:
    """What every deep learner's ``train`` returns: the trained model and its learning curves.

    ``train_return[k]`` is the mean return of the exploring episodes played up to ``steps[k]``
    (counted in ``step_unit``); ``eval_return[k]`` the greedy return measured at ``eval_steps[k]``.
    ``metrics`` holds the curves only one algorithm records (named and described in its ``train``).

    >>> h = History(model=nn.Linear(1, 1), step_unit="episodes", steps=[10, 20], train_return=[0.5, 0.7])
    >>> h.steps[-1], h.train_return[-1], h.eval_return
    (20, 0.7, [])
    """

    model: nn.Module
    """The trained model: pass it to the module's ``evaluate``, :func:`save` and :func:`load`."""
    step_unit: str
    """What ``steps`` and ``eval_steps`` count: "episodes", "environment steps", "updates" or "rounds"."""
    steps: list = field(default_factory=list)
    train_return: list = field(default_factory=list)
    eval_steps: list = field(default_factory=list)
    eval_return: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    """The training loss, one entry per gradient step unless the module's ``train`` says otherwise."""
    metrics: dict = field(default_factory=dict)


def check_rank(tensor, name: str, ndim: int, layout: str):
    """Check that ``tensor`` (torch or numpy) has ``ndim`` axes; ``layout`` names them in the message.

    Cheap enough for a forward pass called every step.

    >>> check_rank(torch.zeros(2, 3), "obs", 3, "(batch, time, obs_dim)")
    Traceback (most recent call last):
    ...
    ValueError: obs must have shape (batch, time, obs_dim) (3 axes), got shape (2, 3)
    """
    dims = getattr(tensor, "ndim", None)
    if dims is None:
        raise TypeError(f"{name} must be a tensor of shape {layout}, got {type(tensor).__name__}")
    if dims != ndim:
        raise ValueError(f"{name} must have shape {layout} ({ndim} axes), got shape {tuple(tensor.shape)}")
    return tensor


def check_size(tensor, name: str, axis: int, size: int, what: str):
    """Check ``tensor.shape[axis] == size``; ``what`` says what that axis counts.

    >>> check_size(torch.zeros(2, 3), "obs", -1, 4, "obs_dim")
    Traceback (most recent call last):
    ...
    ValueError: obs must have obs_dim = 4 entries along axis -1, got shape (2, 3)
    """
    if tensor.shape[axis] != size:
        raise ValueError(f"{name} must have {what} = {size} entries along axis {axis}, got shape {tuple(tensor.shape)}")
    return tensor


def check_updates_possible(*, max_steps: int, transitions_per_step: int, batch_size: int, update_every: int,
                           fields: str) -> None:
    """Refuse a run that can never take a gradient step, before it starts.

    A learner that updates at environment step ``s`` (counted from 1 over the whole run) when
    ``s % update_every == 0`` and its replay holds at least ``batch_size`` transitions, with at most
    ``transitions_per_step`` added per step, first can at ``s* = update_every * ceil(ceil(batch_size /
    transitions_per_step) / update_every)``; if ``s*`` exceeds ``max_steps`` (an upper bound on the
    run's steps), the run would train nothing. ``fields`` names the settings in the message.

    >>> check_updates_possible(max_steps=10, transitions_per_step=2, batch_size=32, update_every=1,
    ...                        fields="n_episodes, batch_size")
    Traceback (most recent call last):
    ...
    ValueError: n_episodes, batch_size: this run would take no gradient step: its first update needs 16 environment steps (a batch of 32 at 2 transitions per step, every 1 steps), but it runs at most 10
    """
    fill = -(-batch_size // transitions_per_step)  # steps until the replay can hold one batch
    first = update_every * -(-fill // update_every)
    if first > max_steps:
        raise ValueError(f"{fields}: this run would take no gradient step: its first update needs {first} "
                         f"environment steps (a batch of {batch_size} at {transitions_per_step} transitions per "
                         f"step, every {update_every} steps), but it runs at most {max_steps}")


def check_env(env, attributes: tuple[str, ...], name: str = "env"):
    """Check that ``env`` has the methods and attributes a training or evaluation loop reads.

    >>> check_env(object(), ("reset", "step", "n_envs"))
    Traceback (most recent call last):
    ...
    TypeError: env must be an environment with reset, step, n_envs; it lacks reset, step, n_envs
    """
    missing = [a for a in attributes if not hasattr(env, a)]
    if missing:
        raise TypeError(f"{name} must be an environment with {', '.join(attributes)}; it lacks {', '.join(missing)}")
    return env
