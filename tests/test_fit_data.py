"""fit/evaluate/predict on sources of batches and Keras's other data forms: steps_per_epoch over generators,
DataLoaders, Sequences and arrays (Keras's data handler: one stream, warn and stop when it runs out),
validation_steps, validation_freq, initial_epoch, dict inputs and targets, pandas-like tables, 1-D inputs.
Each trajectory is checked against the same SGD steps written by hand."""
import itertools
import warnings

import numpy as np
import pytest

import nn
import optim
import tensorgrad as tg
from nn import keras

RNG = np.random.default_rng(0)
X = RNG.normal(size=(96, 3)).astype(np.float32)
Y = (X @ np.array([[1.0], [-2.0], [0.5]], dtype=np.float32) + 0.3).astype(np.float32)


def _model(seed=0):
    tg.manual_seed(seed)
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    return model


def _by_hand(batches):
    """The same model trained by the PyTorch loop on the given (x, y) batches, in order."""
    model = _model()
    opt = optim.SGD(model.parameters(), lr=0.05)
    for xb, yb in batches:
        opt.zero_grad()
        keras.losses.MeanSquaredError()(yb, model(xb)).backward()
        opt.step()
    return model.get_weights()


def _batches(indices, size=16):
    return [(X[i * size:(i + 1) * size], Y[i * size:(i + 1) * size]) for i in indices]


def _same(a, b):
    for u, v in zip(a, b):
        np.testing.assert_allclose(u, v, rtol=1e-6, atol=1e-7)


def test_infinite_generator_with_steps_per_epoch_draws_the_next_batches_each_epoch():
    model = _model()
    history = model.fit(itertools.cycle(_batches(range(6))), steps_per_epoch=4, epochs=3, verbose=0)
    assert history.epoch == [0, 1, 2] and len(history.history["loss"]) == 3
    _same(model.get_weights(), _by_hand(_batches([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5])))


def test_a_generator_that_runs_out_warns_and_stops_as_keras():
    """5 batches, steps_per_epoch=2, epochs=4: epochs 1-2 whole, epoch 3 gets one batch, then Keras warns
    'Your input ran out of data; interrupting training' and stops (History has 3 epochs)."""
    model = _model()
    with pytest.warns(UserWarning, match=r"ran out of data; interrupting training.*\(in this case, 8 batches\)"):
        history = model.fit(iter(_batches(range(5))), steps_per_epoch=2, epochs=4, verbose=0)
    assert history.epoch == [0, 1, 2]
    _same(model.get_weights(), _by_hand(_batches(range(5))))


def test_a_generator_without_steps_is_one_epoch_then_runs_out():
    model = _model()
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit((b for b in _batches(range(6))), epochs=3, verbose=0)
    assert history.epoch == [0]
    _same(model.get_weights(), _by_hand(_batches(range(6))))


def test_a_data_loader_is_a_new_pass_each_epoch():
    model = _model()
    loader = nn.DataLoader(X, Y, batch_size=16, shuffle=False)
    history = model.fit(loader, epochs=2, verbose=0)
    assert history.epoch == [0, 1]
    _same(model.get_weights(), _by_hand(_batches(range(6)) * 2))


def test_a_data_loader_with_fewer_steps_continues_where_it_stopped():
    """steps_per_epoch other than its length: one iterator across epochs (Keras with a dataset)."""
    model = _model()
    loader = nn.DataLoader(X, Y, batch_size=16, shuffle=False)
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit(loader, steps_per_epoch=4, epochs=3, verbose=0)
    assert history.epoch == [0, 1]          # 4 + 2 batches, then nothing
    _same(model.get_weights(), _by_hand(_batches(range(6))))


def test_arrays_with_steps_per_epoch_take_the_next_batches_of_the_passes():
    """96 samples in batches of 16 = 6 per pass; steps_per_epoch=4, epochs=3 is 12 of the 3 passes' 18."""
    model = _model()
    history = model.fit(X, Y, batch_size=16, steps_per_epoch=4, epochs=3, shuffle=False, verbose=0)
    assert history.epoch == [0, 1, 2]
    _same(model.get_weights(), _by_hand(_batches([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5])))
    model = _model()
    with pytest.warns(UserWarning, match="ran out of data"):     # 2 passes hold 12 batches, not 2 × 8
        history = model.fit(X, Y, batch_size=16, steps_per_epoch=8, epochs=2, shuffle=False, verbose=0)
    assert history.epoch == [0, 1]


def test_keras_sequence_is_shuffled_by_batch_and_told_each_epoch_end():
    class Batches(keras.utils.Sequence):
        def __init__(self):
            self.ends = 0

        def __len__(self):
            return 6

        def __getitem__(self, i):
            return _batches([i])[0]

        def on_epoch_end(self):
            self.ends += 1

    seq = Batches()
    model = _model()
    model.fit(seq, epochs=2, shuffle=False, verbose=0)
    assert seq.ends == 2
    _same(model.get_weights(), _by_hand(_batches(range(6)) * 2))
    tg.manual_seed(5)
    order = [int(i) for i in tg.random.default_rng().permutation(6)]
    model = _model()
    tg.manual_seed(5)
    model.fit(seq, epochs=1, shuffle=True, verbose=0)
    _same(model.get_weights(), _by_hand(_batches(order)))


def test_validation_freq_and_validation_steps():
    model = _model()
    val = itertools.cycle(_batches([4, 5]))
    history = model.fit(X[:64], Y[:64], batch_size=16, epochs=4, validation_data=val, validation_steps=1,
                        validation_freq=2, verbose=0)
    assert len(history.history["loss"]) == 4 and len(history.history["val_loss"]) == 2
    seen = []

    class Record(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append((epoch, "val_loss" in logs))

    _model().fit(X[:64], Y[:64], epochs=4, validation_data=(X[64:], Y[64:]), validation_freq=[1, 3],
                 callbacks=[Record()], verbose=0)
    assert seen == [(0, True), (1, False), (2, True), (3, False)]
    with pytest.raises(ValueError, match="validation_freq must be a positive integer .* or a list of epoch numbers"):
        _model().fit(X, Y, validation_freq=0, verbose=0)


def test_validation_steps_caps_array_validation():
    model = _model()
    history = model.fit(X[:64], Y[:64], epochs=1, validation_data=(X[64:], Y[64:]), validation_steps=1,
                        batch_size=16, verbose=0)
    expected = model.evaluate(X[64:80], Y[64:80], verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(expected, rel=1e-6)


def test_initial_epoch_numbers_the_epochs():
    model = _model()
    history = model.fit(X, Y, epochs=5, initial_epoch=3, verbose=0)
    assert history.epoch == [3, 4] and len(history.history["loss"]) == 2


def test_evaluate_and_predict_take_generators_steps_and_callbacks():
    model = _model()
    calls = []

    class Count(keras.callbacks.Callback):
        def on_test_batch_end(self, batch, logs=None):
            calls.append(("test", batch))

        def on_predict_batch_end(self, batch, logs=None):
            calls.append(("predict", batch))

    by_arrays = model.evaluate(X[:32], Y[:32], batch_size=16, verbose=0)
    assert model.evaluate(iter(_batches(range(6))), steps=2, verbose=0, callbacks=[Count()]) == \
        pytest.approx(by_arrays, rel=1e-6)
    np.testing.assert_allclose(model.predict(iter(_batches(range(6))), steps=3, callbacks=[Count()]),
                               model.predict(X[:48]), rtol=1e-6)
    np.testing.assert_allclose(model.predict((xb for xb, _ in _batches(range(2)))), model.predict(X[:32]), rtol=1e-6)
    assert calls == [("test", 0), ("test", 1), ("predict", 0), ("predict", 1), ("predict", 2)]
    assert model.evaluate(X, Y, batch_size=16, steps=2, verbose=0) == pytest.approx(by_arrays, rel=1e-6)


def test_dict_inputs_and_targets_by_layer_names():
    a, b = keras.Input((2,), name="a"), keras.Input((1,), name="b")
    tg.manual_seed(0)
    out = keras.layers.Dense(1, name="price")(keras.layers.Concatenate()([a, b]))
    model = keras.Model([a, b], out)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    weights = model.get_weights()
    by_list = model.fit([X[:, :2], X[:, 2:]], Y, epochs=2, shuffle=False, verbose=0).history["loss"]
    model.set_weights(weights)
    by_dict = model.fit({"b": X[:, 2:], "a": X[:, :2]}, {"price": Y}, epochs=2, shuffle=False, verbose=0)
    assert by_dict.history["loss"] == pytest.approx(by_list, rel=1e-6)
    np.testing.assert_allclose(model.predict({"a": X[:, :2], "b": X[:, 2:]}), model.predict([X[:, :2], X[:, 2:]]))
    with pytest.raises(ValueError, match=r"x is a dict keyed by \['a', 'c'\].*named \['a', 'b'\]; no value for \['b'\]"):
        model.fit({"a": X[:, :2], "c": X[:, 2:]}, Y, verbose=0)
    with pytest.raises(ValueError, match=r"y has keys \['cost'\] that name none of the model's outputs \['price'\]"):
        model.fit({"a": X[:, :2], "b": X[:, 2:]}, {"price": Y, "cost": Y}, verbose=0)


class _Frame:
    """What fit needs of a pandas DataFrame/Series: .to_numpy() (and iteration over columns, which fit must not use)."""

    def __init__(self, a):
        self.a = a

    def to_numpy(self):
        return self.a

    def __iter__(self):
        return iter(range(self.a.shape[-1]))


def test_pandas_like_tables_are_converted_by_to_numpy():
    model = _model()
    first = model.get_weights()
    by_arrays = model.fit(X, Y, epochs=2, shuffle=False, verbose=0).history["loss"]
    model.set_weights(first)
    by_frames = model.fit(_Frame(X), _Frame(Y[:, 0]), epochs=2, shuffle=False, verbose=0).history["loss"]
    assert by_frames == pytest.approx(by_arrays, rel=1e-6)
    np.testing.assert_allclose(model.predict(_Frame(X)), model.predict(X))


def test_real_pandas_dataframe():
    pd = pytest.importorskip("pandas")
    model = _model()
    history = model.fit(pd.DataFrame(X, columns=list("abc")), pd.Series(Y[:, 0]), epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_one_dimensional_x_for_an_input_of_shape_1_becomes_a_column():
    """Keras 2 expands 1-D inputs to (n, 1) (data_adapter.expand_1d): the fit of y = 2x + 1."""
    x = np.linspace(-1, 1, 64).astype(np.float32)
    tg.manual_seed(0)
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(1,))])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    model.fit(x, 2 * x + 1, epochs=60, batch_size=16, verbose=0)
    np.testing.assert_allclose(model.predict(np.array([0.0, 1.0], dtype=np.float32)), [[1.0], [3.0]], atol=1e-3)
    functional_in = keras.Input(shape=(1,))
    functional = keras.Model(functional_in, keras.layers.Dense(1)(functional_in))
    assert functional.predict(x).shape == (64, 1)


def test_bad_steps_and_sources_are_named():
    model = _model()
    with pytest.raises(ValueError, match="fit: steps_per_epoch must be a positive integer"):
        model.fit(X, Y, steps_per_epoch=0, verbose=0)
    with pytest.raises(ValueError, match="validation_split needs arrays"):
        model.fit(iter(_batches(range(2))), validation_split=0.2, verbose=0)
    with pytest.raises(ValueError, match=r"predict: the input gave no batches"):
        model.predict(iter([]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(iter(_batches(range(2))), steps_per_epoch=2, epochs=1, verbose=0)    # exactly enough: no warning


def test_keras_2_generator_methods_and_worker_arguments():
    """fit_generator(gen, steps_per_epoch, epochs) positionally, as Keras 2 programs call it; workers= and
    use_multiprocessing= are accepted and change nothing."""
    model = _model()
    with pytest.deprecated_call():
        history = model.fit_generator(itertools.cycle(_batches(range(6))), 6, 2, 0)
    assert history.epoch == [0, 1]
    _same(model.get_weights(), _by_hand(_batches(range(6)) * 2))
    with pytest.deprecated_call():
        assert model.evaluate_generator(iter(_batches(range(6))), steps=6, verbose=0) == \
            pytest.approx(model.evaluate(X, Y, batch_size=16, verbose=0, workers=4, use_multiprocessing=True), rel=1e-6)
    with pytest.deprecated_call():
        np.testing.assert_allclose(model.predict_generator(iter(_batches(range(6))), steps=6), model.predict(X),
                                   rtol=1e-6)
    model.fit(X, Y, epochs=1, verbose=0, workers=2, max_queue_size=4)


def test_keras_3_py_dataset_takes_its_worker_arguments():
    class Batches(keras.utils.PyDataset):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)

        def __len__(self):
            return 6

        def __getitem__(self, i):
            return _batches([i])[0]

    model = _model()
    model.fit(Batches(workers=4, use_multiprocessing=True), epochs=1, shuffle=False, verbose=0)
    _same(model.get_weights(), _by_hand(_batches(range(6))))
