"""The lecture notes' own networks: seed 000's SingleLayer and DualLayer, whose gradients autograd
must reproduce from the hand-derived closed forms, and seed 001's perceptron on Iris."""
import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_iris

import nn
import tensorgrad as tg


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


@pytest.fixture(scope="module")
def cancer():
    x, y = load_breast_cancer(return_X_y=True)
    return (x - x.mean(axis=0)) / x.std(axis=0), y.reshape(-1, 1).astype(np.float64)


# PyTorch's numerics, called (input, target), and Keras's, called (y_true, y_pred)
LOSSES = [nn.BCELoss(), lambda pred, y: nn.losses.get("binary_crossentropy")(y, pred)]


@pytest.mark.parametrize("loss_fn", LOSSES, ids=["BCELoss", "keras"])
def test_single_layer_gradient_is_the_closed_form(cancer, loss_fn):
    x, y = cancer
    single = nn.Sequential([nn.Dense(1, activation="sigmoid", input_dim=30, dtype=np.float64)])
    assert single.count_params() == 31
    layer = single.layers[0]
    loss_fn(single(x), y).backward()
    a = _sigmoid(x @ layer.weight.numpy(force=True) + layer.bias.numpy(force=True))
    m = len(x)
    np.testing.assert_allclose(layer.weight.grad.numpy(force=True), x.T @ (a - y) / m, atol=1e-6)   # -(y - a) x
    np.testing.assert_allclose(layer.bias.grad.numpy(force=True), (a - y).sum(axis=0) / m, atol=1e-6)


@pytest.mark.parametrize("loss_fn", LOSSES, ids=["BCELoss", "keras"])
def test_dual_layer_gradients_are_the_closed_forms(cancer, loss_fn):
    x, y = cancer
    dual = nn.Sequential([nn.Dense(10, activation="sigmoid", input_dim=30, dtype=np.float64),
                          nn.Dense(1, activation="sigmoid", dtype=np.float64)])
    hidden, output = dual.layers
    loss_fn(dual(x), y).backward()
    w1, b1, w2, b2 = (p.numpy(force=True) for p in dual.parameters())
    a1 = _sigmoid(x @ w1 + b1)
    a2 = _sigmoid(a1 @ w2 + b2)
    m = len(x)
    err = (a2 - y) / m                                        # -(Y - A2), mean reduction
    err_to_hidden = err @ w2.T * a1 * (1 - a1)
    np.testing.assert_allclose(output.weight.grad.numpy(force=True), a1.T @ err, atol=1e-6)    # A1ᵀ(-(Y - A2))
    np.testing.assert_allclose(output.bias.grad.numpy(force=True), err.sum(axis=0), atol=1e-6)  # 1ᵀ(-(Y - A2))
    np.testing.assert_allclose(hidden.weight.grad.numpy(force=True), x.T @ err_to_hidden, atol=1e-6)
    np.testing.assert_allclose(hidden.bias.grad.numpy(force=True), err_to_hidden.sum(axis=0), atol=1e-6)


def test_perceptron_rule_separates_setosa():
    """Seed 001: w <- w + η (y - ŷ) x with ŷ = step(xᵀw + b), one sample at a time (a test-only loop on
    a Dense(1, activation="step") layer; there is no nn.Perceptron class)."""
    iris = load_iris()
    x = iris.data[:, (2, 3)]                  # petal length and width
    y = (iris.target == 0).astype(np.float64).reshape(-1, 1)
    perceptron = nn.Dense(1, activation="step", input_dim=2, kernel_initializer="zeros", dtype=np.float64)
    eta = 0.1
    for epoch in range(100):
        mistakes = 0
        for xi, yi in zip(x, y):
            xi = xi.reshape(1, 2)
            error = yi - perceptron(xi).numpy(force=True)          # y - ŷ, 0 when right
            if error.any():
                mistakes += 1
                with tg.no_grad():
                    perceptron.weight += eta * xi.T * error
                    perceptron.bias += eta * error.reshape(1)
        if mistakes == 0:
            break
    accuracy = (perceptron(x).numpy(force=True) == y).mean()
    assert accuracy == 1.0 and epoch < 99
