"""Keras's loss classes called Keras's way, loss(y_true, y_pred, sample_weight): every number below is the
standalone-usage example of the class's docstring in Keras 2.15 (keras/losses.py, shown on keras.io and
tensorflow.org/api_docs/python/tf/keras/losses/<Class>), printed there to 2-4 digits; the formulas are
Keras's documented ones. Then compile with names, class names, objects and Loss subclasses."""
import math

import numpy as np
import pytest

import nn
import tensorgrad as tg
from nn import keras

L = keras.losses
Y01 = [[0.0, 1.0], [0.0, 0.0]]
P_1100 = [[1.0, 1.0], [1.0, 0.0]]
P_6446 = [[0.6, 0.4], [0.4, 0.6]]
CCE_TRUE = [[0, 1, 0], [0, 0, 1]]
CCE_PRED = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]

# (class, constructor kwargs, y_true, y_pred, sample_weight, [mean, weighted, sum, none...]) from the docstrings
DOC_EXAMPLES = {
    "MeanSquaredError": ({}, Y01, P_1100, [0.7, 0.3], 0.5, 0.25, 1.0, [0.5, 0.5]),
    "MeanAbsoluteError": ({}, Y01, P_1100, [0.7, 0.3], 0.5, 0.25, 1.0, [0.5, 0.5]),
    "MeanAbsolutePercentageError": ({}, [[2.0, 1.0], [2.0, 3.0]], P_1100, [0.7, 0.3], 50.0, 20.0, 100.0, [25.0, 75.0]),
    "MeanSquaredLogarithmicError": ({}, Y01, P_1100, [0.7, 0.3], 0.240, 0.120, 0.480, [0.240, 0.240]),
    "CategoricalCrossentropy": ({}, CCE_TRUE, CCE_PRED, [0.3, 0.7], 1.177, 0.814, 2.354, [0.0513, 2.303]),
    "SparseCategoricalCrossentropy": ({}, [1, 2], CCE_PRED, [0.3, 0.7], 1.177, 0.814, 2.354, [0.0513, 2.303]),
    "CategoricalFocalCrossentropy": ({}, CCE_TRUE, CCE_PRED, [0.3, 0.7], 0.23315276, 0.1632, 0.46631,
                                     [3.2058331e-05, 4.6627346e-01]),
    "CosineSimilarity": ({"axis": 1}, [[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]], [0.8, 0.2], -0.5, -0.0999,
                         -0.999, [-0.0, -0.999]),
    "Hinge": ({}, Y01, P_6446, [1, 0], 1.3, 0.55, 2.6, [1.1, 1.5]),
    "SquaredHinge": ({}, Y01, P_6446, [1, 0], 1.86, 0.73, 3.72, [1.46, 2.26]),
    "CategoricalHinge": ({}, [[0, 1], [0, 0]], P_6446, [1, 0], 1.4, 0.6, 2.8, [1.2, 1.6]),
    "Poisson": ({}, Y01, [[1.0, 1.0], [0.0, 0.0]], [0.8, 0.2], 0.5, 0.4, 0.999, [0.999, 0.0]),
    "LogCosh": ({}, Y01, [[1.0, 1.0], [0.0, 0.0]], [0.8, 0.2], 0.108, 0.087, 0.217, [0.217, 0.0]),
    "KLDivergence": ({}, [[0, 1], [0, 0]], P_6446, [0.8, 0.2], 0.458, 0.366, 0.916, [0.916, -3.08e-06]),
    "Huber": ({}, [[0, 1], [0, 0]], P_6446, [1, 0], 0.155, 0.09, 0.31, [0.18, 0.13]),
    "BinaryCrossentropy": ({"from_logits": True}, [[0, 1], [0, 0]], [[-18.6, 0.51], [2.94, -12.8]], [0.8, 0.2],
                           0.865, 0.243, 1.730, [0.235, 1.496]),
}


def _close(value, expected):
    """The docstrings print 2-4 significant digits (and -3.08e-06 for a value that is 0 up to float32)."""
    np.testing.assert_allclose(np.asarray(value.data if isinstance(value, tg.Tensor) else value), expected,
                               rtol=2e-3, atol=6e-4)


@pytest.mark.parametrize("name", sorted(DOC_EXAMPLES))
def test_every_class_reproduces_its_keras_docstring_example(name):
    kwargs, y_true, y_pred, weights, mean, weighted, total, none = DOC_EXAMPLES[name]
    cls = getattr(L, name)
    _close(cls(**kwargs)(y_true, y_pred), mean)
    _close(cls(**kwargs)(y_true, y_pred, sample_weight=weights), weighted)
    _close(cls(**kwargs, reduction="sum")(y_true, y_pred), total)
    _close(cls(**kwargs, reduction="none")(y_true, y_pred), none)
    _close(cls(**kwargs, reduction="auto")(y_true, y_pred), mean)              # Keras 2's 'auto'
    _close(cls(**kwargs, reduction=L.Reduction.SUM)(y_true, y_pred), total)     # tf.keras.losses.Reduction.SUM


def test_binary_crossentropy_one_sample_of_four_logits():
    """Docstring example 1: y_true [0, 1, 0, 0], logits [-18.6, 0.51, 2.94, -12.8] -> 0.865."""
    _close(L.BinaryCrossentropy(from_logits=True)([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8]), 0.865)


def test_binary_focal_crossentropy_docstring_examples():
    """BinaryFocalCrossentropy's docstring: gamma 2 -> 0.691 (class balancing 0.51); the (2, 2) batch with gamma 3
    -> 0.647 / 0.482, weighted [0.8, 0.2] 0.133 / 0.097; gamma 4 'sum' 1.222 / 0.914; gamma 5 'none'
    [0.0017, 1.1561] / [0.0004, 0.8670]."""
    flat_t, flat_p = [0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8]
    _close(L.BinaryFocalCrossentropy(gamma=2, from_logits=True)(flat_t, flat_p), 0.691)
    _close(L.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=2, from_logits=True)(flat_t, flat_p), 0.51)
    t, p = [[0, 1], [0, 0]], [[-18.6, 0.51], [2.94, -12.8]]
    for balanced, g3, g3w, g4sum, g5none in ((False, 0.647, 0.133, 1.222, [0.0017, 1.1561]),
                                             (True, 0.482, 0.097, 0.914, [0.0004, 0.8670])):
        _close(L.BinaryFocalCrossentropy(apply_class_balancing=balanced, gamma=3, from_logits=True)(t, p), g3)
        _close(L.BinaryFocalCrossentropy(apply_class_balancing=balanced, gamma=3, from_logits=True)(
            t, p, sample_weight=[0.8, 0.2]), g3w)
        _close(L.BinaryFocalCrossentropy(apply_class_balancing=balanced, gamma=4, from_logits=True,
                                         reduction="sum")(t, p), g4sum)
        _close(L.BinaryFocalCrossentropy(apply_class_balancing=balanced, gamma=5, from_logits=True,
                                         reduction="none")(t, p), g5none)


def test_function_forms_docstring_examples():
    """keras.losses.binary_crossentropy: [0.916, 0.714]; binary_focal_crossentropy gamma 2: [0.330, 0.206];
    categorical_focal_crossentropy: [2.634e-04, 6.759e-01]; cosine_similarity axis 1: [-0, -0.999, 0.999];
    (sparse_)categorical_crossentropy: [0.0513, 2.303]."""
    _close(L.binary_crossentropy(Y01, P_6446), [0.916, 0.714])
    _close(L.binary_focal_crossentropy(Y01, P_6446, gamma=2), [0.330, 0.206])
    _close(L.categorical_focal_crossentropy(CCE_TRUE, [[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]]),
           [2.63401289e-04, 6.75912094e-01])
    _close(L.cosine_similarity([[0.0, 1.0], [1.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0], [-1.0, -1.0]], axis=1),
           [-0.0, -0.999, 0.999])
    _close(L.categorical_crossentropy(CCE_TRUE, CCE_PRED), [0.0513, 2.303])
    _close(L.sparse_categorical_crossentropy([1, 2], CCE_PRED), [0.0513, 2.303])


def test_sparse_ignore_class_gives_zero_and_is_left_out_of_the_mean():
    """Keras's sparse_categorical_crossentropy docstring with ignore_class=-1: ignored positions give 0; the
    kept ones -log clip(p) (2.384e-07 for p = 1 in float32 is -log(1 - 1e-7) up to rounding; 0.6931 for p = .5)."""
    y_true = np.array([[[0, 2], [-1, -1]], [[0, 2], [-1, -1]]])
    y_pred = np.array([[[[1.0, 0, 0], [0, 0, 1.0]], [[0.2, 0.5, 0.3], [0, 1.0, 0]]],
                       [[[1.0, 0, 0], [0, 0.5, 0.5]], [[0.2, 0.5, 0.3], [0, 1.0, 0]]]], dtype=np.float32)
    values = L.sparse_categorical_crossentropy(y_true, y_pred, ignore_class=-1)
    _close(values, [[[2.3841855e-07, 2.3841855e-07], [0, 0]], [[2.3841855e-07, 6.9314730e-01], [0, 0]]])
    mean = L.SparseCategoricalCrossentropy(ignore_class=-1)(y_true, y_pred)
    assert mean.item() == pytest.approx(values.numpy().sum() / 4, rel=1e-6)       # 4 labels kept of 8


@pytest.mark.parametrize("name", ["BinaryCrossentropy", "CategoricalCrossentropy"])
def test_label_smoothing_follows_keras_formula(name):
    """Binary: y·(1 − s) + s/2; categorical: y·(1 − s) + s/classes (Keras's documented smoothing)."""
    y, p, s = np.array([[0.0, 1.0, 0.0]]), np.array([[0.2, 0.5, 0.3]]), 0.2
    if name == "BinaryCrossentropy":
        ys = y * (1 - s) + s / 2
        expected = -(ys * np.log(p) + (1 - ys) * np.log(1 - p)).mean()
    else:
        ys = y * (1 - s) + s / 3
        expected = -(ys * np.log(p)).sum()
    assert getattr(L, name)(label_smoothing=s)(y, p).item() == pytest.approx(expected, rel=1e-6)


def test_keras_classes_take_y_true_first_and_pytorch_modules_input_first():
    """The spelling decides the order: keras MeanSquaredError(y_true, y_pred) and BinaryCrossentropy(y_true,
    y_pred); nn.MSELoss(input, target) and nn.BCELoss(input, target) as PyTorch."""
    y_true, y_pred = np.array([[1.0], [0.0]]), tg.tensor(np.array([[0.9], [0.2]]), requires_grad=True)
    bce = L.BinaryCrossentropy()(y_true, y_pred)
    assert bce.item() == pytest.approx(-(math.log(0.9) + math.log(0.8)) / 2, rel=1e-6)
    assert nn.BCELoss()(y_pred, y_true).item() == pytest.approx(bce.item(), rel=1e-6)
    assert nn.losses.MeanSquaredError is L.MeanSquaredError and nn.MeanSquaredError is L.MeanSquaredError
    assert nn.MSELoss()(y_pred, y_true).item() == pytest.approx(L.MeanSquaredError()(y_true, y_pred).item())
    bce.backward()
    np.testing.assert_allclose(y_pred.grad.data, [[-1 / 0.9 / 2], [1 / 0.8 / 2]], rtol=1e-6)


def test_loss_subclass_call_gets_weights_and_reduction_from_the_base():
    class Cubed(L.Loss):
        def call(self, y_true, y_pred):
            return keras.ops.mean(keras.ops.abs(y_pred - y_true) ** 3, axis=-1)

    y_true, y_pred = np.array([[0.0, 1.0], [2.0, 2.0]]), np.array([[1.0, 1.0], [0.0, 2.0]])
    per_sample = np.array([0.5, 4.0])
    assert Cubed()(y_true, y_pred).item() == pytest.approx(per_sample.mean())
    assert Cubed(reduction="sum")(y_true, y_pred).item() == pytest.approx(per_sample.sum())
    assert Cubed()(y_true, y_pred, sample_weight=[2.0, 0.0]).item() == pytest.approx(0.5)      # (2·0.5 + 0) / 2
    np.testing.assert_allclose(Cubed(reduction=None)(y_true, y_pred).data, per_sample)
    assert Cubed(name="cubed").get_config() == {"reduction": "sum_over_batch_size", "name": "cubed"}
    with pytest.raises(NotImplementedError, match="must define call"):
        L.Loss()(y_true, y_pred)


def test_get_follows_keras():
    """keras.losses.get: a function name gives the function, a class name or config an instance."""
    assert L.get("categorical_crossentropy") is L.categorical_crossentropy
    assert isinstance(L.get("CategoricalCrossentropy"), L.CategoricalCrossentropy)
    assert L.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}}).from_logits
    assert L.get(None) is None and L.get(L.mse) is L.mse
    with pytest.raises(ValueError, match="loss 'crossentropy' is unknown; valid names are"):
        L.get("crossentropy")


def test_config_round_trip_and_bad_arguments():
    loss = L.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=3.0, label_smoothing=0.1, name="f")
    again = L.BinaryFocalCrossentropy.from_config(loss.get_config())
    assert again.get_config() == loss.get_config() and again.gamma == 3.0 and again.name == "f"
    with pytest.raises(ValueError, match="reduction must be 'sum_over_batch_size'.*got 'avg'"):
        L.MeanSquaredError(reduction="avg")
    with pytest.raises(ValueError, match="label_smoothing must be between 0 and 1"):
        L.CategoricalCrossentropy(label_smoothing=2)
    with pytest.raises(ValueError, match=r"sample_weight of shape \(3,\) does not fit the loss values of shape \(2,\)"):
        L.MeanSquaredError()(Y01, P_1100, sample_weight=[1, 2, 3])


@pytest.mark.parametrize("name", ["BinaryFocalCrossentropy", "CategoricalFocalCrossentropy", "CategoricalHinge",
                                  "MeanAbsolutePercentageError", "Poisson", "KLDivergence", "CosineSimilarity"])
def test_new_losses_pass_gradcheck(name):
    rng = np.random.default_rng(1)
    one_hot = name.startswith("Categorical") or name.startswith("Binary")
    y_true = np.eye(3)[rng.integers(0, 3, 4)] if one_hot else rng.uniform(0.1, 0.9, size=(4, 3))
    pred = rng.uniform(0.2, 0.8, size=(4, 3))
    loss = getattr(L, name)()
    assert tg.gradcheck(lambda p: loss(y_true, p), [tg.tensor(pred, requires_grad=True)])


KERAS_STRINGS = ["mse", "mean_squared_error", "mae", "mape", "msle", "kld", "kl_divergence",
                 "kullback_leibler_divergence", "hinge", "squared_hinge", "categorical_hinge", "log_cosh", "logcosh",
                 "poisson", "cosine_similarity", "huber", "binary_crossentropy", "categorical_crossentropy",
                 "sparse_categorical_crossentropy", "binary_focal_crossentropy", "categorical_focal_crossentropy",
                 "MeanSquaredError", "BinaryCrossentropy", "CategoricalFocalCrossentropy", "Huber"]


def _fit_loss(loss, y, out_units=3, activation="softmax", epochs=3):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 4)).astype(np.float32)
    tg.manual_seed(0)
    model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(4,)),
                              keras.layers.Dense(out_units, activation=activation)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss)
    history = model.fit(x, y, epochs=epochs, batch_size=16, verbose=0)
    return model, x, history.history["loss"]


@pytest.mark.parametrize("name", KERAS_STRINGS)
def test_every_keras_loss_string_compiles_trains_and_evaluates_to_its_class(name):
    """compile(loss=<string>) trains (the loss falls) and evaluate gives the class's value on predict's output."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 48)
    y = labels if name == "sparse_categorical_crossentropy" else np.eye(3, dtype=np.float32)[labels]
    model, x, losses = _fit_loss(name, y, epochs=4)
    assert losses[-1] < losses[0]
    expected = keras.losses.get(name if name[0].isupper() else name).__class__ if name[0].isupper() else None
    obj = nn.keras_losses.loss_object(name)
    assert expected is None or isinstance(obj, expected)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(obj(y, model.predict(x, verbose=0)).item(), rel=1e-4)


def test_compile_with_a_loss_subclass_and_sample_weights():
    """A Loss subclass in compile gets y_true first, Tensor, rank-matched; sample weights reach the base."""
    seen = {}

    class Squared(L.Loss):
        def call(self, y_true, y_pred):
            seen["shapes"] = (y_true.shape, y_pred.shape)
            return keras.ops.mean(keras.ops.square(y_pred - y_true), axis=-1)

    rng = np.random.default_rng(0)
    y = rng.normal(size=48).astype(np.float32)
    model, x, losses = _fit_loss(Squared(), y, out_units=1, activation=None, epochs=5)
    assert seen["shapes"] == ((16, 1), (16, 1)) and losses[-1] < losses[0]
    w = rng.uniform(0, 2, 48).astype(np.float32)
    pred = model.predict(x, verbose=0)
    weighted = float(np.sum(w * (pred[:, 0] - y) ** 2) / 48)
    assert model.evaluate(x, y, sample_weight=w, batch_size=48, verbose=0) == pytest.approx(weighted, rel=1e-4)


def test_compile_loss_object_with_options_and_reduction_sum():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 48)
    model, x, losses = _fit_loss(L.SparseCategoricalCrossentropy(from_logits=True), labels, activation=None)
    assert losses[-1] < losses[0]
    z = model.predict(x, verbose=0)
    expected = np.mean(np.log(np.exp(z).sum(1)) - z[np.arange(48), labels])
    assert model.evaluate(x, labels, batch_size=48, verbose=0) == pytest.approx(expected, rel=1e-5)


def test_serialize_and_deserialize_round_trip():
    loss = L.BinaryFocalCrossentropy(gamma=3.0, from_logits=True)
    config = L.serialize(loss)
    assert config["class_name"] == "BinaryFocalCrossentropy" and config["config"]["gamma"] == 3.0
    again = L.deserialize(config)
    assert type(again) is L.BinaryFocalCrossentropy and again.get_config() == loss.get_config()
    assert L.serialize(L.mse) == "mean_squared_error" and L.deserialize("mse") is L.mse
    with pytest.raises(TypeError, match="not one of Keras's loss classes or functions"):
        L.serialize(lambda t, p: p)


def test_mismatched_shapes_name_the_loss_and_the_order():
    with pytest.raises(ValueError, match=r"MeanSquaredError: y_true of shape \(3, 2\) does not fit y_pred of shape "
                                         r"\(3, 4\).*targets first"):
        L.MeanSquaredError(reduction="none")(np.ones((3, 2)), np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"Hinge: y_true of shape \(3, 2\) does not fit"):
        L.Hinge()(np.ones((3, 2)), np.ones((3, 4)))


def test_compile_with_reduction_none_trains_on_the_sum_and_logs_the_mean():
    """Keras 2.15's compiled loss adds a 'none'-reduced loss as it is: the gradient is the sum's, the logged
    loss the mean of the values (its Mean metric)."""
    tg.manual_seed(0)
    x, y = np.ones((8, 3), np.float32), np.zeros((8, 1), np.float32)
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,), kernel_initializer="ones")])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss=L.MeanSquaredError(reduction="none"))
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert history.history["loss"][0] == pytest.approx(9.0)                    # (3 · 1)² per sample, their mean
    # d/dw of Σ (x·w)² over 8 samples = 8 · 2 · 3 · 1 = 48 per weight: w = 1 − 0.01 · 48
    np.testing.assert_allclose(model.get_weights()[0], np.full((3, 1), 1 - 0.48), rtol=1e-6)
