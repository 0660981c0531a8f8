"""Products and matrix pieces: einsum (and tensordot, outer, dot, mm, bmm on top of it or of matmul),
trace, diag, tril, triu.

einsum's derivative: for Z = einsum('ij,jk->ik', A, B), dL/dA = einsum('ik,jk->ij', G, B): the output's
gradient contracted with every other operand, into the operand's own subscripts. An index repeated
within an operand (a diagonal, 'ii->i') gets an identity matrix as an extra operand, and an index that
appears only in that operand (summed away, 'ij->i') a vector of ones, so the same one rule covers
every case, and it is itself an einsum: second derivatives come from the same rule.
"""
from __future__ import annotations

import string
from typing import Any, Sequence

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._convert import lift
from ._spelling import one_axis


def _explicit(equation: str, ndims: Sequence[int]) -> tuple[list[str], str]:
    """The operands' subscripts and the output's, with '...' written out as capital letters and the
    implicit output (indices seen once, in alphabetical order) made explicit."""
    equation = equation.replace(" ", "")
    inputs, arrow, output = equation.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(ndims):
        raise ValueError(f"einsum: the equation {equation!r} has {len(terms)} operand(s), but {len(ndims)} were given.")
    letters = [t for t in terms]
    widest = 0
    for k, (term, ndim) in enumerate(zip(terms, ndims)):
        if "..." in term:
            width = ndim - (len(term) - 3)
            if width < 0:
                raise ValueError(f"einsum: operand {k} has {ndim} dimension(s), fewer than its subscripts {term!r}.")
            widest = max(widest, width)
            letters[k] = term.replace("...", string.ascii_uppercase[26 - width:] if width else "")
        elif len(term) != ndim:
            raise ValueError(f"einsum: operand {k} has {ndim} dimension(s) but subscripts {term!r} name {len(term)}.")
    ellipsis = string.ascii_uppercase[26 - widest:] if widest else ""
    if arrow:
        out = output.replace("...", ellipsis)
    else:
        seen = "".join(letters)
        out = ellipsis + "".join(sorted(c for c in set(seen) if c.islower() and seen.count(c) == 1))
    return letters, out


class Einsum(Function):
    """Z = einsum(subscripts, X₁, ..., Xₙ);  dL/dXₖ = einsum(G, the other operands -> Xₖ's subscripts),
    with identity matrices for indices repeated in Xₖ and ones for indices only Xₖ has."""
    name = "einsum"

    @staticmethod
    def forward(ctx, *operands, terms, output):
        ctx.terms, ctx.output = terms, output
        ctx.save_for_backward(*operands)
        return np.asarray(np.einsum(",".join(terms) + "->" + output, *operands))

    @staticmethod
    def backward(ctx, g):
        operands = ctx.saved_tensors
        grads = []
        for k, need in enumerate(ctx.needs_input_grad):
            grads.append(_operand_gradient(ctx, g, operands, k) if need else None)
        return tuple(grads)


def _operand_gradient(ctx: Einsum, g: Any, operands: Sequence[Any], k: int) -> Any:
    terms, out = ctx.terms, ctx.output
    sizes = {c: operands[i].shape[j] for i, t in enumerate(terms) for j, c in enumerate(t)}
    spare = iter(c for c in string.ascii_lowercase + string.ascii_uppercase if c not in "".join(terms) + out)
    target, extra_terms, extras = "", [], []
    for c in terms[k]:
        if c in target:                          # repeated index: a fresh letter tied to c by an identity
            fresh = next(spare)
            target += fresh
            extra_terms.append(c + fresh)
            extras.append(np.eye(sizes[c], dtype=g.dtype))
        else:
            target += c
    others = [t for i, t in enumerate(terms) if i != k]
    present = set(out + "".join(others) + "".join(extra_terms))
    for c in dict.fromkeys(terms[k]):
        if c not in present:                     # summed only in this operand: broadcast back with ones
            extra_terms.append(c)
            extras.append(np.ones(sizes[c], dtype=g.dtype))
    equation = ",".join([out] + others + extra_terms) + "->" + target
    return ctx.F.einsum(equation, g, *[operands[i] for i in range(len(terms)) if i != k], *extras)


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation, as np.einsum and torch.einsum (operands also as one list); differentiable in
    every operand, to any order."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str):
        raise TypeError(f"einsum: the first argument is the equation string, e.g. 'ij,jk->ik'; got {type(equation).__name__}.")
    tensors = [lift(x) for x in operands]
    terms, output = _explicit(equation, [t.ndim for t in tensors])
    try:
        np.einsum(",".join(terms) + "->" + output, *[np.empty(t.shape, dtype=bool) for t in tensors], optimize=False)
    except ValueError as e:
        shapes = ", ".join(str(t.shape) for t in tensors)
        raise ValueError(f"einsum: {equation!r} does not fit operands of shapes {shapes}: {e}") from None
    return Einsum.apply(*tensors, terms=terms, output=output)


def tensordot(a: Any, b: Any, dims: Any = 2) -> Tensor:
    """Σ over the last ``dims`` axes of a and the first of b (or over the axis lists ``dims = (a_axes, b_axes)``)."""
    a, b = lift(a), lift(b)
    if isinstance(dims, (int, np.integer)):
        if not 0 <= dims <= min(a.ndim, b.ndim):
            raise ValueError(f"tensordot: dims={dims} must be between 0 and the smaller rank of {a.shape} and {b.shape}.")
        a_axes, b_axes = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        a_axes, b_axes = ([d] if isinstance(d, int) else list(d) for d in dims)
    a_axes = [one_axis("tensordot", d, a.ndim) for d in a_axes]
    b_axes = [one_axis("tensordot", d, b.ndim) for d in b_axes]
    if len(a_axes) != len(b_axes) or any(a.shape[i] != b.shape[j] for i, j in zip(a_axes, b_axes)):
        raise ValueError(f"tensordot: axes {a_axes} of {a.shape} and {b_axes} of {b.shape} do not pair up in size.")
    letters = iter(string.ascii_lowercase)
    ta = [next(letters) for _ in range(a.ndim)]
    tb = [next(letters) for _ in range(b.ndim)]
    for i, j in zip(a_axes, b_axes):
        tb[j] = ta[i]
    out = [c for i, c in enumerate(ta) if i not in a_axes] + [c for j, c in enumerate(tb) if j not in b_axes]
    return einsum("".join(ta) + "," + "".join(tb) + "->" + "".join(out), a, b)


def _check_rank(op: str, x: Tensor, ranks: tuple[int, ...], what: str) -> None:
    if x.ndim not in ranks:
        raise ValueError(f"{op}: expected {what}, got a tensor of shape {x.shape}.")


def outer(a: Any, b: Any) -> Tensor:
    """a_i b_j for 1-d a and b (torch.outer; numpy's outer flattens, tensorgrad asks for 1-d)."""
    a, b = lift(a), lift(b)
    _check_rank("outer", a, (1,), "1-d vectors")
    _check_rank("outer", b, (1,), "1-d vectors")
    return einsum("i,j->ij", a, b)


def dot(a: Any, b: Any) -> Tensor:
    """Σ a_i b_i of two 1-d tensors of the same length (torch.dot)."""
    a, b = lift(a), lift(b)
    _check_rank("dot", a, (1,), "1-d vectors (use matmul or @ for matrices)")
    _check_rank("dot", b, (1,), "1-d vectors (use matmul or @ for matrices)")
    if a.shape != b.shape:
        raise ValueError(f"dot: the vectors have lengths {a.shape[0]} and {b.shape[0]}; they must be equal.")
    return einsum("i,i->", a, b)


def mm(a: Any, b: Any) -> Tensor:
    """Matrix product of two 2-d tensors (torch.mm: no broadcasting)."""
    from .arith import matmul
    a, b = lift(a), lift(b)
    _check_rank("mm", a, (2,), "2-d matrices (use matmul for other ranks)")
    _check_rank("mm", b, (2,), "2-d matrices (use matmul for other ranks)")
    return matmul(a, b)


def bmm(a: Any, b: Any) -> Tensor:
    """Batched matrix product of (B, n, k) and (B, k, m) tensors (torch.bmm: no broadcasting)."""
    from .arith import matmul
    a, b = lift(a), lift(b)
    _check_rank("bmm", a, (3,), "3-d batches of matrices (B, n, k)")
    _check_rank("bmm", b, (3,), "3-d batches of matrices (B, k, m)")
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"bmm: batch sizes differ: {a.shape} and {b.shape}.")
    return matmul(a, b)


def trace(x: Any) -> Tensor:
    """Σ x_ii of a 2-d tensor (rectangular: over the shorter side)."""
    x = lift(x)
    _check_rank("trace", x, (2,), "a 2-d matrix")
    n = min(x.shape)
    return einsum("ii->", x[:n, :n])


def _diagonal_positions(n: int, m: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of the k-th diagonal of an n x m matrix."""
    rows = np.arange(max(0, -k), min(n, m - k) if k < m else 0)
    return rows, rows + k


def diag(x: Any, diagonal: int = 0) -> Tensor:
    """For a 1-d x the square matrix with x on its ``diagonal``-th diagonal; for a 2-d x that diagonal
    as a vector (torch.diag)."""
    from .shape import add_at
    x = lift(x)
    _check_rank("diag", x, (1, 2), "a 1-d or 2-d tensor")
    k = int(diagonal)
    if x.ndim == 2:
        rows, cols = _diagonal_positions(x.shape[0], x.shape[1], k)
        return x[rows, cols]
    n = x.shape[0] + abs(k)
    rows, cols = _diagonal_positions(n, n, k)
    return add_at(x, (n, n), (rows, cols))


def _triangle(op: str, x: Any, diagonal: int, lower: bool) -> Tensor:
    from .select import where
    x = lift(x)
    if x.ndim < 2:
        raise ValueError(f"{op}: needs a tensor of at least 2 dimensions (matrices in the last two), got shape {x.shape}.")
    n, m = x.shape[-2:]
    rows, cols = np.arange(n)[:, None], np.arange(m)[None, :]
    keep = cols - rows <= diagonal if lower else cols - rows >= diagonal
    return where(keep, x, np.zeros((), dtype=x.dtype))


def tril(x: Any, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two axes (entries with col - row <= diagonal), zeros elsewhere."""
    return _triangle("tril", x, int(diagonal), lower=True)


def triu(x: Any, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two axes (entries with col - row >= diagonal), zeros elsewhere."""
    return _triangle("triu", x, int(diagonal), lower=False)
