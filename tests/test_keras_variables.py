"""Keras-spelled layers' weights are Keras variables (nn.keras_variable): for every Keras layer class with
weights, ``weights``/``trainable_variables``/``non_trainable_variables`` give ``numpy()`` equal to
``get_weights()`` (trainable ones too, which PyTorch's Parameter refuses), ``assign``/``assign_add``/``assign_sub``
change the layer's output to known values, a Keras-style custom training loop trains, and PyTorch-spelled
modules keep PyTorch's Parameter."""
import copy
import inspect
import pickle

import numpy as np
import pytest

import nn
import nn as tf
import tensorgrad as tg
from nn import keras
from nn.keras import layers as K
from nn.keras_variable import KerasVariable


@pytest.fixture(autouse=True)
def fresh_names():
    nn.clear_session()
    tg.manual_seed(0)


def data(*shape, seed=1):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def ids(*shape):
    return np.random.default_rng(2).integers(0, 10, size=shape).astype(np.int64)


# class name -> (a small layer, its input); every Keras layer class that has weights
WEIGHTED = {
    "Dense": (lambda: K.Dense(3, activation="relu"), lambda: data(4, 5)),
    "Conv1D": (lambda: K.Conv1D(2, 3), lambda: data(2, 6, 3)),
    "Conv2D": (lambda: K.Conv2D(2, 3, padding="same"), lambda: data(2, 5, 5, 3)),
    "Conv1DTranspose": (lambda: K.Conv1DTranspose(2, 3, strides=2), lambda: data(2, 4, 3)),
    "Conv2DTranspose": (lambda: K.Conv2DTranspose(2, 3, strides=2), lambda: data(2, 4, 4, 3)),
    "BatchNormalization": (lambda: K.BatchNormalization(), lambda: data(4, 3)),
    "LayerNormalization": (lambda: K.LayerNormalization(), lambda: data(4, 3)),
    "Embedding": (lambda: K.Embedding(10, 4), lambda: ids(2, 5)),
    "SimpleRNN": (lambda: K.SimpleRNN(3), lambda: data(2, 4, 3)),
    "LSTM": (lambda: K.LSTM(3), lambda: data(2, 4, 3)),
    "GRU": (lambda: K.GRU(3), lambda: data(2, 4, 3)),
    "Bidirectional": (lambda: K.Bidirectional(K.LSTM(3, return_sequences=True)), lambda: data(2, 4, 3)),
    "TimeDistributed": (lambda: K.TimeDistributed(K.Dense(2)), lambda: data(2, 4, 3)),
    "Normalization": (lambda: K.Normalization(), lambda: data(4, 3)),
}
# Keras layer classes without weights of their own
WEIGHTLESS = {"Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "Lambda", "Dropout", "Flatten", "InputLayer",
              "Concatenate", "Reshape", "Permute", "RepeatVector", "Rescaling", "GaussianNoise",
              "ActivityRegularization", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot",
              "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D", "GlobalAveragePooling1D",
              "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "ZeroPadding2D", "UpSampling2D",
              "Masking", "Layer"}


def built(kind):
    make, x = WEIGHTED[kind]
    layer, inputs = make(), x()
    layer(inputs)
    return layer, inputs


def output(layer, inputs):
    with tg.no_grad():
        y = layer(inputs)
    return np.array(y.data)


def test_every_keras_layer_class_is_listed_with_or_without_weights():
    classes = {name for name in K.__all__
               if inspect.isclass(getattr(K, name)) and issubclass(getattr(K, name), nn.Module)}
    aliases = {name for name in classes if getattr(K, name).__name__ != name}     # MaxPool2D is MaxPooling2D
    assert classes - aliases == set(WEIGHTED) | WEIGHTLESS


@pytest.mark.parametrize("kind", sorted(WEIGHTLESS - {"Layer", "InputLayer", "Lambda", "Dot"}))
def test_a_weightless_layer_has_no_weights(kind):
    arguments = {"Reshape": {"target_shape": (3,)}, "Permute": {"dims": (1,)}, "RepeatVector": {"n": 2},
                 "Rescaling": {"scale": 2.0}, "GaussianNoise": {"stddev": 0.1}, "Activation": {"activation": "relu"}}
    layer = getattr(K, kind)(**arguments.get(kind, {}))
    assert layer.weights == [] and layer.get_weights() == []


@pytest.mark.parametrize("kind", sorted(WEIGHTED))
def test_every_weight_is_a_keras_variable_whose_numpy_is_get_weights(kind):
    layer, _ = built(kind)
    assert layer.weights and all(isinstance(v, KerasVariable) for v in layer.weights)
    for v, array in zip(layer.weights, layer.get_weights(), strict=True):
        np.testing.assert_array_equal(v.numpy(), array)
        assert v.shape == array.shape and v.dtype == array.dtype.name and v.ndim == array.ndim
    assert [id(v) for v in layer.trainable_variables + layer.non_trainable_variables] == [id(v) for v in layer.weights]
    assert all(v.trainable for v in layer.trainable_variables)
    assert not any(v.trainable for v in layer.non_trainable_variables)
    assert layer.variables == layer.weights
    for v in layer.non_trainable_variables:
        np.testing.assert_array_equal(v.numpy(), v.value.numpy())


@pytest.mark.parametrize("kind", sorted(WEIGHTED))
def test_inside_a_model_the_variables_read_and_write_too(kind):
    make, x = WEIGHTED[kind]
    model = keras.Sequential([make()])
    model(x())
    assert len(model.trainable_variables) >= (kind != "Normalization")     # Normalization's three are state
    for v, array in zip(model.weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(v.numpy(), array)
    model.set_weights([np.full(a.shape, 0.25, a.dtype) for a in model.get_weights()])
    assert all(np.all(v.numpy() == 0.25) for v in model.variables)


@pytest.mark.parametrize("kind", sorted(set(WEIGHTED) - {"Normalization"}))
def test_assigning_zeros_gives_zero_outputs(kind):
    layer, inputs = built(kind)
    assert np.any(output(layer, inputs) != 0)
    for v in layer.weights:
        assert v.assign(np.zeros(v.shape, v.dtype)) is v
    np.testing.assert_array_equal(output(layer, inputs), 0.0)


# kind -> (the variable that acts as a bias, the output when every other weight is zero and it holds c)
SHIFTS = {
    "Dense": ("bias", lambda c: c),
    "Conv1D": ("bias", lambda c: c),
    "Conv2D": ("bias", lambda c: c),
    "Conv1DTranspose": ("bias", lambda c: c),
    "Conv2DTranspose": ("bias", lambda c: c),
    "BatchNormalization": ("beta", lambda c: c),          # gamma 0: beta whatever the statistics
    "LayerNormalization": ("beta", lambda c: c),
    "Embedding": ("embeddings", lambda c: c),
    "SimpleRNN": ("bias", lambda c: np.tanh(c)),          # h = tanh(x K + h R + b) with K = R = 0
}


@pytest.mark.parametrize("kind", sorted(SHIFTS))
def test_assign_add_and_assign_sub_shift_the_output_by_known_amounts(kind):
    layer, inputs = built(kind)
    name, expected = SHIFTS[kind]
    for v in layer.weights:
        v.assign(np.zeros(v.shape, v.dtype))
    shift = getattr(layer, name)
    assert shift.assign_add(2.0) is shift                   # a scalar broadcast, as Keras's v + 2.0
    np.testing.assert_allclose(output(layer, inputs), expected(2.0), rtol=1e-6)
    shift.assign_sub(np.full(shift.shape, 0.5, np.float64))   # cast to the variable's float32 first
    np.testing.assert_allclose(output(layer, inputs), expected(1.5), rtol=1e-6)
    assert shift.dtype == "float32" and shift.numpy().dtype == np.float32


def test_time_distributed_reads_its_inner_layers_variables():
    layer, inputs = built("TimeDistributed")
    layer.layer.kernel.assign(np.zeros((3, 2)))
    layer.layer.bias.assign([1.0, -2.0])
    np.testing.assert_array_equal(output(layer, inputs), np.broadcast_to([1.0, -2.0], (2, 4, 2)))


def test_normalization_outputs_x_minus_the_assigned_mean_over_the_root_of_the_variance():
    layer, inputs = built("Normalization")
    layer.mean.assign([1.0, 2.0, 3.0])
    layer.variance.assign([4.0, 1.0, 0.25])
    np.testing.assert_allclose(output(layer, inputs), (inputs - [1.0, 2.0, 3.0]) / [2.0, 1.0, 0.5], rtol=1e-6)


@pytest.mark.parametrize("kind", sorted(WEIGHTED))
def test_assign_writes_where_set_weights_does(kind):
    layer, inputs = built(kind)
    arrays = [np.random.default_rng(i).uniform(0.5, 1.5, a.shape).astype(a.dtype)
              for i, a in enumerate(layer.get_weights())]
    twin = WEIGHTED[kind][0]()
    twin(inputs)
    twin.set_weights(arrays)
    for v, a in zip(layer.weights, arrays):
        v.assign(a)
    np.testing.assert_array_equal(output(layer, inputs), output(twin, inputs))


def test_numpy_is_a_copy_and_value_is_the_live_variable():
    layer, inputs = built("Dense")
    before = output(layer, inputs)
    layer.kernel.numpy()[...] = 100.0               # as Keras: writing to the copy leaves the layer alone
    np.testing.assert_array_equal(output(layer, inputs), before)
    assert layer.kernel.value is layer.kernel
    layer.kernel.value.assign_add(1.0)
    assert np.all(layer.kernel.numpy() == layer.get_weights()[0])


def test_gradients_flow_through_value():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    x = tg.tensor(np.array([[1.0, -1.0]], np.float32))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.matmul(x, v.value) ** 2)
    grad = tape.gradient(y, v)
    # d/dv Σ (x v)² = xᵀ · 2 (x v)
    np.testing.assert_allclose(grad.numpy(), x.data.T @ (2 * (x.data @ v.numpy())), rtol=1e-6)


def test_names_paths_dtype_and_repr_follow_keras_3():
    layer = K.Dense(3, input_shape=(2,), name="hidden")
    assert [v.name for v in layer.weights] == ["kernel", "bias"]
    assert [v.path for v in layer.weights] == ["hidden/kernel", "hidden/bias"]
    kernel = layer.kernel
    assert kernel.dtype == "float32" and isinstance(kernel.dtype, str) and "float" in kernel.dtype
    assert kernel.dtype == np.float32 and kernel.dtype.name == "float32" and kernel.dtype.kind == "f"
    assert np.zeros(2, kernel.dtype).dtype == np.float32 and kernel.dtype != "float64" and kernel.dtype is not None
    assert tf.Variable(np.zeros(2)).dtype != None  # noqa: E711 - numpy would read None as float64
    assert repr(kernel).startswith("<Variable path=hidden/kernel, shape=(2, 3), dtype=float32, value=[[")
    bn = K.BatchNormalization(name="bn")                # not built: its variables wait for their shape
    assert repr(bn.moving_mean) == "<Variable path=bn/moving_mean, shape=(?,), dtype=float32 (not built yet)>"
    with pytest.raises(RuntimeError, match="parameter 'moving_mean' of BatchNormalization 'bn' is not initialized"):
        bn.moving_mean.numpy()


def test_trainable_is_settable_on_the_variable_and_follows_the_layer():
    layer, inputs = built("Dense")
    layer.bias.trainable = False
    assert layer.trainable_variables == [layer.kernel] and layer.non_trainable_variables == [layer.bias]
    np.testing.assert_array_equal(layer.bias.numpy(), layer.get_weights()[1])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(inputs))
    grads = tape.gradient(loss, [layer.kernel, layer.bias])
    assert grads[0] is not None and grads[1] is None
    layer.bias.trainable = True
    layer.trainable = False                          # Keras 3: freezing a layer freezes its variables
    assert not layer.kernel.trainable and layer.trainable_variables == []
    layer.trainable = True
    assert layer.kernel.trainable and layer.bias.trainable
    bn, _ = built("BatchNormalization")
    bn.trainable = False
    bn.trainable = True                              # moving statistics stay non-trainable, as in Keras
    assert [v.name for v in bn.non_trainable_variables] == ["moving_mean", "moving_variance"]


def test_assign_refuses_a_value_of_another_shape_naming_the_variable():
    layer, _ = built("Dense")
    with pytest.raises(ValueError, match=r"dense/kernel\.assign: the value's shape \(3,\) differs from the "
                                         r"variable's \(5, 3\)"):
        layer.kernel.assign(np.zeros(3))
    with pytest.raises(ValueError, match=r"dense/bias\.assign_add: a value of shape \(2,\) does not broadcast"):
        layer.bias.assign_add(np.ones(2))
    np.testing.assert_array_equal(layer.bias.numpy(), 0.0)        # nothing written


def test_copies_and_pickles_keep_the_keras_attributes():
    lazy = K.Dense(2, name="later")
    for twin in (copy.deepcopy(lazy), pickle.loads(pickle.dumps(lazy))):
        assert isinstance(twin.kernel, KerasVariable) and twin.kernel.path == "later/kernel"
        twin(np.ones((1, 4), np.float32))
        assert twin.kernel.numpy().shape == (4, 2)
    layer, _ = built("BatchNormalization")
    twin = copy.deepcopy(layer)
    assert [v.trainable for v in twin.weights] == [True, True, False, False]
    np.testing.assert_array_equal(twin.moving_variance.numpy(), layer.moving_variance.numpy())


def test_a_saved_model_loads_with_keras_variables(tmp_path):
    model = keras.Sequential([K.Conv2D(2, 3, input_shape=(5, 5, 1)), K.BatchNormalization(), K.Flatten(),
                              K.Dense(1)])
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert all(isinstance(v, KerasVariable) for v in loaded.weights)
    for a, b in zip(model.weights, loaded.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_a_custom_training_loop_in_keras_style_trains():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 2)).astype(np.float32)
    y = (x[:, :1] * 2.0 - x[:, 1:] + 0.5).astype(np.float32)
    model = keras.Sequential([K.Dense(8, activation="tanh", input_shape=(2,)), K.BatchNormalization(), K.Dense(1)])
    optimizer = keras.optimizers.SGD(learning_rate=0.05)
    loss_fn = keras.losses.MeanSquaredError()
    moving_mean = model.layers[1].moving_mean.numpy()

    def step():
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        return loss, grads

    loss, grads = step()
    before = [v.numpy() for v in model.trainable_variables]
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    for v, w, g in zip(model.trainable_variables, before, grads, strict=True):   # w ← w − lr·g
        np.testing.assert_allclose(v.numpy(), w - 0.05 * g.numpy(), rtol=1e-5, atol=1e-7)
    losses = [float(loss)]
    for _ in range(60):
        loss, grads = step()
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        losses.append(float(loss))
    assert losses[-1] < 0.2 * losses[0]
    assert len(model.trainable_variables) == 6 and len(model.non_trainable_variables) == 2
    assert not np.allclose(model.layers[1].moving_mean.numpy(), moving_mean)   # updated in training


def test_keras_variable_builds_from_a_value_or_an_initializer_and_isinstance_holds():
    v = keras.Variable(np.ones((2, 2)), name="w")
    assert v.dtype == "float64" and v.path == "w" and v.trainable and isinstance(v, keras.Variable)
    np.testing.assert_array_equal(v.numpy(), np.ones((2, 2)))
    zeros = keras.Variable("zeros", shape=(3,), dtype="float32", trainable=False)
    assert zeros.dtype == "float32" and not zeros.trainable and not zeros.requires_grad
    np.testing.assert_array_equal(zeros.numpy(), np.zeros(3))
    assert keras.Variable(keras.initializers.Constant(0.5), shape=()).numpy() == np.float32(0.5)
    assert keras.Variable(1.0).dtype == "float32" and keras.Variable(3).dtype == "int32"     # Keras's floatx
    assert isinstance(K.Dense(2, input_shape=(3,)).kernel, (keras.Variable, tf.Variable))
    assert not isinstance(nn.Linear(2, 3).weight, keras.Variable) and not isinstance(np.ones(2), tf.Variable)
    with pytest.raises(ValueError, match=r"keras.Variable: an initializer \('ones'\) needs shape="):
        keras.Variable("ones")
    with pytest.raises(ValueError, match="must not contain '/'"):
        keras.Variable(1.0, name="dense/kernel")


def test_tf_variable_and_metric_state_are_keras_variables():
    v = tf.Variable(3.0)
    assert isinstance(v, KerasVariable) and v.trainable and v.numpy() == 3.0 and v.dtype == "float32"
    assert v.assign_sub(1.0).numpy() == 2.0
    frozen = tf.Variable([1, 2], trainable=False, name="counts")
    assert frozen.dtype == "int32" and not frozen.trainable and frozen.name == "counts"
    metric = keras.metrics.Mean()
    metric.update_state([1.0, 3.0])
    assert all(isinstance(v, KerasVariable) for v in metric.variables)
    assert [float(v.numpy()) for v in metric.variables] == [4.0, 2.0]


@pytest.mark.parametrize("make", [lambda: nn.Linear(2, 3), lambda: nn.Conv2d(1, 2, 3), lambda: nn.LSTM(2, 3),
                                  lambda: nn.BatchNorm2d(2), lambda: nn.Embedding(4, 2), lambda: nn.LayerNorm(3),
                                  lambda: nn.ConvTranspose2d(1, 2, 3), lambda: nn.Conv1d(1, 2, 3)],
                         ids=["Linear", "Conv2d", "LSTM", "BatchNorm2d", "Embedding", "LayerNorm",
                              "ConvTranspose2d", "Conv1d"])
def test_pytorch_modules_keep_pytorchs_parameter(make):
    module = make()
    for p in module.parameters():
        assert type(p) is nn.Parameter and p.requires_grad
        with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on a tensor that requires grad"):
            p.numpy()
        assert not hasattr(p, "assign")


def test_add_weight_makes_keras_variables_in_keras_2_and_keras_3_argument_order():
    class Affine(keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight((input_shape[-1], 2), "ones")                  # Keras 3: shape, initializer
            self.b = self.add_weight("b", (2,), initializer="zeros")                # Keras 2: name, shape
            self.seen = self.add_weight(shape=(), initializer="zeros", trainable=False, name="seen")

        def call(self, x):
            self.seen.assign_add(1.0)
            return x @ self.w + self.b

    layer = Affine(name="affine")
    y = layer(np.ones((1, 3), np.float32))
    np.testing.assert_array_equal(y.data, [[3.0, 3.0]])
    assert [v.path for v in layer.weights] == ["affine/variable", "affine/b", "affine/seen"]
    assert [v.trainable for v in layer.weights] == [True, True, False] and layer.seen.numpy() == 1.0
    layer.b.assign([1.0, -1.0])
    np.testing.assert_array_equal(layer(np.ones((1, 3), np.float32)).data, [[4.0, 2.0]])
