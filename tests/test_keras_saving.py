"""Whole-model saving the Keras way: .keras round trips (Sequential, functional, subclassed, custom
layers), get_config/from_config, to_json/model_from_json, clone_model, save_weights/load_weights."""
import json
import os
import zipfile

import numpy as np
import pytest

import tensorgrad as tg
from nn import keras
from nn.keras import layers

X = np.random.default_rng(0).normal(size=(6, 4)).astype(np.float32)


def _sequential():
    keras.backend.clear_session()
    model = keras.Sequential([layers.Dense(5, activation="relu", input_shape=(4,),
                                           kernel_regularizer=keras.regularizers.l2(0.01)),
                              layers.Dropout(0.2), layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_sequential_save_and_load_model_round_trip(tmp_path):
    model = _sequential()
    path = tmp_path / "m.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:                       # a zip of JSON + safetensors, no pickle
        assert set(archive.namelist()) == {"metadata.json", "config.json", "model.weights.safetensors"}
        config = json.loads(archive.read("config.json"))
    assert config["class_name"] == "Sequential" and [e["class_name"] for e in config["config"]["layers"]] == \
        ["Dense", "Dropout", "Dense"]
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert [type(a) for a in loaded.layers] == [type(b) for b in model.layers]
    assert loaded.layers[0].kernel_regularizer.l2 == pytest.approx(0.01)
    y = np.array([0, 1, 2, 0, 1, 2])
    assert loaded.evaluate(X, y, verbose=0) == pytest.approx(model.evaluate(X, y, verbose=0), rel=1e-6)  # compiled


def test_functional_model_with_shared_layer_and_merge(tmp_path):
    keras.backend.clear_session()
    a, b = keras.Input(shape=(4,), name="a"), keras.Input(shape=(4,), name="b")
    shared = layers.Dense(3, activation="tanh", name="shared")
    merged = layers.concatenate([shared(a), shared(b)])
    out = layers.Dense(1, name="out")(layers.Rescaling(0.5)(merged))
    model = keras.Model([a, b], out)
    loaded = keras.models.load_model(_saved(model, tmp_path / "f.keras"))
    np.testing.assert_array_equal(loaded.predict([X, 2 * X]), model.predict([X, 2 * X]))
    assert [t.name for t in loaded.inputs] == ["a", "b"] and loaded.count_params() == model.count_params()


def _saved(model, path):
    model.save(path)
    return path


@keras.saving.register_keras_serializable(package="Tests")
class Scale(keras.layers.Layer):
    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")

    def call(self, x):
        return x * self.w * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class Unregistered(Scale):
    pass


def test_custom_layers_by_registration_or_custom_objects(tmp_path):
    model = keras.Sequential([layers.Dense(2, input_shape=(4,)), Scale(3.0)])
    model.layers[1].w.data[:] = [2.0, -1.0]
    loaded = keras.models.load_model(_saved(model, tmp_path / "c.keras"))
    assert isinstance(loaded.layers[1], Scale) and loaded.layers[1].factor == 3.0
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    other = keras.Sequential([layers.Dense(2, input_shape=(4,)), Unregistered(2.0)])
    path = _saved(other, tmp_path / "u.keras")
    with pytest.raises(ValueError, match="custom_objects"):
        keras.models.load_model(path)
    again = keras.models.load_model(path, custom_objects={"Unregistered": Unregistered})
    np.testing.assert_array_equal(again.predict(X), other.predict(X))


def test_lambda_is_saved_by_name_and_needs_custom_objects(tmp_path):
    def double(t):
        return t * 2.0

    model = keras.Sequential([layers.Dense(2, input_shape=(4,)), layers.Lambda(double)])
    path = _saved(model, tmp_path / "l.keras")
    with pytest.raises(ValueError, match="custom_objects"):
        keras.models.load_model(path)
    loaded = keras.models.load_model(path, custom_objects={"double": double})
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


class Net(keras.Model):
    def __init__(self, hidden=4, **kwargs):
        super().__init__(**kwargs)
        self.hidden = hidden
        self.d1 = layers.Dense(hidden, activation="relu")
        self.d2 = layers.Dense(1)

    def call(self, x):
        return self.d2(self.d1(x))

    def get_config(self):
        return {"hidden": self.hidden, "name": self.name}


def test_subclassed_model_round_trip(tmp_path):
    model = Net(hidden=6)
    model(X)
    loaded = keras.models.load_model(_saved(model, tmp_path / "s.keras"), custom_objects={"Net": Net})
    assert loaded.hidden == 6
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_get_config_from_config_to_json_and_clone_have_fresh_weights():
    model = _sequential()
    rebuilt = keras.Sequential.from_config(model.get_config())
    assert [layer.name for layer in rebuilt.layers] == [layer.name for layer in model.layers]
    from_json = keras.models.model_from_json(model.to_json())
    clone = keras.models.clone_model(model)
    for other in (rebuilt, from_json, clone):
        assert other.count_params() == model.count_params() and other.output.shape == model.output.shape
        assert not np.array_equal(other.layers[0].kernel.data, model.layers[0].kernel.data)   # new weights
    dense = layers.Dense(3, activation="relu", name="d")
    config = _config(dense)
    assert config["units"] == 3 and config["activation"] == "relu" and config["kernel_initializer"] == "glorot_uniform"


def test_every_layer_has_keras_weights_and_config():
    keras.backend.clear_session()
    model = keras.Sequential([layers.Dense(3, input_shape=(2,)), layers.Dropout(0.1), layers.Flatten()])
    dense, dropout, flatten = model.layers
    assert [w.shape for w in dense.weights] == [(2, 3), (3,)] and dropout.weights == [] == flatten.trainable_weights
    assert dense.get_config()["activation"] == "linear" and dropout.get_config() == {"name": "dropout", "rate": 0.1,
                                                                                      "seed": None}
    copy = layers.Dense.from_config(dense.get_config())
    assert copy.units == 3 and copy.kernel.shape == (2, 3) and copy.name == dense.name


def _config(layer):
    from nn.saving import layer_config
    return layer_config(layer)["config"]


def test_save_weights_and_load_weights(tmp_path):
    model = _sequential()
    model.save_weights(tmp_path / "w.weights.safetensors")
    other = _sequential()
    other.load_weights(tmp_path / "w.weights.safetensors")
    np.testing.assert_array_equal(other.predict(X), model.predict(X))
    with pytest.warns(UserWarning, match="cannot write HDF5"):
        model.save_weights(tmp_path / "w.weights.h5")
    third = _sequential()
    third.load_weights(tmp_path / "w.weights.h5")
    np.testing.assert_array_equal(third.predict(X), model.predict(X))
    model.save(tmp_path / "whole.keras")
    fourth = _sequential()
    fourth.load_weights(tmp_path / "whole.keras")             # weights out of a .keras file too
    np.testing.assert_array_equal(fourth.predict(X), model.predict(X))


def test_saving_is_atomic_and_refuses_foreign_files(tmp_path):
    model = _sequential()
    path = tmp_path / "m.keras"
    model.save(path)
    before = path.read_bytes()
    os.chmod(path, 0o444)
    with pytest.raises(PermissionError):
        model.save(path)
    assert path.read_bytes() == before
    junk = tmp_path / "junk.keras"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a .keras file"):
        keras.models.load_model(junk)
    with pytest.raises(FileExistsError):
        model.save(tmp_path / "m.keras", overwrite=False)


def test_unsaveable_initializer_is_a_clear_error(tmp_path):
    model = keras.Sequential([layers.Dense(2, input_shape=(3,), kernel_initializer=lambda s, r, d: np.ones(s, d))])
    with pytest.raises(TypeError, match="anonymous function"):
        model.save(tmp_path / "x.keras")
    assert not (tmp_path / "x.keras").exists()


def test_a_loss_object_keeps_its_options_when_recompiled(tmp_path):
    model = keras.Sequential([layers.Dense(3, input_shape=(4,))])
    model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1))
    model.save(tmp_path / "logits.keras")
    loaded = keras.models.load_model(tmp_path / "logits.keras")
    assert isinstance(loaded.loss, keras.losses.CategoricalCrossentropy)
    assert loaded.loss.get_config() == model.loss.get_config() and loaded.loss.from_logits
    x, y = np.ones((2, 4), np.float32), np.eye(3, dtype=np.float32)[[0, 2]]
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0), rel=1e-6)

    class Custom(keras.losses.Loss):
        def call(self, y_true, y_pred):
            return keras.ops.mean(keras.ops.abs(y_true - y_pred), axis=-1)

    model.compile(optimizer="adam", loss=Custom())
    model.save(tmp_path / "custom.keras")
    assert not getattr(keras.models.load_model(tmp_path / "custom.keras"), "_compiled", False)   # compile it again
    plain = _sequential()
    plain.save(tmp_path / "plain.keras")
    assert keras.models.load_model(tmp_path / "plain.keras")._compiled


def test_an_optimizer_with_non_default_settings_is_not_recompiled(tmp_path):
    model = keras.Sequential([layers.Dense(1, input_shape=(4,))])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9), loss="mse")
    model.save(tmp_path / "m.keras")
    assert not getattr(keras.models.load_model(tmp_path / "m.keras"), "_compiled", False)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded._compiled and loaded.optimizer.param_groups[0]["lr"] == pytest.approx(0.1)
