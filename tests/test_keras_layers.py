"""Keras's extra layers against hand-computed values and the formulas of Keras's documentation."""
import numpy as np
import pytest

import tensorgrad as tg
from nn import keras
from nn.keras import layers

X = np.array([[1.0, 2.0, 3.0], [4.0, 6.0, 8.0]], dtype=np.float32)


def test_lambda_runs_the_function_and_its_gradient():
    x = tg.tensor(X, requires_grad=True)
    out = layers.Lambda(lambda t, power: t ** power, arguments={"power": 2})(x)
    out.sum().backward()
    np.testing.assert_allclose(x.grad, 2 * X)              # d(x²)/dx = 2x


def test_lambda_in_the_functional_api_infers_its_shape():
    inp = keras.Input(shape=(3,))
    out = layers.Lambda(lambda t: t.sum(axis=1, keepdims=True))(inp)
    assert out.shape == (None, 1)
    np.testing.assert_allclose(keras.Model(inp, out)(X).numpy(force=True), [[6.0], [18.0]])


def test_normalization_adapt_uses_the_population_variance_and_keras_formula():
    norm = layers.Normalization()
    norm.adapt(X)
    # mean of columns: [2.5, 4, 5.5]; variance (1/n): [2.25, 4, 6.25]; out = (x - mean) / sqrt(var)
    np.testing.assert_allclose(norm.mean.numpy(force=True), [2.5, 4.0, 5.5])
    np.testing.assert_allclose(norm.variance.numpy(force=True), [2.25, 4.0, 6.25])
    np.testing.assert_allclose(norm(X).numpy(force=True), [[-1, -1, -1], [1, 1, 1]], rtol=1e-6)
    assert norm.trainable_weights == [] and len(norm.non_trainable_weights) == 3    # mean, variance, count
    assert norm.count.numpy(force=True) == 2 and norm.count_params() == 3 + 3 + 1               # as Keras's summary counts


def test_normalization_given_mean_variance_and_invert_round_trip():
    norm = layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.0])
    out = norm(X)
    # variance 0: Keras divides by max(sqrt(var), epsilon = 1e-7)
    np.testing.assert_allclose(out.numpy(force=True)[:, :2], [[0.0, 0.0], [1.5, 4.0]])
    np.testing.assert_allclose(out.numpy(force=True)[:, 2], (X[:, 2] - 3.0) / 1e-7, rtol=1e-5)
    inv = layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 1.0], invert=True)
    fwd = layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 1.0])
    np.testing.assert_allclose(inv(fwd(X)).numpy(force=True), X, rtol=1e-6)
    with pytest.raises(ValueError, match="both mean and variance"):
        layers.Normalization(mean=[1.0])


def test_rescaling_reshape_permute_repeat():
    np.testing.assert_allclose(layers.Rescaling(1 / 255)(np.full((1, 2), 255.0)).numpy(force=True), [[1.0, 1.0]], rtol=1e-6)
    np.testing.assert_allclose(layers.Rescaling(2.0, offset=-1.0)(X).numpy(force=True), 2 * X - 1)
    x = np.arange(24, dtype=np.float32).reshape(2, 12)
    assert layers.Reshape((3, 4))(x).shape == (2, 3, 4)
    assert layers.Reshape((-1, 2))(x).shape == (2, 6, 2)
    with pytest.raises(ValueError, match="cannot reshape"):
        layers.Reshape((5,))(x)
    y = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    np.testing.assert_array_equal(layers.Permute((2, 1))(y).numpy(force=True), y.transpose(0, 2, 1))
    rep = layers.RepeatVector(3)(X)
    assert rep.shape == (2, 3, 3) and np.array_equal(rep.numpy(force=True)[:, 1], X)
    inp = keras.Input(shape=(12,))
    assert layers.Permute((2, 1))(layers.Reshape((3, 4))(inp)).shape == (None, 4, 3)


def test_merge_layers_and_function_forms():
    a, b, c = X, 2 * X, -X
    np.testing.assert_allclose(layers.Add()([a, b, c]).numpy(force=True), 2 * X)
    np.testing.assert_allclose(layers.add([a, b]).numpy(force=True), 3 * X)
    np.testing.assert_allclose(layers.subtract([a, b]).numpy(force=True), -X)
    np.testing.assert_allclose(layers.multiply([a, b]).numpy(force=True), 2 * X * X)
    np.testing.assert_allclose(layers.average([a, b, c]).numpy(force=True), 2 * X / 3, rtol=1e-6)
    np.testing.assert_allclose(layers.maximum([a, c]).numpy(force=True), X)
    np.testing.assert_allclose(layers.minimum([a, c]).numpy(force=True), -X)
    with pytest.raises(ValueError, match="exactly 2"):
        layers.Subtract()([a, b, c])
    with pytest.raises(ValueError, match="at least 2"):
        layers.Add()([a])


def test_dot_two_vectors_and_cosine():
    a = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    b = np.array([[5.0, 6.0], [0.0, 1.0]], dtype=np.float32)
    np.testing.assert_allclose(layers.dot([a, b], axes=1).numpy(force=True), [[17.0], [4.0]])
    cos = layers.Dot(axes=1, normalize=True)([a, b]).numpy(force=True)
    np.testing.assert_allclose(cos, [[17 / np.sqrt(5 * 61)], [4 / 5]], rtol=1e-6)
    m = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    n = np.arange(40, dtype=np.float32).reshape(2, 4, 5)
    np.testing.assert_allclose(layers.Dot(axes=(2, 1))([m, n]).numpy(force=True), m @ n)   # Keras: batched matmul


def test_merge_in_the_functional_api_has_gradients():
    i1, i2 = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    model = keras.Model([i1, i2], layers.Dense(1)(layers.average([i1, i2])))
    assert model.output.shape == (None, 1)
    model([X, X]).sum().backward()
    assert model.layers[-1].kernel.grad is not None


def test_gaussian_noise_only_in_training():
    noise = layers.GaussianNoise(0.5, seed=1)
    x = np.zeros((2000, 5), dtype=np.float32)
    np.testing.assert_array_equal(noise(x).numpy(force=True), x)     # called alone: inference, as Keras
    out = noise(x, training=True).numpy(force=True)
    assert abs(out.std() - 0.5) < 0.02 and abs(out.mean()) < 0.02
    noise.train()
    assert noise(x).numpy(force=True).std() > 0.4                   # in a model that fit put in training mode
    noise.eval()
    np.testing.assert_array_equal(noise(x).numpy(force=True), x)


def test_activity_regularization_layer():
    layer = layers.ActivityRegularization(l1=0.1, l2=0.01)
    out = layer(X)
    np.testing.assert_array_equal(out.numpy(force=True), X)
    # (0.1 Σ|x| + 0.01 Σx²) / batch = (0.1·24 + 0.01·130) / 2
    assert layer.losses[0].item() == pytest.approx((0.1 * 24 + 0.01 * 130) / 2, rel=1e-6)


def test_input_batch_size_and_sequential_layers():
    inp = keras.Input(shape=(3,), batch_size=8, name="features", dtype="float64")
    assert inp.shape == (8, 3) and inp.dtype == np.float64 and inp.name == "features"
    assert layers.Dense(2)(inp).shape == (8, 2)
    model = keras.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(2)])
    model.add(layers.Dense(1))
    assert model.output.shape == (None, 1) and len(model.layers) == 3
    popped = model.pop()
    assert isinstance(popped, layers.Dense) and model.output.shape == (None, 2) and len(model.layers) == 2
    assert model.layers[0].kernel is model.layers[0].weight and model.layers[0].bias.shape == (4,)
    assert model(X).shape == (2, 2)


def test_normalization_state_survives_fit_and_save(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.random((64, 3)) * 10
    norm = layers.Normalization()
    norm.adapt(x)
    mean, var = norm.mean.numpy(force=True).copy(), norm.variance.numpy(force=True).copy()
    model = keras.Sequential([norm, layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, x.sum(axis=1, keepdims=True), epochs=2, verbose=0)
    np.testing.assert_array_equal(norm.mean.numpy(force=True), mean)        # non-trainable: fit leaves it
    np.testing.assert_array_equal(norm.variance.numpy(force=True), var)
    model.save(tmp_path / "n.keras")
    loaded = keras.models.load_model(tmp_path / "n.keras")
    np.testing.assert_array_equal(loaded.layers[0].mean.numpy(force=True), mean)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_keras2_input_layer_starts_a_sequential():
    model = keras.Sequential([layers.InputLayer(input_shape=(3,)), layers.Dense(2)])
    assert model.output.shape == (None, 2) and model.count_params() == 8
    assert model(X).shape == (2, 2)
    with pytest.raises(ValueError, match="shape="):
        layers.InputLayer()
