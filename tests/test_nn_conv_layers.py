"""Convolutional, normalization and recurrent layers (issue 19): Keras's layouts, initialisers and summary
counts; PyTorch's state dicts, checked against PyTorch itself when it is installed; known values."""
from __future__ import annotations

import numpy as np
import pytest

import nn
import tensorgrad as tg
from nn.keras import layers as L

try:
    import torch
except ImportError:   # pragma: no cover - torch is an optional extra
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed (pip install torch==2.13.0)")

rng = np.random.default_rng(7)


def keras_mnist_convnet():
    return nn.Sequential([L.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)), L.MaxPooling2D(2),
                          L.Conv2D(64, (3, 3), activation="relu"), L.MaxPooling2D((2, 2)), L.Flatten(),
                          L.Dropout(0.5), L.Dense(10, activation="softmax")])


def test_keras_mnist_convnet_has_keras_parameter_count_and_names():
    nn.clear_session()
    model = keras_mnist_convnet()
    assert model.count_params() == 34826
    text = model.summary(print_fn=None)
    assert [layer.name for layer in model.layers][:2] == ["conv2d", "max_pooling2d"]
    assert model.layers[0].kernel.shape == (3, 3, 1, 32) and model.layers[2].kernel.shape == (3, 3, 32, 64)
    assert [layer.output_shape for layer in model.layers[:4]] == [(None, 26, 26, 32), (None, 13, 13, 32),
                                                                   (None, 11, 11, 64), (None, 5, 5, 64)]
    assert "Total params: 34,826" in text and "conv2d (Conv2D)" in text


def test_conv2d_kernel_is_glorot_uniform_and_bias_zero():
    layer = L.Conv2D(64, 3, input_shape=(8, 8, 32))
    limit = np.sqrt(6 / (3 * 3 * 32 + 3 * 3 * 64))
    k = layer.kernel.numpy(force=True)
    assert np.abs(k).max() <= limit and np.abs(k).max() > 0.9 * limit
    assert np.all(layer.bias.numpy(force=True) == 0)


def test_keras_conv2d_is_the_channels_first_op_on_transposed_data():
    layer = L.Conv2D(4, (3, 2), strides=2, padding="same", input_shape=(7, 6, 3))
    x = rng.standard_normal((2, 7, 6, 3)).astype(np.float32)
    y = layer(x)
    expected = tg.conv2d(x.transpose(0, 3, 1, 2), layer.kernel.numpy(force=True).transpose(3, 2, 0, 1), layer.bias.numpy(force=True),
                         stride=2, padding="same")
    assert y.shape == (2, 4, 3, 4)
    np.testing.assert_allclose(y.numpy(force=True), expected.numpy(force=True).transpose(0, 2, 3, 1), rtol=1e-6)


def test_pooling_padding_and_upsampling_known_values():
    x = np.arange(16.0, dtype=np.float32).reshape(1, 4, 4, 1)
    np.testing.assert_array_equal(L.MaxPooling2D(2)(x).numpy(force=True)[0, :, :, 0], [[5, 7], [13, 15]])
    np.testing.assert_array_equal(L.AveragePooling2D(2)(x).numpy(force=True)[0, :, :, 0], [[2.5, 4.5], [10.5, 12.5]])
    same = L.AveragePooling2D(3, strides=2, padding="same")(x).numpy(force=True)[0, :, :, 0]   # padding not counted
    np.testing.assert_allclose(same, [[5, 6.5], [11, 12.5]])
    np.testing.assert_array_equal(L.GlobalMaxPooling2D()(x).numpy(force=True), [[15]])
    np.testing.assert_array_equal(L.GlobalAveragePooling2D()(x).numpy(force=True), [[7.5]])
    padded = L.ZeroPadding2D(((1, 0), (0, 2)))(x).numpy(force=True)[0, :, :, 0]
    assert padded.shape == (5, 6) and padded[0].sum() == 0 and padded[1, :4].tolist() == [0, 1, 2, 3]
    up = L.UpSampling2D(2)(x[:, :2, :2]).numpy(force=True)[0, :, :, 0]
    np.testing.assert_array_equal(up, [[0, 0, 1, 1], [0, 0, 1, 1], [4, 4, 5, 5], [4, 4, 5, 5]])
    seq = np.arange(6.0, dtype=np.float32).reshape(1, 6, 1)
    np.testing.assert_array_equal(L.MaxPooling1D(2)(seq).numpy(force=True)[0, :, 0], [1, 3, 5])
    np.testing.assert_array_equal(L.GlobalAveragePooling1D()(seq).numpy(force=True), [[2.5]])


def test_conv1d_layer_shapes_and_count():
    layer = L.Conv1D(8, 3, padding="same", input_shape=(10, 4))
    assert layer(rng.standard_normal((2, 10, 4))).shape == (2, 10, 8)
    assert layer.count_params() == 3 * 4 * 8 + 8


def test_batch_normalization_moving_statistics_are_keras_rules():
    layer = L.BatchNormalization()
    x = (rng.standard_normal((16, 3)) * 3 + 2).astype(np.float32)
    np.testing.assert_allclose(layer(x).data, x / np.sqrt(1 + 1e-3), rtol=1e-5)   # alone: inference, as Keras
    assert layer.moving_mean.data.tolist() == [0, 0, 0]
    y = layer(x, training=True)
    np.testing.assert_allclose(y.data.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(layer.moving_mean.data, 0.01 * x.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.data, 0.99 + 0.01 * x.var(axis=0), rtol=1e-5)
    assert [p.requires_grad for p in layer.parameters()] == [True, True, False, False]
    layer.eval()
    expected = (x - layer.moving_mean.data) / np.sqrt(layer.moving_variance.data + 1e-3)
    np.testing.assert_allclose(layer(x).data, expected, rtol=1e-5)
    layer.train()
    layer.trainable = False             # a frozen BatchNormalization runs in inference mode (Keras 2)
    np.testing.assert_allclose(layer(x).data, expected, rtol=1e-5)


def test_layer_normalization_normalizes_each_sample():
    y = L.LayerNormalization()(rng.standard_normal((4, 6)) * 5)
    np.testing.assert_allclose(y.numpy(force=True).mean(axis=-1), 0, atol=1e-5)
    np.testing.assert_allclose(y.numpy(force=True).std(axis=-1), 1, atol=1e-3)


def test_recurrent_layers_have_keras_layouts_and_counts():
    lstm = L.LSTM(16, input_shape=(5, 8))
    assert lstm.kernel.shape == (8, 64) and lstm.recurrent_kernel.shape == (16, 64) and lstm.bias.shape == (64,)
    np.testing.assert_array_equal(lstm.bias.numpy(force=True), np.r_[np.zeros(16), np.ones(16), np.zeros(32)])   # unit_forget_bias
    r = lstm.recurrent_kernel.numpy(force=True).reshape(16, 4, 16)
    np.testing.assert_allclose(lstm.recurrent_kernel.numpy(force=True) @ lstm.recurrent_kernel.numpy(force=True).T, np.eye(16), atol=1e-5)
    assert r.shape == (16, 4, 16)
    assert L.GRU(8, input_shape=(5, 32)).count_params() == 1008
    assert L.SimpleRNN(5, input_shape=(7, 3)).count_params() == 45
    assert L.Bidirectional(L.LSTM(16, return_sequences=True), input_shape=(12, 8)).count_params() == 3200


def test_return_sequences_return_state_and_go_backwards():
    x = rng.standard_normal((2, 5, 3)).astype(np.float32)
    layer = L.LSTM(4, return_sequences=True, return_state=True)
    seq, h, c = layer(x)
    assert seq.shape == (2, 5, 4) and h.shape == c.shape == (2, 4)
    np.testing.assert_array_equal(seq.numpy(force=True)[:, -1], h.numpy(force=True))
    back = L.SimpleRNN(4, go_backwards=True)
    back(x)
    fwd = L.SimpleRNN(4)
    fwd(x)
    fwd.set_weights(back.get_weights())
    np.testing.assert_allclose(back(x).numpy(force=True), fwd(x[:, ::-1]).numpy(force=True), rtol=1e-6)


def test_bidirectional_concatenates_forward_and_time_aligned_backward():
    layer = L.Bidirectional(L.GRU(3, return_sequences=True))
    x = rng.standard_normal((2, 4, 5)).astype(np.float32)
    y = layer(x)
    assert y.shape == (2, 4, 6)
    back = L.GRU(3, return_sequences=True)
    back(x)
    back.set_weights(layer.backward_layer.get_weights())
    np.testing.assert_allclose(y.numpy(force=True)[:, :, 3:], back(x[:, ::-1]).numpy(force=True)[:, ::-1], rtol=1e-5, atol=1e-6)


def test_time_distributed_applies_the_layer_per_step():
    dense = L.Dense(2)
    x = rng.standard_normal((3, 4, 5)).astype(np.float32)
    y = L.TimeDistributed(dense)(x)
    np.testing.assert_allclose(y.numpy(force=True)[:, 1], dense(x[:, 1]).numpy(force=True), rtol=1e-6)


def test_embedding_layers():
    keras_emb = L.Embedding(10, 4, input_length=3)
    assert np.abs(keras_emb.embeddings.numpy(force=True)).max() <= 0.05
    assert keras_emb(np.array([[1, 2, 3]])).shape == (1, 3, 4)
    torch_emb = nn.Embedding(10, 4, padding_idx=0)
    assert np.all(torch_emb.weight.data[0] == 0) and list(torch_emb.state_dict()) == ["weight"]


def test_a_small_convnet_learns():
    """Two classes of 6x6 images (a bright row vs a bright column): the loss falls."""
    tg.manual_seed(0)
    images = np.zeros((64, 6, 6, 1), np.float32)
    labels = np.arange(64) % 2
    for i, lab in enumerate(labels):
        pos = rng.integers(0, 6)
        if lab:
            images[i, pos, :, 0] = 1
        else:
            images[i, :, pos, 0] = 1
    model = nn.Sequential([L.Conv2D(4, 3, activation="relu", input_shape=(6, 6, 1)), L.MaxPooling2D(2),
                           L.BatchNormalization(), L.Flatten(), L.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(images, labels, epochs=40, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_bad_layer_arguments():
    with pytest.raises(ValueError, match="padding"):
        L.Conv2D(3, 3, padding="full")
    with pytest.raises(ValueError, match="channels_last"):
        L.Conv2D(3, 3, data_format="channels_first")
    with pytest.raises(ValueError, match="input channels"):
        layer = L.Conv2D(3, 3, input_shape=(5, 5, 2))
        layer(np.ones((1, 5, 5, 3)))
    with pytest.raises(ValueError, match="activation"):
        L.LSTM(3, activation="relu")
    with pytest.raises(ValueError, match="strided"):
        nn.Conv2d(1, 1, 3, stride=2, padding="same")


# ------------------------------------------------------------------ PyTorch modules against PyTorch
def _copy_state(ours, theirs):
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})


@needs_torch
@pytest.mark.parametrize("make", [
    lambda m: m.Conv2d(3, 4, 3, stride=2, padding=1),
    lambda m: m.Conv2d(4, 4, (2, 3), groups=2, dilation=2, bias=False),
    lambda m: m.Conv1d(3, 5, 3, padding="same"),
    lambda m: m.BatchNorm2d(3),
    lambda m: m.BatchNorm1d(3),
    lambda m: m.LayerNorm(5),
])
def test_torch_style_modules_exchange_state_and_match_pytorch(make):
    theirs = make(torch.nn).double()
    ours = make(nn)
    assert {k: tuple(v.shape) for k, v in theirs.state_dict().items()} == \
        {k: v.shape for k, v in ours.state_dict().items()}
    _copy_state(ours, theirs)
    shape = {"Conv2d": (2, ours.in_channels if hasattr(ours, "in_channels") else 3, 7, 7), "Conv1d": (2, 3, 9),
             "BatchNorm2d": (4, 3, 2, 2), "BatchNorm1d": (4, 3), "LayerNorm": (2, 3, 5)}[type(ours).__name__]
    x = rng.standard_normal(shape)
    ours_x, theirs_x = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    for train in (True, False):
        ours.train(train)
        theirs.train(train)
        y, yt = ours(ours_x), theirs(theirs_x)
        np.testing.assert_allclose(y.numpy(force=True), yt.detach().numpy(), atol=1e-5)
    w = rng.standard_normal(yt.shape)
    (y * w).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(ours_x.grad.numpy(force=True), theirs_x.grad.numpy(), atol=1e-5)
    for (name, p), (_, pt) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(force=True), pt.grad.numpy(), atol=1e-5, err_msg=name)
    for name, value in theirs.state_dict().items():     # running statistics moved alike
        np.testing.assert_allclose(ours.state_dict()[name], value.numpy(), atol=1e-6, err_msg=name)


@needs_torch
@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("options", [{}, {"batch_first": True, "num_layers": 2}, {"bidirectional": True}])
def test_torch_style_recurrent_modules_match_pytorch(kind, options):
    theirs = getattr(torch.nn, kind)(3, 4, **options).double()
    ours = getattr(nn, kind)(3, 4, **options)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    _copy_state(ours, theirs)
    x = rng.standard_normal((2, 5, 3))
    xs, xt = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (y, state), (yt, state_t) = ours(xs), theirs(xt)
    np.testing.assert_allclose(y.numpy(force=True), yt.detach().numpy(), atol=1e-6)
    h, ht = (state[0], state_t[0]) if kind == "LSTM" else (state, state_t)
    np.testing.assert_allclose(h.numpy(force=True), ht.detach().numpy(), atol=1e-6)
    w = rng.standard_normal(yt.shape)
    ((y * w).sum() + h.sum()).backward()
    ((yt * torch.tensor(w)).sum() + ht.sum()).backward()
    np.testing.assert_allclose(xs.grad.numpy(force=True), xt.grad.numpy(), atol=1e-6)
    for (name, p), (_, pt) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(force=True), pt.grad.numpy(), atol=1e-6, err_msg=name)


@needs_torch
@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN"])
def test_keras_recurrent_layers_equal_pytorch_with_converted_weights(kind):
    """Keras's gate orders and layouts: LSTM's kernel columns are PyTorch's rows (both i, f, c/g, o); GRU's
    z, r, h columns are PyTorch's r, z, n rows reordered, its bias rows the input and recurrent biases."""
    layer = getattr(L, kind)(4, return_sequences=True)
    x = rng.standard_normal((2, 5, 3)).astype(np.float32)
    y = layer(x)
    k, r, b = (p.numpy(force=True).astype(np.float64) for p in (layer.kernel, layer.recurrent_kernel, layer.bias))
    module = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU, "SimpleRNN": torch.nn.RNN}[kind](3, 4, batch_first=True)
    module = module.double()
    if kind == "GRU":
        order = np.r_[4:8, 0:4, 8:12]
        k, r, b_ih, b_hh = k[:, order], r[:, order], b[0][order], b[1][order]
    else:
        b_ih, b_hh = b, np.zeros_like(b)
    module.load_state_dict({"weight_ih_l0": torch.tensor(k.T), "weight_hh_l0": torch.tensor(r.T),
                            "bias_ih_l0": torch.tensor(b_ih), "bias_hh_l0": torch.tensor(b_hh)})
    expected, _ = module(torch.tensor(x, dtype=torch.float64))
    np.testing.assert_allclose(y.numpy(force=True), expected.detach().numpy(), atol=1e-5)


def test_graph_pictures_label_conv_pool_and_norm_nodes_with_their_shapes():
    """One node per fused layer op, its label the op (with kernel) and the output shape."""
    model = nn.Sequential([L.Conv2D(2, 3, input_shape=(6, 6, 1)), L.MaxPooling2D(2), L.BatchNormalization(),
                           L.Flatten(), L.Dense(3)])
    dot = tg.to_dot(model(np.ones((4, 6, 6, 1), np.float32), training=True).sum())
    assert 'label="conv2d 3x3\\n(4, 2, 4, 4)"' in dot
    assert 'label="max_pool2d 2x2\\n(4, 2, 2, 2)"' in dot
    assert 'label="normalize\\n(4, 2, 2, 2)"' in dot


def test_functional_conv_has_pytorch_signatures():
    from nn import functional_conv as F
    x = rng.standard_normal((1, 2, 5, 5))
    w = rng.standard_normal((3, 2, 3, 3))
    np.testing.assert_allclose(F.conv2d(x, w, None, 1, 1).numpy(force=True), tg.conv2d(x, w, padding=1).numpy(force=True))
    with pytest.raises(ValueError, match="strided"):
        F.conv2d(x, w, stride=2, padding="same")
    assert F.max_pool2d(x, 2).shape == (1, 2, 2, 2) and F.embedding(np.array([1]), np.eye(3)).shape == (1, 3)
    rm, rv = np.zeros(2), np.ones(2)
    F.batch_norm(x, rm, rv, training=True)
    assert np.all(rm != 0)
    for name in F.__all__:
        assert callable(getattr(F, name))
