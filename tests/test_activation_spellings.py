"""Activations under their two spellings: ``nn.LeakyReLU`` is PyTorch's (negative_slope=0.01, inplace=False),
``keras.layers.LeakyReLU`` Keras's (negative_slope=0.3, Keras 2's alpha=); ``nn.ReLU(inplace)`` PyTorch's,
``keras.layers.ReLU(max_value, negative_slope, threshold)`` Keras's; the name "leaky_relu" Keras's slope 0.2
(tf.nn's alpha 0.2), tg.leaky_relu and F.leaky_relu PyTorch's 0.01; through config, saving and ONNX."""
import json
import zipfile

import numpy as np
import pytest

import nn
import tensorgrad as tg
from nn import keras
from nn.keras import layers

Z = np.array([-3.0, -1.0, 0.0, 2.0], dtype=np.float32)


def leaky(z, slope):
    return np.where(z > 0, z, slope * z)


def test_pytorch_spelling_default_slope_and_inplace_argument():
    np.testing.assert_allclose(nn.LeakyReLU()(tg.tensor(Z)).numpy(), leaky(Z, 0.01), rtol=1e-6)
    for layer in (nn.LeakyReLU(0.2, inplace=True), nn.LeakyReLU(0.2, True), nn.LeakyReLU(negative_slope=0.2)):
        np.testing.assert_allclose(layer(tg.tensor(Z)).numpy(), leaky(Z, 0.2), rtol=1e-6)
    assert repr(nn.LeakyReLU(0.2, inplace=True)) == "LeakyReLU(negative_slope=0.2, inplace=True)"
    assert repr(nn.LeakyReLU()) == "LeakyReLU(negative_slope=0.01)"
    x = tg.tensor(Z)
    nn.LeakyReLU(inplace=True)(x)
    np.testing.assert_array_equal(x.numpy(), Z)                  # the input is left as it was


def test_pytorch_spelling_refuses_a_non_bool_inplace():
    with pytest.raises(TypeError, match="LeakyReLU.*inplace.*'act'"):
        nn.LeakyReLU(0.2, "act")


def test_pytorch_spelling_matches_torch():
    torch = pytest.importorskip("torch")
    for args in ((), (0.2, True)):
        ours, theirs = nn.LeakyReLU(*args), torch.nn.LeakyReLU(*args)
        assert (ours.negative_slope, ours.inplace) == (theirs.negative_slope, theirs.inplace)
        assert repr(ours) == repr(theirs)


def test_keras_spelling_default_slope_and_both_argument_names():
    np.testing.assert_allclose(layers.LeakyReLU()(Z).numpy(), [-0.9, -0.3, 0.0, 2.0], rtol=1e-6)
    np.testing.assert_allclose(layers.LeakyReLU(alpha=0.1)(Z).numpy(), leaky(Z, 0.1), rtol=1e-6)      # Keras 2
    np.testing.assert_allclose(layers.LeakyReLU(negative_slope=0.5)(Z).numpy(), leaky(Z, 0.5), rtol=1e-6)
    np.testing.assert_allclose(layers.LeakyReLU(0.2)(Z).numpy(), leaky(Z, 0.2), rtol=1e-6)
    assert layers.LeakyReLU is keras.layers.LeakyReLU and layers.LeakyReLU is not nn.LeakyReLU
    assert layers.LeakyReLU().name.startswith("leaky_re_lu")


@pytest.mark.parametrize("kwargs", [{"negative_slope": None}, {"negative_slope": -0.1}, {"alpha": -1.0},
                                    {"negative_slope": 0.2, "alpha": 0.1}])
def test_keras_spelling_refuses_a_bad_slope(kwargs):
    with pytest.raises(ValueError, match="LeakyReLU.*(negative_slope|alpha)"):
        layers.LeakyReLU(**kwargs)


def test_keras_spelling_config_round_trip_keeps_the_slope_and_class():
    layer = layers.LeakyReLU()
    config = layer.get_config()
    assert config["negative_slope"] == pytest.approx(0.3)
    again = layers.LeakyReLU.from_config(config)
    assert type(again) is layers.LeakyReLU and again.negative_slope == pytest.approx(0.3)
    keras2 = layers.LeakyReLU.from_config({"name": "lr", "alpha": 0.25})      # a Keras 2 config
    assert keras2.negative_slope == pytest.approx(0.25) and keras2.name == "lr"


def test_keras_spelling_saved_and_loaded_as_keras(tmp_path):
    keras.backend.clear_session()
    model = keras.Sequential([layers.Dense(3, input_shape=(4,)), layers.LeakyReLU()])
    x = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        entry = json.loads(archive.read("config.json"))["config"]["layers"][1]
    assert entry["class_name"] == "LeakyReLU" and entry["config"]["negative_slope"] == pytest.approx(0.3)
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert type(loaded.layers[1]) is layers.LeakyReLU and loaded.layers[1].negative_slope == pytest.approx(0.3)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    pre = model.layers[0](x).detach().numpy()
    np.testing.assert_allclose(model.predict(x, verbose=0), leaky(pre, 0.3), rtol=1e-6)


def test_keras_activation_name_has_keras_slope():
    np.testing.assert_allclose(keras.activations.leaky_relu(Z).numpy(), leaky(Z, 0.2), rtol=1e-6)
    assert keras.activations.get("leaky_relu") is keras.activations.leaky_relu
    dense = layers.Dense(4, activation="leaky_relu", bias_initializer="ones")
    out = dense(Z[None]).detach().numpy()
    kernel, bias = dense.get_weights()
    np.testing.assert_allclose(out, leaky(Z[None] @ kernel + bias, 0.2), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(tg.leaky_relu(tg.tensor(Z)).numpy(), leaky(Z, 0.01), rtol=1e-6)       # PyTorch's
    np.testing.assert_allclose(nn.functional.leaky_relu(tg.tensor(Z)).numpy(), leaky(Z, 0.01), rtol=1e-6)


def test_tensorflow_nn_leaky_relu_has_tensorflows_alpha():
    import nn as tf
    np.testing.assert_allclose(tf.nn.leaky_relu(Z).numpy(), leaky(Z, 0.2), rtol=1e-6)
    np.testing.assert_allclose(tf.nn.leaky_relu(Z, alpha=0.1).numpy(), leaky(Z, 0.1), rtol=1e-6)


def test_keras_activation_name_survives_saving(tmp_path):
    keras.backend.clear_session()
    model = keras.Sequential([layers.Dense(3, activation="leaky_relu", input_shape=(4,))])
    x = np.random.default_rng(1).normal(size=(6, 4)).astype(np.float32)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.layers[0].activation is keras.activations.leaky_relu
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_a_function_with_a_builtin_name_is_not_saved_as_the_builtin(tmp_path):
    keras.backend.clear_session()
    model = keras.Sequential([layers.Dense(3, activation=tg.leaky_relu, input_shape=(4,))])    # slope 0.01
    with pytest.raises(TypeError, match="leaky_relu is not Keras's built-in 'leaky_relu'.*register"):
        model.save(tmp_path / "m.keras")
    assert not (tmp_path / "m.keras").exists()


def keras_relu(z, max_value=None, negative_slope=0.0, threshold=0.0):
    """Keras's formula: min(z, max_value) above the threshold, negative_slope·(z - threshold) at or below it."""
    y = np.where(z > threshold, z, negative_slope * (z - threshold))
    return y if max_value is None else np.minimum(y, max_value)


@pytest.mark.parametrize("kwargs", [{}, {"max_value": 6.0}, {"negative_slope": 0.1}, {"threshold": 1.0},
                                    {"max_value": 1.5, "negative_slope": 0.5, "threshold": 0.5}])
def test_keras_relu_follows_keras_formula_and_gradient(kwargs):
    x = np.array([-3.0, -1.0, 0.0, 0.5, 1.0, 2.0, 7.0], dtype=np.float64)
    t = tg.tensor(x, requires_grad=True)
    out = layers.ReLU(**kwargs)(t)
    np.testing.assert_allclose(out.detach().numpy(), keras_relu(x, **kwargs))
    out.sum().backward()
    h = 1e-6                                                       # away from the kinks: finite differences
    numeric = (keras_relu(x + h, **kwargs) - keras_relu(x - h, **kwargs)) / (2 * h)
    kinks = {0.0, kwargs.get("threshold", 0.0), kwargs.get("max_value")}
    smooth = ~np.isin(x, [k for k in kinks if k is not None])
    np.testing.assert_allclose(t.grad.numpy()[smooth], numeric[smooth], atol=1e-6)


def test_keras_relu_refuses_negative_settings_and_pytorch_relu_keeps_inplace():
    for kwargs in ({"max_value": -1.0}, {"negative_slope": -0.1}, {"threshold": None}):
        with pytest.raises(ValueError, match="ReLU: (max_value|negative_slope|threshold) must be a number >= 0"):
            layers.ReLU(**kwargs)
    assert repr(nn.ReLU(True)) == "ReLU(inplace=True)" and layers.ReLU is not nn.ReLU
    with pytest.raises(TypeError, match="inplace"):
        nn.ReLU(6.0)


def test_keras_relu_config_and_saving_round_trip(tmp_path):
    keras.backend.clear_session()
    model = keras.Sequential([layers.Dense(3, input_shape=(4,)), layers.ReLU(max_value=0.5, negative_slope=0.1)])
    config = model.layers[1].get_config()
    assert (config["max_value"], config["negative_slope"], config["threshold"]) == (0.5, 0.1, 0.0)
    x = np.random.default_rng(2).normal(size=(6, 4)).astype(np.float32)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert type(loaded.layers[1]) is layers.ReLU and loaded.layers[1].max_value == 0.5
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
