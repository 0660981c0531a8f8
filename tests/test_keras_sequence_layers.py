"""Keras's sequence features (issue 19): masks from Embedding(mask_zero=True), GRU(reset_after=False),
return_state / initial_state in the functional API, Bidirectional merge modes and TimeDistributed in
models, and the conv/recurrent/normalization layers as Keras Layers (config, .keras round trips)."""
import numpy as np
import pytest

import nn
import tensorgrad as tg
from nn.keras import layers as L

rng = np.random.default_rng(19)
IDS = np.array([[3, 1, 4, 1, 5, 0, 0], [2, 7, 0, 0, 0, 0, 0], [6, 2, 8, 3, 1, 8, 4]])
LENGTHS = [5, 2, 7]


def _trimmed_runs(layer, embed, ids, lengths):
    """The layer run on each sequence without its padding (batch of one): the reference for masking."""
    return [layer(embed(ids[i:i + 1, :n])) for i, n in enumerate(lengths)]


@pytest.mark.parametrize("cell", [L.SimpleRNN, L.LSTM, L.GRU])
def test_a_masked_sequence_gives_what_the_unpadded_one_gives(cell):
    tg.manual_seed(0)
    embed = L.Embedding(10, 4, mask_zero=True)
    layer = cell(3, return_sequences=True)
    out = layer(embed(IDS)).data
    for i, (ref, n) in enumerate(zip(_trimmed_runs(layer, embed, IDS, LENGTHS), LENGTHS)):
        np.testing.assert_allclose(out[i, :n], ref.data[0], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(out[i, n:], np.broadcast_to(ref.data[0, -1], (7 - n, 3)), rtol=1e-5, atol=1e-6)  # repeated
    last = cell(3)
    last.set_weights(layer.get_weights())
    np.testing.assert_allclose(last(embed(IDS)).data, out[np.arange(3), np.array(LENGTHS) - 1], rtol=1e-5, atol=1e-6)


def test_masked_steps_keep_every_state_and_leading_padding_outputs_the_initial_state():
    tg.manual_seed(0)
    embed = L.Embedding(10, 4, mask_zero=True)
    layer = L.LSTM(3, return_sequences=True, return_state=True)
    pre = np.array([[0, 0, 3, 1, 4]])
    seq, h, c = layer(embed(pre))
    np.testing.assert_array_equal(seq.data[0, :2], 0)                   # before the first real step: h0 = 0
    _, h_ref, c_ref = layer(embed(pre[:, 2:]))
    np.testing.assert_allclose(h.data, h_ref.data, rtol=1e-6)
    np.testing.assert_allclose(c.data, c_ref.data, rtol=1e-6)
    assert seq._keras_mask.data.tolist() == [[False, False, True, True, True]]
    assert getattr(h, "_keras_mask", None) is None


def test_the_mask_passes_through_dense_dropout_and_timedistributed_to_a_second_lstm():
    tg.manual_seed(0)
    model = nn.Sequential([L.Embedding(10, 4, mask_zero=True), L.Dropout(0.2), L.Dense(5),
                           L.LSTM(4, return_sequences=True), L.TimeDistributed(L.Dense(3)), L.GRU(2)])
    out = model.predict(IDS, verbose=0)
    for i, n in enumerate(LENGTHS):
        np.testing.assert_allclose(out[i], model.predict(IDS[i:i + 1, :n], verbose=0)[0], rtol=1e-5, atol=1e-6)
    unmasked = nn.Sequential([L.Embedding(10, 4), L.LSTM(2)])
    unmasked.predict(IDS, verbose=0)
    masked = nn.Sequential([L.Embedding(10, 4, mask_zero=True), L.LSTM(2)])
    masked.set_weights(unmasked.get_weights())
    assert not np.allclose(masked.predict(IDS, verbose=0)[1], unmasked.predict(IDS, verbose=0)[1])


def test_global_average_pooling_1d_averages_the_unmasked_steps_only():
    embed = L.Embedding(10, 3, mask_zero=True)
    pooled = L.GlobalAveragePooling1D()(embed(IDS)).data
    for i, n in enumerate(LENGTHS):
        np.testing.assert_allclose(pooled[i], embed(IDS[i:i + 1, :n]).data[0].mean(axis=0), rtol=1e-6)
    model = nn.Sequential([L.Embedding(10, 3, mask_zero=True), L.GlobalAveragePooling1D(), L.Dense(1)])
    np.testing.assert_allclose(model.predict(IDS[:2, :5], verbose=0), model.predict(IDS[:2], verbose=0), rtol=1e-6)


def test_masking_skips_the_steps_whose_features_all_equal_the_mask_value():
    tg.manual_seed(0)
    x = rng.standard_normal((2, 6, 3)).astype(np.float32)
    x[0, 4:] = -1.0
    x[1, 2:] = -1.0
    masking = L.Masking(mask_value=-1.0)
    masked = masking(x)
    assert masked._keras_mask.data.tolist() == [[True] * 4 + [False] * 2, [True] * 2 + [False] * 4]
    np.testing.assert_array_equal(masked.data[1, 2:], 0)          # Keras zeroes the masked steps
    model = nn.Sequential([L.Masking(-1.0), L.LSTM(3)])
    out = model.predict(x, verbose=0)
    np.testing.assert_allclose(out[0], model.predict(x[:1, :4], verbose=0)[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out[1], model.predict(x[1:, :2], verbose=0)[0], rtol=1e-5, atol=1e-6)
    assert L.Masking.from_config(masking.get_config()).mask_value == -1.0


def test_a_mask_of_the_wrong_shape_is_refused():
    layer = L.SimpleRNN(2)
    with pytest.raises(ValueError, match=r"mask must have shape \(batch, steps\) = \(2, 3\)"):
        layer(np.ones((2, 3, 1), np.float32), mask=np.ones((2, 4), bool))


def test_a_masked_lstm_input_gradient_matches_finite_differences():
    tg.manual_seed(0)
    layer = L.LSTM(2, dtype="float64")
    x = tg.tensor(rng.standard_normal((3, 4, 2)), requires_grad=True)
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1], [1, 0, 0, 0]], bool)
    layer(x, mask=mask)
    assert tg.gradcheck(lambda inp: (layer(inp, mask=mask) ** 2).sum(), (x,))


def _gru_reset_before(x, kernel, recurrent, bias, units):
    """Keras's original GRU (reset_after=False) in numpy: z, r from x K + h R + b; h̃ uses (r h) R_h."""
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    h = np.zeros((x.shape[0], units))
    for t in range(x.shape[1]):
        xk = x[:, t] @ kernel + bias
        z = sig(xk[:, :units] + h @ recurrent[:, :units])
        r = sig(xk[:, units:2 * units] + h @ recurrent[:, units:2 * units])
        cand = np.tanh(xk[:, 2 * units:] + (r * h) @ recurrent[:, 2 * units:])
        h = z * h + (1 - z) * cand
    return h


def test_gru_reset_after_false_is_keras_original_formula_with_a_flat_bias():
    layer = L.GRU(3, reset_after=False, bias_initializer="glorot_uniform", input_shape=(5, 4))
    assert layer.bias.shape == (9,) and layer.count_params() == 3 * 3 * (4 + 3 + 1)
    x = rng.standard_normal((2, 5, 4)).astype(np.float32)
    expected = _gru_reset_before(x.astype(np.float64), *(w.astype(np.float64) for w in layer.get_weights()), 3)
    np.testing.assert_allclose(layer(x).data, expected, rtol=1e-5, atol=1e-6)
    assert L.GRU(3, input_shape=(5, 4)).bias.shape == (2, 9)      # reset_after=True keeps its (2, 3·units)
    double = L.GRU(2, reset_after=False, dtype="float64")
    xd = tg.tensor(rng.standard_normal((2, 3, 2)), requires_grad=True)
    double(xd)
    assert tg.gradcheck(lambda inp: (double(inp) ** 2).sum(), (xd,))
    assert L.GRU.from_config(layer.get_config()).reset_after is False


def test_return_state_in_the_functional_api_runs_the_layer_once_and_feeds_a_decoder():
    tg.manual_seed(0)
    enc_in, dec_in = nn.Input((6, 3)), nn.Input((4, 2))
    encoder = L.LSTM(5, return_state=True)
    enc_out, h, c = encoder(enc_in)
    assert [t.shape for t in (enc_out, h, c)] == [(None, 5), (None, 5), (None, 5)]
    decoder = L.LSTM(5, return_sequences=True)
    dec_out = decoder(dec_in, initial_state=[h, c])
    model = nn.Model([enc_in, dec_in], [L.TimeDistributed(L.Dense(2))(dec_out), h])
    calls = []
    encoder.register_forward_hook(lambda module, args, out: calls.append(1))
    a, b = rng.standard_normal((3, 6, 3)).astype(np.float32), rng.standard_normal((3, 4, 2)).astype(np.float32)
    y, state = model.predict([a, b], verbose=0)
    assert len(calls) == 1 and y.shape == (3, 4, 2)
    _, h_ref, c_ref = encoder(a)
    np.testing.assert_allclose(state, h_ref.data, rtol=1e-6)
    np.testing.assert_allclose(model.predict([a, b], verbose=0)[0][:, :, 0].shape, (3, 4))
    ref = decoder(b, initial_state=[h_ref, c_ref])
    head = model.layers[-1]
    np.testing.assert_allclose(y, head(ref).data, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_merge_modes_in_a_functional_model(mode):
    tg.manual_seed(0)
    inp = nn.Input((5, 3))
    bi = L.Bidirectional(L.GRU(4, return_sequences=True), merge_mode=mode)
    out = bi(inp)
    model = nn.Model(inp, out)
    x = rng.standard_normal((2, 5, 3)).astype(np.float32)
    fwd, bwd = bi.forward_layer(x).data, bi.backward_layer(x).data[:, ::-1]
    expected = {"concat": np.concatenate([fwd, bwd], -1), "sum": fwd + bwd, "mul": fwd * bwd,
                "ave": (fwd + bwd) / 2, None: [fwd, bwd]}[mode]
    got = model.predict(x, verbose=0)
    if mode is None:
        assert isinstance(out, list) and [t.shape for t in out] == [(None, 5, 4)] * 2
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)
    else:
        assert out.shape == (None, 5, 8 if mode == "concat" else 4)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_bidirectional_return_state_and_masked_steps_output_zeros():
    tg.manual_seed(0)
    embed = L.Embedding(10, 3, mask_zero=True)
    bi = L.Bidirectional(L.LSTM(2, return_sequences=True, return_state=True))
    out, fh, fc, bh, bc = bi(embed(IDS))
    assert out.shape == (3, 7, 4) and fh.shape == bc.shape == (3, 2)
    np.testing.assert_array_equal(out.data[1, 2:], 0)              # zero_output_for_mask inside Bidirectional
    np.testing.assert_allclose(out.data[1, 1, :2], fh.data[1], rtol=1e-6)
    np.testing.assert_allclose(out.data[1, 0, 2:], bh.data[1], rtol=1e-6)


def test_each_new_layer_round_trips_through_its_config():
    layers = [L.Conv2D(4, 3, strides=2, padding="same", activation="relu", kernel_regularizer="l2"),
              L.Conv1D(2, 5, dilation_rate=2), L.MaxPooling2D(3, strides=1, padding="same"), L.AveragePooling1D(2),
              L.GlobalMaxPooling2D(keepdims=True), L.ZeroPadding2D(((1, 2), (3, 4))), L.UpSampling2D((2, 3)),
              L.BatchNormalization(momentum=0.9, epsilon=1e-5, center=False), L.LayerNormalization(epsilon=1e-6),
              L.Embedding(7, 3, mask_zero=True), L.SimpleRNN(3, return_sequences=True, go_backwards=True),
              L.LSTM(2, unit_forget_bias=False, dropout=0.1, return_state=True), L.GRU(4, reset_after=False),
              L.Bidirectional(L.LSTM(3), merge_mode="sum"), L.TimeDistributed(L.Dense(2, activation="tanh"))]
    for layer in layers:
        config = layer.get_config()
        clone = type(layer).from_config(config)
        assert clone.get_config() == config, type(layer).__name__
        assert isinstance(layer, L.Layer) and nn.Layer in type(layer).__mro__


def _trained(model, x, y, loss):
    model.compile(optimizer="adam", loss=loss)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    return model


def test_a_convnet_survives_save_and_load_model(tmp_path):
    tg.manual_seed(0)
    model = nn.Sequential([L.Conv2D(4, 3, activation="relu", input_shape=(8, 8, 1)), L.BatchNormalization(),
                           L.MaxPooling2D(2), L.Conv2D(6, 3, padding="same"), L.GlobalAveragePooling2D(),
                           L.Dense(3, activation="softmax")])
    x, y = rng.random((16, 8, 8, 1)).astype(np.float32), rng.integers(0, 3, 16)
    _trained(model, x, y, "sparse_categorical_crossentropy")
    bn = model.layers[1]
    assert [w.shape for w in bn.weights] == [(4,)] * 4 and len(bn.trainable_weights) == 2
    assert not np.allclose(bn.moving_mean.data, 0)                  # the moving statistics moved
    model.save(tmp_path / "convnet.keras")
    loaded = nn.keras.models.load_model(tmp_path / "convnet.keras")
    assert [type(layer).__name__ for layer in loaded.layers] == [type(layer).__name__ for layer in model.layers]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5)
    assert loaded.count_params() == model.count_params()


def test_an_lstm_model_survives_save_and_load_model(tmp_path, capsys):
    tg.manual_seed(0)
    inp = nn.Input((7,), dtype="int64")
    seq = L.Bidirectional(L.LSTM(4, return_sequences=True))(L.Embedding(10, 3, mask_zero=True)(inp))
    out, h = L.GRU(3, return_state=True)(seq)
    model = nn.Model(inp, L.Dense(1)(L.Concatenate()([out, h])))
    y = rng.standard_normal((3, 1)).astype(np.float32)
    _trained(model, IDS, y, "mse")
    model.summary()
    assert "Bidirectional" in capsys.readouterr().out
    model.save(tmp_path / "lstm.keras")
    loaded = nn.keras.models.load_model(tmp_path / "lstm.keras")
    np.testing.assert_allclose(loaded.predict(IDS, verbose=0), model.predict(IDS, verbose=0), rtol=1e-5)
    clone = nn.keras.models.model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(IDS, verbose=0), model.predict(IDS, verbose=0), rtol=1e-5)


def test_the_loss_of_a_masked_output_averages_the_unmasked_steps_only():
    """Keras's compiled loss: a per-step loss on an output that carries a mask skips the padded steps."""
    tg.manual_seed(0)
    model = nn.Sequential([L.Embedding(10, 4, mask_zero=True), L.LSTM(5, return_sequences=True),
                           L.TimeDistributed(L.Dense(3, activation="softmax"))])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    y = rng.integers(0, 3, IDS.shape)
    probs = model.predict(IDS, verbose=0)
    step_losses = -np.log(np.take_along_axis(probs, y[..., None], -1)[..., 0])
    keep = IDS != 0
    np.testing.assert_allclose(model.evaluate(IDS, y, verbose=0), step_losses[keep].mean(), rtol=1e-5)
    weights = np.array([1.0, 2.0, 0.5], np.float32)
    expected = (step_losses * keep * weights[:, None]).sum() / keep.sum()
    np.testing.assert_allclose(model.evaluate(IDS, y, sample_weight=weights, verbose=0), expected, rtol=1e-5)
    y_noise = y.copy()
    y_noise[~keep] = (y[~keep] + 1) % 3                   # labels at padded steps do not matter
    np.testing.assert_allclose(model.evaluate(IDS, y_noise, verbose=0), step_losses[keep].mean(), rtol=1e-5)
