"""Summaries of results over seeds, shared by the chapters' experiments and plots."""

from __future__ import annotations

import numpy as np

from marl_course._validation import as_finite_array, check_int


def standard_error(values, axis: int = 0) -> np.ndarray | float:
    """The standard error of the mean over seeds, ``s / sqrt(n)`` with ``s`` the sample standard
    deviation (``ddof=1``) of the ``n`` values along ``axis``; 0 when there is a single value.

    Two independent means with errors ``se_1`` and ``se_2`` differ with error
    ``sqrt(se_1^2 + se_2^2)`` (``numpy.hypot``).

    Examples
    --------
    >>> float(standard_error([9.0, 11.0]))
    1.0
    >>> standard_error([[0.0, 1.0], [2.0, 1.0]]).tolist()   # (n_seeds, n_points): one error per point
    [1.0, 0.0]
    """
    values = as_finite_array(values, "values", min_ndim=1)
    axis = check_int(axis, "axis", low=-values.ndim, high=values.ndim - 1)
    n = values.shape[axis]
    if n == 1:
        return np.zeros_like(values.mean(axis=axis))
    return values.std(axis=axis, ddof=1) / np.sqrt(n)
