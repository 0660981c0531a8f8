"""nn.keras: every Keras import path the notes use resolves to nn's/optim's own object; the small Keras
pieces added for it (Activation layer, Keras-named optimizers, broadcast regression targets) behave."""
import importlib

import numpy as np
import pytest

import nn
import optim
import tensorgrad as tg
from nn import keras

# (module path, attribute) -> the object it must be (never a second implementation)
PATHS = [
    ("nn.keras", "Sequential", nn.Sequential), ("nn.keras", "Model", nn.Model), ("nn.keras", "Input", nn.Input),
    ("nn.keras.models", "Sequential", nn.Sequential), ("nn.keras.models", "Model", nn.Model),
    ("nn.keras.layers", "Dense", nn.Dense), ("nn.keras.layers", "Flatten", nn.Flatten),
    ("nn.keras.layers", "Dropout", nn.Dropout), ("nn.keras.layers", "Input", nn.Input),
    ("nn.keras.layers", "concatenate", nn.concatenate), ("nn.keras.layers", "Activation", nn.Activation),
    ("nn.keras.layers", "Layer", nn.Layer),
    ("nn.keras.layers.core", "Dense", nn.Dense), ("nn.keras.layers.core", "Activation", nn.Activation),
    ("nn.keras.layers.merge", "concatenate", nn.concatenate),
    ("nn.keras.datasets", "mnist", nn.datasets.mnist), ("nn.keras.datasets", "fashion_mnist", nn.datasets.fashion_mnist),
    ("nn.keras.utils", "to_categorical", nn.to_categorical),
    ("nn.keras.utils.np_utils", "to_categorical", nn.to_categorical),
    ("nn.keras.callbacks", "TensorBoard", nn.callbacks.TensorBoard),
    ("nn.keras.callbacks", "EarlyStopping", nn.callbacks.EarlyStopping),
    ("nn.keras.callbacks", "History", nn.History),
    ("nn.keras.backend", "clear_session", nn.clear_session),
    ("nn.keras.losses", "BinaryCrossentropy", nn.BinaryCrossentropy), ("nn.keras.losses", "MeanSquaredError", nn.MeanSquaredError),
    ("nn.keras.metrics", "binary_accuracy", nn.metrics.binary_accuracy),
    ("nn.keras.activations", "relu", tg.relu), ("nn.keras.initializers", "GlorotUniform", nn.keras_initializers.GlorotUniform),
    ("nn.keras.optimizers", "get", optim.get),
]


@pytest.mark.parametrize("module, name, expected", PATHS, ids=[f"{m}.{n}" for m, n, _ in PATHS])
def test_keras_paths_resolve_to_the_nn_objects(module, name, expected):
    assert getattr(importlib.import_module(module), name) is expected


def test_loss_names_take_keras_spellings():
    for name, cls in (("MSE", nn.MeanSquaredError), ("MAE", nn.MeanAbsoluteError), ("huber_loss", nn.Huber)):
        assert isinstance(nn.losses.get(name), cls)


def test_import_nn_as_tf_reaches_keras():
    import nn as tf
    assert tf.keras is keras and tf.__version__ == keras.__version__
    assert tf.__version__ >= "2.0" and tf.__version__.endswith("+tensorgrad." + tg.__version__)
    assert isinstance(tf.keras.models.Sequential(), nn.Sequential)
    assert isinstance(tf.keras.layers.Dense(1), nn.Dense)
    assert isinstance(tf.keras.callbacks.TensorBoard(log_dir="unused"), nn.callbacks.Callback)


def test_clear_session_restarts_default_names():
    keras.backend.clear_session()
    first = [keras.layers.Dense(1).name, keras.layers.Dense(1).name]
    keras.backend.clear_session()
    assert first == ["dense", "dense_1"] and keras.layers.Dense(1).name == "dense"


# ------------------------------------------------------------------------------------- Activation layer
def test_activation_layer_applies_the_named_function():
    x = np.array([[-2.0, 0.5, 3.0]], dtype=np.float32)
    np.testing.assert_array_equal(nn.Activation("relu")(x).data, [[0.0, 0.5, 3.0]])
    np.testing.assert_allclose(nn.Activation("sigmoid")(x).data, 1 / (1 + np.exp(-x)), rtol=1e-6)
    np.testing.assert_array_equal(nn.Activation(None)(x).data, x)             # 'linear'
    np.testing.assert_allclose(nn.Activation(tg.tanh)(x).data, np.tanh(x), rtol=1e-6)


def test_activation_layer_in_a_model_has_no_parameters_and_passes_gradients():
    keras.backend.clear_session()
    model = keras.Sequential([keras.layers.Dense(3, input_dim=2), keras.layers.Activation("relu")])
    assert model.layers[1].name == "activation" and model.layers[1].count_params() == 0
    assert model.output.shape == (None, 3) and model.count_params() == 9
    x = np.array([[1.0, -1.0]], dtype=np.float32)
    model(x).sum().backward()
    dense = model.layers[0]
    z = x @ dense.weight.data + dense.bias.data
    np.testing.assert_array_equal(dense.bias.grad.data, (z > 0).astype(np.float32).ravel())   # relu'(z)


def test_activation_layer_rejects_unknown_names():
    with pytest.raises(ValueError, match="activation 'rellu' is unknown"):
        nn.Activation("rellu")


# ------------------------------------------------------------------------------------- Keras optimizers
@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl"])
def test_keras_optimizer_classes_are_what_the_keras_strings_build(name):
    """keras.optimizers.Adam() and compile(optimizer='adam') are the same optimizer: Keras's rule and defaults."""
    made = getattr(keras.optimizers, name)()
    by_string = optim.get(name.lower())
    assert type(made) is type(by_string) and not made.is_bound
    assert made.defaults == by_string.defaults and made.name == name


def test_keras_optimizer_argument_names():
    assert keras.optimizers.SGD(lr=0.05).learning_rate == 0.05                     # seed 001: SGD(lr=0.01)
    assert keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True).nesterov is True
    adam = keras.optimizers.Adam(learning_rate=0.01, beta_1=0.5, beta_2=0.9, epsilon=1e-3, amsgrad=True)
    assert (adam.learning_rate, adam.beta_1, adam.beta_2, adam.epsilon, adam.amsgrad) == (0.01, 0.5, 0.9, 1e-3, True)
    rms = keras.optimizers.RMSprop(rho=0.8, momentum=0.5, epsilon=1e-6, centered=True)
    assert (rms.rho, rms.momentum, rms.epsilon, rms.centered) == (0.8, 0.5, 1e-6, True)
    assert keras.optimizers.Adagrad(initial_accumulator_value=0.5).initial_accumulator_value == 0.5
    with pytest.raises(AttributeError, match="no attribute 'betas'"):
        adam.betas                                                                 # PyTorch's name is not Keras's


def test_keras_optimizer_lr_and_learning_rate_conflict_is_named():
    with pytest.raises(ValueError, match="SGD: got learning_rate=0.1 and lr=0.2"):
        keras.optimizers.SGD(learning_rate=0.1, lr=0.2)
    assert keras.optimizers.Adam(learning_rate=0.1, lr=0.1).learning_rate == 0.1


def test_keras_sgd_trains_a_compiled_model_with_its_lr():
    """One full-batch step of SGD(lr=0.1) on MSE moves the bias by -lr * 2 * mean(pred - y)."""
    model = keras.Sequential([keras.layers.Dense(1, input_dim=1, kernel_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.SGD(lr=0.1), loss="mse")
    model.fit(np.ones((4, 1)), np.full((4, 1), 3.0), batch_size=4, epochs=1, verbose=0)
    np.testing.assert_allclose(model.layers[0].bias.data, [0.1 * 2 * 3.0], rtol=1e-6)


# ------------------------------------------------------------------------------------- broadcast targets
def test_elementwise_losses_broadcast_a_column_target_over_the_outputs():
    """Keras fits each of k outputs to an (N, 1) target (seed 003: Dense(2) on y of shape (N, 1))."""
    pred = tg.tensor(np.array([[1.0, 2.0], [3.0, 5.0]]), requires_grad=True)
    y = np.array([[2.0], [4.0]])
    loss = nn.losses.get("mse")(y, pred)
    diff = pred.data - y
    assert loss.item() == pytest.approx(np.mean(diff ** 2))
    loss.backward()
    np.testing.assert_allclose(pred.grad.data, 2 * diff / diff.size)
    assert nn.losses.get("mae")(y.ravel(), pred).item() == pytest.approx(np.mean(np.abs(diff)))  # (N,) -> (N, 1)
    bce = nn.losses.get("binary_crossentropy")(np.array([[1.0]]), np.array([[0.2, 0.6]])).item()
    assert bce == pytest.approx(-(np.log(0.2) + np.log(0.6)) / 2, rel=1e-6)


def test_categorical_crossentropy_does_not_broadcast_labels():
    with pytest.raises(ValueError, match=r"categorical_crossentropy: targets have 1 columns but the predictions "
                                         r"have 3 \(shapes \(2, 1\) and \(2, 3\)\).*to_categorical"):
        nn.losses.get("categorical_crossentropy")(np.array([[0.0], [2.0]]), np.full((2, 3), 1 / 3))


def test_tf_variable_numpy_gives_its_values_and_dense_builds_from_an_input_shape():
    """TensorFlow's Variable.numpy() works while trainable; Keras's Dense.build((None, 4)) reads the last axis."""
    from nn import tensor_api
    v = tensor_api.Variable([1.0, 2.0])
    assert v.requires_grad and v.numpy().tolist() == [1.0, 2.0]
    dense = nn.Dense(3)
    dense.build((None, 4))
    assert dense.kernel.shape == (4, 3) and dense(np.ones((2, 4), np.float32)).shape == (2, 3)
