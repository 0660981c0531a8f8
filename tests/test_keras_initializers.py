"""keras.initializers classes (Keras 2.15's definitions and defaults): values against their formulas and
moments, seed= reproducibility, use as kernel_initializer= and add_weight(initializer=), config round trips
and .keras saving."""
import numpy as np
import pytest

import tensorgrad as tg
from nn import keras

init = keras.initializers


def test_constant_zeros_ones_identity_fill_as_their_definitions():
    np.testing.assert_array_equal(init.Constant(0.5)(shape=(2, 3)).numpy(force=True), np.full((2, 3), 0.5, np.float32))
    np.testing.assert_array_equal(init.Constant([1.0, 2.0])((3, 2)).numpy(force=True), [[1, 2]] * 3)
    assert init.Constant(3)((2,), dtype="float64").dtype == np.float64
    np.testing.assert_array_equal(init.Zeros()((2, 2)).numpy(force=True), np.zeros((2, 2)))
    np.testing.assert_array_equal(init.Ones()((4,)).numpy(force=True), np.ones(4))
    np.testing.assert_array_equal(init.Identity(gain=2.0)((2, 3)).numpy(force=True), 2 * np.eye(2, 3))
    with pytest.raises(ValueError, match=r"Identity: the initializer is only for 2-D shapes, got shape \(2, 2, 2\)"):
        init.Identity()((2, 2, 2))
    with pytest.raises(ValueError, match=r"Constant: value of shape \(3,\) does not fit the weight's shape \(2, 2\)"):
        init.Constant([1, 2, 3])((2, 2))


@pytest.mark.parametrize("make, mean, std, bound", [
    (lambda: init.RandomNormal(1.0, 0.5, seed=1), 1.0, 0.5, None),
    (lambda: init.RandomUniform(-0.2, 0.6, seed=1), 0.2, 0.8 / np.sqrt(12), (-0.2, 0.6)),
    (lambda: init.TruncatedNormal(0.0, 0.5, seed=1), 0.0, 0.5 * 0.87962566, (-1.0, 1.0)),
    (lambda: init.GlorotUniform(seed=1), 0.0, np.sqrt(2 / (200 + 300)), (-np.sqrt(6 / 500), np.sqrt(6 / 500))),
    (lambda: init.GlorotNormal(seed=1), 0.0, np.sqrt(2 / (200 + 300)), (-2 * np.sqrt(2 / 500) / 0.8796, 2 * np.sqrt(2 / 500) / 0.8796)),
    (lambda: init.HeUniform(seed=1), 0.0, np.sqrt(2 / 200), (-np.sqrt(6 / 200), np.sqrt(6 / 200))),
    (lambda: init.HeNormal(seed=1), 0.0, np.sqrt(2 / 200), None),
    (lambda: init.VarianceScaling(2.0, "fan_out", "untruncated_normal", seed=1), 0.0, np.sqrt(2 / 300), None),
])
def test_random_initializers_have_keras_moments_and_a_seed_repeats_them(make, mean, std, bound):
    values = make()((200, 300), dtype="float64").numpy(force=True)
    assert values.mean() == pytest.approx(mean, abs=0.02 * max(std, 0.05) * 5)
    assert values.std() == pytest.approx(std, rel=0.02)
    if bound is not None:
        assert bound[0] - 1e-9 <= values.min() and values.max() <= bound[1] + 1e-9
    first = make()
    np.testing.assert_array_equal(first((5, 4)).numpy(force=True), first((5, 4)).numpy(force=True))     # Keras 2.15: a seed repeats
    np.testing.assert_array_equal(first((5, 4)).numpy(force=True), make()((5, 4)).numpy(force=True))


def test_unseeded_initializers_follow_manual_seed_and_orthogonal_is_orthogonal():
    tg.manual_seed(7)
    a = init.GlorotUniform()((3, 4)).numpy(force=True)
    b = init.GlorotUniform()((3, 4)).numpy(force=True)
    tg.manual_seed(7)
    np.testing.assert_array_equal(init.GlorotUniform()((3, 4)).numpy(force=True), a)
    assert not np.array_equal(a, b)
    q = init.Orthogonal(gain=2.0, seed=3)((5, 3)).numpy(force=True)
    np.testing.assert_allclose(q.T @ q, 4 * np.eye(3), atol=1e-5)


def test_classes_work_as_kernel_initializer_and_in_add_weight():
    layer = keras.layers.Dense(3, kernel_initializer=init.Constant(0.25), bias_initializer=keras.initializers.Ones())
    out = layer(tg.tensor(np.ones((2, 4), np.float32)))
    np.testing.assert_allclose(out.numpy(force=True), np.full((2, 3), 2.0))           # 4 · 0.25 + 1
    seeded = keras.layers.Dense(3, kernel_initializer=init.HeNormal(seed=5))
    seeded(tg.tensor(np.ones((1, 4), np.float32)))
    np.testing.assert_array_equal(seeded.kernel.numpy(force=True), init.HeNormal(seed=5)((4, 3)).numpy(force=True))
    assert keras.layers.Dense(2, kernel_initializer="GlorotNormal").kernel_initializer.__class__ is init.GlorotNormal

    class Scale(keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer=init.Constant(3.0))
            self.k = self.add_weight(name="k", shape=(2, 2), initializer=keras.initializers.Identity())

        def call(self, inputs):
            return inputs * self.w

    scale = Scale()
    np.testing.assert_allclose(scale(tg.tensor(np.ones((1, 2), np.float32))).numpy(force=True), [[3.0, 3.0]])
    np.testing.assert_array_equal(scale.k.numpy(force=True), np.eye(2))


def test_lowercase_aliases_get_and_config_round_trips(tmp_path):
    assert isinstance(init.glorot_uniform(seed=1), init.GlorotUniform)
    assert isinstance(init.get("he_normal"), init.HeNormal)
    uncalled = keras.layers.Dense(2, kernel_initializer=init.he_uniform)       # a class: Keras instantiates it
    assert isinstance(uncalled.kernel_initializer, init.HeUniform)
    assert init.get(None) is None
    for obj in (init.Constant(0.1), init.RandomNormal(0.0, 2.0, seed=4), init.VarianceScaling(0.5, "fan_avg", "uniform"),
                init.HeUniform(seed=3), init.Orthogonal(1.5)):
        copy = init.deserialize(init.serialize(obj))
        assert type(copy) is type(obj) and copy.get_config() == obj.get_config()
    tg.manual_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, kernel_initializer=init.Constant(0.5),
                                                                    bias_initializer=init.RandomNormal(seed=1))])
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    dense = loaded.layers[-1]
    assert isinstance(dense.kernel_initializer, init.Constant) and dense.kernel_initializer.value == 0.5
    np.testing.assert_array_equal(dense.kernel.numpy(force=True), model.layers[-1].kernel.numpy(force=True))
