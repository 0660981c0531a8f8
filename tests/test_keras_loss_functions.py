"""Keras's loss functions f(y_true, y_pred): values computed by hand from the formulas in Keras 2.15's
keras.losses / keras.backend (ε = 1e-7), per sample; gradients by finite differences."""
import math

import numpy as np
import pytest

import tensorgrad as tg
from nn import keras

L = keras.losses
T = np.array([[0.0, 1.0], [1.0, 0.0]])
P = np.array([[0.2, 0.6], [0.7, 0.1]])


def test_regression_losses():
    np.testing.assert_allclose(L.mse(T, P).data, [(0.04 + 0.16) / 2, (0.09 + 0.01) / 2])
    np.testing.assert_allclose(L.mae(T, P).data, [(0.2 + 0.4) / 2, (0.3 + 0.1) / 2])
    y, p = np.array([[2.0, 4.0]]), np.array([[1.0, 5.0]])
    np.testing.assert_allclose(L.mape(y, p).data, [100 * (0.5 + 0.25) / 2])
    np.testing.assert_allclose(L.msle(y, p).data, [((math.log(2) - math.log(3)) ** 2 + (math.log(6) - math.log(5)) ** 2) / 2])
    np.testing.assert_allclose(L.log_cosh(y, p).data, [math.log(math.cosh(1.0))], rtol=1e-6)
    np.testing.assert_allclose(L.huber(y, np.array([[2.5, 7.0]])).data, [(0.5 * 0.25 + (3 - 0.5)) / 2])
    np.testing.assert_allclose(L.poisson(y, p).data, [((1 - 2 * math.log(1 + 1e-7)) + (5 - 4 * math.log(5 + 1e-7))) / 2])


def test_cross_entropies():
    # binary: mean over the last axis of -(y log(p+ε) + (1-y) log(1-p+ε))
    expected = [-(math.log(0.8 + 1e-7) + math.log(0.6 + 1e-7)) / 2, -(math.log(0.7 + 1e-7) + math.log(0.9 + 1e-7)) / 2]
    np.testing.assert_allclose(L.binary_crossentropy(T, P).data, expected, rtol=1e-6)
    z = np.array([[-1.0, 2.0]])
    np.testing.assert_allclose(L.binary_crossentropy(np.array([[0.0, 1.0]]), z, from_logits=True).data,
                               [(math.log1p(math.exp(-1.0)) + math.log1p(math.exp(-2.0))) / 2], rtol=1e-6)
    # categorical: p normalised by its row sum, then -Σ y log p
    np.testing.assert_allclose(L.categorical_crossentropy(T, P).data, [-math.log(0.6 / 0.8), -math.log(0.7 / 0.8)],
                               rtol=1e-6)
    np.testing.assert_allclose(L.sparse_categorical_crossentropy(np.array([1, 0]), P).data,
                               [-math.log(0.6 / 0.8), -math.log(0.7 / 0.8)], rtol=1e-6)
    np.testing.assert_allclose(L.sparse_categorical_crossentropy(np.array([[1]]), np.array([[1.0, 3.0]]),
                                                                 from_logits=True).data,
                               [math.log(1 + math.exp(-2.0))], rtol=1e-6)


def test_divergence_hinge_and_cosine():
    t, p = np.array([[0.25, 0.75]]), np.array([[0.5, 0.5]])
    np.testing.assert_allclose(L.kld(t, p).data, [0.25 * math.log(0.5) + 0.75 * math.log(1.5)], rtol=1e-6)
    y, s = np.array([[1.0, 0.0]]), np.array([[0.3, -2.0]])         # 0/1 labels become 1/-1
    np.testing.assert_allclose(L.hinge(y, s).data, [(0.7 + 0.0) / 2])
    np.testing.assert_allclose(L.squared_hinge(y, s).data, [0.49 / 2])
    np.testing.assert_allclose(L.categorical_hinge(y, np.array([[0.3, 0.9]])).data, [0.9 - 0.3 + 1])
    np.testing.assert_allclose(L.cosine_similarity(np.array([[1.0, 0.0]]), np.array([[3.0, 3.0]])).data,
                               [-1 / math.sqrt(2)], rtol=1e-6)


@pytest.mark.parametrize("fn", [L.mse, L.mae, L.msle, L.binary_crossentropy, L.categorical_crossentropy, L.kld,
                                L.log_cosh, L.poisson, L.cosine_similarity, L.huber, L.squared_hinge])
def test_gradients_match_finite_differences(fn):
    rng = np.random.default_rng(0)
    y_true = rng.uniform(0.1, 0.9, size=(3, 4))
    y_pred = tg.tensor(rng.uniform(0.2, 0.8, size=(3, 4)), requires_grad=True)
    assert tg.gradcheck(lambda p: fn(y_true, p), [y_pred])


def test_a_custom_loss_written_with_them_trains():
    def loss(y_true, y_pred):
        return L.mse(y_true, y_pred) + 0.0 * L.mae(y_true, y_pred)

    x = np.linspace(-1, 1, 64, dtype=np.float32).reshape(-1, 1)
    value = loss(3 * x + 1, tg.tensor(3 * x + 1))
    assert value.shape == (64,) and float(value.data.max()) == 0.0
