"""Input checks at the public boundary of ``marl_course``.

Every public function validates what a learner can get wrong (a shape, a NaN, a policy that
does not sum to one, a learning rate out of range) and raises ``ValueError`` or ``TypeError``
whose message starts with the parameter's name, so the error points at the argument to fix
instead of at a line deep inside numpy.

Examples
--------
>>> as_probability_vector([0.5, 0.5], "row_strategy")
array([0.5, 0.5])
>>> as_probability_vector([0.7, 0.7], "row_strategy")
Traceback (most recent call last):
...
ValueError: row_strategy must sum to 1 (within 1e-08), got sum 1.4
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral, Real

import numpy as np

PROBABILITY_TOL = 1e-8
"""Tolerance for a probability vector's sum (COURSE.md, conventions)."""


def as_finite_array(value, name: str, *, ndim: int | None = None, min_ndim: int | None = None) -> np.ndarray:
    """Return ``value`` as a float array, checking it is numeric, finite and of the given rank.

    Raises ``TypeError`` for non-numeric input and ``ValueError`` for NaN/inf or a wrong rank;
    every message names ``name``.
    """
    if isinstance(value, (str, bytes)) or np.asarray(value).dtype.kind in "USO" and _holds_text(value):
        raise TypeError(f"{name} must be an array of numbers, not text")
    if isinstance(value, np.ndarray) and value.dtype.kind in "VMmc":
        raise TypeError(f"{name} must be an array of real numbers, got {value.dtype.type.__name__} entries")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}") from exc
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {array.shape}")
    if min_ndim is not None and array.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimensions, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must contain only finite numbers (no NaN or inf)")
    return array


def _holds_text(value) -> bool:
    """Whether a (nested) sequence holds a string anywhere, which ``float()`` would parse silently."""
    if isinstance(value, (str, bytes, np.str_, np.bytes_)):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "US" or (value.dtype.kind == "O" and any(_holds_text(v) for v in value.flat))
    if isinstance(value, (list, tuple)):
        return any(_holds_text(v) for v in value)
    return False


def as_probability_vector(value, name: str, *, size: int | None = None) -> np.ndarray:
    """Return ``value`` as a probability vector: 1-D, non-negative, summing to 1 within 1e-8.

    Parameters
    ----------
    value : array_like
        The candidate distribution.
    name : str
        The parameter's name, used in error messages.
    size : int, optional
        The required length (the number of actions).
    """
    vector = as_finite_array(value, name, ndim=1)
    if size is not None and vector.shape[0] != size:
        raise ValueError(f"{name} must have {size} entries (one per action), got {vector.shape[0]}")
    if np.any(vector < -PROBABILITY_TOL):
        raise ValueError(f"{name} must be non-negative, got minimum {vector.min():.6g}")
    total = vector.sum()
    if abs(total - 1.0) > PROBABILITY_TOL:
        raise ValueError(f"{name} must sum to 1 (within {PROBABILITY_TOL:g}), got sum {total:.6g}")
    return np.clip(vector, 0.0, None)


def as_probability_rows(value, name: str, *, axis: int = -1) -> np.ndarray:
    """Return an array whose slices along ``axis`` are probability distributions.

    Used for batches of policies ``(..., n_actions)`` and transition arrays ``(..., n_states)``.
    """
    array = as_finite_array(value, name, min_ndim=1)
    if np.any(array < -PROBABILITY_TOL):
        raise ValueError(f"{name} must be non-negative, got minimum {array.min():.6g}")
    sums = array.sum(axis=axis)
    worst = np.max(np.abs(sums - 1.0))
    if worst > PROBABILITY_TOL:
        raise ValueError(
            f"{name} must sum to 1 along axis {axis} (within {PROBABILITY_TOL:g}); "
            f"the worst sum is off by {worst:.3g}"
        )
    return np.clip(array, 0.0, None)


def check_real(value, name: str, *, low: float | None = None, high: float | None = None,
               low_open: bool = False, high_open: bool = False) -> float:
    """Return ``value`` as a float after checking it is a finite real in the given interval.

    ``low_open`` / ``high_open`` make an end of the interval open, e.g. a discount
    ``gamma`` in ``[0, 1)`` is ``check_real(gamma, "gamma", low=0, high=1, high_open=True)``.

    >>> check_real(0.9, "gamma", low=0, high=1, high_open=True)
    0.9
    >>> check_real(1.0, "gamma", low=0, high=1, high_open=True)
    Traceback (most recent call last):
    ...
    ValueError: gamma must be in [0, 1), got 1.0
    """
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    too_low = low is not None and (value < low or (low_open and value == low))
    too_high = high is not None and (value > high or (high_open and value == high))
    if too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        raise ValueError(f"{name} must be in {left}{lo}, {hi}{right}, got {value}")
    return value


def check_int(value, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int after checking its type and that ``low <= value <= high``."""
    if isinstance(value, bool) or not isinstance(value, (Integral, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        lo = "-inf" if low is None else str(low)
        hi = "inf" if high is None else str(high)
        raise ValueError(f"{name} must be in [{lo}, {hi}], got {value}")
    return value


def as_actions(actions, shape: tuple[int, ...], n_actions, name: str = "actions") -> np.ndarray:
    """Return ``actions`` as an integer array of ``shape`` with every entry in ``[0, n_actions)``.

    ``n_actions`` is one count, or one count per entry of the last axis (players with
    different action sets). Floats are refused rather than truncated.

    >>> as_actions([[0, 4]], (1, 2), 5)
    array([[0, 4]])
    >>> as_actions([[0, 2]], (1, 2), (3, 2))
    Traceback (most recent call last):
    ...
    ValueError: actions must be in [0, n_actions) with n_actions = (3, 2), got [[0 2]]
    """
    array = np.asarray(actions)
    shape = tuple(shape)
    if array.shape != shape or array.dtype.kind not in "iu":  # signed or unsigned integers, not bool
        raise ValueError(f"{name} must be integers of shape {shape}, got {array.dtype} array of shape {array.shape}")
    if array.size and (array.min() < 0 or (array >= n_actions).any()):
        raise ValueError(f"{name} must be in [0, n_actions) with n_actions = {n_actions}, got {array}")
    return array


def as_rng(seed_or_rng, name: str = "seed") -> np.random.Generator:
    """Return a ``numpy.random.Generator`` from an int seed, ``None`` or a Generator."""
    if isinstance(seed_or_rng, np.random.Generator):
        return seed_or_rng
    return np.random.default_rng(check_seed(seed_or_rng, name))


def as_payoff_arrays(payoffs, name: str = "payoffs") -> list[np.ndarray]:
    """Check an n-player game's payoffs: ``n`` arrays each of shape ``(m_1, ..., m_n)``.

    A single array of shape ``(n, m_1, ..., m_n)`` is accepted too.
    """
    if isinstance(payoffs, np.ndarray):
        if payoffs.ndim < 2:
            raise ValueError(f"{name} must hold one payoff array per player, got shape {payoffs.shape}")
        payoffs = list(payoffs)
    if not isinstance(payoffs, Sequence) or isinstance(payoffs, str) or len(payoffs) == 0:
        raise TypeError(f"{name} must be a sequence of n payoff arrays (one per player)")
    arrays = [as_finite_array(p, f"{name}[{i}]") for i, p in enumerate(payoffs)]
    n_players = len(arrays)
    shape = arrays[0].shape
    for i, array in enumerate(arrays):
        if array.ndim != n_players:
            raise ValueError(
                f"{name}[{i}] must have one axis per player ({n_players} axes for {n_players} players), "
                f"got shape {array.shape}"
            )
        if array.shape != shape:
            raise ValueError(f"{name}[{i}] has shape {array.shape}, but {name}[0] has shape {shape}; all must agree")
    return arrays


def as_bimatrix(A, B=None, names: tuple[str, str] = ("A", "B")) -> tuple[np.ndarray, np.ndarray]:
    """Check a two-player game: ``A`` and ``B`` 2-D, finite and of the same shape.

    With ``B=None`` the game is zero-sum and ``B = -A``.
    """
    A = as_finite_array(A, names[0], ndim=2)
    if B is None:
        return A, -A
    B = as_finite_array(B, names[1], ndim=2)
    if A.shape != B.shape:
        raise ValueError(f"{names[0]} and {names[1]} must have the same shape, got {A.shape} and {B.shape}")
    return A, B


def check_bool(value, name: str) -> bool:
    """Return ``value`` after checking it is a bool (``numpy.bool_`` too); strings and ints are refused.

    >>> check_bool(True, "friend")
    True
    >>> check_bool("no", "friend")
    Traceback (most recent call last):
    ...
    TypeError: friend must be True or False, got str
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__}")
    return bool(value)


def check_choice(value, name: str, choices) -> str:
    """Return ``value`` after checking it is one of ``choices`` (a fixed set of strings).

    >>> check_choice("random", "update", ("random", "sequential"))
    'random'
    >>> check_choice("sequentail", "update", ("random", "sequential"))
    Traceback (most recent call last):
    ...
    ValueError: update must be one of 'random', 'sequential'; got 'sequentail'
    """
    if not isinstance(value, str) or value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}; got {value!r}")
    return value


def check_int_sequence(value, name: str, *, low: int | None = None, allow_empty: bool = True) -> tuple[int, ...]:
    """Return ``value`` as a tuple of ints after checking it is a list or tuple of integers ``>= low``.

    For layer widths such as ``hidden=(64, 64)``; a bare int or a string is refused.

    >>> check_int_sequence((64, 32), "hidden", low=1)
    (64, 32)
    >>> check_int_sequence((64, 0), "hidden", low=1)
    Traceback (most recent call last):
    ...
    ValueError: hidden[1] must be in [1, inf], got 0
    """
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{name} must be a tuple of integers, got {type(value).__name__}")
    if not allow_empty and len(value) == 0:
        raise ValueError(f"{name} must not be empty")
    return tuple(check_int(v, f"{name}[{i}]", low=low) for i, v in enumerate(value))


def check_instance(value, name: str, cls: type):
    """Return ``value`` after checking it is an instance of ``cls`` (e.g. a config dataclass).

    >>> check_instance(3, "n", int)
    3
    >>> check_instance({"lr": 0.1}, "config", float)
    Traceback (most recent call last):
    ...
    TypeError: config must be a float, got dict
    """
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be a {cls.__name__}, got {type(value).__name__}")
    return value


def check_index(value, name: str, size: int) -> int:
    """Return ``value`` as an int after checking it is an integer index in ``[0, size)``.

    Cheap enough for a learner's ``update`` (a state or an action): negative indices are
    refused instead of wrapping around, floats and bools instead of being truncated.

    >>> check_index(2, "action", 5)
    2
    >>> check_index(-1, "action", 5)
    Traceback (most recent call last):
    ...
    ValueError: action must be in [0, 4], got -1
    """
    if type(value) is not int:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (Integral, np.integer)):
            raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
        value = int(value)
    if not 0 <= value < size:
        raise ValueError(f"{name} must be in [0, {size - 1}], got {value}")
    return value


def check_finite(value, name: str):
    """Return ``value`` after checking it is a finite real number (a reward, say); it is not converted.

    A fast path for ``float``, ``int`` and ``numpy.float64``, so it can run once per learning step.

    >>> check_finite(1.5, "reward")
    1.5
    >>> check_finite(float("nan"), "reward")
    Traceback (most recent call last):
    ...
    ValueError: reward must be finite, got nan
    """
    kind = type(value)
    if kind is float or kind is np.float64:
        if value - value != 0.0:  # NaN or inf
            raise ValueError(f"{name} must be finite, got {value}")
        return value
    if kind is int:
        return value
    check_real(value, name)
    return value


def check_seed(seed, name: str = "seed"):
    """Return ``seed`` after checking it is ``None``, a non-negative int or a ``numpy.random.Generator``.

    Like :func:`as_rng` but builds no generator (for a ``reset(seed)`` that accepts a seed only
    for the common interface).

    >>> check_seed(3)
    3
    >>> check_seed("3")
    Traceback (most recent call last):
    ...
    TypeError: seed must be an int, None or numpy.random.Generator, got str
    """
    if seed is None or isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (Integral, np.integer)):
        raise TypeError(f"{name} must be an int, None or numpy.random.Generator, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {seed}")
    return seed


def check_generator(rng, name: str = "rng") -> np.random.Generator:
    """Return ``rng`` after checking it is a ``numpy.random.Generator`` (not a seed).

    >>> check_generator(0)
    Traceback (most recent call last):
    ...
    TypeError: rng must be a numpy.random.Generator (e.g. numpy.random.default_rng(0)), got int
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{name} must be a numpy.random.Generator (e.g. numpy.random.default_rng(0)), "
                        f"got {type(rng).__name__}")
    return rng


def checked_by(check):
    """Decorator: call ``check(*args, **kwargs)`` (it raises on a bad input) before the function runs.

    The decorated function keeps its name, docstring and source (``inspect.getsource`` unwraps it,
    so a notebook's ``show_source`` still shows the algorithm, not the checks), and
    ``function.unchecked`` is the bare function, for a package's own inner loops. A generator
    function is checked when called, not at its first ``next``.

    >>> def _check(x):
    ...     check_real(x, "x", low=0)
    >>> @checked_by(_check)
    ... def root(x):
    ...     return x ** 0.5
    >>> root(4.0), root.unchecked(4.0)
    (2.0, 2.0)
    >>> root(-1.0)
    Traceback (most recent call last):
    ...
    ValueError: x must be in [0, inf], got -1.0
    """
    import functools

    def decorate(function):
        @functools.wraps(function)
        def checked(*args, **kwargs):
            check(*args, **kwargs)
            return function(*args, **kwargs)

        checked.unchecked = function
        return checked

    return decorate
