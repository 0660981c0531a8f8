"""PyTorch's pooling surface (issue 19): max pooling with indices, max unpooling, avg_pool2d's ceil_mode and
divisor_override, adaptive max and 1-d adaptive average pooling, and the reprs of nn's PyTorch modules.
Gradients three ways (finite differences in float64 and through create_graph, closed forms, known values),
values, indices and gradients against PyTorch when it is installed, and errors that name the argument."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import nn
import tensorgrad as tg

rng = np.random.default_rng(1919)


def _leaf(*shape):
    return tg.tensor(rng.standard_normal(shape), requires_grad=True)


def _weighted(fn):
    """A scalar program: a fixed-weight sum of fn's output (the first, when it returns indices too)."""
    def program(x):
        out = fn(x)
        out = out[0] if isinstance(out, tuple) else out
        return (out * np.cos(np.arange(out.size)).reshape(out.shape)).sum()
    return program


def _second_order(fn):
    """Σ (dL/dx)²: its gradient needs the backward rule to run again as a graph."""
    def program(x):
        g, = tg.grad(_weighted(fn)(x), [x], create_graph=True)
        return (g * g).sum()
    return program


def _pool_then_unpool(x):
    out, idx = tg.max_pool2d(x, 2, return_indices=True)
    return tg.max_unpool2d(out, idx, 2, output_size=x.shape[2:])


DIFFERENTIABLE = {
    "max_pool2d_indices": (lambda x: tg.max_pool2d(x, 3, 2, 1, return_indices=True), (2, 2, 5, 6)),
    "max_pool1d_indices": (lambda x: tg.max_pool1d(x, 2, ceil_mode=True, return_indices=True), (2, 3, 7)),
    "max_unpool2d": (lambda x: tg.max_unpool2d(x, np.array([[[[0, 3], [9, 14]]]]).repeat(2, 1), 2), (1, 2, 2, 2)),
    "max_unpool1d": (lambda x: tg.max_unpool1d(x, np.array([[1, 2, 5]]), 2, output_size=[7]), (1, 3)),
    "pool_unpool": (_pool_then_unpool, (2, 2, 5, 7)),
    "adaptive_max_pool2d": (lambda x: tg.adaptive_max_pool2d(x, (3, 4)), (2, 2, 7, 9)),
    "adaptive_max_pool2d_even": (lambda x: tg.adaptive_max_pool2d(x, (3, 2), return_indices=True), (2, 2, 6, 4)),
    "adaptive_max_pool1d": (lambda x: tg.adaptive_max_pool1d(x, 3), (2, 2, 8)),
    "adaptive_avg_pool1d": (lambda x: tg.adaptive_avg_pool1d(x, 3), (2, 2, 7)),
    "avg_pool2d_ceil": (lambda x: tg.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), (2, 2, 6, 7)),
    "avg_pool2d_ceil_count_pad": (lambda x: tg.avg_pool2d(x, 2, 2, 1, ceil_mode=True), (1, 2, 6, 5)),
    "avg_pool2d_divisor": (lambda x: tg.avg_pool2d(x, 2, 1, divisor_override=3), (1, 2, 4, 5)),
    "avg_pool1d_ceil": (lambda x: tg.avg_pool1d(x, 3, 2, ceil_mode=True), (2, 2, 8)),
}


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_gradients_match_finite_differences(name):
    fn, shape = DIFFERENTIABLE[name]
    assert tg.gradcheck(_weighted(fn), [_leaf(*shape)])


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_backward_runs_again_under_create_graph(name):
    fn, shape = DIFFERENTIABLE[name]
    assert tg.gradcheck(_second_order(fn), [_leaf(*shape)], atol=1e-4, rtol=1e-3)


# ------------------------------------------------------------------ known values and closed forms
def test_max_unpool_round_trip_is_pytorchs_doc_example():
    x = np.arange(1.0, 17.0).reshape(1, 1, 4, 4)
    out, idx = tg.max_pool2d(x, 2, stride=2, return_indices=True)
    assert idx.dtype == np.int64 and idx.tolist() == [[[[5, 7], [13, 15]]]]
    back = nn.MaxUnpool2d(2, stride=2)(out, idx)
    assert back.numpy().tolist() == [[[[0, 0, 0, 0], [0, 6, 0, 8], [0, 0, 0, 0], [0, 14, 0, 16]]]]
    # an odd input: the pool dropped a row and a column, which output_size gets back
    x5 = np.arange(25.0).reshape(1, 1, 5, 5)
    out, idx = nn.MaxPool2d(2, return_indices=True)(x5)
    assert nn.MaxUnpool2d(2)(out, idx, output_size=x5.shape).shape == (1, 1, 5, 5)


def test_max_unpool_gradient_is_a_gather():
    x = _leaf(2, 3, 2, 3)
    idx = np.stack([rng.permutation(20)[:6].reshape(2, 3) for _ in range(6)]).reshape(2, 3, 2, 3)
    y = tg.max_unpool2d(x, idx, 2, output_size=(4, 5))
    g = rng.standard_normal(y.shape)
    (y * g).sum().backward()
    expected = np.take_along_axis(g.reshape(2, 3, 20), idx.reshape(2, 3, 6), axis=2).reshape(x.shape)
    np.testing.assert_allclose(x.grad.numpy(), expected)
    flat = y.detach().numpy().reshape(2, 3, 20)
    np.testing.assert_array_equal(np.take_along_axis(flat, idx.reshape(2, 3, 6), axis=2).reshape(x.shape),
                                  x.detach().numpy())
    assert (flat != 0).sum() == x.size


def test_max_pool_indices_point_at_the_maxima_and_ties_keep_the_first():
    x = np.array([[[[1.0, 1.0, 0.0], [1.0, 0.0, 2.0], [5.0, 0.0, 2.0]]]])
    out, idx = tg.max_pool2d(x, 2, stride=1, return_indices=True)
    assert idx.tolist() == [[[[0, 5], [6, 5]]]]
    assert out.numpy().tolist() == [[[[1.0, 2.0], [5.0, 2.0]]]]
    # padding: indices count in the unpadded plane; a window all -inf points at its first input
    y = np.full((1, 1, 2, 2), -np.inf)
    _, idx = tg.max_pool2d(y, 2, stride=1, padding=1, return_indices=True)
    assert idx.tolist() == [[[[0, 0, 1], [0, 0, 1], [2, 2, 3]]]]


def test_adaptive_max_known_windows_and_gradient_counts():
    x = tg.tensor(np.array([[[1.0, 3.0, 2.0, 5.0, 4.0]]]), requires_grad=True)
    y, idx = tg.adaptive_max_pool1d(x, 2, return_indices=True)       # windows [0, 3) and [2, 5)
    assert y.detach().numpy().tolist() == [[[3.0, 5.0]]] and idx.tolist() == [[[1, 3]]]
    z = tg.adaptive_max_pool1d(x, 4)                                  # [0,2) [1,3) [2,4) [3,5): 3 3 5 5
    z.sum().backward()
    assert x.grad.numpy().tolist() == [[[0.0, 2.0, 0.0, 2.0, 0.0]]]


def test_adaptive_avg_pool1d_is_the_window_mean():
    x = rng.standard_normal((2, 3, 7))
    y = tg.adaptive_avg_pool1d(x, 3).numpy()
    windows = [(0, 3), (2, 5), (4, 7)]
    np.testing.assert_allclose(y, np.stack([x[..., a:b].mean(-1) for a, b in windows], -1))
    np.testing.assert_allclose(nn.AdaptiveAvgPool1d(7)(x).numpy(), x)      # as many windows as steps: identity


def test_avg_pool_ceil_and_divisor_known_values():
    x = np.arange(5.0).reshape(1, 1, 5)
    # ceil_mode keeps a last window [4] of one input; its divisor is its one cell
    assert tg.avg_pool1d(x, 2, ceil_mode=True).numpy().tolist() == [[[0.5, 2.5, 4.0]]]
    # with padding 1, the last window of [0 .. 5] covers 5, the padding and a cell past it: that cell never counts
    x6 = np.arange(6.0).reshape(1, 1, 6)
    assert tg.avg_pool1d(x6, 3, 2, 1, ceil_mode=True).numpy().tolist() == [[[1 / 3, 2.0, 4.0, 2.5]]]
    assert tg.avg_pool1d(x6, 3, 2, 1, ceil_mode=True, count_include_pad=False).numpy().tolist() == \
        [[[0.5, 2.0, 4.0, 5.0]]]
    x2 = np.ones((1, 1, 3, 3))
    np.testing.assert_allclose(tg.avg_pool2d(x2, 2, 1, divisor_override=2).numpy(), np.full((1, 1, 2, 2), 2.0))
    np.testing.assert_allclose(nn.AvgPool2d(2, ceil_mode=True, divisor_override=1)(x2).numpy(),
                               [[[[4.0, 2.0], [2.0, 1.0]]]])


def test_modules_and_unbatched_inputs():
    x = rng.standard_normal((3, 6, 8))
    out, idx = nn.AdaptiveMaxPool2d((2, None), return_indices=True)(x)
    assert out.shape == idx.shape == (3, 2, 8)
    assert tg.max_unpool2d(*nn.MaxPool2d(2, return_indices=True)(x[None]), 2)[0].shape == (3, 6, 8)
    assert nn.MaxUnpool1d(2)(tg.tensor(np.ones((3, 4))), np.array([[0, 2, 4, 6]] * 3)).shape == (3, 8)
    assert nn.MaxUnpool1d(2)(tg.tensor(np.ones((3, 4))), np.array([[0, 2, 4, 8]] * 3), output_size=9).shape == (3, 9)
    y, i = nn.MaxPool1d(3, return_indices=True)(x)
    assert y.shape == i.shape == (3, 6, 2)
    assert nn.AdaptiveMaxPool1d(3)(x).shape == (3, 6, 3)


# ------------------------------------------------------------------ clear errors
@pytest.mark.parametrize("call, words", [
    (lambda: tg.avg_pool2d(np.ones((1, 1, 4, 4)), 2, divisor_override=0), "divisor_override"),
    (lambda: tg.max_unpool2d(np.ones((1, 1, 2, 2)), np.array([[[[0, 1], [2, 99]]]]), 2), "index 99"),
    (lambda: tg.max_unpool2d(np.ones((1, 1, 2, 2)), np.zeros((1, 1, 2, 3), int), 2), "indices"),
    (lambda: tg.max_unpool2d(np.ones((1, 1, 2, 2)), np.zeros((1, 1, 2, 2)), 2), "indices"),
    (lambda: tg.max_unpool2d(np.ones((1, 1, 2, 2)), np.zeros((1, 1, 2, 2), int), 2, output_size=(9, 4)),
     "output_size"),
    (lambda: tg.max_unpool2d(np.ones((1, 1, 2, 2)), np.zeros((1, 1, 2, 2), int), 2, output_size=(4,)),
     "output_size"),
    (lambda: tg.max_unpool1d(np.ones((2, 1, 1, 2)), np.zeros((2, 1, 1, 2), int), 2), "input must be"),
    (lambda: tg.adaptive_max_pool2d(np.ones((1, 1, 4, 4)), (0, 2)), "output_size"),
    (lambda: tg.adaptive_max_pool2d(np.ones((4, 4)), 2), "input must be"),
    (lambda: tg.adaptive_avg_pool1d(np.ones((1, 1, 4)), 0), "output_size"),
    (lambda: nn.MaxUnpool2d(0), "kernel_size"),
])
def test_bad_arguments_are_named(call, words):
    with pytest.raises(ValueError, match=words):
        call()


# ------------------------------------------------------------------ against PyTorch
def _torch():
    return pytest.importorskip("torch")


def test_max_pool_indices_match_pytorch():
    torch = _torch()
    x = rng.integers(0, 4, (2, 3, 9, 8)).astype(np.float64)       # small integers: many ties
    x[0, 0, 1, 1] = np.nan
    for kernel, stride, padding, dilation, ceil in itertools.product([2, 3, (2, 3)], [None, 1, 2], [0, 1],
                                                                    [1, 2], [False, True]):
        ours, our_idx = tg.max_pool2d(x, kernel, stride, padding, dilation, ceil, return_indices=True)
        theirs, their_idx = torch.nn.functional.max_pool2d(torch.tensor(x), kernel, stride, padding, dilation, ceil,
                                                           return_indices=True)
        np.testing.assert_array_equal(our_idx.numpy(), their_idx.numpy())
        np.testing.assert_allclose(ours.numpy(), theirs.numpy())
    big = rng.standard_normal((1, 2, 20, 19))        # 17·17 window positions: more than a uint8 counts
    np.testing.assert_array_equal(tg.max_pool2d(big, 17, 2, return_indices=True)[1].numpy(),
                                  torch.nn.functional.max_pool2d(torch.tensor(big), 17, 2, return_indices=True)[1].numpy())
    ours, idx = tg.nn.functional.max_pool1d_with_indices(x[:, :, 0], 3, 2, 1)
    theirs, their_idx = torch.nn.functional.max_pool1d_with_indices(torch.tensor(x[:, :, 0]), 3, 2, 1)
    np.testing.assert_array_equal(idx.numpy(), their_idx.numpy())
    channels_last = np.asfortranarray(x.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
    np.testing.assert_array_equal(tg.max_pool2d(channels_last, 3, 2, return_indices=True)[1].numpy(),
                                  torch.nn.functional.max_pool2d(torch.tensor(x), 3, 2, return_indices=True)[1].numpy())


def _against_torch(ours_fn, theirs_fn, x):
    """Values and input gradients (of a random weighting) of one op, ours and PyTorch's."""
    torch = _torch()
    t = torch.tensor(x, requires_grad=True)
    theirs = theirs_fn(t)
    theirs = theirs[0] if isinstance(theirs, tuple) else theirs
    ours_x = tg.tensor(x, requires_grad=True)
    ours = ours_fn(ours_x)
    ours = ours[0] if isinstance(ours, tuple) else ours
    assert ours.shape == tuple(theirs.shape)
    g = rng.standard_normal(ours.shape)
    theirs.backward(torch.tensor(g))
    (ours * g).sum().backward()
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(ours_x.grad.numpy(), t.grad.numpy(), rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("height, width", [(5, 5), (6, 7), (7, 9), (8, 4)])
def test_avg_pool2d_counts_windows_as_pytorch(height, width):
    torch = _torch()
    x = rng.standard_normal((2, 2, height, width))
    checked = 0
    for kernel, stride, padding, ceil, include, divisor in itertools.product(
            [2, 3, (2, 3), (3, 1)], [None, 1, 2, 3, (2, 1)], [0, 1, (1, 0)], [False, True], [False, True], [None, 5]):
        sizes = (kernel, kernel) if isinstance(kernel, int) else kernel
        pads = (padding, padding) if isinstance(padding, int) else padding
        if any(p > k // 2 for p, k in zip(pads, sizes)):
            continue
        args = (kernel, stride, padding, ceil, include, divisor)
        _against_torch(lambda t: tg.avg_pool2d(t, *args), lambda t: torch.nn.functional.avg_pool2d(t, *args), x)
        checked += 1
    assert checked > 300


def test_avg_pool1d_ceil_matches_pytorch():
    torch = _torch()
    for length, kernel, stride, padding, include in itertools.product([5, 6, 9], [2, 3, 4], [1, 2, 3], [0, 1, 2],
                                                                      [False, True]):
        if padding > kernel // 2:
            continue
        args = (kernel, stride, padding, True, include)
        _against_torch(lambda t: nn.AvgPool1d(*args)(t), lambda t: torch.nn.AvgPool1d(*args)(t),
                       rng.standard_normal((2, 3, length)))


@pytest.mark.parametrize("shape, size", [((2, 3, 7, 9), (3, 4)), ((2, 2, 5, 5), 1), ((1, 2, 6, 10), (None, 4)),
                                         ((1, 2, 4, 4), (6, 7)), ((2, 3, 9, 8), (2, None)), ((3, 6, 5), 2),
                                         ((2, 3, 8, 6), (4, 3)), ((2, 2, 6, 6), (None, 1))])
def test_adaptive_max_pool2d_matches_pytorch(shape, size):
    torch = _torch()
    x = rng.integers(0, 3, shape).astype(np.float64)       # ties
    x.reshape(-1)[:3] = [np.nan, 1.0, np.nan]
    ours, idx = nn.AdaptiveMaxPool2d(size, return_indices=True)(x)
    theirs, their_idx = torch.nn.AdaptiveMaxPool2d(size, return_indices=True)(torch.tensor(x))
    np.testing.assert_array_equal(idx.numpy(), their_idx.numpy())
    np.testing.assert_allclose(ours.numpy(), theirs.numpy())
    _against_torch(lambda t: tg.adaptive_max_pool2d(t, size), lambda t: torch.nn.functional.adaptive_max_pool2d(t, size),
                   rng.standard_normal(shape))


@pytest.mark.parametrize("length, size", [(8, 3), (5, 5), (4, 6), (11, 1)])
def test_adaptive_1d_pools_match_pytorch(length, size):
    torch = _torch()
    x = rng.standard_normal((2, 3, length))
    _against_torch(lambda t: tg.adaptive_max_pool1d(t, size), lambda t: torch.nn.functional.adaptive_max_pool1d(t, size),
                   x)
    _against_torch(lambda t: nn.AdaptiveAvgPool1d(size)(t), lambda t: torch.nn.AdaptiveAvgPool1d(size)(t), x)
    assert (tg.adaptive_max_pool1d(x, size, True)[1].numpy() ==
            torch.nn.functional.adaptive_max_pool1d(torch.tensor(x), size, True)[1].numpy()).all()


@pytest.mark.parametrize("kernel, stride, padding, shape", [(2, None, 0, (2, 3, 7, 9)), (3, 2, 1, (1, 2, 8, 7)),
                                                            ((2, 3), 1, (1, 1), (2, 2, 5, 6)), (3, 3, 0, (1, 1, 9, 9))])
def test_max_unpool2d_round_trip_matches_pytorch(kernel, stride, padding, shape):
    torch = _torch()
    f = torch.nn.functional

    def ours(t):
        out, idx = tg.max_pool2d(t, kernel, stride, padding, return_indices=True)
        return nn.MaxUnpool2d(kernel, stride, padding)(out, idx, output_size=t.shape)

    def theirs(t):
        out, idx = f.max_pool2d(t, kernel, stride, padding, return_indices=True)
        return torch.nn.MaxUnpool2d(kernel, stride, padding)(out, idx, output_size=t.shape)

    _against_torch(ours, theirs, rng.standard_normal(shape))
    # the unpooling alone, values and gradient to the pooled values
    out, idx = f.max_pool2d(torch.tensor(rng.standard_normal(shape)), kernel, stride, padding, return_indices=True)
    _against_torch(lambda t: tg.max_unpool2d(t, idx.numpy(), kernel, stride, padding, shape[2:]),
                   lambda t: f.max_unpool2d(t, idx, kernel, stride, padding, shape[2:]), out.numpy())


def test_one_sample_without_a_batch_axis_pools_as_pytorch():
    torch = _torch()
    f = torch.nn.functional
    image, row = rng.standard_normal((3, 7, 6)), rng.standard_normal((3, 9))
    for ours, theirs, x in [(lambda t: tg.max_pool2d(t, 3, 2, 1, ceil_mode=True),
                             lambda t: f.max_pool2d(t, 3, 2, 1, ceil_mode=True), image),
                            (lambda t: nn.AvgPool2d(2, ceil_mode=True)(t),
                             lambda t: torch.nn.AvgPool2d(2, ceil_mode=True)(t), image),
                            (lambda t: nn.MaxPool1d(2)(t), lambda t: torch.nn.MaxPool1d(2)(t), row),
                            (lambda t: tg.avg_pool1d(t, 3, 2, 1), lambda t: f.avg_pool1d(t, 3, 2, 1), row),
                            (lambda t: tg.adaptive_max_pool2d(t, 4), lambda t: f.adaptive_max_pool2d(t, 4), image),
                            (lambda t: tg.adaptive_avg_pool1d(t, 4), lambda t: f.adaptive_avg_pool1d(t, 4), row)]:
        _against_torch(ours, theirs, x)
    out, idx = tg.max_pool2d(image, 2, return_indices=True)
    np.testing.assert_array_equal(idx.numpy(), f.max_pool2d(torch.tensor(image), 2, return_indices=True)[1].numpy())
    assert nn.MaxUnpool2d(2)(out, idx, output_size=image.shape[1:]).shape == image.shape
    with pytest.raises(ValueError, match="channels, height, width"):
        tg.max_pool2d(np.ones((4, 4)), 2)


def test_max_unpool1d_matches_pytorch():
    torch = _torch()
    x = rng.standard_normal((2, 3, 11))
    out, idx = torch.nn.functional.max_pool1d(torch.tensor(x), 3, 2, 1, return_indices=True)
    for size in (None, [11], (2, 3, 12)):
        _against_torch(lambda t: tg.max_unpool1d(t, idx.numpy(), 3, 2, 1, size),
                       lambda t: torch.nn.functional.max_unpool1d(t, idx, 3, 2, 1, size), out.numpy())


# ------------------------------------------------------------------ repr, as PyTorch prints it
REPR_CASES = [
    ("Conv2d", (1, 32, 3), {}), ("Conv2d", (3, 8, (3, 5)), dict(stride=2, padding=1, dilation=2, bias=False)),
    ("Conv2d", (4, 8, 3), dict(padding="same", groups=2)), ("Conv2d", (2, 4, 3), dict(padding=(1, 0))),
    ("Conv1d", (3, 4, 5), dict(stride=2, padding=2)), ("Conv1d", (3, 4, 5), dict(padding="valid")),
    ("ConvTranspose2d", (3, 4, 3), dict(stride=2, output_padding=1)), ("ConvTranspose1d", (4, 2, 3), dict(groups=2)),
    ("MaxPool2d", (2,), {}), ("MaxPool2d", ((2, 3),), dict(stride=1, padding=1, dilation=2, ceil_mode=True)),
    ("MaxPool2d", (3, 2, 1), dict(return_indices=True)), ("MaxPool1d", (3,), {}), ("MaxPool1d", (4, 2, 1, 1, True), {}),
    ("AvgPool2d", (2,), {}), ("AvgPool2d", (3, 2, 1, True, False, 2), {}), ("AvgPool2d", ((2, 3),), dict(stride=(1, 2))),
    ("AvgPool1d", (3,), {}), ("AvgPool1d", (3, 2, 1, True, False), {}),
    ("AdaptiveAvgPool2d", ((1, 1),), {}), ("AdaptiveAvgPool2d", (7,), {}), ("AdaptiveAvgPool2d", ((None, 3),), {}),
    ("AdaptiveAvgPool1d", (4,), {}), ("AdaptiveMaxPool2d", (3,), dict(return_indices=True)),
    ("AdaptiveMaxPool1d", (2,), {}), ("MaxUnpool2d", (2,), {}), ("MaxUnpool2d", ((2, 3),), dict(stride=1, padding=1)),
    ("MaxUnpool1d", (2,), {}), ("MaxUnpool1d", (3, 2, 1), {}),
    ("BatchNorm2d", (16,), {}), ("BatchNorm1d", (4,), dict(eps=1e-3, momentum=None, affine=False,
                                                            track_running_stats=False)),
    ("BatchNorm2d", (8,), dict(momentum=0.01, bias=False)),
    ("LayerNorm", (10,), {}), ("LayerNorm", ((3, 4),), dict(eps=1e-6, elementwise_affine=False)),
    ("LayerNorm", (5,), dict(bias=False)),
    ("LSTM", (10, 20), dict(num_layers=2, batch_first=True)), ("LSTM", (10, 20), {}),
    ("GRU", (3, 4), dict(num_layers=2, bias=False, dropout=0.5, bidirectional=True)),
    ("RNN", (3, 4), dict(nonlinearity="relu")), ("RNN", (3, 4, 2), {}),
    ("Embedding", (10, 3), dict(padding_idx=0)), ("Embedding", (10, 3), {}), ("Embedding", (10, 3), dict(padding_idx=-1)),
    ("Dropout", (), {}), ("Dropout", (0.2,), {}), ("Dropout2d", (0.3,), {}), ("Dropout", (), dict(p=0.1, inplace=True)),
]


@pytest.mark.parametrize("name, args, kwargs", REPR_CASES, ids=lambda v: str(v) if isinstance(v, str) else "")
def test_module_repr_is_pytorchs(name, args, kwargs):
    torch = _torch()
    assert repr(getattr(nn, name)(*args, **kwargs)) == repr(getattr(torch.nn, name)(*args, **kwargs))


def test_printed_model_is_pytorchs():
    torch = _torch()

    def model(lib):
        m = lib.nn
        return m.Sequential(m.Conv2d(1, 32, kernel_size=3), m.BatchNorm2d(32), m.ReLU(), m.MaxPool2d(2),
                            m.Conv2d(32, 64, 3, padding=1), m.AvgPool2d(2, ceil_mode=True), m.Dropout(0.25),
                            m.AdaptiveMaxPool2d((2, 2)), m.Flatten(), m.Linear(256, 10), m.LayerNorm(10))

    assert repr(model(tg)) == repr(model(torch))
    assert repr(nn.ModuleList([nn.LSTM(4, 8, batch_first=True), nn.Embedding(5, 4, padding_idx=0)])) == \
        repr(torch.nn.ModuleList([torch.nn.LSTM(4, 8, batch_first=True), torch.nn.Embedding(5, 4, padding_idx=0)]))
