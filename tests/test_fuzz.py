"""Random-program fuzzing: hypothesis builds random expressions over every differentiable op and
finite differences (float64) check their gradients, and on a subset their second derivatives.

A program is a list of steps over a growing pool of values: 1-3 leaves of random broadcast-compatible
shapes, then 5-30 ops, each taking its operands from anywhere in the pool, so values are reused and
the graph is a DAG, not a tree. Each op states the inputs it accepts (domain, shapes) and how far its
operands are from a kink (relu at 0, max ties, clip bounds...); the builder evaluates the program as
it draws it and only takes an op whose operands are in its domain and at least ``KINK_MARGIN`` from
every kink, where finite differences would straddle a jump. The program's output is a fixed-weight
sum of its sink values (weighted, so that e.g. softmax(x).sum() == 1 does not hide a wrong gradient).
The ops include numpy functions called on Tensors (``np.where``, ``np.dot``, ``np.sum``, ``np.linalg.norm``,
``ndarray * Tensor`` ...: numpy's dispatch protocols must keep the graph) and ``x ** c`` with bases
exactly 0 and integer exponents (PyTorch's gradients at 0 ** 0).

CI runs ``FUZZ_EXAMPLES`` programs; ``pytest --hypothesis-profile=long`` runs 10x the profile's
default number of examples (20 000).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tensorgrad as tg

FUZZ_EXAMPLES = settings.default.max_examples * 10             # 400 in the ci profile, 20 000 in long
SECOND_ORDER_EXAMPLES = max(FUZZ_EXAMPLES // 6, 20)             # the subset checked twice over
KINK_MARGIN = 1e-3           # finite differences use eps = 1e-6; a margin 1000x larger never straddles a kink
MAX_MAGNITUDE = 1e3          # values beyond this make central differences lose their digits
MAX_SIZE = 48                # elements per value: keeps a gradcheck (2 forwards per input element) fast


def _swap_last(t: tg.Tensor) -> tg.Tensor:
    axes = list(range(t.ndim))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return tg.transpose(t, axes)


def _gap_to_runner_up(a: np.ndarray, axis: Any) -> float:
    """Smallest gap between the two largest, or the two smallest, entries of any reduced group (inf
    if a group has one element): a tie would make max's (min's) gradient jump."""
    flat = a.reshape(1, -1) if axis is None else np.moveaxis(a, axis, -1).reshape(-1, a.shape[axis])
    if flat.shape[0] == 0 or flat.shape[-1] < 2:
        return np.inf
    top = np.sort(flat, axis=-1)
    return float(min(np.min(top[:, -1] - top[:, -2]), np.min(top[:, 1] - top[:, 0])))


def _distance_to(a: np.ndarray, *points: float) -> float:
    return float(min(np.min(np.abs(a - p)) for p in points)) if a.size else np.inf


@dataclass
class Step:
    """One op of a program: ``fn(*pool[args])`` (attributes already bound into ``fn``)."""
    name: str
    args: tuple[int, ...]
    fn: Callable[..., tg.Tensor]


@dataclass
class Program:
    """Leaf values and steps; called on leaf Tensors, it runs the steps and returns a scalar."""
    leaves: list[np.ndarray]
    steps: list[Step] = field(default_factory=list)

    def __call__(self, *leaves: tg.Tensor) -> tg.Tensor:
        """Run the steps, then sum every sink value (one no step consumes) with fixed weights."""
        pool = list(leaves)
        for s in self.steps:
            pool.append(s.fn(*[pool[i] for i in s.args]))
        used = {i for s in self.steps for i in s.args}
        sinks = [v for i, v in enumerate(pool) if i >= len(leaves) and i not in used] or pool[-1:]
        total = None
        for k, v in enumerate(sinks):
            weights = np.cos(np.arange(v.size) + 0.7 * k).reshape(v.shape)
            term = (v * weights).sum()
            total = term if total is None else total + term
        return total


# ------------------------------------------------------------------ the op table
# Each entry: arity, a builder ``make(draw, *arrays) -> (fn, margin) | None`` that draws the op's
# attributes for these operands (None when the operands are outside its domain), where ``margin`` is
# the operands' distance to the nearest kink.

def _unary(fn, kink=None, domain=lambda a: True):
    def make(draw, a):
        if not domain(a):
            return None
        return fn, (np.inf if kink is None else _distance_to(a, *kink))
    return 1, make


def _binary(fn, margin=lambda a, b: np.inf, domain=lambda a, b: True):
    def make(draw, a, b):
        try:
            np.broadcast_shapes(a.shape, b.shape)
        except ValueError:
            return None
        if not domain(a, b):
            return None
        return fn, margin(a, b)
    return 2, make


def _positive(a):
    return a.size > 0 and a.min() > 0.05


def _make_pow_const(draw, a):
    p = draw(st.sampled_from([2, 3, -1, 0.5]))
    if p in (-1, 0.5) and not _positive(a):
        return None
    return (lambda x: x ** p), np.inf


def _make_pow_at_zero(draw, a):
    """(a · mask) ** c: some bases exactly 0 (mask 0), integer exponents 0-3 as a constant tensor, so
    0 ** 0 and 0 ** 1 (slopes 0 and 1, as PyTorch) are checked against finite differences."""
    mask = draw(hnp.arrays(np.float64, a.shape, elements=st.sampled_from([0.0, 1.0])))
    c = draw(hnp.arrays(np.float64, draw(_broadcastable_to(a.shape)), elements=st.sampled_from([0.0, 1.0, 2.0, 3.0])))
    return (lambda x: (x * mask.astype(x.dtype)) ** tg.tensor(c.astype(x.dtype))), np.inf


def _make_reduce(fn, extreme):
    def make(draw, a):
        axis = None if a.ndim == 0 else draw(st.one_of(st.none(), st.integers(-a.ndim, a.ndim - 1)))
        keepdims = draw(st.booleans())
        if extreme and a.size == 0:
            return None
        margin = _gap_to_runner_up(a, axis) if extreme else np.inf
        return (lambda x: fn(x, axis=axis, keepdims=keepdims)), margin
    return 1, make


def _make_softmax(fn):
    def make(draw, a):
        if a.ndim == 0:
            return None
        axis = draw(st.integers(-a.ndim, a.ndim - 1))
        return (lambda x: fn(x, axis=axis)), np.inf
    return 1, make


def _make_reshape(draw, a, reshape=tg.reshape):
    shape = a.shape
    choice = draw(st.sampled_from(["flatten", "insert_one", "drop_ones"]))
    if choice == "flatten":
        target = (-1,)
    elif choice == "insert_one":
        at = draw(st.integers(0, a.ndim))
        target = shape[:at] + (1,) + shape[at:]
    else:
        target = tuple(d for d in shape if d != 1)
    return (lambda x: reshape(x, target)), np.inf


def _make_transpose(draw, a, transpose=tg.transpose):
    if a.ndim < 2:
        return None
    axes = draw(st.permutations(range(a.ndim)))
    return (lambda x: transpose(x, axes)), np.inf


def _make_getitem(draw, a):
    if a.ndim == 0 or a.shape[0] == 0:
        return None
    n = a.shape[0]
    kind = draw(st.sampled_from(["int", "slice", "repeat", "last_axis"]))
    if kind == "int":
        index: Any = draw(st.integers(-n, n - 1))
    elif kind == "slice":
        start = draw(st.integers(0, n - 1))
        index = slice(start, draw(st.integers(start + 1, n)))
    elif kind == "repeat":      # an integer array picking some rows twice: gradients must add up
        index = np.array(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4)))
    else:
        index = (Ellipsis, draw(st.integers(0, a.shape[-1] - 1)))
    return (lambda x: x[index]), np.inf


def _make_broadcast_to(draw, a):
    target = (2,) + a.shape
    if a.size * 2 > MAX_SIZE:
        return None
    return (lambda x: tg.broadcast_to(x, target)), np.inf


def _make_clip(draw, a, clip=tg.clip):
    lo = draw(st.floats(-1.5, 0.5))
    hi = lo + draw(st.floats(0.2, 2.0))
    which = draw(st.sampled_from(["both", "min", "max"]))
    lo_, hi_ = (lo, hi) if which == "both" else (lo, None) if which == "min" else (None, hi)
    bounds = [b for b in (lo_, hi_) if b is not None]
    return (lambda x: clip(x, lo_, hi_)), _distance_to(a, *bounds)


def _make_where(draw, a, b, where=tg.where):
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        return None
    cond = draw(hnp.arrays(bool, draw(hnp.broadcastable_shapes(shape, max_dims=len(shape)))))
    try:
        np.broadcast_shapes(cond.shape, shape)
    except ValueError:
        return None
    return (lambda x, y: where(cond, x, y)), np.inf


def _make_matmul(draw, a, b, matmul=tg.matmul):
    """a @ swap_last(b): operands sharing their last axis always multiply (a @ a.T reuses a)."""
    if a.ndim == 0 or b.ndim == 0 or a.shape[-1] != b.shape[-1]:
        return None
    if b.ndim == 1:
        return (lambda x, y: matmul(x, y)), np.inf
    try:
        out = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        return None
    if np.prod(out + (a.shape[-2] if a.ndim > 1 else 1, b.shape[-2])) > MAX_SIZE:
        return None
    return (lambda x, y: matmul(x, _swap_last(y))), np.inf


def _make_linear(draw, a, b):
    """The fused layer f(a @ W + c) with W = the first k·m values of b as (k, m) and c = b's first m values
    (k = a's last axis): weight and bias both come from the pool, so values are reused."""
    if a.ndim == 0 or a.shape[-1] == 0:
        return None
    k = a.shape[-1]
    m = draw(st.sampled_from([m for m in (1, 2) if k * m <= b.size] or [0]))
    if m == 0:
        return None
    activation = draw(st.sampled_from([None, "relu", "tanh"]))
    with_bias = draw(st.booleans())
    w_value = b.reshape(-1)[:k * m].reshape(k, m)
    pre = a @ w_value + (b.reshape(-1)[:m] if with_bias else 0.0)
    margin = _distance_to(pre, 0.0) if activation == "relu" else np.inf

    def layer(x, y):
        flat = y.reshape(-1)
        return tg.linear(x, flat[:k * m].reshape(k, m), flat[:m] if with_bias else None, activation)
    return layer, margin


def _make_sparse_cross_entropy(draw, a):
    """Integer labels (data) for the rows of a; per-sample losses or their mean."""
    if a.ndim == 0 or a.shape[-1] == 0 or a.size == 0:
        return None
    labels = draw(hnp.arrays(np.int64, a.shape[:-1], elements=st.integers(0, a.shape[-1] - 1)))
    mean = draw(st.booleans())
    return (lambda z: tg.sparse_softmax_cross_entropy(z, labels, mean=mean)), np.inf


def _make_join(fn):
    stacks = fn in (tg.stack, np.stack)

    def make(draw, a, b):
        if a.shape != b.shape or a.ndim == 0 and not stacks:
            return None
        top = a.ndim if stacks else a.ndim - 1
        axis = draw(st.integers(0, top))
        three = draw(st.booleans())    # [a, b, a]: one value joined twice
        return ((lambda x, y: fn([x, y, x], axis=axis)) if three else (lambda x, y: fn([x, y], axis=axis))), np.inf
    return 2, make


def _make_same_shape(fn, domain=lambda a, b: True):
    def make(draw, a, b):
        if a.shape != b.shape or not domain(a, b):
            return None
        return fn, np.inf
    return 2, make


# ------------------------------------------------------------------ the PyTorch-named ops (issue 16)
def _inside(lo, hi):
    return lambda a: a.size > 0 and a.min() > lo and a.max() < hi


def _make_axis_op(fn, min_ndim=1, kink=None):
    """fn(x, dim) along one drawn axis (kink: a margin function of the operand and the axis)."""
    def make(draw, a):
        if a.ndim < min_ndim or a.size == 0:
            return None
        dim = draw(st.integers(-a.ndim, a.ndim - 1)) if a.ndim else 0
        return (lambda x: fn(x, dim)), (np.inf if kink is None else kink(a, dim))
    return 1, make


def _make_moment(fn):
    def make(draw, a):
        if a.ndim == 0:
            return None
        dim = draw(st.one_of(st.none(), st.integers(-a.ndim, a.ndim - 1)))
        keepdim = draw(st.booleans())
        groups = a.size if dim is None else a.shape[dim]
        if groups < 2:
            return None
        centered = a - a.mean(axis=dim, keepdims=True)
        spread = float(np.min(np.abs(centered).sum(axis=dim))) if dim is not None else float(np.abs(centered).sum())
        return (lambda x: fn(x, dim, keepdim=keepdim)), (spread if fn is tg.std else np.inf)
    return 1, make


def _make_prod(draw, a):
    if a.ndim == 0 or a.size == 0:
        return None
    dim = draw(st.one_of(st.none(), st.integers(-a.ndim, a.ndim - 1)))
    if np.abs(a).max() > 3:
        return None
    return (lambda x: tg.prod(x, dim)), np.inf


def _make_norm(draw, a):
    if a.ndim == 0:
        return None
    p = draw(st.sampled_from([2, 3, "fro"]))
    dim = draw(st.one_of(st.none(), st.integers(-a.ndim, a.ndim - 1)))
    norms = np.linalg.norm(a.reshape(-1) if dim is None else np.moveaxis(a, dim, -1), axis=-1)
    return (lambda x: tg.norm(x, p, dim)), float(np.min(norms, initial=np.inf))


def _make_einsum(draw, a, b):
    """A contraction of two operands with a last axis in common, or a trace-like diagonal of one."""
    if a.ndim == 0 or b.ndim == 0 or a.shape[-1] != b.shape[-1]:
        return None
    la, lb = "ijk"[:a.ndim - 1] + "z", "lmn"[:b.ndim - 1] + "z"
    out = draw(st.sampled_from([la[:-1] + lb[:-1], la[:-1], ""]))
    equation = f"{la},{lb}->{out}"
    if np.prod([*a.shape[:-1], *b.shape[:-1]]) > MAX_SIZE:
        return None
    return (lambda x, y: tg.einsum(equation, x, y)), np.inf


def _make_gather(draw, a):
    if a.ndim == 0 or a.size == 0:
        return None
    dim = draw(st.integers(0, a.ndim - 1))
    index = draw(hnp.arrays(np.int64, a.shape, elements=st.integers(0, a.shape[dim] - 1)))
    return (lambda x: tg.gather(x, dim, index)), np.inf


def _make_scatter(draw, a, b):
    if a.ndim == 0 or a.shape != b.shape or a.size == 0:
        return None
    dim = draw(st.integers(0, a.ndim - 1))
    n = a.shape[dim]
    perm = np.array(draw(st.permutations(range(n))))
    index = np.broadcast_to(perm.reshape((n,) + (1,) * (a.ndim - 1 - dim)), a.shape).copy()
    return (lambda x, y: tg.scatter(x, dim, index, y)), np.inf


def _make_masked_fill(draw, a):
    mask = draw(hnp.arrays(bool, a.shape))
    return (lambda x: tg.masked_fill(x, mask, 0.5)), np.inf


def _make_sort_values(fn):
    def make(draw, a):
        if a.ndim == 0 or a.size == 0:
            return None
        dim = draw(st.integers(-a.ndim, a.ndim - 1))
        margin = _gap_to_runner_up(a, dim) if a.shape[dim] > 1 else np.inf
        flat = np.sort(np.moveaxis(a, dim, -1), axis=-1)
        if flat.shape[-1] > 1:
            margin = min(margin, float(np.min(np.diff(flat, axis=-1))))
        if fn == "topk":
            k = draw(st.integers(1, a.shape[dim]))
            return (lambda x: tg.topk(x, k, dim).values), margin
        if fn == "max":
            return (lambda x: x.max(dim=dim).values), _gap_to_runner_up(a, dim)
        return (lambda x: tg.sort(x, dim, descending=True).values), margin
    return 1, make


def _make_pad(draw, a):
    if a.ndim == 0:
        return None
    mode = draw(st.sampled_from(["constant", "replicate", "circular"] + (["reflect"] if min(a.shape) > 1 else [])))
    widths = tuple(draw(st.integers(0, 1)) for _ in range(2))
    if mode == "circular" and max(widths) > a.shape[-1] or (a.size * 9 > MAX_SIZE):
        return None
    return (lambda x: tg.pad(x, widths, mode=mode)), np.inf


def _make_layout(draw, a):
    if a.ndim == 0:
        return None
    kind = draw(st.sampled_from(["flip", "roll", "tile", "split", "chunk", "unsqueeze", "squeeze", "flatten"]))
    dim = draw(st.integers(-a.ndim, a.ndim - 1))
    if kind == "flip":
        return (lambda x: tg.flip(x, dim)), np.inf
    if kind == "roll":
        shift = draw(st.integers(-3, 3))
        return (lambda x: tg.roll(x, shift, dim)), np.inf
    if kind == "tile":
        return ((lambda x: x.repeat(*([2] + [1] * (x.ndim - 1)))), np.inf) if 2 * a.size <= MAX_SIZE else None
    if kind in ("split", "chunk") and a.shape[dim] > 1:
        return (lambda x: getattr(tg, kind)(x, 1 if kind == "split" else 2, dim)[-1]), np.inf
    if kind == "unsqueeze":
        return (lambda x: x.unsqueeze(dim)), np.inf
    if kind == "squeeze":
        return (lambda x: x.squeeze()), np.inf
    return (lambda x: x.flatten()), np.inf


def _make_matrix(fn):
    def make(draw, a):
        if a.ndim != 2 and not (fn is tg.diag and a.ndim == 1):
            return None
        k = draw(st.integers(-1, 1))
        return (lambda x: fn(x, k) if fn is not tg.trace else fn(x)), np.inf
    return 1, make


def _make_quotient(fn):
    """remainder and floor_divide jump where a / b is an integer: the margin is the distance to one."""
    return 2, lambda draw, a, b: _quotient_margin(fn, a, b)


def _quotient_margin(fn, a, b):
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        return None
    if b.size == 0 or np.abs(b).min() < 0.3:
        return None
    q = np.broadcast_to(a, np.broadcast_shapes(a.shape, b.shape)) / b
    margin = float(np.min(np.abs(q - np.round(q)), initial=np.inf)) * float(np.abs(b).min())
    return fn, margin


def _rounding(fn):
    return _unary(fn, domain=lambda a: a.size > 0 and np.min(np.abs(a - np.round(a)), initial=1) > 1e-3
                  and np.min(np.abs(a - np.floor(a) - 0.5), initial=1) > 1e-3)


def _make_conv(draw, a, b):
    """conv1d/conv2d/conv_transpose2d of a (viewed as one or two images) with a kernel of b's first values
    (values reused)."""
    if a.size < 3 or b.size < 2:
        return None
    two_d = a.ndim >= 2 and a.shape[-1] >= 2 and a.shape[-2] >= 2 and b.size >= 4
    stride, padding = draw(st.sampled_from([1, 2])), draw(st.sampled_from([0, 1, "same"]))
    if padding == "same":
        stride = 1
    if two_d and draw(st.booleans()):
        image = (1, 1) + a.shape[-2:]
        fn = lambda x, y: tg.conv_transpose2d(x.reshape((-1,) + image[1:]) if x.ndim > 2 else x.reshape(image),
                                              y.reshape(-1)[:4].reshape(1, 1, 2, 2), stride=stride,
                                              padding=0 if padding == "same" else padding)
    elif two_d:
        image = (1, 1) + a.shape[-2:]
        kernel = (1, 1, 2, 2)
        fn = lambda x, y: tg.conv2d(x.reshape((-1,) + image[1:]) if x.ndim > 2 else x.reshape(image),
                                    y.reshape(-1)[:4].reshape(kernel), stride=stride, padding=padding)
    else:
        fn = lambda x, y: tg.conv1d(x.reshape((1, 1, -1)), y.reshape(-1)[:2].reshape(1, 1, 2), stride=stride,
                                    padding=padding)
    return fn, np.inf


def _make_pool(draw, a):
    """Pooling of a viewed as (batch·channels, 1, h, w) planes: max, avg (also ceil_mode), adaptive max, and
    max_pool with indices into max_unpool; the max kinds need a gap to each window's runner-up."""
    if a.ndim < 2 or a.shape[-1] < 2 or a.shape[-2] < 2:
        return None
    kind = draw(st.sampled_from(["max", "avg", "avg_ceil", "adaptive_max", "unpool"]))
    h, w = a.shape[-2:]
    planes = (-1, 1, h, w)
    if kind == "avg":
        return (lambda x: tg.avg_pool2d(x.reshape(planes), 2, stride=1)), np.inf
    if kind == "avg_ceil":
        return (lambda x: tg.avg_pool2d(x.reshape(planes), 2, 2, 1, ceil_mode=True, count_include_pad=False)), np.inf
    if kind == "adaptive_max":
        size = (draw(st.integers(1, h)), draw(st.integers(1, w)))
        rows, cols = (_adaptive_windows(h, size[0]), _adaptive_windows(w, size[1]))
        windows = [a.reshape(planes)[:, 0, r0:r1, c0:c1].reshape(-1, (r1 - r0) * (c1 - c0))
                   for r0, r1 in rows for c0, c1 in cols]
        margin = min(_gap_to_runner_up(v, 1) for v in windows)
        return (lambda x: tg.adaptive_max_pool2d(x.reshape(planes), size)), margin
    stride = 1 if kind == "max" else 2          # unpool: windows apart, so no index is picked twice
    windows = np.lib.stride_tricks.sliding_window_view(a.reshape(planes), (2, 2), axis=(2, 3))[:, :, ::stride, ::stride]
    top = np.sort(windows.reshape(-1, 4), axis=-1)
    margin = float(np.min(top[:, -1] - top[:, -2]))
    if kind == "max":
        return (lambda x: tg.max_pool2d(x.reshape(planes), 2, stride=1)), margin
    return (lambda x: tg.max_unpool2d(*tg.max_pool2d(x.reshape(planes), 2, return_indices=True), 2,
                                      output_size=(h, w))), margin


def _adaptive_windows(size: int, out: int) -> list[tuple[int, int]]:
    """PyTorch's adaptive pooling windows along one axis: [⌊i·size/out⌋, ⌈(i+1)·size/out⌉)."""
    return [((i * size) // out, -(-((i + 1) * size) // out)) for i in range(out)]


def _make_embedding(draw, a):
    if a.ndim != 2 or a.shape[0] < 2:
        return None
    idx = np.array(draw(st.lists(st.integers(0, a.shape[0] - 1), min_size=1, max_size=4)))
    return (lambda w: tg.embedding(idx, w)), np.inf


def _make_normalization(draw, a):
    """layer_norm over the last axis, or batch_norm (batch statistics) over axis 0; eps = 0.5 keeps
    1/sqrt(var + eps) smooth where the fuzzer's values repeat (variance near 0)."""
    if a.ndim < 1 or a.shape[0] < 2:
        return None
    kind = draw(st.sampled_from(["layer", "batch"]))
    if kind == "layer":
        return (lambda x: tg.layer_norm(x, a.shape[-1], eps=0.5)), np.inf
    return (lambda x: tg.batch_norm(x.reshape((a.shape[0], -1)), None, None, training=True, eps=0.5)), np.inf


def _make_cell(draw, a, b):
    """One recurrent step: a's rows as the batch of inputs and of hidden states, weights from b's values."""
    if a.ndim != 2 or b.size < 2:
        return None
    kind = draw(st.sampled_from(["rnn_tanh_cell", "lstm_cell", "gru_cell"]))
    gates = {"rnn_tanh_cell": 1, "lstm_cell": 4, "gru_cell": 3}[kind]
    k = a.shape[1]
    need = gates * k * (k + k)

    def weights(y):
        flat = y.reshape(-1)
        reps = -(-need // flat.size)
        flat = tg.concatenate([flat] * reps) if reps > 1 else flat
        return flat[:gates * k * k].reshape(gates * k, k) * 0.5, flat[gates * k * k:need].reshape(gates * k, k) * 0.5

    def step(x, y):
        w_ih, w_hh = weights(y)
        if kind == "lstm_cell":
            h, c = tg.lstm_cell(x, (x, x * 0.5), w_ih, w_hh)
            return h + c
        return getattr(tg, kind)(x, x, w_ih, w_hh)
    return step, np.inf


OPS: dict[str, tuple[int, Callable]] = {
    "add": _binary(tg.add),
    "sub": _binary(tg.sub),
    "mul": _binary(tg.mul),
    "div": _binary(tg.div, domain=lambda a, b: b.size > 0 and np.abs(b).min() > 0.3),
    "neg": _unary(tg.neg),
    "pow": _binary(tg.pow, margin=lambda a, b: _distance_to(b, 0.0),      # p = 0: PyTorch's masked slope
                   domain=lambda a, b: _positive(a) and np.abs(b).max(initial=0) < 3),
    "pow_const": (1, _make_pow_const),
    "pow_at_zero": (1, _make_pow_at_zero),
    "matmul": (2, _make_matmul),
    "exp": _unary(tg.exp, domain=lambda a: a.max(initial=0) < 5),
    "log": _unary(tg.log, domain=_positive),
    "sqrt": _unary(tg.sqrt, domain=_positive),
    "abs": _unary(tg.abs, kink=(0.0,)),
    "sign": _unary(tg.sign, kink=(0.0,)),
    "step": _unary(tg.step, kink=(0.0,)),
    "sigmoid": _unary(tg.sigmoid),
    "tanh": _unary(tg.tanh),
    "relu": _unary(tg.relu, kink=(0.0,)),
    "leaky_relu": _unary(lambda x: tg.leaky_relu(x, 0.1), kink=(0.0,)),
    "elu": _unary(tg.elu, kink=(0.0,)),
    "softplus": _unary(tg.softplus),
    "softmax": _make_softmax(tg.softmax),
    "log_softmax": _make_softmax(tg.log_softmax),
    "sum": _make_reduce(tg.sum, extreme=False),
    "mean": _make_reduce(tg.mean, extreme=False),
    "max": _make_reduce(tg.max, extreme=True),
    "min": _make_reduce(tg.min, extreme=True),
    "reshape": (1, _make_reshape),
    "transpose": (1, _make_transpose),
    "getitem": (1, _make_getitem),
    "broadcast_to": (1, _make_broadcast_to),
    "concatenate": _make_join(tg.concatenate),
    "stack": _make_join(tg.stack),
    "where": (2, _make_where),
    "maximum": _binary(tg.maximum, margin=lambda a, b: _distance_to(np.subtract(a, b), 0.0)),
    "minimum": _binary(tg.minimum, margin=lambda a, b: _distance_to(np.subtract(a, b), 0.0)),
    "clip": (1, _make_clip),
    "linear": (2, _make_linear),
    "sparse_softmax_cross_entropy": (1, _make_sparse_cross_entropy),
    "softmax_cross_entropy": _make_same_shape(
        lambda z, y: tg.softmax_cross_entropy(z, y), domain=lambda z, y: z.ndim > 0),
    "sin": _unary(tg.sin), "cos": _unary(tg.cos), "tan": _unary(tg.tan, domain=_inside(-1.2, 1.2)),
    "sinh": _unary(tg.sinh, domain=_inside(-3, 3)), "cosh": _unary(tg.cosh, domain=_inside(-3, 3)),
    "asin": _unary(tg.asin, domain=_inside(-0.9, 0.9)), "acos": _unary(tg.acos, domain=_inside(-0.9, 0.9)),
    "atan": _unary(tg.atan), "asinh": _unary(tg.asinh), "acosh": _unary(lambda a: tg.acosh(a * a + 1.5)),
    "atanh": _unary(tg.atanh, domain=_inside(-0.9, 0.9)), "exp2": _unary(tg.exp2, domain=lambda a: a.max(initial=0) < 5),
    "log2": _unary(tg.log2, domain=_positive), "log10": _unary(tg.log10, domain=_positive),
    "log1p": _unary(tg.log1p, domain=_inside(-0.9, np.inf)), "expm1": _unary(tg.expm1, domain=lambda a: a.max(initial=0) < 5),
    "erf": _unary(tg.erf), "gelu": _unary(tg.gelu), "gelu_tanh": _unary(lambda x: tg.gelu(x, approximate="tanh")),
    "silu": _unary(tg.silu), "hardtanh": _unary(tg.hardtanh, kink=(-1.0, 1.0)),
    "floor": _rounding(tg.floor), "ceil": _rounding(tg.ceil), "round": _rounding(tg.round), "trunc": _rounding(tg.trunc),
    "remainder": _make_quotient(tg.remainder), "floor_divide": _make_quotient(tg.floor_divide),
    "logsumexp": _make_reduce(tg.logsumexp, extreme=False),
    "var": _make_moment(tg.var), "std": _make_moment(tg.std), "prod": (1, _make_prod), "norm": (1, _make_norm),
    "cumsum": _make_axis_op(tg.cumsum), "cumprod": _make_axis_op(tg.cumprod),
    "einsum": (2, _make_einsum), "gather": (1, _make_gather), "scatter": (2, _make_scatter),
    "masked_fill": (1, _make_masked_fill), "index_select": _make_axis_op(lambda x, d: tg.index_select(x, d, [0, 0])),
    "topk": _make_sort_values("topk"), "sort": _make_sort_values("sort"), "max_dim": _make_sort_values("max"),
    "pad": (1, _make_pad), "layout": (1, _make_layout),
    "tril": _make_matrix(tg.tril), "triu": _make_matrix(tg.triu), "diag": _make_matrix(tg.diag),
    "trace": _make_matrix(tg.trace),
    "cat": _make_join(tg.cat),
    "binary_cross_entropy": _make_same_shape(
        tg.binary_cross_entropy, domain=lambda p, y: p.size > 0 and 0.02 < p.min() and p.max() < 0.98),
    "conv": (2, _make_conv),
    "pool": (1, _make_pool),
    "embedding": (1, _make_embedding),
    "normalization": (1, _make_normalization),
    "recurrent_cell": (2, _make_cell),
}

def _make_np_norm(draw, a):
    """np.linalg.norm (2, 1, inf, Frobenius; all or along an axis), away from the zero vector and from
    ties of |x| for the inf-norm."""
    if a.size == 0 or a.ndim == 0 and draw(st.booleans()):
        return None
    axis = None if a.ndim == 0 else draw(st.one_of(st.none(), st.integers(-a.ndim, a.ndim - 1)))
    order = draw(st.sampled_from([None, 1, np.inf] if axis is not None or a.ndim == 1 else [None]))
    margin = _distance_to(a, 0.0) if order == 1 else np.inf
    if order == np.inf:
        margin = _gap_to_runner_up(np.abs(a), axis)
    norms = np.linalg.norm(a, ord=order, axis=axis)
    if np.min(norms) < 0.05:
        return None
    return (lambda x: np.linalg.norm(x, ord=order, axis=axis, keepdims=False)), margin


# numpy functions called on Tensors (numpy's dispatch protocols): each must run as the tensorgrad op,
# keeping the graph; an ndarray operand on the left (``mask * x``) goes through __array_ufunc__ too.
NUMPY_OPS: dict[str, tuple[int, Callable]] = {
    "np.add": _binary(np.add),
    "np.multiply": _binary(np.multiply),
    "np.subtract": _binary(np.subtract),
    "np.divide": _binary(np.divide, domain=lambda a, b: b.size > 0 and np.abs(b).min() > 0.3),
    "np.power": _binary(np.power, margin=lambda a, b: _distance_to(b, 0.0),
                        domain=lambda a, b: _positive(a) and np.abs(b).max(initial=0) < 3),
    "np.exp": _unary(np.exp, domain=lambda a: a.max(initial=0) < 5),
    "np.log": _unary(np.log, domain=_positive),
    "np.sqrt": _unary(np.sqrt, domain=_positive),
    "np.tanh": _unary(np.tanh),
    "np.abs": _unary(np.abs, kink=(0.0,)),
    "np.square": _unary(np.square),
    "np.maximum": _binary(np.maximum, margin=lambda a, b: _distance_to(np.subtract(a, b), 0.0)),
    "np.minimum": _binary(np.minimum, margin=lambda a, b: _distance_to(np.subtract(a, b), 0.0)),
    "ndarray_times": _unary(lambda x: np.linspace(0.5, 1.5, x.size).reshape(x.shape) * x),
    "np.sum": _make_reduce(np.sum, extreme=False),
    "np.mean": _make_reduce(np.mean, extreme=False),
    "np.max": _make_reduce(np.max, extreme=True),
    "np.min": _make_reduce(np.min, extreme=True),
    "np.reshape": (1, lambda draw, a: _make_reshape(draw, a, np.reshape)),
    "np.transpose": (1, lambda draw, a: _make_transpose(draw, a, np.transpose)),
    "np.clip": (1, lambda draw, a: _make_clip(draw, a, np.clip)),
    "np.where": (2, lambda draw, a, b: _make_where(draw, a, b, np.where)),
    "np.matmul": (2, lambda draw, a, b: _make_matmul(draw, a, b, np.matmul)),
    "np.dot": (2, lambda draw, a, b: _make_matmul(draw, a, b, np.dot) if a.ndim <= 2 and b.ndim <= 2 else None),
    "np.concatenate": _make_join(np.concatenate),
    "np.stack": _make_join(np.stack),
    "np.linalg.norm": (1, _make_np_norm),
}
OPS.update(NUMPY_OPS)

# cast is left out: float64 -> float32 -> float64 rounds to 7 digits, which finite differences with
# eps = 1e-6 cannot see through; test_float32_program_agrees_with_float64 covers float32 instead.


@st.composite
def _broadcastable_to(draw, base: tuple[int, ...]) -> tuple[int, ...]:
    """``base`` with some leading axes dropped and some axes set to 1 (shrinks to ``base`` itself)."""
    dropped = draw(st.sampled_from(range(len(base) + 1)))
    return tuple(draw(st.sampled_from([d, 1])) for d in base[dropped:])


@st.composite
def programs(draw, min_ops: int = 5, max_ops: int = 30, only: str | None = None) -> Program:
    """A random program: leaves broadcastable to a common shape, then ops drawn from OPS (or only ``only``)."""
    # sampled_from draws uniformly (st.integers favours tiny values) yet still shrinks to the first item
    ndim = draw(st.sampled_from([2, 3, 1, 0]))
    base = tuple(draw(st.sampled_from([3, 2, 4, 1])) for _ in range(ndim))
    n_leaves = draw(st.sampled_from([1, 2, 3]))
    leaves = [draw(hnp.arrays(np.float64, draw(_broadcastable_to(base)),
                              elements=st.floats(-2, 2, allow_nan=False, allow_infinity=False)))
              for _ in range(n_leaves)]
    program = Program(leaves)
    pool = [tg.tensor(a) for a in leaves]
    target = draw(st.sampled_from(range(min_ops, max_ops + 1)))
    attempts = 0
    while len(program.steps) < target and attempts < 4 * max_ops:
        attempts += 1
        name = only or draw(st.sampled_from(sorted(OPS)))
        arity, make = OPS[name]
        args = tuple(draw(st.integers(0, len(pool) - 1)) for _ in range(arity))
        made = make(draw, *[pool[i].numpy(force=True) for i in args])
        if made is None:
            continue
        fn, margin = made
        if margin < KINK_MARGIN:
            continue
        with np.errstate(all="ignore"):
            out = fn(*[pool[i] for i in args])
        if out.size > MAX_SIZE or out.size == 0 or not np.all(np.abs(out.numpy(force=True)) < MAX_MAGNITUDE):
            continue
        pool.append(out)
        program.steps.append(Step(name, args, fn))
    return program


def _leaf_tensors(program: Program) -> list[tg.Tensor]:
    return [tg.tensor(a.copy(), requires_grad=True) for a in program.leaves]


def test_random_programs_have_gradients_equal_to_finite_differences(record_property):
    """FUZZ_EXAMPLES random DAGs: every leaf's gradient matches central differences (float64)."""
    ops_seen: Counter = Counter()
    examples = Counter()

    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(programs())
    def check(program):
        assert tg.gradcheck(program, _leaf_tensors(program), atol=1e-5, rtol=1e-4)
        ops_seen.update(s.name for s in program.steps)
        examples["programs"] += 1
        examples["ops"] += len(program.steps)

    check()
    record_property("hypothesis examples", examples["programs"])
    record_property("ops checked", examples["ops"])
    never = sorted(set(OPS) - set(ops_seen))
    for name in never:          # the random mix missed these: fuzz each on its own, so every op is checked
        _fuzz_one_op(name, ops_seen)
    never = sorted(set(OPS) - set(ops_seen))
    assert not never, f"the fuzzer never drew {never} in {examples['programs']} programs and the per-op pass"


def _fuzz_one_op(name: str, ops_seen: Counter) -> None:
    """Programs made of the op ``name`` alone: gradients equal to central differences."""
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
    @given(programs(min_ops=1, max_ops=3, only=name))
    def check(program):
        assert tg.gradcheck(program, _leaf_tensors(program), atol=1e-5, rtol=1e-4)
        ops_seen.update(s.name for s in program.steps)

    check()


def test_random_programs_have_second_derivatives_equal_to_finite_differences(record_property):
    """A smaller subset: d/dx of the gradient (built with create_graph) matches central differences."""
    examples = Counter()

    @settings(max_examples=SECOND_ORDER_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(programs(min_ops=3, max_ops=12))
    def check(program):
        def gradient(*leaves):
            return tg.grad(program(*leaves), list(leaves), create_graph=True, allow_unused=True)

        leaves = _leaf_tensors(program)
        # only gradients that depend on the leaves (sums of piecewise-linear ops have constant ones)
        grads = gradient(*leaves)
        if not any(g is not None and g.requires_grad for g in grads):
            return

        def gradient_sum(*xs):
            gs = [g for g in gradient(*xs) if g is not None and g.requires_grad]
            total = None
            for k, g in enumerate(gs):
                term = (g * np.sin(np.arange(g.size) + k).reshape(g.shape)).sum()
                total = term if total is None else total + term
            return total

        assert tg.gradcheck(gradient_sum, leaves, atol=1e-4, rtol=1e-3)
        examples["programs"] += 1

    check()
    record_property("hypothesis examples", examples["programs"])
    assert examples["programs"] > 0


def test_float32_program_agrees_with_float64(record_property):
    """The same program on float32 leaves gives float32 gradients equal to the float64 ones to
    float32 precision (relative to the largest gradient): dtypes survive every op and its VJP."""
    examples = Counter()

    @settings(max_examples=max(FUZZ_EXAMPLES // 10, 20), deadline=None)
    @given(programs())
    def check(program):
        leaves64 = _leaf_tensors(program)
        leaves32 = [tg.tensor(a.astype(np.float32), requires_grad=True) for a in program.leaves]
        with np.errstate(all="ignore"):
            g64 = tg.grad(program(*leaves64), leaves64, allow_unused=True)
            g32 = tg.grad(program(*leaves32), leaves32, allow_unused=True)
        scale = max([1.0] + [float(np.abs(g.numpy(force=True)).max()) for g in g64 if g is not None and g.size])
        for a, b in zip(g32, g64):
            assert (a is None) == (b is None)
            if a is not None:
                assert a.dtype == np.float32
                np.testing.assert_allclose(a.numpy(force=True), b.numpy(force=True), rtol=1e-2, atol=1e-3 * scale)
        examples["programs"] += 1

    check()
    record_property("hypothesis examples", examples["programs"])
