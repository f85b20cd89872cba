"""Learning curves: one plot for every chapter's training runs, the seed mean with a band.

A chapter passes its runs in the form it has them:

- a list of :class:`~marl_course.deep.common.History` (one per seed): ``metric`` picks the curve
  (``"train_return"`` against ``steps``, ``"eval_return"`` against ``eval_steps``, or a name in
  ``History.metrics``) and the x axis is labelled with the History's ``step_unit``;
- a pair ``(x, values)`` with ``x`` of shape (T,) and ``values`` (n_seeds, T);
- an array (n_seeds, T), plotted against 1..T;
- a list of ``(x_i, y_i)`` pairs, one per seed, whose x may differ (episodes of different
  lengths end at different steps): each is interpolated onto a common grid of 50 points over the
  range all seeds cover.

The line is the mean over seeds of the curves smoothed by a trailing moving average of
``window`` points. ``band="se"`` shades one standard error ``s / sqrt(n_seeds)`` either side of
the mean (none for a single seed); ``band="range"`` shades from the lowest to the highest seed.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from marl_course._validation import as_finite_array, check_choice, check_int, check_real
from marl_course.stats import standard_error
from marl_course.viz._checks import as_pair_of_series, check_ax, check_mapping, check_sequence, check_text

BANDS = ("se", "range")


def _from_histories(histories, name: str, metric: str):
    """``(list of (x, y) pairs, x label)`` of one method's Histories."""
    pairs, units = [], set()
    for i, h in enumerate(histories):
        if metric == "eval_return":
            x, y = h.eval_steps, h.eval_return
        elif metric == "train_return":
            x, y = h.steps, h.train_return
        elif metric in h.metrics:
            x, y = h.steps, h.metrics[metric]
        else:
            raise ValueError(f"metric must be 'train_return', 'eval_return' or one of {sorted(h.metrics)} "
                             f"(curves[{name!r}][{i}].metrics), got {metric!r}")
        pairs.append(as_pair_of_series((x, y), f"curves[{name!r}][{i}] {metric}", ("steps", metric)))
        units.add(h.step_unit)
    if len(units) != 1:
        raise ValueError(f"curves[{name!r}]: the Histories count steps in different units {sorted(units)}")
    return pairs, units.pop()


def _as_runs(runs, name: str, metric: str):
    """One method's runs as ``(x (T,), values (n_seeds, T), x label or None)``."""
    check_sequence(runs, f"curves[{name!r}]")
    if len(runs) == 0:
        raise ValueError(f"curves[{name!r}] must hold at least one run")
    unit = None
    if all(hasattr(h, "steps") and hasattr(h, "metrics") for h in runs):
        pairs, unit = _from_histories(runs, name, metric)
    elif len(runs) == 2 and np.ndim(runs[0]) == 1 and np.ndim(runs[1]) == 2:  # (x, values)
        x = as_finite_array(runs[0], f"curves[{name!r}] x", ndim=1)
        values = as_finite_array(runs[1], f"curves[{name!r}] values", ndim=2)
        if values.shape[1] != len(x):
            raise ValueError(f"curves[{name!r}] values must have shape (n_seeds, {len(x)}) (one column per x), "
                             f"got {values.shape}")
        return x, values, unit
    elif all(isinstance(r, (tuple, list)) and len(r) == 2 and np.ndim(r[0]) == 1 for r in runs):
        pairs = [as_pair_of_series(r, f"curves[{name!r}][{i}]", ("x", "y")) for i, r in enumerate(runs)]
    else:
        values = as_finite_array(runs, f"curves[{name!r}]", ndim=2)
        return np.arange(1, values.shape[1] + 1), values, unit
    if any(len(x) == 0 for x, _ in pairs):
        raise ValueError(f"curves[{name!r}]: every run must have at least one point")
    if all(np.array_equal(pairs[0][0], x) for x, _ in pairs):
        return pairs[0][0], np.array([y for _, y in pairs]), unit
    low, high = max(x.min() for x, _ in pairs), min(x.max() for x, _ in pairs)
    if low > high:
        raise ValueError(f"curves[{name!r}]: the runs' x ranges do not overlap, so they have no common grid")
    grid = np.linspace(low, high, 50)
    return grid, np.array([np.interp(grid, x, y) for x, y in pairs]), unit


def smooth(values: np.ndarray, window: int) -> np.ndarray:
    """Trailing moving average of each row over ``window`` points, the first points averaged over
    what precedes them (the row's first value repeated), so the length is kept.

    >>> smooth(np.array([[0.0, 2.0, 4.0, 6.0]]), 2).tolist()
    [[0.0, 1.0, 3.0, 5.0]]
    """
    values = as_finite_array(values, "values", ndim=2)
    window = min(check_int(window, "window", low=1), values.shape[1])
    kernel = np.ones(window) / window
    return np.array([np.convolve(np.pad(row, (window - 1, 0), mode="edge"), kernel, mode="valid") for row in values])


def plot_learning_curves(curves: dict, *, metric: str = "train_return", band: str = "se", window: int = 1,
                         baselines: dict | None = None, ax=None, xlabel: str | None = None,
                         ylabel: str = "return", title: str = ""):
    """Plot each method's runs as the seed mean with a band (see the module docstring for ``curves``).

    Parameters
    ----------
    curves : dict
        ``method -> runs`` in one of the module's forms.
    metric : str
        For Histories: ``"train_return"``, ``"eval_return"`` or a key of ``History.metrics``.
    band : {"se", "range"}
        One standard error either side of the mean, or the seeds' min-max range.
    window : int
        Trailing moving-average window, in points (1: no smoothing).
    baselines : dict, optional
        ``name -> value`` drawn as grey horizontal lines (a random or scripted policy).
    xlabel : str, optional
        Defaults to the Histories' ``step_unit``, else "episode".

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_learning_curves({"A": [[0, 1, 2], [0, 2, 2]]}, band="range", baselines={"random": 0.5})
    >>> ax.get_lines()[0].get_ydata().tolist(), ax.get_xlabel()
    ([0.0, 1.5, 2.0], 'episode')
    >>> plt.close(ax.figure)
    """
    check_mapping(curves, "curves")
    check_choice(band, "band", BANDS)
    window = check_int(window, "window", low=1)
    check_text(metric, "metric")
    checked = {name: _as_runs(runs, name, metric) for name, runs in curves.items()}
    check_mapping(baselines or {}, "baselines", allow_empty=True)
    baselines = {name: check_real(value, f"baselines[{name!r}]") for name, value in (baselines or {}).items()}
    check_ax(ax)
    if xlabel is not None:
        check_text(xlabel, "xlabel")
    check_text(ylabel, "ylabel")
    check_text(title, "title")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    units = set()
    for name, (x, values, unit) in checked.items():
        units.add(unit)
        runs = smooth(values, window)
        mean = runs.mean(axis=0)
        if band == "range":
            low, high = runs.min(axis=0), runs.max(axis=0)
        else:
            error = standard_error(runs)
            low, high = mean - error, mean + error
        seeds = f"{len(runs)} seed" + ("s" if len(runs) > 1 else "")
        line, = ax.plot(x, mean, label=f"{name} ({seeds})")
        ax.fill_between(x, low, high, color=line.get_color(), alpha=0.2)
    for (name, value), style in zip(baselines.items(), ["--", ":", "-."] * 4):
        ax.axhline(value, color="grey", linestyle=style, label=f"{name}: {value:.3g}")
    default_x = units.pop() if len(units) == 1 and None not in units else "episode"
    ax.set_xlabel(xlabel if xlabel is not None else default_x)
    ax.set_ylabel(ylabel)
    shade = "one standard error" if band == "se" else "min to max over seeds"
    ax.set_title(f"{title}\n(line: mean over seeds; shaded: {shade})" if title else
                 f"line: mean over seeds; shaded: {shade}", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return ax
