"""Keras's subclassing protocol (nn.Layer / nn.Model with call), regularizers and added losses,
checked against hand-computed values and the formulas in Keras's documentation."""
import numpy as np
import pytest

import nn
import tensorgrad as tg
from nn import keras


class Linear(keras.layers.Layer):
    """The keras-io guide 'Making new layers and models via subclassing', first example."""

    def __init__(self, units=2, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(name="w", shape=(input_shape[-1], self.units), initializer="glorot_uniform",
                                 trainable=True)
        self.b = self.add_weight(name="b", shape=(self.units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return tg.matmul(inputs, self.w) + self.b

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class Noisy(keras.layers.Layer):
    """Records the training flag it was given."""

    def call(self, inputs, training=None):
        self.seen = training
        return inputs * 2.0


def test_build_runs_once_with_the_input_shape_and_weights_are_found():
    layer = Linear(3)
    assert not layer.built and layer.weights == []
    x = np.ones((4, 5))                               # float64 numpy: arrives as a float32 Tensor
    out = layer(x)
    assert layer.built and out.shape == (4, 3) and out.dtype == np.float32
    assert [p.shape for p in layer.weights] == [(5, 3), (3,)]
    assert [n for n, _ in layer.named_parameters()] == ["w", "b"]
    np.testing.assert_allclose(out.data, np.ones((4, 5), np.float32) @ layer.w.data, rtol=1e-6)
    w_before = layer.w
    layer(x)
    assert layer.w is w_before                        # build ran once


def test_training_is_passed_only_when_call_takes_it():
    layer = Noisy()
    layer(np.zeros((1, 2)))
    assert layer.seen is None                         # Keras: a layer called alone gets call's default
    layer.train()
    layer(np.zeros((1, 2)))
    assert layer.seen is True
    layer.eval()
    layer(np.zeros((1, 2)))
    assert layer.seen is False
    layer(np.zeros((1, 2)), training=True)
    assert layer.seen is True
    Linear(1)(np.zeros((1, 2)))                       # call without training: not passed, no TypeError


def test_non_trainable_weight_and_frozen_layer():
    class Counter(keras.layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones")
            self.count = self.add_weight(name="count", shape=(), initializer="zeros", trainable=False)

        def call(self, x):
            return x * self.scale

    layer = Counter()
    layer(np.zeros((1, 1)))
    assert layer.trainable_weights == [layer.scale] and layer.non_trainable_weights == [layer.count]
    assert layer.weights == [layer.scale, layer.count] and not layer.count.requires_grad
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2


def test_custom_layer_in_sequential_and_functional_api_gets_tensors():
    received = []

    class Spy(keras.layers.Layer):
        def call(self, x):
            received.append(type(x))
            return x + 1.0

    keras.backend.clear_session()
    model = keras.Sequential([keras.layers.Dense(3, input_shape=(2,)), Spy(), Linear(2)])
    assert model.output.shape == (None, 2)
    assert model(np.ones((5, 2))).shape == (5, 2)
    inp = keras.Input(shape=(4,))
    out = Linear(6)(Spy()(inp))
    functional = keras.Model(inp, out)
    assert out.shape == (None, 6) and functional.count_params() == 4 * 6 + 6
    assert set(received) == {tg.Tensor}                 # never a raw numpy array


def test_compute_output_shape_is_used_without_running_call():
    class Twice(keras.layers.Layer):
        def call(self, x):
            raise AssertionError("call must not run for a symbolic input")

        def compute_output_shape(self, input_shape):
            return (input_shape[0], 2 * input_shape[1])

    out = Twice()(keras.Input(shape=(3,)))
    assert out.shape == (None, 6)


def test_layer_input_and_output_are_the_symbolic_tensors():
    inp = keras.Input(shape=(3,))
    dense = keras.layers.Dense(2)
    out = dense(inp)
    assert dense.input is inp and dense.output is out and dense.output_shape == (None, 2)


class TwoLayerNet(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(8, activation="relu")
        self.out = keras.layers.Dense(1)

    def call(self, inputs, training=None):
        return self.out(self.hidden(inputs))


def test_subclassed_model_fits_evaluates_predicts_and_summarises():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3
    tg.manual_seed(0)
    model = TwoLayerNet()
    with pytest.raises(ValueError, match="not built"):
        model.summary()
    model.build((None, 3))
    assert [type(layer) for layer in model.layers] == [nn.Dense, nn.Dense]
    text = model.summary(print_fn=None)
    assert "multiple" in text and "Total params: 41" in text    # 3*8+8 + 8*1+1, as Keras prints
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.2 * history.history["loss"][0]
    assert model.predict(x[:5]).shape == (5, 1)
    assert model.evaluate(x, y, verbose=0) < history.history["loss"][0]


def test_subclassed_model_with_a_list_input():
    class Sum(keras.Model):
        def call(self, inputs):
            a, b = inputs
            return a + b

    out = Sum()([np.ones((2, 3)), np.ones((2, 3))])
    np.testing.assert_array_equal(out.data, 2 * np.ones((2, 3)))


# ---------------------------------------------------------------------------- regularizers and losses
def test_regularizer_formulas():
    w = tg.tensor(np.array([[1.0, -2.0], [3.0, -0.5]]))
    # Keras: L1(l1)(w) = l1 * sum|w| ; L2(l2)(w) = l2 * sum(w^2) (no 1/2)
    assert keras.regularizers.l1(0.1)(w).item() == pytest.approx(0.1 * 6.5)
    assert keras.regularizers.l2(0.01)(w).item() == pytest.approx(0.01 * 14.25)
    assert keras.regularizers.l1_l2(0.1, 0.01)(w).item() == pytest.approx(0.65 + 0.1425)
    assert keras.regularizers.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert isinstance(keras.regularizers.get("l2"), keras.regularizers.L2)
    assert keras.regularizers.get("l2").l2 == 0.01                    # Keras's default factor
    with pytest.raises(ValueError, match="l2 must be finite"):
        keras.regularizers.L2(-1)


def test_kernel_regularizer_enters_model_losses_and_its_gradient():
    dense = keras.layers.Dense(2, input_dim=2, kernel_regularizer=keras.regularizers.l2(0.5),
                               bias_regularizer=keras.regularizers.l1(0.25))
    dense.set_weights([np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, -1.0])])
    model = keras.Sequential([dense])
    losses = model.losses
    assert [v.item() for v in losses] == pytest.approx([0.5 * 30.0, 0.25 * 2.0])
    sum(losses).backward()
    np.testing.assert_allclose(dense.kernel.grad, 2 * 0.5 * dense.kernel.data)    # d(l2 Σw²)/dw = 2 l2 w
    np.testing.assert_allclose(dense.bias.grad, 0.25 * np.sign(dense.bias.data))


def test_activity_regularizer_and_add_loss_follow_the_latest_call():
    class Penalised(keras.layers.Layer):
        def call(self, x):
            self.add_loss(tg.mean(x) * 0.0 + 3.0)
            return x

    # Keras 2 divides the activity penalty by the batch size (base_layer: "batch-agnostic")
    layer = Penalised(activity_regularizer=keras.regularizers.l1(1.0))
    layer(np.array([[1.0, -2.0]]))
    assert [v.item() for v in layer.losses] == pytest.approx([3.0, 3.0])
    layer(np.array([[1.0, -4.0], [1.0, 0.0]]))
    assert [v.item() for v in layer.losses] == pytest.approx([3.0, 6.0 / 2])   # replaced, not appended


def test_fit_minimises_the_loss_plus_the_penalty():
    # one weight, no bias, x = 1, y = 2: loss = (w - 2)² + λ w², minimum at w = 2 / (1 + λ)
    lam = 1.0
    model = keras.Sequential([keras.layers.Dense(1, input_dim=1, use_bias=False,
                                                 kernel_regularizer=keras.regularizers.l2(lam))])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    history = model.fit(np.ones((4, 1)), 2 * np.ones((4, 1)), epochs=200, batch_size=4, verbose=0)
    w = model.layers[0].kernel.data.item()
    assert w == pytest.approx(2 / (1 + lam), abs=1e-4)
    assert history.history["loss"][-1] == pytest.approx((w - 2) ** 2 + lam * w ** 2, abs=1e-4)
    assert model.evaluate(np.ones((4, 1)), 2 * np.ones((4, 1)), verbose=0) == pytest.approx(2.0, abs=1e-3)


def test_fit_passes_training_true_and_predict_false():
    seen = []

    class Record(keras.layers.Layer):
        def call(self, x, training=None):
            seen.append(training)
            return x

    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,)), Record()])
    model.compile(optimizer="sgd", loss="mse")
    seen.clear()
    model.fit(np.ones((4, 2)), np.ones((4, 1)), batch_size=4, epochs=1, verbose=0)
    assert seen == [True]
    seen.clear()
    model.predict(np.ones((4, 2)))
    model.evaluate(np.ones((4, 2)), np.ones((4, 1)), verbose=0)
    assert seen == [False, False]


def test_variable_methods_on_weights():
    class Count(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.total = self.add_weight(shape=(2,), initializer="zeros", trainable=False)

        def call(self, x):
            self.total.assign_add(tg.sum(x, axis=0))     # the keras-io guide's ComputeSum
            return self.total

    layer = Count()
    layer(np.ones((2, 2)))
    np.testing.assert_array_equal(layer(np.ones((2, 2))).data, [4.0, 4.0])
    layer.total.assign([1.0, 2.0])
    layer.total.assign_sub(1.0)
    np.testing.assert_array_equal(layer.total.data, [0.0, 1.0])


def test_every_nn_layer_is_a_keras_layer():
    assert isinstance(keras.layers.Dense(1), keras.layers.Layer) and issubclass(nn.Dropout, keras.layers.Layer)
    assert isinstance(Linear(2), keras.layers.Layer) and not isinstance(Linear(2), Noisy)
    assert not isinstance(np.zeros(1), keras.layers.Layer)


def test_building_by_hand_is_not_repeated_by_the_first_call():
    layer = Linear(3)
    layer.build((None, 2))
    assert layer.built
    w = layer.w
    layer(np.ones((1, 2)))
    assert layer.w is w and [n for n, _ in layer.named_parameters()] == ["w", "b"]


def test_a_build_method_of_another_signature_is_left_callable():
    class Net(nn.Model):                  # PyTorch style: build() is the user's own helper
        def __init__(self):
            super().__init__()
            self.fc = None

        def build(self):
            self.fc = nn.Dense(2, input_dim=3)

        def forward(self, x):
            return self.fc(x)

    net = Net()
    net.build()
    assert net(np.ones((1, 3))).shape == (1, 2)
