"""Autograd against the lecture notes' hand-derived derivatives (SPEC, "Closed-form derivatives")."""
import warnings

import numpy as np
import pytest

import tensorgrad as tg

rng = np.random.default_rng(0)


def test_sigmoid_derivative_is_a_times_one_minus_a():
    z = tg.tensor(rng.normal(size=50), requires_grad=True)
    a = z.sigmoid()
    a.sum().backward()
    np.testing.assert_allclose(z.grad.data, a.data * (1 - a.data), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_keeps_its_dtype_and_tiny_tails_quietly(dtype):
    """1/(1 + e^-z) in the input's dtype: relative accuracy in the far tails (σ(-30) = 9.3576e-14, σ(-80)
    = 1.8049e-35), exact 0 and 1 where the float runs out, and no overflow warning for e^-z = inf."""
    z = np.array([-1000, -80, -30, 0, 30, 1000], dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = tg.tensor(z).sigmoid().numpy()
    assert a.dtype == dtype
    expected = [0.0, 1.8048513878454153e-35, 9.357622968839299e-14, 0.5, 1.0, 1.0]
    np.testing.assert_allclose(a, expected, rtol=1e-6, atol=0)


def test_sigmoid_of_float16_keeps_its_small_values():
    """e^-z overflows float16 from z < -11: computed through float32 (as PyTorch), σ(-12) = 6.1e-06 and
    σ(-17) = 4.1e-08 are float16's nearest values of the exact ones, where 1/(1 + inf) would give 0."""
    z = tg.tensor(np.array([-12.0, -17.0, 3.0], np.float16), requires_grad=True)
    a = z.sigmoid()
    assert a.dtype == np.float16
    exact = 1 / (1 + np.exp(-np.array([-12.0, -17.0, 3.0])))                  # float64
    np.testing.assert_array_equal(a.numpy(force=True), exact.astype(np.float16))
    a.sum().backward()
    assert np.all(z.grad.numpy() > 0)


def logistic_loss(a, y):
    return -(y * a.log() + (1 - y) * (1 - a).log())


def test_logistic_unit_gradients_are_minus_y_minus_a_times_x():
    x = rng.normal(size=30)
    y = 1.0
    w = tg.tensor(rng.normal(size=30) * 0.1, requires_grad=True)
    b = tg.tensor(np.float64(0.2), requires_grad=True)
    z = (tg.tensor(x) * w).sum() + b
    a = z.sigmoid()
    logistic_loss(a, y).backward()
    err = -(y - a.item())
    np.testing.assert_allclose(w.grad.data, err * x, rtol=1e-10)
    np.testing.assert_allclose(b.grad.item(), err, rtol=1e-10)


def test_logistic_loss_gradient_wrt_z_is_minus_y_minus_a():
    z = tg.tensor(rng.normal(size=20), requires_grad=True)
    y = (rng.random(20) > 0.5).astype(np.float64)
    a = z.sigmoid()
    logistic_loss(a, y).sum().backward()
    np.testing.assert_allclose(z.grad.data, -(y - a.data), rtol=1e-9, atol=1e-12)


def test_two_layer_sigmoid_network_gradients_for_m_samples():
    m, n_in, n_hidden = 16, 30, 10
    X = rng.normal(size=(m, n_in))
    Y = (rng.random((m, 1)) > 0.5).astype(np.float64)
    W1 = tg.tensor(rng.normal(size=(n_in, n_hidden)) * 0.3, requires_grad=True)
    b1 = tg.tensor(np.zeros(n_hidden), requires_grad=True)
    W2 = tg.tensor(rng.normal(size=(n_hidden, 1)) * 0.3, requires_grad=True)
    b2 = tg.tensor(np.zeros(1), requires_grad=True)
    A1 = (tg.tensor(X) @ W1 + b1).sigmoid()
    A2 = (A1 @ W2 + b2).sigmoid()
    logistic_loss(A2, Y).sum().backward()

    A1v, A2v = A1.data, A2.data
    err_out = -(Y - A2v)
    err_hidden = err_out @ W2.data.T * A1v * (1 - A1v)
    np.testing.assert_allclose(W2.grad.data, A1v.T @ err_out, rtol=1e-9)
    np.testing.assert_allclose(b2.grad.data, np.ones(m) @ err_out, rtol=1e-9)
    np.testing.assert_allclose(W1.grad.data, X.T @ err_hidden, rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(b1.grad.data, np.ones(m) @ err_hidden, rtol=1e-9, atol=1e-14)


def test_softmax_jacobian_entries():
    z = tg.tensor(rng.normal(size=4), requires_grad=True)
    a = z.softmax()
    av = a.data
    for i in range(4):
        (row,) = tg.grad(a[i], z, retain_graph=True)     # ∂a_i/∂z_j for all j
        expected = -av[i] * av
        expected[i] = av[i] * (1 - av[i])
        np.testing.assert_allclose(row.data, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("z, expected", [([2.20, 1.39, 0.85], [0.59, 0.26, 0.15]),
                                         ([0.0, -1.39, -2.20], [0.74, 0.18, 0.08])])
def test_softmax_worked_examples_from_the_notes(z, expected):
    np.testing.assert_allclose(tg.softmax(tg.tensor(z)).data, expected, atol=0.006)


def test_softmax_cross_entropy_gradient_is_a_minus_y():
    z = tg.tensor([2.20, 1.39, 0.85], dtype="float64", requires_grad=True)
    y = np.array([1.0, 0.0, 0.0])
    a = z.softmax()
    (-(tg.tensor(y) * a.log()).sum()).backward()
    np.testing.assert_allclose(z.grad.data, a.data - y, rtol=1e-12, atol=1e-15)


def test_mean_categorical_cross_entropy_over_n_samples():
    n, c = 8, 5
    z = tg.tensor(rng.normal(size=(n, c)), requires_grad=True)
    t = np.eye(c)[rng.integers(0, c, n)]
    y = z.softmax(axis=1)
    loss = -(tg.tensor(t) * y.log()).sum() / n
    expected = -np.sum(t * np.log(y.data)) / n
    np.testing.assert_allclose(loss.item(), expected, rtol=1e-12)
    loss.backward()
    np.testing.assert_allclose(z.grad.data, (y.data - t) / n, rtol=1e-10, atol=1e-15)
    # the same through log_softmax, the stable form
    z2 = tg.tensor(z.data, requires_grad=True)
    (-(tg.tensor(t) * z2.log_softmax(axis=1)).sum() / n).backward()
    np.testing.assert_allclose(z2.grad.data, (y.data - t) / n, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("fn, derivative", [
    (tg.tanh, lambda x: 1 - np.tanh(x) ** 2),
    (tg.relu, lambda x: (x > 0).astype(float)),
    (lambda x: tg.leaky_relu(x, 0.1), lambda x: np.where(x > 0, 1.0, 0.1)),
    (tg.elu, lambda x: np.where(x > 0, 1.0, np.exp(x))),
    (tg.softplus, lambda x: 1 / (1 + np.exp(-x))),
    (tg.step, lambda x: np.zeros_like(x)),
    (tg.sign, lambda x: np.zeros_like(x)),
])
def test_activation_derivatives_from_seeds_001_and_003(fn, derivative):
    x = np.array([-2.0, -0.5, 0.0, 0.3, 1.7])
    t = tg.tensor(x, requires_grad=True)
    fn(t).sum().backward()
    np.testing.assert_allclose(t.grad.data, derivative(x), rtol=1e-12, atol=1e-15)


def test_activation_values_from_the_notes():
    x = tg.tensor([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(tg.leaky_relu(x, 0.1).data, [-0.2, 0.0, 3.0])
    np.testing.assert_allclose(tg.step(x).data, [0.0, 1.0, 1.0])
    np.testing.assert_allclose(tg.sign(x).data, [-1.0, 0.0, 1.0])
    np.testing.assert_allclose(tg.softplus(x).data, np.log1p(np.exp([-2.0, 0.0, 3.0])), rtol=1e-6)


def test_maxout_is_max_of_two_affine_maps_and_routes_the_gradient_to_the_winner():
    x = rng.normal(size=(6, 3))
    w1 = tg.tensor(rng.normal(size=(3, 1)), requires_grad=True)
    w2 = tg.tensor(rng.normal(size=(3, 1)), requires_grad=True)
    z1, z2 = tg.tensor(x) @ w1, tg.tensor(x) @ w2
    tg.maximum(z1, z2).sum().backward()
    first_wins = (z1.data > z2.data).ravel()
    np.testing.assert_allclose(w1.grad.data.ravel(), x[first_wins].sum(axis=0), atol=1e-12)
    np.testing.assert_allclose(w2.grad.data.ravel(), x[~first_wins].sum(axis=0), atol=1e-12)


@pytest.mark.parametrize("name, loss, grad", [
    ("mse", lambda d: d ** 2, lambda d: 2 * d),
    ("mae", lambda d: np.abs(d), lambda d: np.sign(d)),
    ("huber", lambda d: np.where(np.abs(d) < 1, 0.5 * d ** 2, np.abs(d) - 0.5),
     lambda d: np.where(np.abs(d) < 1, d, np.sign(d))),
])
def test_regression_losses_of_seed_001_built_from_ops(name, loss, grad):
    pred_v = np.array([0.2, 1.5, -3.0, 0.9])
    target = np.array([0.0, 0.0, 0.0, 1.0])
    pred = tg.tensor(pred_v, requires_grad=True)
    d = pred - target
    if name == "mse":
        value = (d ** 2).mean()
    elif name == "mae":
        value = d.abs().mean()
    else:
        value = tg.where(d.abs().data < 1, 0.5 * d ** 2, d.abs() - 0.5).mean()
    value.backward()
    np.testing.assert_allclose(value.item(), loss(pred_v - target).mean(), rtol=1e-12)
    np.testing.assert_allclose(pred.grad.data, grad(pred_v - target) / 4, rtol=1e-12)
