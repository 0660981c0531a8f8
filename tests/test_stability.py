"""Numerical stability table: each row is a function at extreme inputs (logits of +-1e3 and +-1e30,
tiny probabilities) in float32 and float64. Every row asserts finite values and finite gradients
equal to the closed form, computed here in float64 from the stable formula, with no overflow,
division-by-zero or invalid-value warning on the way (underflow to 0 is the right answer)."""
from __future__ import annotations

import numpy as np
import pytest

import nn
import tensorgrad as tg

EXTREMES = np.array([-1e30, -1e3, -1.0, 0.0, 1.0, 1e3, 1e30])
LOGIT_ROWS = np.array([[1e30, 0.0, -1e30], [-1e3, 1e3, 0.0], [2.2, 1.39, 0.85]])   # last: seed 000's example
LABELS = np.array([2, 0, 1])
TINY = np.array([1e-30, 1e-38, 1e-7, 0.5, 1 - 1e-7])
WEIGHTS = np.array([0.3, -1.2, 0.7, 1.1, -0.4, 0.9, 2.0])   # d(Σ w·f)/dz = w·f': no symmetry hides a term


def _sigmoid(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))


def _softplus(z):
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def _log_softmax(z):
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _weighted(values):
    """Fixed weights of ``values``' shape and dtype."""
    return np.resize(WEIGHTS, values.shape).astype(values.dtype)


def _elementwise(fn, value, derivative):
    """A row for y = fn(z) elementwise, scored as Σ w·y: value Σ w·f(z), gradient w·f'(z)."""
    def run(z):
        return (fn(z) * _weighted(z.data)).sum()

    def expected(z):
        w = _weighted(z)
        return (w * value(z)).sum(), w * derivative(z)
    return run, expected


def _one_hot(labels, classes=3):
    return np.eye(classes)[labels]


LOG_EPS, LOG_1M_EPS = np.log(1e-7), np.log1p(-1e-7)


def _keras_cross_entropy(z):
    """Keras's value -log clip(p[label], 1e-7, 1 - 1e-7) (mean over samples) and its gradient: (softmax(z) - y) / N
    where the clip is inactive, 0 where it clips (the loss is then a constant)."""
    log_p = (_one_hot(LABELS) * _log_softmax(z)).sum(axis=-1)
    active = (log_p >= LOG_EPS) & (log_p <= LOG_1M_EPS)
    grad = np.where(active[:, None], np.exp(_log_softmax(z)) - _one_hot(LABELS), 0.0) / len(z)
    return -np.clip(log_p, LOG_EPS, LOG_1M_EPS).mean(), grad


def _keras_binary_cross_entropy(z):
    """Keras's -(y log clip(p) + (1 - y) log clip(1 - p)), p = sigmoid(z), from the logits: log p = -softplus(-z),
    log(1 - p) = -softplus(z), each clipped to [log 1e-7, log(1 - 1e-7)]; no gradient through a clipped term."""
    y = (EXTREMES > 0.5)[::-1].astype(float)
    log_p, log_q = -_softplus(-z), -_softplus(z)
    value = -(y * np.clip(log_p, LOG_EPS, LOG_1M_EPS) + (1 - y) * np.clip(log_q, LOG_EPS, LOG_1M_EPS)).mean()
    active_p = (log_p >= LOG_EPS) & (log_p <= LOG_1M_EPS)
    active_q = (log_q >= LOG_EPS) & (log_q <= LOG_1M_EPS)
    grad = (-y * (1 - _sigmoid(z)) * active_p + (1 - y) * _sigmoid(z) * active_q) / len(z)
    return value, grad


ROWS = {
    # name: (input, run(z: Tensor) -> scalar Tensor, expected(z: float64 array) -> (value, gradient))
    "sigmoid": (EXTREMES, *_elementwise(tg.sigmoid, _sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z)))),
    "softplus": (EXTREMES, *_elementwise(tg.softplus, _softplus, _sigmoid)),
    "tanh": (EXTREMES, *_elementwise(tg.tanh, np.tanh, lambda z: 1 - np.tanh(z) ** 2)),
    "log_softmax": (LOGIT_ROWS,
                    lambda z: (tg.log_softmax(z) * _weighted(z.data)).sum(),
                    lambda z: ((_weighted(z) * _log_softmax(z)).sum(),
                               _weighted(z) - np.exp(_log_softmax(z)) * _weighted(z).sum(axis=-1, keepdims=True))),
    "softmax": (LOGIT_ROWS,
                lambda z: (tg.softmax(z) * _weighted(z.data)).sum(),
                lambda z: ((_weighted(z) * np.exp(_log_softmax(z))).sum(),
                           np.exp(_log_softmax(z)) * (_weighted(z) - (_weighted(z) * np.exp(_log_softmax(z)))
                                                      .sum(axis=-1, keepdims=True)))),
    # cross-entropy: mean over samples of -log softmax(z)[label];  dL/dz = (softmax(z) - y) / N
    "softmax_cross_entropy": (LOGIT_ROWS,
                              lambda z: tg.softmax_cross_entropy(z, _one_hot(LABELS)).mean(),
                              lambda z: (-(_one_hot(LABELS) * _log_softmax(z)).sum(axis=-1).mean(),
                                         (np.exp(_log_softmax(z)) - _one_hot(LABELS)) / len(z))),
    "CrossEntropyLoss(labels)": (LOGIT_ROWS,
                                 lambda z: nn.CrossEntropyLoss()(z, LABELS),
                                 lambda z: (-(_one_hot(LABELS) * _log_softmax(z)).sum(axis=-1).mean(),
                                            (np.exp(_log_softmax(z)) - _one_hot(LABELS)) / len(z))),
    "keras categorical_crossentropy(softmax(z))": (
        LOGIT_ROWS,
        lambda z: nn.losses.get("categorical_crossentropy")(_one_hot(LABELS), nn.activations.softmax(z)),
        _keras_cross_entropy),
    "keras sparse_categorical_crossentropy(softmax(z))": (
        LOGIT_ROWS,
        lambda z: nn.losses.get("sparse_categorical_crossentropy")(LABELS, nn.activations.softmax(z)),
        _keras_cross_entropy),
    # BCE from logits: softplus(z) - y z;  dL/dz = (sigmoid(z) - y) / N
    "BCEWithLogitsLoss": (EXTREMES,
                          lambda z: nn.BCEWithLogitsLoss()(z, (EXTREMES > 0.5).astype(float)[::-1].copy()),
                          lambda z: ((_softplus(z) - (EXTREMES > 0.5)[::-1] * z).mean(),
                                     (_sigmoid(z) - (EXTREMES > 0.5)[::-1]) / len(z))),
    "keras binary_crossentropy(sigmoid(z))": (
        EXTREMES,
        lambda z: nn.losses.get("binary_crossentropy")((EXTREMES > 0.5)[::-1].astype(float), nn.activations.sigmoid(z)),
        _keras_binary_cross_entropy),
    # BCE on tiny probabilities, PyTorch's numerics: logs clamped at -100, dL/dp = (p - y) / max(p(1-p), 1e-12) / N
    "BCELoss(tiny p, y=1)": (TINY,
                             lambda p: nn.BCELoss()(p, np.ones(len(TINY))),
                             lambda p: (np.mean(-np.maximum(np.log(p), -100)),
                                        (p - 1) / np.maximum(p * (1 - p), 1e-12) / len(p))),
    "BCELoss(tiny p, y=0)": (TINY,
                             lambda p: nn.BCELoss()(p, np.zeros(len(TINY))),
                             lambda p: (np.mean(-np.maximum(np.log1p(-p), -100)),
                                        p / np.maximum(p * (1 - p), 1e-12) / len(p))),
    # Keras clips probabilities to [1e-7, 1 - 1e-7]: the loss is -log(1e-7) at worst, the clipped ones get 0
    "keras binary_crossentropy(tiny p)": (
        TINY,
        lambda p: nn.losses.get("binary_crossentropy")(np.ones(len(TINY)), p),
        lambda p: (np.mean(-np.log(np.clip(p, 1e-7, 1 - 1e-7))),
                   np.where((p >= 1e-7) & (p <= 1 - 1e-7), -1 / np.clip(p, 1e-7, 1) / len(p), 0.0))),
    "keras categorical_crossentropy(tiny p)": (
        np.array([[1e-30, 1 - 1e-7, 1e-7], [1e-38, 0.5, 0.5]]),
        lambda p: nn.losses.get("categorical_crossentropy")(np.array([[1.0, 0, 0], [1.0, 0, 0]]), p),
        None),   # finite value and gradient only: the Keras rule renormalizes, then clips
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("row", list(ROWS))
def test_stable_value_and_gradient(row, dtype):
    data, run, expected = ROWS[row]
    z = tg.tensor(data.astype(dtype), requires_grad=True)
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        out = run(z)
        out.backward()
    assert out.dtype == np.dtype(dtype) and z.grad.dtype == np.dtype(dtype)
    assert np.isfinite(out.item()), out.item()
    assert np.all(np.isfinite(z.grad.data)), z.grad.data
    if expected is None:
        return
    value, gradient = expected(z.data.astype(np.float64))     # the closed form at the same (rounded) inputs
    rtol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(out.item(), value, rtol=rtol)
    np.testing.assert_allclose(z.grad.data, gradient, rtol=rtol, atol=rtol * 1e-3)
