"""Attention over an agents' graph, shared by DGN (chapter 9) and G2ANet (chapter 10).

- :func:`masked_softmax`: a softmax over the neighbours allowed by a mask (others get weight 0);
- :class:`RelationKernel`: DGN's multi-head dot-product relation kernel, one convolution layer
  ``h_i' = sigma(concat_m sum_{j in B_{+i}} alpha_ij^m W_V^m h_j)``;
- :func:`attention_kl`: the KL divergence between two attention distributions per agent and
  head, DGN's temporal relation regulariser;
- :class:`EdgeScores`: a learned graph's kept edges scored against a ground-truth relevance.

Every function is batched over leading axes (worlds, agents): no loop over agents.

References
----------
Jiang, Dun, Huang, Lu (2020). Graph Convolutional Reinforcement Learning. ICLR.
Vaswani et al. (2017). Attention is all you need. NeurIPS.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from marl_course._validation import check_int, check_real


def _check_mask(logits, mask) -> None:
    if not isinstance(logits, torch.Tensor) or not isinstance(mask, torch.Tensor):
        raise TypeError(f"logits and mask must be torch tensors, got {type(logits).__name__} and {type(mask).__name__}")
    try:
        broadcast = torch.broadcast_shapes(logits.shape, mask.shape)
    except RuntimeError:
        broadcast = None
    if broadcast != logits.shape:
        raise ValueError(f"mask must be broadcastable to logits {tuple(logits.shape)}, got shape {tuple(mask.shape)}")


def check_graph_inputs(x: torch.Tensor, name: str, adjacency: torch.Tensor, dim: int | None = None) -> None:
    """Check features ``x`` (batch, N, dim) and ``adjacency`` (batch, N, N): cheap, for every forward pass.

    >>> check_graph_inputs(torch.zeros(2, 3, 4), "h", torch.ones(2, 3, 2, dtype=torch.bool))
    Traceback (most recent call last):
    ...
    ValueError: adjacency must have shape (batch, N, N) = (2, 3, 3), got (2, 3, 2)
    """
    if getattr(x, "ndim", None) != 3 or (dim is not None and x.shape[-1] != dim):
        raise ValueError(f"{name} must have shape (batch, N, {'d' if dim is None else dim}), "
                         f"got {tuple(getattr(x, 'shape', ()))}")
    expected = (x.shape[0], x.shape[1], x.shape[1])
    if tuple(getattr(adjacency, "shape", ())) != expected:
        raise ValueError(f"adjacency must have shape (batch, N, N) = {expected}, got {tuple(getattr(adjacency, 'shape', ()))}")


def masked_softmax(logits: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Softmax over the last axis restricted to ``mask``: ``p_j = mask_j e^{z_j} / sum_k mask_k e^{z_k}``.

    Entries outside the mask get exactly 0. Every row of ``mask`` must allow at least one entry.

    Parameters
    ----------
    logits : torch.Tensor, shape (..., n)
    mask : torch.Tensor of bool, broadcastable to ``logits``

    Examples
    --------
    >>> masked_softmax(torch.zeros(1, 3), torch.tensor([[True, False, True]]))
    tensor([[0.5000, 0.0000, 0.5000]])
    """
    _check_mask(logits, mask)
    mask = mask.bool()
    if not bool(mask.any(dim=-1).all()):
        raise ValueError("mask must allow at least one entry in every row")
    logits = logits.masked_fill(~mask, float("-inf"))
    return torch.softmax(logits, dim=-1)


def attention_kl(p: torch.Tensor, q: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """``D_KL(p || q) = sum_j p_j log(p_j / q_j)`` over the last axis (terms with ``p_j = 0`` are 0).

    Parameters
    ----------
    p, q : torch.Tensor, shape (..., n)
        Distributions over the last axis (attention rows).

    Returns
    -------
    torch.Tensor, shape (...)

    Examples
    --------
    >>> p = torch.tensor([0.5, 0.5, 0.0])
    >>> float(attention_kl(p, p))
    0.0
    >>> round(float(attention_kl(p, torch.tensor([0.25, 0.75, 0.0]))), 4)
    0.1438
    """
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same shape, got {tuple(p.shape)} and {tuple(q.shape)}")
    eps = check_real(eps, "eps", low=0)
    terms = torch.where(p > 0, p * (torch.log(p + eps) - torch.log(q + eps)), torch.zeros_like(p))
    return terms.sum(dim=-1)


class RelationKernel(nn.Module):
    """One DGN convolution layer with a multi-head dot-product relation kernel.

    For head ``m`` and agent ``i`` with neighbourhood ``B_{+i}`` (itself and its neighbours)

    ``alpha_ij^m = exp(tau W_Q^m h_i . W_K^m h_j) / sum_{k in B_{+i}} exp(tau W_Q^m h_i . W_K^m h_k)``

    and the layer's output is ``h_i' = ReLU(W_O concat_m [sum_{j in B_{+i}} alpha_ij^m W_V^m h_j])``.

    Parameters
    ----------
    dim : int
        Feature size ``d`` of ``h`` in and out.
    n_heads : int
        Heads ``M`` (relation types).
    tau : float, optional
        Temperature; default ``1 / sqrt(d_head)`` (scaled dot product).

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> layer = RelationKernel(dim=8, n_heads=2)
    >>> h = torch.randn(5, 3, 8)                      # (batch, n_agents, d)
    >>> adjacency = torch.eye(3, dtype=torch.bool).expand(5, 3, 3)
    >>> out, alpha = layer(h, adjacency)
    >>> out.shape, alpha.shape                        # alpha: (batch, M, n_agents, n_agents)
    (torch.Size([5, 3, 8]), torch.Size([5, 2, 3, 3]))
    >>> bool(torch.allclose(alpha[:, 0], adjacency.float()))
    True
    """

    def __init__(self, dim: int, n_heads: int, tau: float | None = None):
        super().__init__()
        self.dim = check_int(dim, "dim", low=1)
        self.n_heads = check_int(n_heads, "n_heads", low=1)
        self.tau = check_real(tau, "tau", low=0, low_open=True) if tau is not None else dim ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim * n_heads, bias=False)  # W_Q, W_K, W_V of all heads, in one product
        self.out = nn.Linear(dim * n_heads, dim)

    def forward(self, h: torch.Tensor, adjacency: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``h``: (batch, N, d); ``adjacency``: (batch, N, N) bool with self-loops.

        Returns ``(h', alpha)`` with ``h'``: (batch, N, d) and ``alpha``: (batch, M, N, N).
        """
        check_graph_inputs(h, "h", adjacency, self.dim)
        batch, n, _ = h.shape
        q, k, v = self.qkv(h).view(batch, n, 3, self.n_heads, self.dim).permute(2, 0, 3, 1, 4)  # each (batch, M, N, d)
        logits = self.tau * q @ k.transpose(-1, -2)  # (batch, M, N, N)
        alpha = masked_softmax(logits, adjacency[:, None])  # (batch, M, N, N)
        mixed = (alpha @ v).transpose(1, 2).reshape(batch, n, self.n_heads * self.dim)  # (batch, N, M d)
        return torch.relu(self.out(mixed)), alpha


class EdgeScores:
    """Kept edges ``K`` of a learned graph against the ground-truth relevant pairs ``R``, counted
    over the ordered pairs ``i != j`` shown to :meth:`add`:

        kept = P(K),  relevant = P(R) (the base rate: the precision of edges kept at random),
        precision = P(R | K),  recall = P(K | R)

    each ``nan`` when its denominator is empty.

    Examples
    --------
    >>> scores = EdgeScores()
    >>> pairs = ~np.eye(3, dtype=bool)
    >>> scores.add(kept=np.array([[0, 1, 1], [0, 0, 0], [0, 0, 0]], bool), relevant=np.array([[0, 1, 0], [1, 0, 0],
    ...            [0, 0, 0]], bool), pairs=pairs)
    >>> {key: round(value, 3) for key, value in scores.summary().items()}
    {'kept': 0.333, 'relevant': 0.333, 'precision': 0.5, 'recall': 0.5}
    """

    def __init__(self):
        self.pairs = self.kept = self.relevant = self.both = 0

    def add(self, kept, relevant, pairs) -> None:
        """Count boolean arrays of one shape: ``kept`` and ``relevant`` edges, within ``pairs``."""
        kept, relevant, pairs = (np.asarray(a, dtype=bool) for a in (kept, relevant, pairs))
        if not kept.shape == relevant.shape == pairs.shape:
            raise ValueError(f"kept, relevant and pairs must have one shape, got {kept.shape}, {relevant.shape}, "
                             f"{pairs.shape}")
        kept, relevant = kept & pairs, relevant & pairs
        self.pairs += int(pairs.sum())
        self.kept += int(kept.sum())
        self.relevant += int(relevant.sum())
        self.both += int((kept & relevant).sum())

    def summary(self) -> dict[str, float]:
        """``kept``, ``relevant``, ``precision`` and ``recall`` (see the class docstring)."""
        def ratio(a, b):
            return a / b if b else float("nan")

        return {"kept": ratio(self.kept, self.pairs), "relevant": ratio(self.relevant, self.pairs),
                "precision": ratio(self.both, self.kept), "recall": ratio(self.both, self.relevant)}
