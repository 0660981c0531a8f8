"""Layers against their formulas: Dense, activations, Flatten, Dropout, Concatenate, Maxout; initializers."""
import numpy as np
import pytest

import nn
import tensorgrad as tg

rng = np.random.default_rng(0)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_dense_is_activation_of_x_w_plus_b():
    layer = nn.Dense(3, activation="sigmoid", input_dim=4, dtype=np.float64)
    x = rng.normal(size=(5, 4))
    expected = _sigmoid(x @ layer.weight.numpy(force=True) + layer.bias.numpy(force=True))
    np.testing.assert_allclose(layer(x).numpy(force=True), expected, rtol=1e-12)


def test_linear_activation_is_the_identity_and_a_callable_is_used_as_is():
    x = rng.normal(size=(2, 3))
    plain = nn.Dense(2, activation="linear", input_dim=3, dtype=np.float64)
    np.testing.assert_allclose(plain(x).numpy(force=True), x @ plain.weight.numpy(force=True) + plain.bias.numpy(force=True))
    with_module = nn.Dense(2, activation=nn.ReLU(), input_dim=3)
    assert np.all(with_module(x).numpy(force=True) >= 0)


def test_unknown_activation_and_initializer_names_list_the_valid_ones():
    with pytest.raises(ValueError, match="activation 'swish' is unknown; use one of .*'relu'"):
        nn.Dense(2, activation="swish")
    with pytest.raises(ValueError, match="initializer 'xavier' is unknown; use one of .*'glorot_uniform'"):
        nn.Dense(2, kernel_initializer="xavier")


@pytest.mark.parametrize("layer, formula", [
    (nn.Sigmoid(), _sigmoid),
    (nn.Tanh(), np.tanh),
    (nn.ReLU(), lambda z: np.maximum(z, 0)),
    (nn.LeakyReLU(0.1), lambda z: np.maximum(0.1 * z, z)),
    (nn.ELU(), lambda z: np.where(z > 0, z, np.expm1(z))),
    (nn.Softplus(), lambda z: np.log1p(np.exp(z))),
    (nn.Step(), lambda z: (z >= 0).astype(float)),
    (nn.Softmax(), lambda z: np.exp(z) / np.exp(z).sum(-1, keepdims=True)),
])
def test_activation_layers_match_their_formulas(layer, formula):
    z = rng.normal(size=(4, 3))
    np.testing.assert_allclose(layer(z).numpy(force=True), formula(z), rtol=1e-12, atol=1e-15)


def test_flatten_keeps_the_batch_axis():
    assert nn.Flatten()(np.zeros((2, 28, 28))).shape == (2, 784)


def test_dropout_zeroes_rate_of_entries_and_rescales_the_rest_in_training():
    x = np.ones((200, 100), dtype=np.float32)
    out = nn.Dropout(0.3, seed=0)(x).numpy(force=True)
    assert set(np.unique(out)) == {0.0, np.float32(1 / 0.7)}
    assert abs((out == 0).mean() - 0.3) < 0.01
    assert abs(out.mean() - 1.0) < 0.02             # inverted dropout keeps the expectation


def test_dropout_gradient_is_the_mask_over_keep_probability():
    x = tg.tensor(np.ones((4, 5)), requires_grad=True)
    out = nn.Dropout(0.5, seed=3)(x)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(force=True), out.numpy(force=True))   # out = mask / 0.5 when x = 1


def test_dropout_is_the_identity_in_eval_mode():
    layer = nn.Dropout(0.9, seed=0).eval()
    x = rng.normal(size=(3, 3))
    np.testing.assert_array_equal(layer(x).numpy(force=True), x)


def test_dropout_with_a_seed_is_reproducible():
    x = np.ones((10, 10))
    a, b, c = nn.Dropout(0.5, seed=7), nn.Dropout(0.5, seed=7), nn.Dropout(0.5, seed=8)
    first = [a(x).numpy(force=True) for _ in range(3)]
    np.testing.assert_array_equal(np.stack(first), np.stack([b(x).numpy(force=True) for _ in range(3)]))
    assert not np.array_equal(first[0], first[1])          # a fresh mask each call
    assert not np.array_equal(first[0], c(x).numpy(force=True))


def test_dropout_rejects_a_rate_of_one():
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1\), got 1"):
        nn.Dropout(1)


def test_concatenate_joins_on_the_last_axis_and_splits_the_gradient():
    a = tg.tensor(rng.normal(size=(2, 3)), requires_grad=True)
    b = tg.tensor(rng.normal(size=(2, 1)), requires_grad=True)
    out = nn.concatenate([a, b])
    np.testing.assert_array_equal(out.numpy(force=True), np.concatenate([a.numpy(force=True), b.numpy(force=True)], axis=-1))
    (out * np.arange(4.0)).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(force=True), np.tile([0.0, 1, 2], (2, 1)))
    np.testing.assert_array_equal(b.grad.numpy(force=True), np.full((2, 1), 3.0))


def test_maxout_is_the_max_of_affine_pieces():
    layer = nn.Maxout(3, pieces=2, input_dim=4, dtype=np.float64)
    x = rng.normal(size=(5, 4))
    w, b = layer.linear.weight.numpy(force=True), layer.linear.bias.numpy(force=True) + rng.normal(size=6)
    layer.linear.bias.load(b)
    pieces = [x @ w[:, k::2] + b[k::2] for k in range(2)]   # unit j's pieces are columns 2j, 2j+1
    np.testing.assert_allclose(layer(x).numpy(force=True), np.maximum(*pieces))
    assert layer.count_params() == 4 * 6 + 6


# --------------------------------------------------------------------------- initializers
@pytest.mark.parametrize("name, variance", [
    ("glorot_uniform", 2 / (400 + 300)), ("glorot_normal", 2 / (400 + 300)),
    ("he_uniform", 2 / 400), ("he_normal", 2 / 400), ("lecun_normal", 1 / 400),
])
def test_variance_scaling_initializers_have_their_variance(name, variance):
    w = nn.init.get(name)((400, 300), np.random.default_rng(0))
    assert w.shape == (400, 300) and w.dtype == np.float32
    assert abs(w.var() / variance - 1) < 0.03
    bound = np.sqrt(3 * variance) if name.endswith("uniform") else 2 * np.sqrt(variance) / 0.87962566103423978
    assert np.abs(w).max() <= bound


def test_constant_initializers():
    assert np.all(nn.init.zeros((2, 2)) == 0) and np.all(nn.init.ones((3,)) == 1)
    layer = nn.Dense(2, input_dim=1, bias_initializer=nn.init.constant(0.5), kernel_initializer="ones")
    np.testing.assert_array_equal(layer.bias.numpy(force=True), [0.5, 0.5])
    np.testing.assert_array_equal(layer.weight.numpy(force=True), [[1.0, 1.0]])


@pytest.mark.parametrize("name", ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_normal"])
def test_initializers_called_with_a_shape_only_draw_from_the_seeded_default_generator(name):
    tg.manual_seed(5)
    first = nn.init.get(name)((30, 20))
    tg.manual_seed(5)
    np.testing.assert_array_equal(nn.init.get(name)((30, 20)), first)
    assert first.shape == (30, 20) and first.dtype == np.float32 and first.std() > 0


def test_initializers_are_reproducible_from_a_seed():
    assert np.array_equal(nn.init.he_normal((5, 5), np.random.default_rng(3)),
                          nn.init.he_normal((5, 5), np.random.default_rng(3)))
    tg.manual_seed(11)
    first = nn.Dense(4, input_dim=3).weight.numpy(force=True)
    tg.manual_seed(11)
    np.testing.assert_array_equal(nn.Dense(4, input_dim=3).weight.numpy(force=True), first)
