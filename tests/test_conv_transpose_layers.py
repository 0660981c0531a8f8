"""Transposed-convolution layers (issue 19): PyTorch's ConvTranspose1d/2d against PyTorch itself when it is
installed (state dicts both ways, values, gradients, output_size, repr); Keras's Conv1DTranspose/
Conv2DTranspose against Keras's recorded outputs and its documented route (the input dilated by the strides, padded by Keras's
pads, correlated with the flipped kernel) written out in numpy; known values of a kernel of ones; finite
differences; config, ``.keras`` and summary round trips; a DCGAN-style generator that learns."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import safetensors

import nn
import optim
import tensorgrad as tg
from nn.keras import layers as L

try:
    import torch
except ImportError:   # pragma: no cover - torch is an optional extra
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed (pip install torch==2.13.0)")

FIXTURES = Path(__file__).parent / "fixtures"
rng = np.random.default_rng(19)
TOL = dict(rtol=1e-5, atol=1e-5)


@pytest.fixture(autouse=True)
def fresh_names():
    nn.clear_session()
    tg.manual_seed(0)


def values(t):
    return t.detach().numpy()


# ------------------------------------------------------------------ PyTorch's modules against PyTorch
TORCH_CASES = {
    "2d_dcgan": ("ConvTranspose2d", (8, 4, 4), dict(stride=2, padding=1), (2, 8, 3, 5)),
    "2d_default": ("ConvTranspose2d", (3, 2, (2, 3)), {}, (2, 3, 4, 4)),
    "2d_all_arguments": ("ConvTranspose2d", (4, 6, (3, 2)), dict(stride=(2, 3), padding=(1, 0), output_padding=(1, 2),
                                                               groups=2, bias=False, dilation=(2, 1)), (2, 4, 4, 3)),
    "1d": ("ConvTranspose1d", (3, 5, 3), dict(stride=2, padding=1, output_padding=1), (2, 3, 7)),
    "1d_grouped_dilated": ("ConvTranspose1d", (4, 2, 2), dict(stride=3, groups=2, dilation=2, output_padding=1),
                           (2, 4, 5)),
}


def pair(case):
    kind, args, kwargs, shape = TORCH_CASES[case]
    theirs = getattr(torch.nn, kind)(*args, **kwargs).double()
    ours = getattr(nn, kind)(*args, **kwargs, dtype=np.float64)
    return ours, theirs, shape


@needs_torch
@pytest.mark.parametrize("case", sorted(TORCH_CASES))
def test_a_pytorch_state_dict_loads_and_the_layer_computes_what_pytorch_does(case):
    ours, theirs, shape = pair(case)
    assert {k: tuple(v.shape) for k, v in theirs.state_dict().items()} == \
        {k: v.shape for k, v in ours.state_dict().items()}
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = rng.standard_normal(shape)
    xs, xt = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, yt = ours(xs), theirs(xt)
    np.testing.assert_allclose(values(y), yt.detach().numpy(), **TOL)
    w = rng.standard_normal(yt.shape)
    (y * w).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(values(xs.grad), xt.grad.numpy(), **TOL)
    for (name, p), (_, pt) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(values(p.grad), pt.grad.numpy(), **TOL, err_msg=name)


@needs_torch
@pytest.mark.parametrize("case", sorted(TORCH_CASES))
def test_our_state_dict_loads_into_pytorch(case):
    ours, theirs, shape = pair(case)
    theirs.load_state_dict({k: torch.tensor(v) for k, v in ours.state_dict().items()})
    x = rng.standard_normal(shape)
    np.testing.assert_allclose(values(ours(x)), theirs(torch.tensor(x)).detach().numpy(), **TOL)


@needs_torch
@pytest.mark.parametrize("case", sorted(TORCH_CASES))
def test_repr_is_pytorchs(case):
    ours, theirs, _ = pair(case)
    assert repr(ours) == repr(theirs)


@needs_torch
def test_output_size_picks_pytorchs_output_padding_for_every_valid_size():
    ours, theirs, shape = pair("2d_all_arguments")
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = rng.standard_normal(shape)
    smallest = theirs(torch.tensor(x)).shape[2:]           # its output_padding (1, 2) is on top of the smallest
    smallest = (smallest[0] - 1, smallest[1] - 2)
    for rows in range(smallest[0], smallest[0] + 2):        # strides (2, 3): sizes up to smallest + stride - 1
        for cols in range(smallest[1], smallest[1] + 3):
            expected = theirs(torch.tensor(x), output_size=[rows, cols]).detach().numpy()
            np.testing.assert_allclose(values(ours(x, output_size=(rows, cols))), expected, **TOL)
    full_shape = (2, 6, smallest[0] + 1, smallest[1])        # the whole output shape is accepted too, as PyTorch
    assert ours(x, output_size=full_shape).shape == full_shape


@needs_torch
def test_pytorchs_initialisation_bounds_and_a_layer_of_float32_by_default():
    theirs = torch.nn.ConvTranspose2d(6, 9, 3, groups=3)
    ours = nn.ConvTranspose2d(6, 9, 3, groups=3)
    bound = 1 / math.sqrt(3 * 3 * 3)                        # fan_in from out/groups = 3 times the 3x3 field
    for ours_p, theirs_p in ((ours.weight, theirs.weight), (ours.bias, theirs.bias)):
        assert np.abs(values(ours_p)).max() <= bound and theirs_p.abs().max().item() <= bound
    assert np.abs(values(ours.weight)).max() > 0.9 * bound          # 162 draws fill the range
    assert ours.weight.dtype == np.float32


# ------------------------------------------------------------------ PyTorch's modules without PyTorch
def ones_layer(cls, *args, **kwargs):
    layer = cls(*args, bias=False, dtype=np.float64, **kwargs)
    layer.weight.data[...] = 1.0
    return layer


def test_a_kernel_of_ones_spreads_each_pixel_over_its_window():
    image = np.arange(1.0, 7.0).reshape(1, 1, 2, 3)
    blocks = ones_layer(nn.ConvTranspose2d, 1, 1, 2, stride=2)(image)   # stride = kernel: each pixel a 2x2 block
    np.testing.assert_array_equal(values(blocks)[0, 0], np.kron(image[0, 0], np.ones((2, 2))))
    overlapping = values(ones_layer(nn.ConvTranspose2d, 1, 1, 2)(image))[0, 0]     # stride 1: window sums
    padded = np.pad(image[0, 0], 1)
    np.testing.assert_array_equal(overlapping, padded[:-1, :-1] + padded[1:, :-1] + padded[:-1, 1:] + padded[1:, 1:])
    # in 1-d: [1, 2, 3] over a window of 3 at stride 2 gives [1, 1, 1+2, 2, 2+3, 3, 3]; padding crops both ends,
    # output_padding gives one back at the end
    line = np.array([[[1.0, 2.0, 3.0]]])
    np.testing.assert_array_equal(values(ones_layer(nn.ConvTranspose1d, 1, 1, 3, stride=2)(line)),
                                  [[[1, 1, 3, 2, 5, 3, 3]]])
    np.testing.assert_array_equal(values(ones_layer(nn.ConvTranspose1d, 1, 1, 3, stride=2, padding=1,
                                                    output_padding=1)(line)), [[[1, 3, 2, 5, 3, 3]]])


def test_the_bias_is_added_to_every_output_position_and_channels_follow_the_weight_layout():
    layer = nn.ConvTranspose2d(2, 3, 1, dtype=np.float64)
    layer.weight.data[...] = np.arange(6.0).reshape(2, 3, 1, 1)            # (in, out, 1, 1): a 1x1 mixing
    layer.bias.data[...] = [10.0, 20.0, 30.0]
    x = rng.standard_normal((1, 2, 2, 2))
    expected = np.einsum("nihw,io->nohw", x, np.arange(6.0).reshape(2, 3)) + np.array([10, 20, 30])[:, None, None]
    np.testing.assert_allclose(values(layer(x)), expected, rtol=1e-12)


def test_unbatched_input_is_the_batched_result_of_one():
    layer = nn.ConvTranspose2d(2, 3, 3, stride=2)
    x = rng.standard_normal((2, 4, 5)).astype(np.float32)
    np.testing.assert_allclose(values(layer(x)), values(layer(x[None]))[0], rtol=1e-6)
    assert layer(x, output_size=(10, 12)).shape == (3, 10, 12)
    line = nn.ConvTranspose1d(2, 3, 3)
    assert line(x[:, 0]).shape == (3, 7)


def test_reset_parameters_draws_again_within_pytorchs_bounds():
    layer = nn.ConvTranspose1d(4, 10, 5, groups=2)
    before = layer.state_dict()
    layer.reset_parameters()
    bound = 1 / math.sqrt(10 // 2 * 5)
    for name, value in layer.state_dict().items():
        assert not np.array_equal(value, before[name]) and np.abs(value).max() <= bound, name
    tg.manual_seed(3)
    first = nn.ConvTranspose1d(4, 10, 5).state_dict()
    tg.manual_seed(3)
    assert all(np.array_equal(v, first[k]) for k, v in nn.ConvTranspose1d(4, 10, 5).state_dict().items())


def test_repr_without_pytorch():
    assert repr(nn.ConvTranspose2d(16, 8, 4, 2, 1, bias=False)) == \
        "ConvTranspose2d(16, 8, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=False)"
    assert repr(nn.ConvTranspose1d(4, 2, 3, output_padding=0, groups=2)) == \
        "ConvTranspose1d(4, 2, kernel_size=(3,), stride=(1,), groups=2)"


def grads_by_finite_differences(layer, x, weights, eps=1e-6):
    """Central differences of Σ w ⊙ layer(x) with respect to every element of the layer's parameters."""
    out = {}
    for name, p in layer.named_parameters():
        numeric = np.zeros(p.shape)
        for index in np.ndindex(*p.shape):
            keep = p.data[index]
            p.data[index] = keep + eps
            up = (values(layer(x)) * weights).sum()
            p.data[index] = keep - eps
            down = (values(layer(x)) * weights).sum()
            p.data[index] = keep
            numeric[index] = (up - down) / (2 * eps)
        out[name] = numeric
    return out


@pytest.mark.parametrize("make", [
    lambda: nn.ConvTranspose2d(2, 4, (2, 3), stride=(2, 1), padding=(1, 1), output_padding=(1, 0), groups=2,
                               dtype=np.float64),
    lambda: nn.ConvTranspose1d(2, 3, 3, stride=2, dilation=2, output_padding=1, dtype=np.float64),
    lambda: L.Conv2DTranspose(3, (3, 2), strides=2, padding="same", activation="tanh", dtype="float64"),
    lambda: L.Conv1DTranspose(2, 4, strides=3, output_padding=2, dtype="float64"),
], ids=["ConvTranspose2d", "ConvTranspose1d", "Conv2DTranspose", "Conv1DTranspose"])
def test_gradients_reach_input_weight_and_bias_as_finite_differences_say(make):
    layer = make()
    channels_last = hasattr(layer, "kernel")
    shape = {True: {2: (2, 3, 2, 2), 1: (2, 3, 2)}, False: {2: (2, 2, 3, 2), 1: (2, 2, 3)}}[channels_last][layer.rank]
    x = tg.tensor(rng.standard_normal(shape), requires_grad=True)
    assert tg.gradcheck(lambda inp: (layer(inp) ** 2).sum(), (x,))
    y = layer(x)
    weights = rng.standard_normal(y.shape)
    for p in layer.parameters():
        p.grad = None
    (y * weights).sum().backward()
    numeric = grads_by_finite_differences(layer, values(x), weights)
    assert set(numeric) == ({"kernel", "bias"} if channels_last else {"weight", "bias"})
    for name, p in layer.named_parameters():
        np.testing.assert_allclose(values(p.grad), numeric[name], rtol=1e-6, atol=1e-7, err_msg=name)
    # without an activation, the bias gradient has its closed form: the output gradient summed over all but channels
    channel_axis = y.ndim - 1 if channels_last else 1
    if getattr(layer, "activation", None) is None:
        summed = tuple(a for a in range(y.ndim) if a != channel_axis)
        np.testing.assert_allclose(values(layer.bias.grad), weights.sum(axis=summed), rtol=1e-10)


@pytest.mark.parametrize("make, error", [
    (lambda: nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect"), "padding_mode='zeros'"),
    (lambda: nn.ConvTranspose2d(2, 2, 3, stride=2, output_padding=2), r"output_padding \(2, 2\) must be smaller"),
    (lambda: nn.ConvTranspose2d(3, 2, 3, groups=2), r"in_channels \(3\).*divisible by groups \(2\)"),
    (lambda: nn.ConvTranspose2d(2, 2, 3, padding="same"), "padding must be an integer"),
    (lambda: nn.ConvTranspose1d(2, 2, 0), "kernel_size must be a positive integer"),
    (lambda: nn.ConvTranspose2d(2, 2, 3, padding=-1), "padding must be an integer >= 0"),
    (lambda: nn.ConvTranspose2d(0, 2, 3), "in_channels must be a positive integer"),
    (lambda: L.Conv2DTranspose(2, 3, strides=2, output_padding=2), r"output_padding \(2, 2\) must be smaller than "
                                                                    r"strides"),
    (lambda: L.Conv2DTranspose(2, 3, strides=2, dilation_rate=2), "strides > 1 cannot be combined with dilation"),
    (lambda: L.Conv2DTranspose(2, 3, padding="full"), "padding must be 'valid' or 'same'"),
    (lambda: L.Conv1DTranspose(2, 3, data_format="channels_first"), "channels_last"),
    (lambda: L.Conv2DTranspose(0, 3), "filters must be a positive integer"),
    (lambda: L.Conv2DTranspose(4, 3, groups=2), "take no groups"),
])
def test_bad_arguments_are_named(make, error):
    with pytest.raises(ValueError, match=error):
        make()


def test_bad_inputs_are_named():
    layer = nn.ConvTranspose2d(3, 2, 3, stride=2)
    with pytest.raises(ValueError, match=r"requested an output size of \(20, 9\), but valid sizes range from "
                                         r"\(9, 9\) to \(10, 10\)"):
        layer(np.ones((1, 3, 4, 4)), output_size=(20, 9))
    with pytest.raises(ValueError, match="output_size must be 2 integers"):
        layer(np.ones((1, 3, 4, 4)), output_size=(9,))
    with pytest.raises(ValueError, match=r"ConvTranspose2d: expects input \(batch, channels, height, width\)"):
        layer(np.ones((4, 4)))
    with pytest.raises(ValueError, match="has 2 channels, but the weight"):
        layer(np.ones((1, 2, 4, 4)))
    keras_layer = L.Conv2DTranspose(2, 3, input_shape=(4, 4, 3))
    with pytest.raises(ValueError, match="expects 3 input channels on the last axis"):
        keras_layer(np.ones((1, 4, 4, 5)))
    with pytest.raises(ValueError, match=r"expects input of 3 axes \(batch, steps, channels\)"):
        L.Conv1DTranspose(2, 3)(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"gives an empty output \(0,\)"):
        L.Conv1DTranspose(2, 2, padding="same", output_padding=0)(np.ones((1, 1, 3)))


# ------------------------------------------------------------------ Keras's layers
def keras_route(x, kernel, strides, padding, output_padding, dilation):
    """Keras's transposed convolution as its JAX route describes it, in numpy: the channels-last input
    dilated by the strides (s-1 zeros between inputs), padded on each axis by (left, right) (negative:
    cropped), correlated with the dilated kernel flipped on its spatial axes. Keras's pads per axis:
    'valid' k'-1 and k'-1+p (p = max(k', s) - k' when None); 'same' a total of s+k'-2 (or k'+(k' mod 2)-2+p),
    of which left takes the larger half but at most k'-1."""
    rank = x.ndim - 2
    k = kernel.shape[:rank]
    spans = [d * (kk - 1) + 1 for kk, d in zip(k, dilation)]
    pads = []
    for span, s, p in zip(spans, strides, output_padding or (None,) * rank):
        if padding == "valid":
            extra = max(span, s) - span if p is None else p
            pads.append((span - 1, span - 1 + extra))
        else:
            total = s + span - 2 if p is None else span + span % 2 - 2 + p
            left = min(total - total // 2, span - 1)
            pads.append((left, total - left))
    dilated = np.zeros((x.shape[0], *[(n - 1) * s + 1 for n, s in zip(x.shape[1:-1], strides)], x.shape[-1]))
    dilated[(slice(None),) + tuple(slice(None, None, s) for s in strides)] = x
    room = [max(lo, 0) for lo, _ in pads], [max(hi, 0) for _, hi in pads]
    padded = np.pad(dilated, [(0, 0)] + list(zip(*room)) + [(0, 0)])
    padded = padded[(slice(None),) + tuple(slice(-min(lo, 0), padded.shape[i + 1] + min(hi, 0))
                                           for i, (lo, hi) in enumerate(pads))]
    out_shape = [n - span + 1 for n, span in zip(padded.shape[1:-1], spans)]
    flipped = kernel[tuple(slice(None, None, -1) for _ in range(rank))]              # (*k, filters, in)
    y = np.zeros((x.shape[0], *out_shape, kernel.shape[-2]))
    for position in np.ndindex(*k):
        window = padded[(slice(None),) + tuple(slice(q * d, q * d + n) for q, d, n in zip(position, dilation, out_shape))]
        y += window @ flipped[position].T
    return y


KERAS_CASES = [   # (rank, filters, kernel_size, strides, padding, output_padding, dilation_rate, spatial)
    (2, 3, 3, 2, "same", None, 1, (4, 5)),        # odd total crop: the odd row at the end
    (2, 3, 4, 2, "same", None, 1, (4, 5)),        # even crop: both ends alike
    (2, 2, (3, 2), (2, 3), "same", None, 1, (3, 4)),
    (2, 2, 3, 1, "same", None, 1, (4, 5)),
    (2, 2, 2, 3, "same", None, 1, (3, 3)),        # stride above the kernel: zero rows at the end
    (2, 2, 3, 2, "valid", None, 1, (4, 3)),
    (2, 2, 2, 3, "valid", None, 1, (4, 3)),       # 'valid' with stride > kernel: (n-1)s + s rows
    (2, 2, 3, (3, 2), "valid", (2, 1), 1, (3, 4)),
    (2, 2, 3, 3, "same", (1, 2), 1, (3, 4)),
    (2, 2, 4, 2, "same", 1, 1, (3, 3)),
    (2, 2, 3, 1, "same", None, 2, (5, 4)),        # dilated kernel
    (2, 2, (2, 3), 1, "valid", None, (3, 2), (4, 4)),
    (1, 3, 3, 2, "same", None, 1, (6,)),
    (1, 2, 5, 3, "valid", 2, 1, (4,)),
    (1, 2, 4, 1, "same", None, 2, (7,)),
]


@pytest.mark.parametrize("case", KERAS_CASES, ids=[str(c) for c in KERAS_CASES])
def test_keras_layers_compute_keras_route_and_output_lengths(case):
    rank, filters, kernel_size, strides, padding, output_padding, dilation, spatial = case
    cls = L.Conv2DTranspose if rank == 2 else L.Conv1DTranspose
    layer = cls(filters, kernel_size, strides=strides, padding=padding, output_padding=output_padding,
                dilation_rate=dilation, dtype="float64")
    x = rng.standard_normal((2, *spatial, 3))
    y = values(layer(x))
    expected = keras_route(x, layer.kernel.numpy(force=True), layer.strides, padding, layer.output_padding,
                           layer.dilation_rate)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y, expected, rtol=1e-10, atol=1e-12)
    lengths = [nn.conv_transpose.deconv_output_length(n, k, s, d, padding, p) for n, k, s, d, p in
               zip(spatial, layer.kernel_size, layer.strides, layer.dilation_rate,
                   layer.output_padding or (None,) * rank)]
    assert list(y.shape[1:-1]) == lengths


def test_keras_layers_equal_a_real_keras_on_its_recorded_outputs():
    """tests/fixtures/keras_conv_transpose.safetensors: inputs, kernels, biases and outputs of Keras 3 itself
    (scripts/make_keras_conv_transpose_fixture.py), loaded with set_weights as a Keras user would."""
    with safetensors.safe_open(FIXTURES / "keras_conv_transpose.safetensors", framework="np") as f:
        cases = json.loads(f.metadata()["cases"])
        recorded = {key: f.get_tensor(key) for key in f.keys()}
    assert len(cases) == 14
    for i, (rank, filters, kernel_size, strides, padding, output_padding, dilation, _) in enumerate(cases):
        cls = L.Conv2DTranspose if rank == 2 else L.Conv1DTranspose
        layer = cls(filters, kernel_size, strides=strides, padding=padding, output_padding=output_padding,
                    dilation_rate=dilation)
        x = recorded[f"{i}/input"]
        layer(x)
        layer.set_weights([recorded[f"{i}/kernel"], recorded[f"{i}/bias"]])
        y = values(layer(x))
        assert y.shape == recorded[f"{i}/output"].shape, cases[i]
        np.testing.assert_allclose(y, recorded[f"{i}/output"], **TOL, err_msg=str(cases[i]))


def test_keras_same_gives_input_times_stride_and_known_values_of_a_kernel_of_ones():
    layer = L.Conv1DTranspose(1, 3, strides=2, padding="same", use_bias=False, kernel_initializer="ones")
    y = values(layer(np.array([[[1.0], [2.0], [3.0]]])))
    np.testing.assert_array_equal(y[0, :, 0], [1, 1, 3, 2, 5, 3])    # full spread [1 1 3 2 5 3 3], last row cropped
    layer = L.Conv2DTranspose(5, 4, strides=(2, 3), padding="same")
    assert layer(np.ones((2, 7, 6, 3))).shape == (2, 14, 18, 5)
    assert L.Conv2DTranspose(5, 4, strides=2)(np.ones((1, 7, 6, 3))).shape == (1, 16, 14, 5)   # (n-1)s + k


def test_keras_kernel_layout_glorot_init_zero_bias_and_summary_counts():
    model = nn.Sequential([L.Conv2DTranspose(16, 3, input_shape=(8, 8, 8)), L.Conv2DTranspose(4, 5, strides=2)])
    first = model.layers[0]
    assert first.kernel.shape == (3, 3, 16, 8) and first.name == "conv2d_transpose"
    limit = np.sqrt(6 / (3 * 3 * 16 + 3 * 3 * 8))
    kernel = first.kernel.numpy(force=True)
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.9 * limit
    assert np.all(first.bias.numpy(force=True) == 0)
    assert first.count_params() == 3 * 3 * 16 * 8 + 16 == 1168
    assert model.layers[1].count_params() == 5 * 5 * 4 * 16 + 4
    text = model.summary(print_fn=None)
    assert "conv2d_transpose (Conv2DTranspose)" in text and "Total params: 2,772" in text
    assert [layer.output_shape for layer in model.layers] == [(None, 10, 10, 16), (None, 23, 23, 4)]
    assert L.Conv1DTranspose(6, 3, input_shape=(10, 2)).count_params() == 3 * 6 * 2 + 6


def test_keras_config_round_trip_and_save_load(tmp_path):
    for layer in (L.Conv2DTranspose(4, (3, 2), strides=2, padding="same", output_padding=(1, 0), activation="relu",
                                    kernel_regularizer="l2", kernel_constraint="non_neg", use_bias=False),
                  L.Conv1DTranspose(2, 5, dilation_rate=2, kernel_initializer="he_uniform")):
        config = layer.get_config()
        assert "groups" not in config and config["output_padding"] == layer.output_padding
        assert type(layer).from_config(config).get_config() == config
        assert type(layer).from_config({**config, "groups": 1}).get_config() == config    # Keras 2's configs
    model = nn.Sequential([L.Dense(4 * 4 * 3, input_shape=(5,)), L.Reshape((4, 4, 3)),
                           L.Conv2DTranspose(4, 3, strides=2, padding="same", activation="relu"),
                           L.Conv2DTranspose(1, 4, strides=2, padding="same", activation="sigmoid")])
    x = rng.standard_normal((6, 5)).astype(np.float32)
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, rng.random((6, 16, 16, 1)).astype(np.float32), epochs=1, verbose=0)
    model.save(tmp_path / "decoder.keras")
    loaded = nn.keras.models.load_model(tmp_path / "decoder.keras")
    assert [type(layer).__name__ for layer in loaded.layers][2:] == ["Conv2DTranspose", "Conv2DTranspose"]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    assert loaded.count_params() == model.count_params()


def test_keras_constraints_project_the_kernel_and_bias_after_each_update():
    model = nn.Sequential([L.Conv2DTranspose(2, 3, strides=2, kernel_constraint="non_neg", bias_constraint="non_neg",
                                             input_shape=(3, 3, 1))])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(rng.standard_normal((8, 3, 3, 1)), -np.ones((8, 7, 7, 2)), epochs=2, verbose=0)  # pushes weights down
    layer = model.layers[0]
    assert np.all(layer.kernel.numpy(force=True) >= 0) and np.all(layer.bias.numpy(force=True) >= 0)
    assert np.any(layer.kernel.numpy(force=True) > 0)


def test_a_keras_checkpoint_does_not_load_into_the_pytorch_spelling(tmp_path):
    """(3, 3, 3, 3) fits both layouts, (kh, kw, filters, in) and (in, out, kh, kw): the layout the checkpoint
    records refuses the silent transpose, both ways."""
    tg.save(nn.Sequential([L.Conv2DTranspose(3, 3, input_shape=(4, 4, 3))]).state_dict(), tmp_path / "k.safetensors")
    tg.save(nn.Sequential(nn.ConvTranspose2d(3, 3, 3)).state_dict(), tmp_path / "t.safetensors")
    with pytest.raises(ValueError, match="transpose the kernels silently"):
        nn.Sequential(nn.ConvTranspose2d(3, 3, 3)).load_state_dict(tg.load(tmp_path / "k.safetensors"))
    with pytest.raises(ValueError, match="transpose the kernels silently"):
        nn.Sequential([L.Conv2DTranspose(3, 3, input_shape=(4, 4, 3))]).load_state_dict(
            tg.load(tmp_path / "t.safetensors"))


# ------------------------------------------------------------------ a generator learns
def test_a_dcgan_generator_trains_and_its_loss_falls():
    """Linear -> (16, 4, 4) -> ConvTranspose2d(4, 2, 1) -> BatchNorm2d -> ReLU -> ConvTranspose2d -> Tanh, fitting
    fixed images (a bright square at a different place each) from fixed codes with Adam."""
    tg.manual_seed(0)
    generator = nn.Sequential(nn.Linear(8, 16 * 4 * 4), nn.Unflatten(1, (16, 4, 4)),
                              nn.ConvTranspose2d(16, 8, 4, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
                              nn.ConvTranspose2d(8, 1, 4, 2, 1), nn.Tanh())
    codes = tg.tensor(rng.standard_normal((8, 8)).astype(np.float32))
    images = -np.ones((8, 1, 16, 16), np.float32)
    for i in range(8):
        images[i, 0, i:i + 6, 8 - i:14 - i] = 1.0
    target = tg.tensor(images)
    optimizer = optim.Adam(generator.parameters(), lr=0.01)
    losses = []
    for _ in range(30):
        optimizer.zero_grad()
        fake = generator(codes)
        assert fake.shape == (8, 1, 16, 16)
        loss = ((fake - target) ** 2).mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.3 * losses[0]
    trained = [p for p in generator.parameters() if p.requires_grad]        # (not BatchNorm2d's running statistics)
    assert len(trained) == 7 and all(np.abs(values(p.grad)).sum() > 0 for p in trained)
