"""The bad-input catalogue: each wrong call raises a specific exception whose message names the
function or argument, the shapes or the value, and says what to do instead.

One row per case (the ids count them). Cases already pinned elsewhere are not repeated here:
optimizer hyperparameters (tests/test_optim_api.py), IDX corruption (tests/test_datasets.py),
load_state_dict's one-error report (tests/test_nn_module.py), engine shape errors and backward
twice/non-scalar (tests/test_tape.py). RELIABILITY.md counts them all.
"""
from __future__ import annotations

import re

import numpy as np
import pytest

import nn
import optim
import tensorgrad as tg

X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]], dtype=np.float32)
LABELS = np.array([0, 1, 1, 0])


def _model(outputs: int = 2) -> nn.Sequential:
    return nn.Sequential([nn.Dense(3, input_dim=2, activation="relu"),
                          nn.Dense(outputs, activation="softmax" if outputs > 1 else "sigmoid")])


def _compiled(loss: str = "sparse_categorical_crossentropy", outputs: int = 2) -> nn.Sequential:
    model = _model(outputs)
    model.compile(optimizer="sgd", loss=loss, metrics=["accuracy"])
    return model


def _compile_without_loss() -> nn.Sequential:
    model = _model()
    model.compile(optimizer="sgd")     # allowed, as in Keras (a model may add its own loss with add_loss)
    return model


def _fit(x=X, y=LABELS, loss="sparse_categorical_crossentropy", **kw):
    return lambda: _compiled(loss).fit(x, y, verbose=0, **kw)


def _call_built_dense_on(features: int):
    layer = nn.Dense(4, input_dim=3, name="hidden")
    layer(np.ones((2, features), dtype=np.float32))


def _call_lazy_dense_again_on(features: int):
    layer = nn.Dense(4, name="lazy")
    layer(np.ones((2, 3), dtype=np.float32))       # built here for 3 features
    layer(np.ones((2, features), dtype=np.float32))


def _backward_twice_through_a_model():
    loss = _model()(X).sum()
    loss.backward()
    loss.backward()


def _file(tmp_path, name: str, raw: bytes):
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def _checkpoint_bytes(tmp_path) -> bytes:
    nn.save(_model(), tmp_path / "good.npz")
    return (tmp_path / "good.npz").read_bytes()


def _load(path):
    return lambda: _model().load_state_dict(nn.load_state(path))


# (id, thunk or thunk factory taking tmp_path, exception, regex the message must match)
CASES = [
    # ---------------------------------------------------------------- shapes: matmul and broadcasting
    ("matmul-vectors", lambda: tg.tensor(np.ones(3)) @ tg.tensor(np.ones(4)),
     ValueError, r"matmul: shapes \(3,\) and \(4,\).*\(3\).*\(4\)"),
    ("matmul-batched", lambda: tg.tensor(np.ones((2, 3, 4))) @ tg.tensor(np.ones((5, 2))),
     ValueError, r"matmul: shapes \(2, 3, 4\) and \(5, 2\)"),
    ("matmul-scalar", lambda: tg.matmul(tg.tensor(2.0), tg.tensor(np.ones(2))),
     ValueError, r"matmul: .*shapes \(\) and \(2,\); use \*"),
    ("broadcast-mul", lambda: tg.tensor(np.ones((4, 3))) * tg.tensor(np.ones((4, 2))),
     ValueError, r"mul: shapes \(4, 3\) and \(4, 2\) cannot be broadcast"),
    ("broadcast-where", lambda: tg.where(np.ones(3, bool), tg.tensor(np.ones(3)), tg.tensor(np.ones(4))),
     ValueError, r"where: shapes \(3,\) and \(4,\)"),
    ("broadcast_to", lambda: tg.broadcast_to(tg.tensor(np.ones(3)), (2, 4)),
     ValueError, r"broadcast_to: cannot broadcast shape \(3,\) to \(2, 4\)"),
    ("transpose-axes", lambda: tg.tensor(np.ones((2, 3, 4))).transpose(0, 0, 1),
     ValueError, r"transpose: axes \(0, 0, 1\) .*shape \(2, 3, 4\)"),
    ("transpose-dim", lambda: tg.tensor(np.ones((2, 3))).transpose(0, 2),
     ValueError, r"transpose: dim 2 is out of range for shape \(2, 3\)"),
    ("getitem-out-of-range", lambda: tg.tensor(np.ones((2, 3)))[5],
     IndexError, r"getitem: index 5 .*shape \(2, 3\)"),
    ("stack-shapes", lambda: tg.stack([tg.tensor(np.ones(2)), tg.tensor(np.ones(3))]),
     ValueError, r"stack: .*\(2,\), \(3,\)"),
    ("clip-bounds", lambda: tg.tensor([1.0]).clip(2, 1), ValueError, r"clip: min \(2\) is larger than max \(1\)"),
    ("max-of-empty", lambda: tg.tensor(np.ones((0,))).max(), ValueError, r"max: .*empty tensor \(shape \(0,\)\)"),
    ("item-of-vector", lambda: tg.tensor([1.0, 2.0]).item(), ValueError, r"item\(\).*shape \(2,\)"),
    # ---------------------------------------------------------------- non-numeric data, requires_grad
    ("tensor-object-array", lambda: tg.tensor(np.array([1, "a"], dtype=object)),
     TypeError, r"Tensor: .*dtype object.*numbers"),
    ("tensor-string", lambda: tg.tensor("abc"), TypeError, r"Tensor: .*dtype <U3 \(type str\)"),
    ("tensor-none", lambda: tg.tensor(None), TypeError, r"Tensor: .*type NoneType"),
    ("tensor-ragged-lists", lambda: tg.tensor([[1.0, 2.0], [3.0]]),
     ValueError, r"Tensor: .*rows of different lengths"),
    ("requires_grad-int", lambda: tg.tensor([1, 2], requires_grad=True),
     TypeError, r"floating-point.*dtype int64 \(shape \(2,\)\).*astype"),
    ("requires_grad-bool", lambda: tg.tensor([True], requires_grad=True), TypeError, r"dtype bool"),
    ("requires_grad_-int", lambda: tg.tensor(np.arange(3)).requires_grad_(), TypeError, r"dtype int64"),
    ("optimizer-int-param", lambda: optim.SGD([tg.tensor([1, 2])], lr=0.1),
     TypeError, r"SGD: parameters must be floating point, got dtype int64"),
    # ---------------------------------------------------------------- backward misuse
    ("backward-twice-model", _backward_twice_through_a_model,
     RuntimeError, r"second time: the sum node.*retain_graph=True"),
    ("backward-grad-shape", lambda: (tg.tensor([1.0, 2.0], requires_grad=True) * 2).backward(np.ones(3)),
     RuntimeError, r"backward: gradient of shape \(3,\) given for output 0 of shape \(2,\)"),
    ("grad-input-no-grad", lambda: tg.grad(tg.tensor([1.0], requires_grad=True).sum(), tg.tensor([1.0])),
     RuntimeError, r"grad: input 0 does not require grad"),
    ("manual_seed-float", lambda: tg.manual_seed(1.5), ValueError, r"manual_seed: .*got 1\.5"),
    # ---------------------------------------------------------------- class labels and targets
    ("sparse-label-too-big", _fit(y=np.array([0, 1, 2, 1])),
     ValueError, r"sparse_categorical_crossentropy: label 2 is outside the 2 classes 0\.\.1"),
    ("sparse-label-negative", lambda: nn.CrossEntropyLoss()(tg.tensor(np.ones((2, 3))), np.array([0, -1])),
     ValueError, r"cross_entropy: label -1 is outside the 3 classes"),
    ("sparse-label-fractional", lambda: nn.SparseCategoricalCrossentropy()(np.array([0.5, 1.0]),
                                                                             tg.tensor(np.ones((2, 3)))),
     ValueError, r"labels must be integers, got dtype float64; for probability \(one-hot\) targets give them the "
                 r"logits' shape \(2, 3\)"),
    ("sparse-label-shape", lambda: nn.CrossEntropyLoss()(tg.tensor(np.ones((4, 3))), np.zeros((4, 2), int)),
     ValueError, r"labels of shape \(4, 2\) do not fit logits of shape \(4, 3\)"),
    ("one-hot-too-wide", _fit(y=np.eye(3)[[0, 1, 2, 0]], loss="categorical_crossentropy"),
     ValueError, r"categorical_crossentropy: targets have 3 columns but the predictions have 2.*num_classes=2"),
    ("one-hot-too-narrow", lambda: nn.CategoricalCrossentropy()(np.eye(2), tg.tensor(np.full((2, 3), 1 / 3))),
     ValueError, r"targets have 2 columns but the predictions have 3"),
    ("softmax_cross_entropy-target", lambda: tg.softmax_cross_entropy(tg.tensor(np.ones((2, 3))), np.ones((2, 4))),
     ValueError, r"softmax_cross_entropy: target shape \(2, 4\) must equal the logits' shape \(2, 3\)"),
    ("bce-not-probabilities", lambda: nn.BCELoss()(tg.tensor(np.array([1.5, 0.5])), np.array([0.0, 1.0])),
     ValueError, r"binary_cross_entropy: .*probabilities in \[0, 1\], got 1\.5 at index \(0,\).*logits"),
    ("mse-shape", lambda: nn.MSELoss()(tg.tensor(np.ones((4, 1))), np.ones(3)),
     ValueError, r"mse_loss: target shape \(3,\) does not match prediction shape \(4, 1\)"),
    ("to_categorical-range", lambda: nn.to_categorical([0, 5], num_classes=3),
     ValueError, r"to_categorical: label 5 .*num_classes=3"),
    ("to_categorical-negative", lambda: nn.to_categorical([-1, 1]), ValueError, r"labels must be >= 0, got -1"),
    # ---------------------------------------------------------------- fit / evaluate / predict data
    ("fit-lengths", _fit(y=LABELS[:3]), ValueError, r"fit: .*same number of samples, but x has 4 \(shape \(4, 2\)\), y has 3"),
    ("evaluate-lengths", lambda: _compiled().evaluate(X, LABELS[:2], verbose=0),
     ValueError, r"evaluate: .*x has 4 \(shape \(4, 2\)\), y has 2"),
    ("fit-empty", _fit(x=X[:0], y=LABELS[:0]), ValueError, r"fit: x has no samples \(shape \(0, 2\)\)"),
    ("fit-object-x", _fit(x=np.array([[1, "a"]] * 4, dtype=object)), TypeError, r"fit: x must be numeric.*object"),
    ("fit-string-y", _fit(y=np.array(["a", "b", "a", "b"])), TypeError, r"fit: y must be numeric.*<U1"),
    ("fit-nan-x", _fit(x=np.array([[1, 2], [np.nan, 1], [1, 1], [0, 0]], np.float32)),
     ValueError, r"fit: x contains NaN or Inf \(first at index \(1, 0\), value nan\)"),
    ("fit-inf-y", _fit(y=np.array([[0, 1], [np.inf, 0], [0, 0], [1, 1]]), loss="mse"),
     ValueError, r"fit: y contains NaN or Inf"),
    ("predict-nan", lambda: _compiled().predict(np.array([[np.nan, 1.0]])),
     ValueError, r"predict: x contains NaN or Inf \(first at index \(0, 0\), value nan\)"),
    ("fit-batch_size", _fit(batch_size=0), ValueError, r"fit: batch_size must be a positive integer, got 0"),
    ("fit-epochs", _fit(epochs=-1), ValueError, r"fit: epochs must be a non-negative integer, got -1"),
    ("fit-validation_split", _fit(validation_split=1.5), ValueError, r"validation_split must be a number in \[0, 1\), got 1\.5"),
    ("fit-validation_data", _fit(validation_data=(X,)), ValueError, r"validation_data must be a tuple \(x_val, y_val\)"),
    ("fit-class_weight", _fit(class_weight={0: 1.0}), ValueError, r"class_weight has no weight for class\(es\) \[1\]"),
    ("fit-sample_weight", _fit(sample_weight=np.ones(3)), ValueError, r"sample_weight must be 4 numbers, one per sample .*got shape \(3,\)"),
    ("fit-uncompiled", lambda: _model().fit(X, LABELS, verbose=0), RuntimeError, r"fit: the model is not compiled"),
    ("dataloader-lengths", lambda: nn.DataLoader(X, LABELS[:3]), ValueError, r"x has 4 samples but y has 3"),
    # ---------------------------------------------------------------- names: losses, optimizers, metrics
    ("compile-unknown-loss", lambda: _model().compile(optimizer="sgd", loss="crossentropy"),
     ValueError, r"loss 'crossentropy' is unknown; valid names are .*'categorical_crossentropy'.*'mse'"),
    ("compile-unknown-optimizer", lambda: _model().compile(optimizer="adamw2", loss="mse"),
     ValueError, r"unknown optimizer 'adamw2'; valid names are 'sgd', .*'adam'"),
    ("compile-unknown-metric", lambda: _model().compile(optimizer="sgd", loss="mse", metrics=["acuracy"]),
     ValueError, r"unknown metric 'acuracy'; valid names are acc, accuracy, .*mse"),
    ("fit-no-loss", lambda: _compile_without_loss().fit(X, LABELS, verbose=0), ValueError,
     r"No loss found: the model was compiled without a loss and adds none with add_loss; give compile a loss"),
    ("loss-reduction", lambda: nn.MSELoss(reduction="avg"), ValueError, r"MSELoss: reduction must be one of .*'avg'"),
    # ---------------------------------------------------------------- hyperparameters (others: test_optim_api)
    ("sgd-nesterov-without-momentum", lambda: optim.SGD(_model().parameters(), lr=0.1, nesterov=True),
     ValueError, r"SGD: invalid momentum=0\.0; nesterov=True needs momentum > 0"),
    ("lr-set-negative", lambda: setattr(optim.SGD(_model().parameters(), lr=0.1), "learning_rate", -1),
     ValueError, r"SGD: invalid lr=-1"),
    ("huber-delta", lambda: nn.HuberLoss(delta=-1), ValueError, r"HuberLoss: delta must be positive, got -1"),
    ("dropout-rate", lambda: nn.Dropout(1.0), ValueError, r"Dropout: rate must be in \[0, 1\), got 1\.0"),
    ("dense-units", lambda: nn.Dense(0), ValueError, r"Dense: units must be a positive integer, got 0"),
    # ---------------------------------------------------------------- layers called on the wrong size
    ("dense-built-wrong-features", lambda: _call_built_dense_on(5),
     ValueError, r"Dense 'hidden': expects inputs with 3 features on the last axis, got shape \(2, 5\)"),
    ("dense-lazy-then-wrong-features", lambda: _call_lazy_dense_again_on(4),
     ValueError, r"Dense 'lazy': expects inputs with 3 features.*\(2, 4\)"),
    ("predict-wrong-features", lambda: _compiled().predict(np.ones((2, 5))), ValueError, r"expects inputs with 2 features"),
    ("set_weights-count", lambda: _model().set_weights([np.ones((2, 3))]),
     ValueError, r"set_weights: .*has 4 weight arrays \(0\.weight, .*\), got 1"),
]

# Files: factories that take tmp_path.
FILE_CASES = [
    ("npz-garbage", lambda d: _load(_file(d, "garbage.npz", b"not a zip at all")),
     ValueError, r"load_state: .*garbage\.npz is not a readable \.npz checkpoint.*truncated or corrupt"),
    ("npz-truncated", lambda d: _load(_file(d, "cut.npz", _checkpoint_bytes(d)[:200])),
     ValueError, r"cut\.npz is not a readable \.npz checkpoint \(BadZipFile"),
    ("npz-empty", lambda d: _load(_file(d, "empty.npz", b"")), ValueError, r"empty\.npz is not a readable"),
    ("npz-bit-flip", lambda d: _load(_file(d, "flip.npz", _flip(_checkpoint_bytes(d), 120))),
     ValueError, r"flip\.npz is not a readable \.npz checkpoint"),
    ("npz-is-npy", lambda d: _load(_npy(d)), ValueError, r"single\.npy .*single array, not an archive"),
    ("npz-missing", lambda d: _load(d / "nowhere.npz"), FileNotFoundError, r"nowhere\.npz"),
    ("npz-wrong-architecture", lambda d: lambda: (nn.save(_model(3), d / "three.npz"),
                                                  _model(2).load_state_dict(nn.load_state(d / "three.npz"))),
     RuntimeError, r"shape mismatches: 1\.weight: checkpoint \(3, 3\), model \(3, 2\)"),
]


def _flip(raw: bytes, at: int) -> bytes:
    """``raw`` with one byte inverted inside the first member's data (its CRC no longer matches)."""
    return raw[:at] + bytes([raw[at] ^ 0xFF]) + raw[at + 1:]


def _npy(directory):
    np.save(directory / "single.npy", np.ones(3))
    return directory / "single.npy"


@pytest.mark.parametrize("thunk, error, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_a_specific_error_naming_what_is_wrong(thunk, error, message):
    with pytest.raises(error) as raised:
        thunk()
    assert re.search(message, str(raised.value)), str(raised.value)


@pytest.mark.parametrize("factory, error, message", [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES])
def test_bad_checkpoint_file_raises_an_error_naming_the_file(tmp_path, factory, error, message):
    with pytest.raises(error) as raised:
        factory(tmp_path)()
    assert re.search(message, str(raised.value)), str(raised.value)


def test_nan_in_training_data_is_refused_before_any_weight_changes():
    """The documented behaviour for NaN/Inf data: fit refuses it up front, so no step ran."""
    model = _compiled()
    before = model.get_weights()
    bad = X.copy()
    bad[2, 1] = np.inf
    with pytest.raises(ValueError, match=r"index \(2, 1\)"):
        model.fit(bad, LABELS, epochs=3, verbose=0)
    for w, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(w, b)


def test_catalogue_has_at_least_forty_cases():
    ids = [c[0] for c in CASES + FILE_CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 40
