"""The convolutional and recurrent ops (issue 19): gradients against finite differences (float64), second
derivatives through create_graph, values and gradients against PyTorch when it is installed, closed forms
and known values, and clear errors on bad arguments."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tensorgrad as tg

rng = np.random.default_rng(19)


def _leaves(*shapes):
    return [tg.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes]


def _weighted(fn):
    """A scalar program: fixed-weight sum of fn's output (or outputs), so no gradient hides in a plain sum."""
    def program(*xs):
        out = fn(*xs)
        outs = out if isinstance(out, tuple) else (out,)
        total = None
        for k, o in enumerate(outs):
            term = (o * np.cos(np.arange(o.size) + k).reshape(o.shape)).sum()
            total = term if total is None else total + term
        return total
    return program


def _second_order(fn):
    """Σ (dL/dx)²: its gradient needs the backward rule to be differentiable again."""
    def program(*xs):
        grads = tg.grad(_weighted(fn)(*xs), list(xs), create_graph=True, allow_unused=True)
        return sum((g * g).sum() for g in grads if g is not None)
    return program


CASES = {
    "conv2d": (lambda x, w, b: tg.conv2d(x, w, b), [(2, 3, 5, 4), (2, 3, 3, 2), (2,)]),
    "conv2d_stride_pad": (lambda x, w, b: tg.conv2d(x, w, b, stride=2, padding=1), [(1, 2, 6, 5), (3, 2, 3, 3), (3,)]),
    "conv2d_dilation_same": (lambda x, w: tg.conv2d(x, w, padding="same", dilation=2), [(1, 2, 6, 6), (2, 2, 2, 3)]),
    "conv2d_groups": (lambda x, w: tg.conv2d(x, w, groups=2, stride=(1, 2)), [(1, 4, 4, 5), (4, 2, 2, 2)]),
    "conv1d": (lambda x, w, b: tg.conv1d(x, w, b, stride=2, padding=1), [(2, 2, 7), (3, 2, 3), (3,)]),
    "conv_transpose2d": (lambda x, w, b: tg.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1),
                         [(2, 3, 3, 4), (3, 2, 3, 2), (2,)]),
    "conv_transpose2d_groups_dilation": (lambda x, w: tg.conv_transpose2d(x, w, groups=2, stride=(1, 2), dilation=2),
                                         [(1, 4, 3, 3), (4, 1, 2, 2)]),
    "conv_transpose1d": (lambda x, w, b: tg.conv_transpose1d(x, w, b, stride=3, padding=1), [(2, 2, 4), (2, 3, 3), (3,)]),
    "max_pool2d": (lambda x: tg.max_pool2d(x, 2), [(2, 2, 4, 5)]),
    "max_pool2d_overlap": (lambda x: tg.max_pool2d(x, 3, stride=1, padding=1), [(1, 2, 4, 4)]),
    "avg_pool2d": (lambda x: tg.avg_pool2d(x, 2, stride=1), [(2, 2, 4, 3)]),
    "avg_pool2d_pad": (lambda x: tg.avg_pool2d(x, 3, 2, 1, count_include_pad=False), [(1, 2, 5, 5)]),
    "max_pool1d": (lambda x: tg.max_pool1d(x, 2), [(2, 3, 6)]),
    "avg_pool1d": (lambda x: tg.avg_pool1d(x, 3, 2), [(2, 3, 7)]),
    "adaptive_avg_pool2d": (lambda x: tg.adaptive_avg_pool2d(x, (2, 3)), [(2, 2, 5, 7)]),
    "embedding": (lambda w: tg.embedding(np.array([[0, 2, 2], [3, 0, 1]]), w), [(4, 3)]),
    "batch_norm": (lambda x, g, b: tg.batch_norm(x, None, None, g, b, training=True), [(4, 3, 2, 2), (3,), (3,)]),
    "layer_norm": (lambda x, g, b: tg.layer_norm(x, (3, 2), g, b), [(4, 3, 2), (3, 2), (3, 2)]),
    "rnn_tanh_cell": (lambda x, h, wi, wh, bi, bh: tg.rnn_tanh_cell(x, h, wi, wh, bi, bh),
                      [(2, 3), (2, 4), (4, 3), (4, 4), (4,), (4,)]),
    "lstm_cell": (lambda x, h, c, wi, wh, bi: tg.lstm_cell(x, (h, c), wi, wh, bi),
                  [(2, 3), (2, 2), (2, 2), (8, 3), (8, 2), (8,)]),
    "gru_cell": (lambda x, h, wi, wh, bi, bh: tg.gru_cell(x, h, wi, wh, bi, bh),
                 [(2, 3), (2, 2), (6, 3), (6, 2), (6,), (6,)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradients_equal_finite_differences(name):
    fn, shapes = CASES[name]
    assert tg.gradcheck(_weighted(fn), _leaves(*shapes))


@pytest.mark.parametrize("name", sorted(CASES))
def test_second_derivatives_equal_finite_differences(name):
    fn, shapes = CASES[name]
    if name.startswith(("max_pool", "avg_pool", "adaptive", "embedding")):   # linear in x: square it first
        fn = (lambda f: lambda *xs: f(*xs) * f(*xs))(fn)
    assert tg.gradcheck(_second_order(fn), _leaves(*shapes), atol=1e-4, rtol=1e-3)


def test_conv2d_known_values_and_closed_form():
    """A 3x3 image with a 2x2 kernel of ones sums each window; dL/dx counts the windows covering a pixel."""
    x = tg.tensor(np.arange(9.0).reshape(1, 1, 3, 3), requires_grad=True)
    y = tg.conv2d(x, np.ones((1, 1, 2, 2)))
    np.testing.assert_array_equal(y.numpy(force=True)[0, 0], [[8, 12], [20, 24]])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(force=True)[0, 0], [[1, 2, 1], [2, 4, 2], [1, 2, 1]])


def test_conv_transpose2d_spreads_each_pixel_times_the_kernel():
    """Known values: a 2x2 input of ones, kernel [[1, 2], [3, 4]], stride 2: four disjoint copies of the
    kernel; stride 1: the copies overlap and add. Its input gradient is the correlation of g with the kernel,
    and it is conv2d's input gradient (the adjoint: <conv(x), y> = <x, conv_transpose(y)>)."""
    k = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    np.testing.assert_array_equal(tg.conv_transpose2d(np.ones((1, 1, 2, 2)), k, stride=2).numpy()[0, 0],
                                  np.tile(k[0, 0], (2, 2)))
    np.testing.assert_array_equal(tg.conv_transpose2d(np.ones((1, 1, 2, 2)), k).numpy()[0, 0],
                                  [[1, 3, 2], [4, 10, 6], [3, 7, 4]])
    x, y, w = rng.standard_normal((2, 3, 8, 6)), rng.standard_normal((2, 4, 4, 4)), rng.standard_normal((4, 3, 3, 2))
    forward = float((tg.conv2d(x, w, stride=2, padding=1).numpy() * y).sum())
    back = float((x * tg.conv_transpose2d(y, w, stride=2, padding=1, output_padding=(1, 0)).numpy()).sum())
    assert forward == pytest.approx(back, rel=1e-12)


def test_max_pool_gradient_goes_to_the_max():
    x = tg.tensor(np.array([[[[1.0, 5.0], [3.0, 2.0]]]]), requires_grad=True)
    tg.max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(force=True)[0, 0], [[0, 1], [0, 0]])


def test_max_pool_ties_go_to_the_first_maximum_and_nan_wins():
    """PyTorch's rule: a later element takes over only when larger (ties keep the first, in row-major window
    order) or NaN (so the last NaN of a window is its argmax, and the window's value is NaN)."""
    x = tg.tensor(np.array([[[[0.0, 0.0, 1.0, np.nan, 3.0, np.nan, 7.0, 7.0],
                              [0.0, 0.0, 1.0, 1.0, np.nan, 2.0, 0.0, 7.0]]]]), requires_grad=True)
    y = tg.max_pool2d(x, 2)
    np.testing.assert_array_equal(y.numpy(force=True)[0, 0, 0], [0.0, np.nan, np.nan, 7.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(force=True)[0, 0], [[1, 0, 0, 1, 0, 0, 1, 0],
                                                                   [0, 0, 0, 0, 1, 0, 0, 0]])


@pytest.mark.parametrize("shape, view", [((4, 6, 1, 1), lambda a: a), ((2, 3, 5, 5), lambda a: a[:, ::-1]),
                                         ((2, 3, 5, 1), lambda a: a)])
def test_conv_outputs_of_ambiguous_or_reversed_contiguous_inputs_are_contiguous(shape, view):
    """A contiguous (N, C, 1, 1) latent (a DCGAN generator's first input), a single column, or channels read
    backwards are not channels last: the outputs are contiguous, as PyTorch's, so .view works."""
    x = tg.tensor(view(rng.standard_normal(shape)))
    c = shape[1]
    y = tg.conv2d(x, rng.standard_normal((2, c, 1, 1)), padding=1)
    z = tg.conv_transpose2d(x, rng.standard_normal((c, 2, 4, 4)))
    assert y.is_contiguous() and z.is_contiguous()
    assert z.view(shape[0], -1).shape == (shape[0], z.size // shape[0])


@pytest.mark.parametrize("channels", [1, 3])
def test_conv_outputs_are_laid_out_as_their_inputs_so_view_works_as_in_pytorch(channels):
    """PyTorch's rule: a contiguous (N, C, H, W) input gives a contiguous output (``.view(n, -1)`` works, as
    the tutorials use it), a channels-last one (the Keras layers') a channels-last output; same values."""
    data = rng.standard_normal((2, 7, 6, channels))
    w = rng.standard_normal((4, channels, 3, 3))
    nchw, nhwc = tg.tensor(data.transpose(0, 3, 1, 2).copy()), tg.tensor(data).permute(0, 3, 1, 2)
    for op in (lambda x: tg.conv2d(x, w, padding=1), lambda x: tg.conv_transpose2d(x, w.transpose(1, 0, 2, 3))):
        y, y_last = op(nchw), op(nhwc)
        assert y.is_contiguous() and y.view(2, -1).shape == (2, y.size // 2)
        assert y_last.permute(0, 2, 3, 1).is_contiguous()
        np.testing.assert_allclose(y.numpy(), y_last.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("padding", [0, 1])
def test_max_pool_keeps_a_channels_last_input_channels_last_with_the_same_values_and_gradients(padding):
    """An (N, C, H, W) view of channels-last memory (as the Keras layers pass it) gives an output laid out
    channels last too, and the same values and gradients (through the recorded backward too) as a contiguous input."""
    data = rng.standard_normal((2, 5, 6, 3))                       # (n, h, w, c) in memory
    outs = []
    for x in (tg.tensor(data.transpose(0, 3, 1, 2).copy(), requires_grad=True),
              tg.tensor(data, requires_grad=True).transpose((0, 3, 1, 2))):
        y = tg.max_pool2d(x, 3, 2, padding)
        weights = np.cos(np.arange(y.size)).reshape(y.shape)
        g, = tg.grad((y * weights).sum(), [x], create_graph=True)
        outs.append((y.numpy(force=True), g.numpy(force=True), y.detach().numpy().strides))
    np.testing.assert_array_equal(outs[0][0], outs[1][0])
    np.testing.assert_array_equal(outs[0][1], outs[1][1])
    assert outs[1][2][1] < outs[1][2][3], "the channels-last input's output is channels last (channel stride smallest)"


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.float16])
def test_max_pool_pads_integers_with_their_minimum(dtype):
    """Padding counts as the lowest value of the dtype (-inf for floats): windows of negative integers that
    overlap the padding give their own maximum (3x3, stride 2, padding 1 over -1 .. -16: -1, -2, -5, -6)."""
    x = -np.arange(1, 17).reshape(1, 1, 4, 4).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = tg.max_pool2d(tg.tensor(x), 3, 2, 1).numpy()
    assert y.dtype == dtype
    np.testing.assert_array_equal(y.ravel(), [-1, -2, -5, -6])


def test_max_pool_windows_of_minus_infinity_send_the_gradient_to_their_first_input_not_the_padding():
    """3x3 windows, stride 1, padding 1 over a 3x3 input of -inf: each window's gradient goes to its first
    in-bounds element (as PyTorch), so the nine windows' ones land on (0,0) x4, (0,1) x2, (1,0) x2, (1,1)."""
    x = tg.tensor(np.full((1, 1, 3, 3), -np.inf), requires_grad=True)
    tg.max_pool2d(x, 3, 1, 1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(force=True)[0, 0], [[4, 2, 0], [2, 1, 0], [0, 0, 0]])


def test_lstm_cell_outputs_are_contiguous():
    """h' and c' come back as two contiguous arrays (as PyTorch's), so .view works on each."""
    h2, c2 = tg.lstm_cell(rng.standard_normal((3, 4)), (rng.standard_normal((3, 5)), rng.standard_normal((3, 5))),
                          rng.standard_normal((20, 4)), rng.standard_normal((20, 5)))
    assert h2.is_contiguous() and c2.is_contiguous() and h2.view(15).shape == (15,)


def test_batch_norm_updates_running_statistics_and_uses_them_in_inference():
    x = rng.standard_normal((8, 3, 2, 2)) * 2 + 1
    rm, rv = np.zeros(3), np.ones(3)
    y = tg.batch_norm(x, rm, rv, training=True, momentum=0.1)
    np.testing.assert_allclose(y.numpy(force=True).mean(axis=(0, 2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(rm, 0.1 * x.mean(axis=(0, 2, 3)))
    np.testing.assert_allclose(rv, 0.9 + 0.1 * x.var(axis=(0, 2, 3), ddof=1))
    out = tg.batch_norm(x, rm, rv, training=False)
    np.testing.assert_allclose(out.numpy(force=True), (x - rm.reshape(1, 3, 1, 1)) / np.sqrt(rv.reshape(1, 3, 1, 1) + 1e-5))


def test_embedding_gradient_scatter_adds_repeated_rows():
    w = tg.tensor(np.zeros((3, 2)), requires_grad=True)
    tg.embedding(np.array([0, 2, 0]), w).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(force=True), [[2, 2], [0, 0], [1, 1]])


@pytest.mark.parametrize("call, message", [
    (lambda: tg.conv2d(np.ones((1, 2, 4, 4)), np.ones((3, 3, 2, 2))), "channels"),
    (lambda: tg.conv2d(np.ones((2, 4, 4)), np.ones((3, 2, 2, 2))), "4-d"),
    (lambda: tg.conv2d(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3))), "smaller than the dilated kernel"),
    (lambda: tg.conv2d(np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3)), padding="full"), "padding"),
    (lambda: tg.conv2d(np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3)), stride=0), "stride"),
    (lambda: tg.conv2d(np.ones((1, 1, 4, 4)), np.ones((2, 1, 3, 3)), np.ones(3)), "bias"),
    (lambda: tg.max_pool2d(np.ones((1, 1, 4, 4)), 2, padding=2), "half the kernel"),
    (lambda: tg.conv_transpose2d(np.ones((1, 2, 4, 4)), np.ones((3, 1, 2, 2))), "first axis is the input channels"),
    (lambda: tg.conv_transpose2d(np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 2)), stride=2, output_padding=2),
     "output_padding"),
    (lambda: tg.conv_transpose2d(np.ones((1, 1, 2, 2)), np.ones((1, 1, 2, 2)), padding=2), "empty output"),
    (lambda: tg.conv_transpose2d(np.ones((1, 2, 0, 4)), np.ones((2, 3, 3, 3))), "no pixels"),
    (lambda: tg.conv_transpose1d(np.ones((1, 1, 4)), np.ones((1, 1, 2)), padding=-1), "padding"),
    (lambda: tg.embedding(np.array([0, 5]), np.ones((3, 2))), "out of range"),
    (lambda: tg.embedding(np.array([0.5]), np.ones((3, 2))), "integers"),
    (lambda: tg.batch_norm(np.ones((1, 3)), None, None, training=True), "more than 1 value"),
    (lambda: tg.batch_norm(np.ones((2, 3)), np.zeros(4), np.ones(3)), "running_mean"),
    (lambda: tg.layer_norm(np.ones((2, 3)), 4), "normalized_shape"),
    (lambda: tg.lstm_cell(np.ones((2, 3)), (np.ones((2, 2)), np.ones((2, 2))), np.ones((4, 3)), np.ones((8, 2))),
     "w_ih"),
    (lambda: tg.lstm_cell(np.ones((2, 3)), (np.ones((2, 2)), np.ones((2, 3))), np.ones((8, 3)), np.ones((8, 2))),
     "cell state"),
])
def test_bad_arguments_raise_clear_errors(call, message):
    with pytest.raises((ValueError, TypeError, IndexError), match=message):
        call()


# ------------------------------------------------------------------ against PyTorch
try:
    import torch
    import torch.nn.functional as TF
except ImportError:   # pragma: no cover - torch is an optional extra
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed (pip install torch==2.13.0)")

TORCH_CASES = {
    "conv2d": (lambda m, x, w, b: m.conv2d(x, w, b, stride=2, padding=1, dilation=1), [(2, 3, 7, 6), (4, 3, 3, 3), (4,)]),
    "conv2d_same_dilated": (lambda m, x, w, b: m.conv2d(x, w, b, padding="same", dilation=2),
                            [(2, 2, 6, 7), (3, 2, 3, 2), (3,)]),
    "conv2d_groups": (lambda m, x, w: m.conv2d(x, w, groups=3, stride=(2, 1), padding=(1, 0)), [(2, 6, 5, 5), (6, 2, 2, 3)]),
    "conv1d": (lambda m, x, w, b: m.conv1d(x, w, b, stride=2, padding=2, dilation=2), [(2, 3, 9), (2, 3, 3), (2,)]),
    "conv_transpose2d": (lambda m, x, w, b: m.conv_transpose2d(x, w, b, stride=2, padding=(1, 0), output_padding=(1, 0)),
                         [(2, 4, 5, 3), (4, 3, 3, 2), (3,)]),
    "conv_transpose2d_groups": (lambda m, x, w, b: m.conv_transpose2d(x, w, b, stride=(1, 3), groups=2, dilation=(2, 1),
                                                                      output_padding=(1, 2)),
                                [(2, 4, 4, 3), (4, 3, 2, 3), (6,)]),
    "conv_transpose1d": (lambda m, x, w: m.conv_transpose1d(x, w, stride=2, padding=2, dilation=2), [(2, 3, 6), (3, 2, 3)]),
    "max_pool2d": (lambda m, x: m.max_pool2d(x, 3, stride=2, padding=1), [(2, 3, 7, 6)]),
    "max_pool2d_ceil": (lambda m, x: m.max_pool2d(x, 2, ceil_mode=True), [(2, 3, 5, 7)]),
    "avg_pool2d": (lambda m, x: m.avg_pool2d(x, 3, stride=2, padding=1), [(2, 3, 7, 6)]),
    "avg_pool2d_no_pad_count": (lambda m, x: m.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False),
                                [(2, 3, 7, 6)]),
    "max_pool1d": (lambda m, x: m.max_pool1d(x, 3, stride=2), [(2, 3, 9)]),
    "avg_pool1d": (lambda m, x: m.avg_pool1d(x, 2), [(2, 3, 9)]),
    "adaptive_avg_pool2d": (lambda m, x: m.adaptive_avg_pool2d(x, (3, 4)), [(2, 3, 7, 9)]),
    "layer_norm": (lambda m, x, g, b: m.layer_norm(x, (4,), g, b), [(3, 5, 4), (4,), (4,)]),
    "batch_norm": (lambda m, x, g, b: m.batch_norm(x, None, None, g, b, training=True), [(4, 3, 2, 2), (3,), (3,)]),
}


def _torch_fns():
    class Tg:
        conv2d, conv1d, max_pool2d, avg_pool2d = tg.conv2d, tg.conv1d, tg.max_pool2d, tg.avg_pool2d
        conv_transpose2d, conv_transpose1d = tg.conv_transpose2d, tg.conv_transpose1d
        max_pool1d, avg_pool1d, adaptive_avg_pool2d = tg.max_pool1d, tg.avg_pool1d, tg.adaptive_avg_pool2d
        layer_norm, batch_norm = tg.layer_norm, tg.batch_norm
    return Tg, TF


@needs_torch
@pytest.mark.parametrize("name", sorted(TORCH_CASES))
def test_values_and_gradients_equal_pytorch(name):
    fn, shapes = TORCH_CASES[name]
    ours, theirs = _torch_fns()
    arrays = [rng.standard_normal(s) for s in shapes]
    xs = [tg.tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, yt = fn(ours, *xs), fn(theirs, *ts)
    weights = rng.standard_normal(yt.shape)
    (y * weights).sum().backward()
    (yt * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(y.numpy(force=True), yt.detach().numpy(), atol=1e-5)
    for x, t in zip(xs, ts):
        np.testing.assert_allclose(x.grad.numpy(force=True), t.grad.numpy(), atol=1e-5)


@needs_torch
@pytest.mark.parametrize("kernel, stride, padding, dilation", [(2, 2, 0, 1), (3, 1, 1, 1), (3, 2, 1, 2), ((2, 3), (1, 2), (1, 0), 1)])
def test_max_pool_with_many_ties_and_nans_equals_pytorch(kernel, stride, padding, dilation):
    """Few distinct values (ties everywhere, as after a ReLU) and a few NaNs: the same values and the same
    argmax for every window, so the gradients match where windows overlap too."""
    x = np.maximum(rng.integers(-2, 3, (2, 3, 9, 8)), 0).astype(np.float64)
    x[0, 0, 1, 2] = x[1, 2, 5, 5] = x[1, 2, 5, 6] = np.nan
    ours, theirs = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y = tg.max_pool2d(ours, kernel, stride, padding, dilation)
    yt = TF.max_pool2d(theirs, kernel, stride, padding, dilation)
    weights = rng.standard_normal(yt.shape)
    (y * weights).sum().backward()
    (yt * torch.tensor(weights)).sum().backward()
    np.testing.assert_array_equal(y.numpy(force=True), yt.detach().numpy())
    np.testing.assert_allclose(ours.grad.numpy(force=True), theirs.grad.numpy(), atol=1e-12)


@needs_torch
@pytest.mark.parametrize("cell", ["rnn_tanh_cell", "lstm_cell", "gru_cell"])
def test_cells_equal_pytorch(cell):
    gates = {"rnn_tanh_cell": 1, "lstm_cell": 4, "gru_cell": 3}[cell]
    arrays = [rng.standard_normal(s) for s in [(3, 4), (3, 5), (gates * 5, 4), (gates * 5, 5), (gates * 5,), (gates * 5,)]]
    c0 = rng.standard_normal((3, 5))
    xs = [tg.tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    if cell == "lstm_cell":
        h, c = tg.lstm_cell(xs[0], (xs[1], c0), *xs[2:])
        ht, ct = torch.lstm_cell(ts[0], (ts[1], torch.tensor(c0)), *ts[2:])
        y, yt = h * 2 + c, ht * 2 + ct
    else:
        y, yt = getattr(tg, cell)(*xs), getattr(torch, cell)(*ts)
    y.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(y.numpy(force=True), yt.detach().numpy(), atol=1e-6)
    for x, t in zip(xs, ts):
        np.testing.assert_allclose(x.grad.numpy(force=True), t.grad.numpy(), atol=1e-6)


@needs_torch
def test_batch_norm_running_statistics_equal_pytorch():
    x = rng.standard_normal((6, 3, 4))
    rm, rv = np.zeros(3), np.ones(3)
    rmt, rvt = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    tg.batch_norm(x, rm, rv, training=True, momentum=0.3)
    TF.batch_norm(torch.tensor(x), rmt, rvt, training=True, momentum=0.3)
    np.testing.assert_allclose(rm, rmt.numpy())
    np.testing.assert_allclose(rv, rvt.numpy())


@needs_torch
def test_embedding_equals_pytorch():
    w = rng.standard_normal((5, 3))
    idx = np.array([[1, 4, 1], [0, 2, 4]])
    ours = tg.tensor(w, requires_grad=True)
    theirs = torch.tensor(w, requires_grad=True)
    weights = rng.standard_normal((2, 3, 3))
    (tg.embedding(idx, ours, padding_idx=4) * weights).sum().backward()
    (TF.embedding(torch.tensor(idx), theirs, padding_idx=4) * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(force=True), theirs.grad.numpy())


def test_zero_dim_outputs_saved_for_backward_keep_their_graph():
    """numpy returns 0-d results as scalars; an op that saves its output (exp) must still hand the output's
    Tensor to a create_graph backward, or second derivatives of scalars are silently wrong (found by the fuzzer)."""
    x = tg.tensor(1.0, requires_grad=True)
    g, = tg.grad(tg.exp(x), [x], create_graph=True)
    second, = tg.grad(g, [x])
    assert second.numpy(force=True) == pytest.approx(np.e)
