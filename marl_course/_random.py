"""The random choices every learner makes, written once: a categorical draw, epsilon-greedy, a linear schedule.

Each rule is fixed and documented here, so two learners given the same generator and the same
numbers make the same choices:

- :func:`sample_categorical`: inverse CDF with one uniform per draw, the first index whose
  cumulative probability *exceeds* the uniform (never an index of probability zero);
- :func:`epsilon_greedy`: a uniform action with probability ``epsilon``, else the greedy one,
  equal maxima going to the **lowest** index (``numpy.argmax``, as ``torch.argmax``);
- :func:`linear_schedule`: ``start`` to ``end`` in a straight line over ``duration``, then ``end``.

numpy only (the deep chapters pass ``tensor.numpy()``). The public functions check their inputs
and name the parameter at fault; ``sample_categorical.unchecked`` and
``epsilon_greedy.unchecked`` skip the checks, for the package's own inner loops.

Examples
--------
>>> rng = np.random.default_rng(0)
>>> sample_categorical([0.0, 1.0, 0.0], rng), epsilon_greedy([1.0, 3.0, 3.0], 0.0, rng)
(1, 1)
>>> linear_schedule(1.0, 0.1, duration=10, t=5)
0.55
"""

from __future__ import annotations

import numpy as np

from marl_course._validation import as_finite_array, as_probability_rows, check_generator, check_real, checked_by


def _check_sample_categorical(probabilities, rng) -> None:
    """The input checks of :func:`sample_categorical`: probability rows on the last axis and a Generator."""
    as_probability_rows(probabilities, "probabilities")
    check_generator(rng)


@checked_by(_check_sample_categorical)
def sample_categorical(probabilities, rng: np.random.Generator):
    """Draw an index from a probability vector by inverting its CDF with one uniform number.

    With the cumulative sums ``c_k = p_0 + ... + p_k`` (left to right) and ``u ~ U[0, 1)``,
    the index drawn is

        k* = min { k : c_k > u c_{m-1} },

    the first index whose cumulative sum exceeds ``u`` times the total
    (``numpy.searchsorted(c, u c_{m-1}, side="right")``), so ``P(k* = k) = p_k``. An index with
    ``p_k = 0`` has ``c_k = c_{k-1}`` and is never the first to exceed, and since a rounded
    ``u c_{m-1}`` stays below ``c_{m-1}`` the index is always in range.

    Parameters
    ----------
    probabilities : array_like, shape (m,) or (..., m)
        A distribution over ``m`` indices (non-negative, summing to 1 within 1e-8), or a batch
        of them along the last axis.
    rng : numpy.random.Generator
        One uniform is drawn per distribution, in row-major order (``rng.random(shape[:-1])``).

    Returns
    -------
    int, or numpy.ndarray of int, shape (...)
        The index drawn from each distribution.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> sample_categorical([0.0, 1.0, 0.0], rng)
    1
    >>> sample_categorical([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]], rng).shape
    (3,)
    >>> sample_categorical([0.5, 0.6], rng)
    Traceback (most recent call last):
    ...
    ValueError: probabilities must sum to 1 along axis -1 (within 1e-08); the worst sum is off by 0.1
    """
    cumulative = np.cumsum(probabilities, axis=-1)
    if cumulative.ndim == 1:
        return int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
    draws = rng.random((*cumulative.shape[:-1], 1)) * cumulative[..., -1:]
    return (draws >= cumulative).sum(axis=-1)                 # how many c_k <= u c_{m-1}: the first k with c_k > it


def _check_epsilon_greedy(values, epsilon, rng) -> None:
    """The input checks of :func:`epsilon_greedy`."""
    as_finite_array(values, "values", min_ndim=1)
    check_real(epsilon, "epsilon", low=0, high=1)
    check_generator(rng)


@checked_by(_check_epsilon_greedy)
def epsilon_greedy(values, epsilon: float, rng: np.random.Generator):
    """With probability ``epsilon`` a uniformly random index, else ``argmax_a values(a)``.

    ``P(a) = (1 - epsilon) 1[a = a*] + epsilon / m``, with ``a*`` the greedy index. **Ties**: of
    equal maxima the greedy index is the lowest (``numpy.argmax``).

    Parameters
    ----------
    values : array_like, shape (m,) or (..., m)
        One value per action (``Q(s, .)``), or a batch of them along the last axis.
    epsilon : float
        The exploration probability, in [0, 1].
    rng : numpy.random.Generator
        One vector draws a uniform and, only when it explores, one integer. A batch draws one
        uniform per row (``rng.random(shape[:-1])``) and then one integer per row
        (``rng.integers(m, size=shape[:-1])``), used where the row explores.

    Returns
    -------
    int, or numpy.ndarray of int, shape (...)

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> epsilon_greedy([0.0, 2.0, 2.0], 0.0, rng)        # a tie: the lowest index
    1
    >>> epsilon_greedy([[0.0, 1.0], [5.0, 0.0]], 0.0, rng).tolist()
    [1, 0]
    >>> epsilon_greedy([0.0, 1.0], 1.5, rng)
    Traceback (most recent call last):
    ...
    ValueError: epsilon must be in [0, 1], got 1.5
    """
    values = np.asarray(values)
    if values.ndim == 1:
        if rng.random() < epsilon:
            return int(rng.integers(values.shape[0]))
        return int(values.argmax())
    explore = rng.random(values.shape[:-1]) < epsilon
    return np.where(explore, rng.integers(values.shape[-1], size=values.shape[:-1]), values.argmax(axis=-1))


def linear_schedule(start: float, end: float, duration: float, t: float) -> float:
    """A value moving linearly from ``start`` to ``end`` over ``duration`` steps, then staying at ``end``.

        x(t) = start + (t / duration) (end - start)   for 0 <= t < duration,
        x(t) = end                                    for t >= duration.

    The rounded value is kept between ``start`` and ``end``, so the schedule is monotone in
    ``t`` and reaches ``end`` exactly (an exploration rate annealed from 1 to 0.05, a learning rate
    or an inverse temperature).

    Parameters
    ----------
    start, end : float
        The values at ``t = 0`` and from ``t = duration`` on.
    duration : float
        Positive: the steps (or episodes) the change takes.
    t : float
        Non-negative: steps taken so far.

    Examples
    --------
    >>> [linear_schedule(1.0, 0.0, duration=4, t=t) for t in range(6)]
    [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    >>> linear_schedule(1.0, 0.0, duration=0, t=1)
    Traceback (most recent call last):
    ...
    ValueError: duration must be in (0, inf], got 0.0
    """
    start, end = check_real(start, "start"), check_real(end, "end")
    duration = check_real(duration, "duration", low=0, low_open=True)
    t = check_real(t, "t", low=0)
    if t >= duration:
        return end
    value = start + (t / duration) * (end - start)
    return min(max(value, min(start, end)), max(start, end))
