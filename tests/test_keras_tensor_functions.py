"""TensorFlow's tensor functions under `import nn as tf`, keras.backend, keras.ops and keras.utils:
values against numpy / hand computation, gradients against their closed forms."""
import random

import numpy as np
import pytest

import nn as tf
import tensorgrad as tg
from nn import keras

K = keras.backend
A = np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]])


def test_tf_factories_and_dtypes():
    c = tf.constant([[1.0, 2.0]])
    assert c.dtype == np.float32 and c.shape == (1, 2)              # a Python float list is float32, as TF
    assert tf.constant(0, shape=(2, 3)).shape == (2, 3) and tf.constant([1, 2]).dtype == np.int32   # TF's int32
    assert tf.constant(A).dtype == np.float64                        # a numpy array keeps its dtype
    assert tf.zeros((2, 2)).dtype == np.float32 and tf.ones([3]).numpy(force=True).tolist() == [1, 1, 1]
    np.testing.assert_array_equal(tf.fill([2, 2], 7.0).numpy(force=True), np.full((2, 2), 7.0))
    t = tf.convert_to_tensor(A)
    assert tf.convert_to_tensor(t) is t
    assert tf.cast(tf.constant([1.7, -1.2]), tf.int32).numpy(force=True).tolist() == [1, -1]
    assert tf.float32 is np.float32 and tf.version.VERSION == keras.__version__
    np.testing.assert_array_equal(tf.one_hot([0, 2, 5], 3).numpy(force=True), [[1, 0, 0], [0, 0, 1], [0, 0, 0]])  # 5: all off
    v = tf.Variable(3.0)
    assert isinstance(v, tf.Parameter) and v.requires_grad and v.dtype == np.float32


def test_tf_reductions_and_maths_match_numpy():
    np.testing.assert_allclose(tf.reduce_sum(A, axis=1).numpy(force=True), A.sum(axis=1))
    np.testing.assert_allclose(tf.reduce_mean(A).numpy(force=True), A.mean())
    np.testing.assert_allclose(tf.reduce_max(A, axis=0, keepdims=True).numpy(force=True), A.max(axis=0, keepdims=True))
    np.testing.assert_allclose(tf.reduce_min(A, axis=[0, 1]).numpy(force=True), A.min())
    np.testing.assert_allclose(tf.square(A).numpy(force=True), A ** 2)
    np.testing.assert_allclose(tf.exp(A).numpy(force=True), np.exp(A))
    np.testing.assert_allclose(tf.matmul(A, A, transpose_b=True).numpy(force=True), A @ A.T)
    np.testing.assert_allclose(tf.transpose(A).numpy(force=True), A.T)
    np.testing.assert_allclose(tf.reduce_variance(A, axis=0).numpy(force=True), A.var(axis=0))


def test_tf_functions_are_differentiable():
    x = tg.tensor(A, requires_grad=True)
    y = tf.reduce_sum(tf.square(x)) + tf.reduce_mean(tf.exp(x))
    y.backward()
    np.testing.assert_allclose(x.grad, 2 * A + np.exp(A) / A.size)   # d/dx Σx² + mean(eˣ)
    assert tg.gradcheck(lambda t: K.sum(K.square(t) * K.exp(t), axis=1), [tg.tensor(A, requires_grad=True)])


def test_gradient_tape_is_tg_grad():
    w = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(w * w)
    (grad,) = tape.gradient(loss, [w])
    np.testing.assert_allclose(grad.numpy(force=True), [2.0, 4.0])
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(loss, [w])


def test_tf_random_and_set_seed_repeat():
    tf.random.set_seed(3)
    a = tf.random.normal((1000,), mean=2.0, stddev=0.5)
    tf.random.set_seed(3)
    assert np.array_equal(a.numpy(force=True), tf.random.normal((1000,), mean=2.0, stddev=0.5).numpy(force=True))
    assert abs(a.numpy(force=True).mean() - 2.0) < 0.05 and abs(a.numpy(force=True).std() - 0.5) < 0.05
    u = tf.random.uniform((1000,), minval=-1, maxval=3)
    assert u.numpy(force=True).min() >= -1 and u.numpy(force=True).max() < 3 and u.dtype == np.float32


def test_tf_data_is_a_clear_error():
    with pytest.raises(NotImplementedError, match="nn.DataLoader"):
        tf.data.Dataset.from_tensor_slices((A, A))


def test_backend_names():
    assert K.epsilon() == 1e-7 and K.floatx() == "float32"
    assert K.int_shape(keras.Input(shape=(3,))) == (None, 3)
    assert K.shape(np.zeros((4, 2)))[0] == 4
    np.testing.assert_allclose(K.mean(A, axis=-1).numpy(force=True), A.mean(axis=-1))
    np.testing.assert_allclose(K.std(A, axis=0).numpy(force=True), A.std(axis=0))
    np.testing.assert_allclose(K.dot(A, A.T).numpy(force=True), A @ A.T)
    assert K.random_normal((2, 3)).shape == (2, 3)
    v = K.variable(np.zeros(2))
    K.set_value(v, [1.0, 2.0])
    np.testing.assert_array_equal(K.get_value(v), [1.0, 2.0])


def test_keras_ops_names():
    ops = keras.ops
    np.testing.assert_allclose(ops.logsumexp(A, axis=1).numpy(force=True), np.log(np.exp(A).sum(axis=1)))
    np.testing.assert_allclose(ops.divide(ops.add(A, 1.0), 2.0).numpy(force=True), (A + 1) / 2)
    assert ops.shape(ops.expand_dims(A, 0)) == (1, 2, 3)
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.where(A > 0, A, 0.0)), np.where(A > 0, A, 0.0))
    x = tg.tensor(A, requires_grad=True)
    ops.sum(ops.power(x, 3)).backward()
    np.testing.assert_allclose(x.grad, 3 * A ** 2)


def test_utils_normalize_pad_sequences_seed():
    # Keras: x / ||x||_2 along the last axis; a zero row stays zero
    np.testing.assert_allclose(keras.utils.normalize(np.array([[3.0, 4.0], [0.0, 0.0]])), [[0.6, 0.8], [0, 0]])
    np.testing.assert_allclose(keras.utils.normalize(np.array([[3.0, 4.0]]), order=1), [[3 / 7, 4 / 7]])
    seqs = [[1, 2, 3], [4], [5, 6, 7, 8, 9]]
    np.testing.assert_array_equal(keras.utils.pad_sequences(seqs, maxlen=4),
                                  [[0, 1, 2, 3], [0, 0, 0, 4], [6, 7, 8, 9]])
    np.testing.assert_array_equal(keras.utils.pad_sequences(seqs, maxlen=2, padding="post", truncating="post"),
                                  [[1, 2], [4, 0], [5, 6]])
    assert keras.utils.pad_sequences(seqs).shape == (3, 5)
    keras.utils.set_random_seed(5)
    first = (random.random(), np.random.rand(), keras.layers.Dense(2, input_dim=2).kernel.numpy(force=True).copy())
    keras.utils.set_random_seed(5)
    second = (random.random(), np.random.rand(), keras.layers.Dense(2, input_dim=2).kernel.numpy(force=True).copy())
    assert first[:2] == second[:2] and np.array_equal(first[2], second[2])


def test_keras_initializer_names_in_add_weight():
    class L(keras.layers.Layer):
        def build(self, shape):
            self.w = self.add_weight(shape=(4000,), initializer="random_normal")

        def call(self, x):
            return x

    layer = L()
    layer(np.zeros((1, 1)))
    assert abs(layer.w.numpy(force=True).std() - 0.05) < 0.005            # Keras's RandomNormal stddev 0.05


def test_tensor_functions_and_operators_on_symbolic_tensors_become_layers(tmp_path):
    # Keras 2 wraps tf functions called on KerasTensors in TFOpLambda layers; so does nn
    inp = keras.Input(shape=(4,))
    h = keras.layers.Dense(4)(inp)
    x = tf.reduce_mean(h * 2.0 + inp, axis=1, keepdims=True)
    z = keras.ops.concatenate([K.square(x) - 1.0, inp[:, :2]], axis=1)
    model = keras.Model(inp, z)
    assert z.shape == (None, 3)
    a = np.random.default_rng(1).random((3, 4)).astype(np.float32)
    dense = model.layers[1]
    xx = ((a @ dense.kernel.numpy(force=True) + dense.bias.numpy(force=True)) * 2 + a).mean(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict(a), np.concatenate([xx ** 2 - 1, a[:, :2]], 1), atol=1e-6)
    model.save(tmp_path / "ops.keras")
    np.testing.assert_array_equal(keras.models.load_model(tmp_path / "ops.keras").predict(a), model.predict(a))
    model(a).sum().backward()
    assert dense.kernel.grad is not None


def test_a_saved_op_must_be_one_of_ours():
    from nn.symbolic_ops import TFOpLambda
    with pytest.raises(ValueError, match="refusing"):
        TFOpLambda("os:system", args=["echo"])


def test_tf_nn_and_tf_math_names():
    logits = np.array([[1.0, 2.0, 0.5]])
    p = np.exp(logits) / np.exp(logits).sum()
    np.testing.assert_allclose(tf.nn.softmax(logits).numpy(force=True), p, rtol=1e-6)
    np.testing.assert_allclose(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[1], logits=logits).numpy(force=True),
                               [-np.log(p[0, 1])], rtol=1e-6)
    np.testing.assert_allclose(tf.nn.sigmoid_cross_entropy_with_logits(labels=np.array([1.0]),
                                                                       logits=np.array([-2.0])).numpy(force=True),
                               [np.log1p(np.exp(2.0))], rtol=1e-6)
    assert tf.nn.l2_loss(np.array([3.0, 4.0])).item() == pytest.approx(12.5)        # Σt²/2
    np.testing.assert_allclose(tf.math.reduce_sum(A, axis=0).numpy(force=True), A.sum(axis=0))
