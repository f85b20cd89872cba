"""Chapter 8 plots: the Ising order parameter and MF-Q lattices.

Every function draws on a given (or new) matplotlib axis and returns the figure, so the
notebook's explorer callback :func:`draw_ising_explorer` can be tested without a display.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from marl_course._validation import as_finite_array, check_int, check_real, check_seed
from marl_course.viz._checks import check_ax, check_text
from marl_course.envs.ising import CRITICAL_TEMPERATURE
from marl_course.tabular.mean_field_q import ising_mean_field_q

PAPER_CRITICAL_TAU = 1.2
"""The critical temperature Yang et al. (2018) report for MF-Q on the Ising model."""


def _axis(ax, figsize=(6, 4)):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    return ax.figure, ax


def plot_order_parameter_sweep(taus, xi_mean_field_q, xi_monte_carlo, ax=None):
    """``<xi>`` against the Boltzmann temperature ``tau``: MF-Q beside heat-bath Monte Carlo at
    ``T = 2 tau``, with Onsager's ``tau_c = T_c / 2`` and the paper's reported 1.2 marked.

    Examples
    --------
    >>> fig = plot_order_parameter_sweep([1.0, 2.0], [0.9, 0.1], [0.95, 0.1])
    >>> fig.axes[0].get_xlabel()
    'Boltzmann temperature tau (Monte Carlo T = 2 tau)'
    >>> plt.close(fig)
    """
    taus = as_finite_array(taus, "taus", ndim=1)
    xi_mf = as_finite_array(xi_mean_field_q, "xi_mean_field_q", ndim=1)
    xi_mc = as_finite_array(xi_monte_carlo, "xi_monte_carlo", ndim=1)
    if not taus.shape == xi_mf.shape == xi_mc.shape:
        raise ValueError("taus, xi_mean_field_q and xi_monte_carlo must have the same length")
    check_ax(ax)
    fig, ax = _axis(ax)
    ax.plot(taus, xi_mf, "o-", label="MF-Q agents")
    ax.plot(taus, xi_mc, "s--", label="heat-bath Monte Carlo at T = 2 tau")
    ax.axvline(CRITICAL_TEMPERATURE / 2, color="grey", lw=1,
               label=f"Onsager tau_c = T_c / 2 = {CRITICAL_TEMPERATURE / 2:.3f}")
    ax.axvline(PAPER_CRITICAL_TAU, color="grey", lw=1, ls=":", label=f"paper's tau_c = {PAPER_CRITICAL_TAU}")
    ax.set_xlabel("Boltzmann temperature tau (Monte Carlo T = 2 tau)")
    ax.set_ylabel("order parameter xi = |N_up - N_down| / N")
    ax.set_ylim(-0.02, 1.05)
    ax.set_title("Ising model: MF-Q against Monte Carlo")
    ax.legend(fontsize=8)
    return fig


def plot_lattice(actions, ax=None, title: str = "spins"):
    """Draw an ``L x L`` lattice of actions (0 = spin down, dark; 1 = spin up, light).

    Examples
    --------
    >>> fig = plot_lattice(np.eye(4, dtype=int))
    >>> plt.close(fig)
    """
    actions = as_finite_array(actions, "actions", ndim=2)
    if not np.all((actions == 0) | (actions == 1)):
        raise ValueError("actions must hold only 0 (spin down) and 1 (spin up)")
    check_ax(ax)
    check_text(title, "title")
    fig, ax = _axis(ax, figsize=(4, 4))
    ax.imshow(actions, cmap="coolwarm", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title)
    return fig


def draw_ising_explorer(tau: float = 0.8, size: int = 20, beta_sign: int = 1, n_steps: int = 300,
                        seed: int = 0):
    """The explorer's callback: run MF-Q at temperature ``tau`` and draw the final lattice and
    ``xi`` over time.

    ``beta_sign = +1`` is a reward-maximising Boltzmann policy ``exp(+Q / tau)``; ``-1`` takes
    the article's ``exp(-beta Q)`` literally and the agents anti-align (a checkerboard, xi near 0).

    Examples
    --------
    >>> fig = draw_ising_explorer(tau=0.8, size=8, n_steps=20)
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['', 'step']
    >>> plt.close(fig)
    """
    tau = check_real(tau, "tau", low=0, low_open=True)
    size = check_int(size, "size", low=2)
    beta_sign = check_int(beta_sign, "beta_sign")
    if beta_sign not in (1, -1):
        raise ValueError(f"beta_sign must be +1 or -1, got {beta_sign!r}")
    n_steps = check_int(n_steps, "n_steps", low=1)
    check_seed(seed)
    steps = list(ising_mean_field_q(size, beta_sign / tau, n_steps, seed=seed))
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), gridspec_kw={"width_ratios": [1, 1.6]})
    sign = "+" if beta_sign > 0 else "-"
    plot_lattice(steps[-1].actions, ax=left, title=f"{size}x{size} lattice after {n_steps} steps (red = up)")
    right.plot([s.step for s in steps], [float(s.order_parameter) for s in steps], lw=1)
    right.set_xlabel("step")
    right.set_ylabel("order parameter xi")
    right.set_ylim(-0.02, 1.05)
    right.set_title(f"MF-Q, pi ∝ exp({sign}Q / tau), tau = {tau:.2f}")
    fig.tight_layout()
    return fig
