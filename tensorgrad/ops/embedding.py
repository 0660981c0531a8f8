"""Embedding lookup: rows of a weight matrix picked by integer indices."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._convert import lift


class Embedding(Function):
    """y[..., :] = W[i[...], :] (a gather);  dL/dW[r] = Σ_{positions with i = r} g (a scatter-add),
    except the ``padding_idx`` row, which gets no gradient (as PyTorch)."""
    name = "embedding"
    label_shape = True          # graph pictures show the output shape under the name

    @staticmethod
    def forward(ctx, weight, indices, padding_idx):
        ctx.indices, ctx.weight_shape, ctx.padding_idx = indices, weight.shape, padding_idx
        return weight[indices]

    @staticmethod
    def backward(ctx, g):
        if ctx.padding_idx is not None:
            g = g * (ctx.indices != ctx.padding_idx)[..., None]
        return ctx.F.add_at(g, ctx.weight_shape, ctx.indices)


def embedding(input: Any, weight: Any, padding_idx: int | None = None) -> Tensor:
    """Rows of ``weight`` (num_embeddings, dim) at the integer ``input`` indices: output shape
    input.shape + (dim,). PyTorch's argument order (indices first)."""
    indices = np.asarray(input._data if isinstance(input, Tensor) else input)
    w = lift(weight)
    if w.ndim != 2:
        raise ValueError(f"embedding: weight must be 2-d (num_embeddings, embedding_dim), got shape {w.shape}.")
    if indices.dtype.kind not in "iu":
        if indices.dtype.kind == "f" and indices.size and np.all(indices == np.round(indices)):
            indices = indices.astype(np.int64)      # Keras feeds token ids as floats
        else:
            raise TypeError(f"embedding: indices must be integers, got dtype {indices.dtype}.")
    if indices.size and (indices.min() < 0 or indices.max() >= w.shape[0]):
        raise IndexError(f"embedding: index {indices.min() if indices.min() < 0 else indices.max()} is out of range "
                         f"for {w.shape[0]} embeddings (valid: 0..{w.shape[0] - 1}).")
    if padding_idx is not None:
        padding_idx = int(padding_idx) % w.shape[0] if -w.shape[0] <= padding_idx < w.shape[0] else None
        if padding_idx is None:
            raise ValueError(f"embedding: padding_idx must be within the {w.shape[0]} embeddings.")
    return Embedding.apply(w, indices=indices, padding_idx=padding_idx)
