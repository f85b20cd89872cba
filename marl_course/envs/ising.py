"""The Ising lattice as a many-agent game, and its Monte Carlo reference (chapter 8).

Yang et al. (2018) turn the 2-D Ising model into a game: one agent per site of an ``L x L``
torus, agent ``j``'s action is its spin ``s_j`` in ``{-1, +1}`` (action index 0 = down, 1 = up)
and its reward is

    r_j = 1/2 * s_j * sum_{k in N(j)} s_k,

with ``N(j)`` the four nearest neighbours: ``-2, -1, 0, 1, 2`` for ``0..4`` agreeing neighbours.
The order parameter ``xi = |N_up - N_down| / N`` is 1 when all spins agree and near 0 when they
are disordered.

The physics reference is the energy ``E = -sum_<jk> s_j s_k`` (coupling ``J = 1``, each bond
once) sampled at temperature ``T`` by heat-bath (Gibbs) Monte Carlo: a spin with neighbour sum
``h_j`` is set up with probability ``1 / (1 + exp(-2 h_j / T))``. A Boltzmann policy over the
reward, ``pi(up) / pi(down) = exp((r_up - r_down) / tau) = exp(h_j / tau)``, is the same rule at
``T = 2 tau`` (the reward's factor 1/2), so Onsager's critical temperature
``T_c = 2 / ln(1 + sqrt 2) = 2.269`` sits at ``tau_c = 1.135`` for the agents.

References
----------
Yang, Luo, Li, Zhou, Zhang, Wang (2018). Mean Field Multi-Agent Reinforcement Learning. ICML.
Onsager (1944). Crystal statistics I. Physical Review 65, 117.
"""

from __future__ import annotations

import numpy as np

from marl_course._validation import as_finite_array, as_rng, check_int, check_real, check_seed, checked_by

CRITICAL_TEMPERATURE = 2.0 / np.log(1.0 + np.sqrt(2.0))
"""Onsager's critical temperature ``T_c = 2 / ln(1 + sqrt 2)`` of the square lattice (J = 1)."""

N_NEIGHBOURS = 4
"""Each site of the torus has four neighbours (up, down, left, right)."""


def _check_lattice(values, name: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim < 2 or array.shape[-1] != array.shape[-2] or array.shape[-1] < 2 or array.size == 0:
        raise ValueError(f"{name} must have shape (..., L, L) with L >= 2, got shape {array.shape}")
    return array


def _check_spins(spins, name: str = "spins") -> np.ndarray:
    spins = _check_lattice(spins, name)
    if not np.isin(spins, (-1, 1)).all():
        raise ValueError(f"{name} must hold -1 and +1 only")
    return spins


def spins_from_actions(actions) -> np.ndarray:
    """Spins ``s = 2 a - 1`` in ``{-1, +1}`` from action indices ``a`` in ``{0, 1}``.

    Examples
    --------
    >>> spins_from_actions([[0, 1], [1, 1]])
    array([[-1,  1],
           [ 1,  1]])
    """
    actions = _check_lattice(actions, "actions")
    if not np.isin(actions, (0, 1)).all():
        raise ValueError("actions must hold 0 (spin down) or 1 (spin up) only")
    return _spins_from_actions(actions)


def _spins_from_actions(actions: np.ndarray) -> np.ndarray:
    return 2 * actions.astype(int) - 1


def neighbour_sum(values) -> np.ndarray:
    """``sum_{k in N(j)} x_k`` over the four torus neighbours of every site.

    Parameters
    ----------
    values : array_like, shape (..., L, L)
        Any per-site quantity (spins, one-hot actions use :func:`lattice_mean_action`).

    Returns
    -------
    numpy.ndarray, shape (..., L, L)

    Examples
    --------
    >>> neighbour_sum([[1, 1, 1], [1, -1, 1], [1, 1, 1]])
    array([[4, 2, 4],
           [2, 4, 2],
           [4, 2, 4]])
    """
    values = _check_lattice(values, "values")
    if values.dtype.kind not in "biuf":
        raise TypeError(f"values must be numbers, got {values.dtype} entries")
    if values.dtype.kind == "f" and not np.isfinite(values).all():
        raise ValueError("values must contain only finite numbers (no NaN or inf)")
    return _neighbour_sum(values)


def _neighbour_sum(values: np.ndarray) -> np.ndarray:
    return (np.roll(values, 1, axis=-1) + np.roll(values, -1, axis=-1)
            + np.roll(values, 1, axis=-2) + np.roll(values, -1, axis=-2))


def ising_rewards(spins) -> np.ndarray:
    """The agents' rewards ``r_j = 1/2 s_j sum_{k in N(j)} s_k`` (Yang et al. 2018, section 5.1).

    Examples
    --------
    >>> ising_rewards(np.ones((3, 3), dtype=int))
    array([[2., 2., 2.],
           [2., 2., 2.],
           [2., 2., 2.]])
    """
    return _ising_rewards(_check_spins(spins))


def _ising_rewards(spins: np.ndarray) -> np.ndarray:
    return 0.5 * spins * _neighbour_sum(spins)


def lattice_mean_action(actions, n_actions: int = 2) -> np.ndarray:
    """The mean action ``a-bar_j = 1/N_j sum_{k in N(j)} a_k`` of every site's four neighbours.

    Each neighbour's action is one-hot encoded, so ``a-bar_j`` is a probability distribution
    over the ``n_actions`` actions: the fraction of neighbours playing each one.

    Parameters
    ----------
    actions : array_like of int, shape (..., L, L)
    n_actions : int

    Returns
    -------
    numpy.ndarray, shape (..., L, L, n_actions); each ``[..., j, :]`` sums to 1.

    Examples
    --------
    >>> lattice_mean_action([[0, 1], [1, 1]])[0, 0]
    array([0., 1.])
    >>> lattice_mean_action([[0, 1, 1], [1, 1, 1], [0, 0, 0]])[1, 1]
    array([0.25, 0.75])
    """
    n_actions = check_int(n_actions, "n_actions", low=1)
    actions = _check_lattice(actions, "actions")
    if not np.issubdtype(actions.dtype, np.integer) or actions.min() < 0 or actions.max() >= n_actions:
        raise ValueError(f"actions must be integers in [0, {n_actions - 1}]")
    one_hot = np.eye(n_actions)[actions]                      # (..., L, L, n_actions)
    one_hot = np.moveaxis(one_hot, -1, 0)                     # (n_actions, ..., L, L)
    return np.moveaxis(neighbour_sum(one_hot), 0, -1) / N_NEIGHBOURS


def order_parameter(spins) -> np.ndarray:
    """``xi = |N_up - N_down| / N`` over the last two axes (1 = ordered, near 0 = disordered).

    Examples
    --------
    >>> float(order_parameter([[1, 1], [1, -1]]))
    0.5
    """
    return _order_parameter(_check_spins(spins))


def _order_parameter(spins: np.ndarray) -> np.ndarray:
    return np.abs(spins.mean(axis=(-2, -1)))


def _check_heat_bath_sweeps(spins, temperature, n_sweeps: int, seed=None) -> None:
    """The input checks of :func:`heat_bath_sweeps`, run when it is called (not at its first ``next``)."""
    spins = _check_spins(spins)
    size = spins.shape[-1]
    if size % 2:
        raise ValueError(f"spins must have an even side L for the checkerboard update, got L = {size}")
    temperature = as_finite_array(temperature, "temperature")
    if np.any(temperature <= 0):
        raise ValueError("temperature must be positive")
    try:
        np.broadcast_to(temperature, spins.shape[:-2])
    except ValueError:
        raise ValueError(f"temperature must be one value or broadcastable to the chains' shape {spins.shape[:-2]}, "
                         f"got shape {temperature.shape}") from None
    check_int(n_sweeps, "n_sweeps", low=1)
    check_seed(seed)


@checked_by(_check_heat_bath_sweeps)
def heat_bath_sweeps(spins, temperature, n_sweeps: int, seed=None):
    """Heat-bath Monte Carlo of ``E = -sum_<jk> s_j s_k``: yields the spins after every sweep.

    One sweep updates the two checkerboard sub-lattices in turn (the sites of one colour have
    no neighbour of the same colour, so they can be resampled at once): each spin becomes
    ``+1`` with probability ``1 / (1 + exp(-2 h_j / T))``, ``h_j`` its neighbour sum. Leading
    axes of ``spins`` are independent chains; ``temperature`` broadcasts against them.

    Parameters
    ----------
    spins : array_like of +-1, shape (..., L, L)
        The initial configuration (not modified). ``L`` must be even for the checkerboard.
    temperature : float or array_like, broadcastable to ``spins.shape[:-2]``
        ``T > 0``.
    n_sweeps : int
    seed : int, None or numpy.random.Generator

    Yields
    ------
    numpy.ndarray of int, shape (..., L, L)

    Examples
    --------
    >>> start = np.ones((2, 8, 8), dtype=int)
    >>> last = list(heat_bath_sweeps(start, [0.5, 50.0], n_sweeps=50, seed=0))[-1]
    >>> order_parameter(last).round(1)
    array([1. , 0.1])
    """
    spins = np.asarray(spins).astype(int)
    temperature = np.broadcast_to(np.asarray(temperature, dtype=float), spins.shape[:-2])[..., None, None]
    rng = as_rng(seed)
    size = spins.shape[-1]
    rows, cols = np.indices((size, size))
    colours = [(rows + cols) % 2 == c for c in (0, 1)]
    for _ in range(n_sweeps):
        for colour in colours:
            p_up = 1.0 / (1.0 + np.exp(-2.0 * neighbour_sum(spins) / temperature))
            new = np.where(rng.random(spins.shape) < p_up, 1, -1)
            spins = np.where(colour, new, spins)
        yield spins


def monte_carlo_order_parameter(size: int, temperatures, n_sweeps: int = 400, burn_in: int = 200,
                                seed=None) -> np.ndarray:
    """The mean order parameter ``<xi>`` of heat-bath chains, one per temperature, run at once.

    Chains start ordered (all up); ``<xi>`` averages the sweeps after ``burn_in``.

    Parameters
    ----------
    size : int
        Lattice side ``L`` (even).
    temperatures : array_like, shape (n_T,)
        Monte Carlo temperatures ``T`` (use ``T = 2 tau`` to compare with Boltzmann agents).
    n_sweeps, burn_in : int
    seed : int, None or numpy.random.Generator

    Returns
    -------
    numpy.ndarray, shape (n_T,)

    Examples
    --------
    >>> xi = monte_carlo_order_parameter(10, [1.0, 5.0], n_sweeps=60, burn_in=20, seed=0)
    >>> bool(xi[0] > 0.95), bool(xi[1] < 0.3)
    (True, True)
    """
    size = check_int(size, "size", low=2)
    if size % 2:
        raise ValueError(f"size must be even (the checkerboard update), got {size}")
    temperatures = as_finite_array(temperatures, "temperatures", ndim=1)
    if np.any(temperatures <= 0):
        raise ValueError("temperatures must be positive")
    n_sweeps = check_int(n_sweeps, "n_sweeps", low=1)
    burn_in = check_int(burn_in, "burn_in", low=0, high=n_sweeps - 1)
    start = np.ones((temperatures.size, size, size), dtype=int)
    xi = [_order_parameter(s) for s in heat_bath_sweeps(start, temperatures, n_sweeps, seed)]
    return np.mean(xi[burn_in:], axis=0)



def stripe_states(spins, line_order: float = 0.8, max_order: float = 0.5) -> np.ndarray:
    """Which lattices are in a **stripe state**: straight bands of up and down spins around the torus.

    A quench below ``T_c`` does not always end in one of the two ordered phases: on a torus, bands
    whose domain walls run straight around it (along the rows or along the columns) have no
    curvature to shrink them and can live for a very long time. A lattice counts as striped when
    it is *not* ordered, ``xi = |mean(s)| < max_order``, while the lines along one axis are each
    nearly uniform:

    .. math::

        \\max\\Big(\\frac1L\\sum_{r}\\Big|\\frac1L\\sum_{c} s_{rc}\\Big|,\\;
                   \\frac1L\\sum_{c}\\Big|\\frac1L\\sum_{r} s_{rc}\\Big|\\Big) \\ge \\text{line\\_order}.

    (Diagonal stripes, which also occur, are not detected.)

    Parameters
    ----------
    spins : array_like of +-1, shape (..., L, L)
    line_order : float in (0, 1]
        The mean ``|magnetisation|`` of the rows (or of the columns) a stripe state reaches.
    max_order : float in (0, 1]
        Order parameter below which the lattice is not in an ordered phase.

    Returns
    -------
    numpy.ndarray of bool, shape ``spins.shape[:-2]``

    Examples
    --------
    >>> band = np.ones((4, 4), dtype=int)
    >>> band[:2] = -1                                  # two rows down, two rows up
    >>> bool(stripe_states(band)), bool(stripe_states(band.T)), bool(stripe_states(np.ones((4, 4), dtype=int)))
    (True, True, False)
    >>> checkerboard = np.where(np.indices((4, 4)).sum(axis=0) % 2 == 0, 1, -1)
    >>> bool(stripe_states(checkerboard))
    False
    """
    spins = _check_spins(spins)
    line_order = check_real(line_order, "line_order", low=0, high=1, low_open=True)
    max_order = check_real(max_order, "max_order", low=0, high=1, low_open=True)
    rows = np.abs(spins.mean(axis=-1)).mean(axis=-1)
    columns = np.abs(spins.mean(axis=-2)).mean(axis=-1)
    return (_order_parameter(spins) < max_order) & (np.maximum(rows, columns) >= line_order)
