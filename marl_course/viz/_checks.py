"""Input checks shared by the plotting modules: axes, labels, text, dicts of curves.

Like :mod:`marl_course._validation`, every message starts with the parameter's name. The checks
are cheap (types and shapes), so a valid call draws exactly what it drew before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Real

import numpy as np
from matplotlib.axes import Axes

from marl_course._validation import as_finite_array


def check_ax(ax, name: str = "ax", *, optional: bool = True):
    """``ax`` is a matplotlib Axes (or ``None`` when ``optional``)."""
    if ax is None and optional:
        return None
    if not isinstance(ax, Axes):
        allowed = "a matplotlib Axes or None" if optional else "a matplotlib Axes"
        raise TypeError(f"{name} must be {allowed}, got {type(ax).__name__}")
    return ax


def check_axes(axes, name: str = "axes", n: int | None = None, *, exact: bool = False):
    """``axes`` is ``None`` or a sequence (or array) of at least ``n`` matplotlib Axes (exactly ``n`` if
    ``exact``); a single Axes counts as a sequence of one. Returns the axes as a 1-D object array."""
    if axes is None:
        return None
    if isinstance(axes, Axes):
        flat = [axes]
    elif isinstance(axes, np.ndarray):
        flat = list(axes.ravel())
    elif isinstance(axes, (list, tuple)):
        flat = list(axes)
    else:
        raise TypeError(f"{name} must be a sequence of matplotlib Axes or None, got {type(axes).__name__}")
    for i, ax in enumerate(flat):
        if not isinstance(ax, Axes):
            raise TypeError(f"{name}[{i}] must be a matplotlib Axes, got {type(ax).__name__}")
    if n is not None and (len(flat) != n if exact else len(flat) < n):
        need = f"exactly {n}" if exact else f"at least {n}"
        raise ValueError(f"{name} must hold {need} matplotlib Axes, got {len(flat)}")
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out


def check_text(value, name: str):
    """``value`` is a string (a title, an axis label, a name)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    return value


def check_names(values, name: str, n: int | None = None, *, at_least: bool = False):
    """``values`` is a list, tuple or array of ``n`` strings (at least ``n`` if ``at_least``)."""
    if isinstance(values, str) or not isinstance(values, (Sequence, np.ndarray)):
        raise TypeError(f"{name} must be a sequence of strings, got {type(values).__name__}")
    values = list(values)
    for i, v in enumerate(values):
        if not isinstance(v, str):
            raise TypeError(f"{name}[{i}] must be a string, got {type(v).__name__}")
    if n is not None and (len(values) < n if at_least else len(values) != n):
        raise ValueError(f"{name} must hold {'at least ' if at_least else ''}{n} names, got {len(values)}")
    return values


def check_mapping(value, name: str, *, allow_empty: bool = False):
    """``value`` is a dict (any mapping), non-empty unless ``allow_empty``."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict, got {type(value).__name__}")
    if not allow_empty and len(value) == 0:
        raise ValueError(f"{name} must not be empty")
    return value


def check_sequence(value, name: str, *, allow_empty: bool = False):
    """``value`` is a list, tuple or array (not a string), non-empty unless ``allow_empty``."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)):
        raise TypeError(f"{name} must be a list or tuple, got {type(value).__name__}")
    if not allow_empty and len(value) == 0:
        raise ValueError(f"{name} must not be empty")
    return value


def check_optional_real(value, name: str):
    """``value`` is ``None`` or a finite real number (not a bool)."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (Real, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number or None, got {type(value).__name__}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def as_curve(x, y, x_name: str, y_name: str):
    """A 1-D finite ``x`` and a finite ``y`` whose last axis matches it."""
    x = as_finite_array(x, x_name, ndim=1)
    y = as_finite_array(y, y_name)
    if y.ndim == 0 or y.shape[-1] != x.shape[0]:
        raise ValueError(f"{y_name} must have {x.shape[0]} entries on its last axis (one per entry of {x_name}), "
                         f"got shape {y.shape}")
    return x, y


def as_pair_of_series(pair, name: str, parts: tuple[str, str]):
    """A pair ``(first, second)`` of 1-D finite arrays of one length; ``parts`` names them in errors."""
    check_sequence(pair, name)
    if len(pair) != 2:
        raise ValueError(f"{name} must be a pair ({parts[0]}, {parts[1]}), got {len(pair)} items")
    first = as_finite_array(pair[0], f"{name} {parts[0]}", ndim=1)
    second = as_finite_array(pair[1], f"{name} {parts[1]}", ndim=1)
    if first.shape != second.shape:
        raise ValueError(f"{name}: {parts[0]} and {parts[1]} must have the same length, "
                         f"got {first.shape[0]} and {second.shape[0]}")
    return first, second


def check_frame(frame, name: str, keys):
    """``frame`` is a dict holding every key of ``keys``."""
    check_mapping(frame, name, allow_empty=True)
    missing = [k for k in keys if k not in frame]
    if missing:
        raise ValueError(f"{name} is missing the key(s) {missing}")
    return frame
