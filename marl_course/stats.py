"""Summaries of results over seeds, shared by the chapters' experiments and plots."""

from __future__ import annotations

import numpy as np

from marl_course._validation import as_finite_array, check_int, check_real


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


def paired_difference(a, b) -> tuple[float, float]:
    """The mean of ``a - b`` over paired seeds and its standard error: ``(mean(d), s_d / sqrt(n))``.

    ``a[k]`` and ``b[k]`` are two methods' scores on the same seed ``k``, so the seed's luck cancels
    in ``d_k = a_k - b_k``; the error is that of the differences, not of the two means apart.

    Examples
    --------
    >>> gap, se = paired_difference([3.0, 5.0, 4.0], [1.0, 4.0, 1.0])   # d = 2, 1, 3
    >>> gap, round(se, 6)   # 1 / sqrt(3)
    (2.0, 0.57735)
    """
    a = as_finite_array(a, "a", ndim=1)
    b = as_finite_array(b, "b", ndim=1)
    if a.shape != b.shape or len(a) < 2:
        raise ValueError(f"a and b must hold the same seeds, at least 2, got lengths {len(a)} and {len(b)}")
    d = a - b
    return float(d.mean()), float(standard_error(d))


def measured_difference(mean: float, se: float, z: float = 2.0) -> bool:
    """Whether a paired gap counts as measured: ``|mean| > z * se`` (the chapters' bar, ``z = 2``).

    A gap of exactly 0 with ``se = 0`` (identical on every seed) is not a measured difference.

    Examples
    --------
    >>> measured_difference(1.0, 0.4), measured_difference(-1.0, 0.6), measured_difference(0.0, 0.0)
    (True, False, False)
    """
    mean = check_real(mean, "mean")
    se = check_real(se, "se", low=0)
    return abs(mean) > check_real(z, "z", low=0, low_open=True) * se


def mutual_information(x, y) -> float:
    """The plug-in mutual information ``I(X; Y) = sum p(x, y) log2(p(x, y) / (p(x) p(y)))`` in bits.

    ``x`` and ``y`` are paired samples of two discrete variables (non-negative integers). It is 0
    when ``y`` says nothing about ``x`` and ``H(X)`` when ``y`` determines ``x``. The plug-in
    estimate is biased upwards by about ``(|X| - 1)(|Y| - 1) / (2 n ln 2)`` bits for ``n`` samples.

    Examples
    --------
    >>> round(mutual_information([0, 1, 2, 0, 1, 2], [2, 0, 1, 2, 0, 1]), 6)   # a code: log2(3) bits
    1.584963
    >>> mutual_information([0, 1, 0, 1], [0, 0, 1, 1])
    0.0
    """
    x = as_finite_array(x, "x", ndim=1)
    y = as_finite_array(y, "y", ndim=1)
    if x.shape != y.shape or len(x) == 0:
        raise ValueError(f"x and y must be paired samples of the same non-zero length, got {len(x)} and {len(y)}")
    for name, v in (("x", x), ("y", y)):
        if np.any(v < 0) or np.any(v != np.round(v)):
            raise ValueError(f"{name} must hold non-negative integer labels")
    joint = np.zeros((int(x.max()) + 1, int(y.max()) + 1))
    np.add.at(joint, (x.astype(int), y.astype(int)), 1.0)
    joint /= joint.sum()
    outer = joint.sum(axis=1, keepdims=True) @ joint.sum(axis=0, keepdims=True)
    seen = joint > 0
    return float(np.sum(joint[seen] * np.log2(joint[seen] / outer[seen])))
