"""nn.onnx: every layer class nn exports (both spellings) either exports and runs in onnxruntime with the
outputs of ``predict`` (a model) or of the module's forward in eval mode (a layer on its own) to 1e-5,
or raises UnsupportedLayerError naming it; the short list of unsupported ones says why."""
import inspect
import os

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

import nn  # noqa: E402
import tensorgrad as tg  # noqa: E402
from nn.keras import layers as K  # noqa: E402
from nn.onnx import UnsupportedLayerError  # noqa: E402

TOL = dict(rtol=1e-5, atol=1e-5)


@pytest.fixture(autouse=True)
def fresh_names():
    nn.clear_session()
    tg.manual_seed(0)


def data(*shape, dtype=np.float32, seed=1):
    return np.random.default_rng(seed).normal(size=shape).astype(dtype)


def ids(*shape, high=10, seed=2):
    return np.random.default_rng(seed).integers(0, high, size=shape).astype(np.int64)


def onnx_outputs(path, *xs):
    session = ort.InferenceSession(os.fspath(path), providers=["CPUExecutionProvider"])
    return session.run(None, {i.name: x for i, x in zip(session.get_inputs(), xs)})


def flat(value):
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in flat(v)]
    return [value.data if isinstance(value, tg.Tensor) else value]


def check(model, xs, path, input_shape=None):
    """Export, run in onnxruntime, compare with predict (models) or the eval-mode forward (layers)."""
    xs = xs if isinstance(xs, list) else [xs]
    if input_shape is None and isinstance(model, nn.Sequential) and model.output is None:
        input_shape = xs[0].shape[1:]                       # PyTorch's layers declare no input shape
    nn.onnx.export(model, path, input_shape=input_shape)
    got = onnx_outputs(path, *xs)
    if isinstance(model, nn.Model):
        expected = flat(model.predict(xs if len(xs) > 1 else xs[0], verbose=0))
    else:
        model.eval()
        expected = flat(model(*xs))
        model.train()
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g.shape == e.shape
        np.testing.assert_allclose(g, e, **TOL)
    return got


def seq(*layers):
    return nn.Sequential(list(layers))


def trained_batch_norm(layer, x):
    """A BatchNorm whose moving statistics moved away from 0 and 1 (a few training passes)."""
    model = seq(layer) if not isinstance(layer, nn.Sequential) else layer
    model.train()
    for _ in range(3):
        model(x * 2 + 1)
    return model


def lstm_parts(cls, **kw):
    return cls(5, input_shape=(6, 4), **kw)


# kind -> () -> (model or layer, inputs, input_shape for a layer exported on its own)
EXAMPLES = {
    # ---------------------------------------------------------------- core and activations
    "Dense": lambda: (seq(nn.Dense(5, activation="relu", input_shape=(4,))), data(3, 4), None),
    "Linear": lambda: (seq(nn.Linear(4, 3)), data(3, 4), None),
    "Maxout": lambda: (seq(nn.Maxout(3, pieces=2, input_shape=(4,))), data(3, 4), None),
    "Dropout": lambda: (seq(nn.Dense(3, input_shape=(4,)), nn.Dropout(0.5)), data(3, 4), None),
    "Flatten": lambda: (seq(nn.Flatten(input_shape=(2, 3, 4))), data(3, 2, 3, 4), None),
    "Flatten_start2": lambda: (nn.Flatten(start_dim=2), data(3, 2, 3, 4), (2, 3, 4)),
    "Flatten_end2": lambda: (nn.Flatten(1, 2), data(3, 2, 3, 4), (2, 3, 4)),
    "Flatten_all": lambda: (nn.Flatten(0, -1), data(3, 2, 3), (2, 3)),
    "Unflatten": lambda: (seq(nn.Linear(6, 12), nn.Unflatten(1, (3, 4))), data(2, 6), None),
    "Unflatten_inferred": lambda: (seq(nn.Linear(6, 12), nn.Unflatten(1, (-1, 2))), data(2, 6), None),
    "Identity": lambda: (seq(nn.Linear(4, 3), nn.Identity()), data(3, 4), None),
    "Concatenate": lambda: _two_inputs(nn.Concatenate()),
    "InputLayer": lambda: (seq(nn.InputLayer(input_shape=(4,)), nn.Dense(2)), data(3, 4), None),
    "Activation": lambda: (seq(nn.Dense(3, input_shape=(4,)), nn.Activation("tanh")), data(3, 4), None),
    "Sigmoid": lambda: (seq(nn.Linear(4, 3), nn.Sigmoid()), data(3, 4), None),
    "Tanh": lambda: (seq(nn.Linear(4, 3), nn.Tanh()), data(3, 4), None),
    "ReLU": lambda: (seq(nn.Linear(4, 3), nn.ReLU()), data(3, 4), None),
    "ReLU6": lambda: (nn.ReLU6(), data(3, 4) * 5, (4,)),
    "LeakyReLU": lambda: (seq(nn.Linear(4, 3), nn.LeakyReLU(0.2)), data(3, 4), None),
    "DataParallel": lambda: (seq(nn.DataParallel(nn.Linear(4, 3)), nn.ReLU()), data(3, 4), None),
    "ReLU_keras_default": lambda: (seq(nn.Dense(3, input_shape=(4,)), K.ReLU()), data(3, 4), None),
    "ReLU_keras_max_value": lambda: (seq(nn.Dense(3, input_shape=(4,)), K.ReLU(max_value=0.5)), data(3, 4), None),
    "ReLU_keras_all": lambda: (seq(nn.Dense(3, input_shape=(4,)), K.ReLU(max_value=1.0, negative_slope=0.2,
                                                                          threshold=0.1)), data(3, 4), None),
    "LeakyReLU_keras_default": lambda: (seq(nn.Dense(3, input_shape=(4,)), K.LeakyReLU()), data(3, 4), None),
    "ELU": lambda: (seq(nn.Linear(4, 3), nn.ELU(0.7)), data(3, 4), None),
    "Softplus": lambda: (nn.Softplus(), data(3, 4) * 10, (4,)),
    "Softplus_beta": lambda: (nn.Softplus(beta=2.0, threshold=5.0), data(3, 4) * 10, (4,)),
    "Step": lambda: (seq(nn.Linear(4, 3), nn.Step()), data(3, 4), None),
    "Softmax": lambda: (nn.Softmax(dim=1), data(3, 4, 2), (4, 2)),
    "LogSoftmax": lambda: (nn.LogSoftmax(dim=1), data(3, 4, 2), (4, 2)),
    "Softmin": lambda: (nn.Softmin(dim=-1), data(3, 4), (4,)),
    "LogSigmoid": lambda: (nn.LogSigmoid(), data(3, 4) * 30, (4,)),
    "GELU": lambda: (nn.GELU(), data(3, 4) * 3, (4,)),
    "GELU_tanh": lambda: (nn.GELU(approximate="tanh"), data(3, 4) * 3, (4,)),
    "SiLU": lambda: (nn.SiLU(), data(3, 4) * 3, (4,)),
    "Hardtanh": lambda: (nn.Hardtanh(-0.5, 2.0), data(3, 4) * 3, (4,)),
    # ---------------------------------------------------------------- Keras convolution family (channels last)
    "Conv2D": lambda: (seq(nn.Conv2D(4, 3, activation="relu", input_shape=(7, 6, 2))), data(2, 7, 6, 2), None),
    "Conv2D_same_strided": lambda: (seq(nn.Conv2D(3, (3, 2), strides=2, padding="same", input_shape=(7, 6, 2))),
                                    data(2, 7, 6, 2), None),
    "Conv2D_same_even_kernel": lambda: (seq(nn.Conv2D(3, 4, padding="same", input_shape=(6, 5, 2))),
                                        data(2, 6, 5, 2), None),
    "Conv2D_dilated_grouped": lambda: (seq(nn.Conv2D(4, 3, dilation_rate=2, groups=2, padding="same",
                                                     use_bias=False, input_shape=(8, 8, 4))), data(2, 8, 8, 4), None),
    "Conv1D": lambda: (seq(nn.Conv1D(3, 3, padding="same", activation="tanh", input_shape=(9, 2))), data(2, 9, 2),
                       None),
    "Conv1D_strided": lambda: (seq(nn.Conv1D(3, 4, strides=2, padding="same", input_shape=(9, 2))), data(2, 9, 2),
                               None),
    "Conv2DTranspose": lambda: (seq(nn.Conv2DTranspose(4, 3, activation="relu", input_shape=(5, 4, 2))),
                                data(2, 5, 4, 2), None),
    "Conv2DTranspose_same_strided_odd_crop": lambda: (seq(nn.Conv2DTranspose(3, (3, 4), strides=2, padding="same",
                                                                             input_shape=(5, 4, 2))),
                                                      data(2, 5, 4, 2), None),
    "Conv2DTranspose_output_padding": lambda: (seq(nn.Conv2DTranspose(3, 3, strides=(3, 2), output_padding=(2, 1),
                                                                      use_bias=False, input_shape=(4, 3, 2))),
                                               data(2, 4, 3, 2), None),
    "Conv2DTranspose_valid_stride_above_kernel": lambda: (seq(nn.Conv2DTranspose(2, 2, strides=3,
                                                                                 input_shape=(3, 4, 2))),
                                                          data(2, 3, 4, 2), None),
    "Conv1DTranspose": lambda: (seq(nn.Conv1DTranspose(3, 3, strides=2, padding="same", activation="tanh",
                                                       input_shape=(6, 2))), data(2, 6, 2), None),
    "Conv1DTranspose_dilated": lambda: (seq(nn.Conv1DTranspose(3, 3, dilation_rate=2, input_shape=(6, 2))),
                                        data(2, 6, 2), None),
    "MaxPooling2D": lambda: (seq(nn.MaxPooling2D(input_shape=(7, 6, 2))), data(2, 7, 6, 2), None),
    "MaxPooling2D_same": lambda: (seq(nn.MaxPooling2D(3, strides=2, padding="same", input_shape=(7, 6, 2))),
                                  data(2, 7, 6, 2), None),
    "AveragePooling2D": lambda: (seq(nn.AveragePooling2D(input_shape=(7, 6, 2))), data(2, 7, 6, 2), None),
    "AveragePooling2D_same": lambda: (seq(nn.AveragePooling2D(3, strides=2, padding="same", input_shape=(7, 6, 2))),
                                      data(2, 7, 6, 2), None),
    "MaxPooling1D": lambda: (seq(nn.MaxPooling1D(2, padding="same", input_shape=(7, 3))), data(2, 7, 3), None),
    "AveragePooling1D": lambda: (seq(nn.AveragePooling1D(3, strides=2, padding="same", input_shape=(8, 3))),
                                 data(2, 8, 3), None),
    "GlobalAveragePooling2D": lambda: (seq(nn.GlobalAveragePooling2D(input_shape=(4, 5, 3))), data(2, 4, 5, 3), None),
    "GlobalMaxPooling2D": lambda: (seq(nn.GlobalMaxPooling2D(keepdims=True, input_shape=(4, 5, 3))), data(2, 4, 5, 3),
                                   None),
    "GlobalAveragePooling1D": lambda: (seq(nn.GlobalAveragePooling1D(input_shape=(5, 3))), data(2, 5, 3), None),
    "GlobalMaxPooling1D": lambda: (seq(nn.GlobalMaxPooling1D(input_shape=(5, 3))), data(2, 5, 3), None),
    "ZeroPadding2D": lambda: (seq(nn.ZeroPadding2D(((1, 2), (0, 3)), input_shape=(4, 5, 3))), data(2, 4, 5, 3), None),
    "UpSampling2D": lambda: (seq(nn.UpSampling2D((2, 3), input_shape=(3, 4, 2))), data(2, 3, 4, 2), None),
    "BatchNormalization": lambda: (trained_batch_norm(nn.BatchNormalization(input_shape=(4, 3)), data(8, 4, 3)),
                                   data(5, 4, 3), None),
    "BatchNormalization_axis1": lambda: (trained_batch_norm(nn.BatchNormalization(axis=1, input_shape=(3, 4)),
                                                            data(8, 3, 4)), data(5, 3, 4), None),
    "LayerNormalization": lambda: (seq(nn.Dense(6, input_shape=(4,)), nn.LayerNormalization()), data(3, 4), None),
    # ---------------------------------------------------------------- PyTorch convolution family (channels first)
    "Conv2d": lambda: (seq(nn.Conv2d(2, 4, 3, stride=2, padding=1)), data(2, 2, 7, 6), None),
    "Conv2d_same_dilated": lambda: (seq(nn.Conv2d(2, 4, (3, 4), padding="same", dilation=2, groups=2)),
                                    data(2, 2, 9, 8), None),
    "Conv1d": lambda: (seq(nn.Conv1d(2, 3, 3, padding=2, bias=False)), data(2, 2, 9), None),
    "ConvTranspose2d": lambda: (seq(nn.ConvTranspose2d(4, 2, 4, stride=2, padding=1)), data(2, 4, 5, 3), None),
    "ConvTranspose2d_grouped_dilated_output_padding": lambda: (
        seq(nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 1), padding=(2, 0), output_padding=(1, 0), groups=2,
                               dilation=(1, 2))), data(2, 4, 5, 3), None),
    "ConvTranspose1d": lambda: (seq(nn.ConvTranspose1d(3, 2, 3, stride=3, padding=1, output_padding=2, bias=False)),
                                data(2, 3, 7), None),
    "MaxPool2d": lambda: (seq(nn.MaxPool2d(3, stride=2, padding=1)), data(2, 2, 7, 6), None),
    "Dropout2d": lambda: (seq(nn.Conv2d(2, 4, 3), nn.Dropout2d(0.5)), data(2, 2, 7, 6), None),
    "MaxPool2d_dilated": lambda: (seq(nn.MaxPool2d(2, dilation=2)), data(2, 2, 7, 6), None),
    "MaxPool2d_ceil": lambda: (seq(nn.MaxPool2d(2, ceil_mode=True)), data(2, 2, 7, 5), None),
    "MaxPool1d": lambda: (seq(nn.MaxPool1d(3, stride=2, padding=1)), data(2, 3, 8), None),
    "AvgPool2d": lambda: (seq(nn.AvgPool2d(3, stride=2, padding=1)), data(2, 2, 7, 6), None),
    "AvgPool2d_exclude_pad": lambda: (seq(nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)),
                                      data(2, 2, 7, 6), None),
    "AvgPool1d": lambda: (seq(nn.AvgPool1d(2)), data(2, 3, 8), None),
    "AdaptiveAvgPool2d": lambda: (seq(nn.AdaptiveAvgPool2d((2, 3))), data(2, 3, 6, 9), None),
    "AdaptiveAvgPool2d_uneven": lambda: (seq(nn.AdaptiveAvgPool2d((3, None))), data(2, 3, 7, 5), None),
    "AdaptiveAvgPool1d": lambda: (seq(nn.AdaptiveAvgPool1d(3)), data(2, 3, 7), None),
    "AdaptiveMaxPool2d": lambda: (seq(nn.AdaptiveMaxPool2d((3, None))), data(2, 3, 7, 5), None),
    "AdaptiveMaxPool2d_global": lambda: (seq(nn.AdaptiveMaxPool2d(1), nn.Flatten()), data(2, 3, 4, 5), None),
    "AdaptiveMaxPool1d": lambda: (seq(nn.AdaptiveMaxPool1d(3)), data(2, 3, 8), None),
    "BatchNorm1d_batch_stats_no_bias": lambda: (seq(nn.BatchNorm1d(3, track_running_stats=False, bias=False)),
                                                data(6, 3, 5), None),
    "BatchNorm2d": lambda: (trained_batch_norm(seq(nn.BatchNorm2d(3)), data(6, 3, 4, 4)), data(2, 3, 4, 4), None),
    "BatchNorm1d": lambda: (trained_batch_norm(seq(nn.BatchNorm1d(3)), data(6, 3, 5)), data(2, 3, 5), None),
    "BatchNorm1d_batch_stats": lambda: (seq(nn.BatchNorm1d(3, track_running_stats=False)), data(6, 3, 5), None),
    "LayerNorm": lambda: (seq(nn.LayerNorm((3, 4))), data(2, 5, 3, 4) * 3 + 1, None),
    # ---------------------------------------------------------------- sequences
    "Embedding": lambda: (seq(nn.Embedding(10, 4), nn.Flatten()), ids(3, 5), (5,)),
    "Embedding_keras": lambda: (seq(K.Embedding(10, 4, input_length=5), nn.Flatten()), ids(3, 5), None),
    "SimpleRNN": lambda: (seq(nn.SimpleRNN(5, input_shape=(6, 4))), data(3, 6, 4), None),
    "SimpleRNN_backwards_sequences": lambda: (seq(nn.SimpleRNN(5, return_sequences=True, go_backwards=True,
                                                                input_shape=(6, 4))), data(3, 6, 4), None),
    "LSTM_keras": lambda: (seq(lstm_parts(K.LSTM)), data(3, 6, 4), None),
    "LSTM_keras_sequences_backwards": lambda: (seq(lstm_parts(K.LSTM, return_sequences=True, go_backwards=True)),
                                               data(3, 6, 4), None),
    "LSTM_keras_return_state": lambda: (lstm_parts(K.LSTM, return_sequences=True, return_state=True),
                                        data(3, 6, 4), None),
    "GRU_keras": lambda: (seq(lstm_parts(K.GRU, return_sequences=True)), data(3, 6, 4), None),
    "GRU_keras_state_backwards": lambda: (lstm_parts(K.GRU, return_state=True, go_backwards=True), data(3, 6, 4),
                                          None),
    "Bidirectional": lambda: (seq(nn.Bidirectional(K.LSTM(5, return_sequences=True), input_shape=(6, 4))),
                              data(3, 6, 4), None),
    "Bidirectional_sum_gru": lambda: (seq(nn.Bidirectional(K.GRU(5), merge_mode="sum", input_shape=(6, 4))),
                                      data(3, 6, 4), None),
    "Bidirectional_ave_states": lambda: (nn.Bidirectional(K.LSTM(5, return_state=True), merge_mode="ave",
                                                          input_shape=(6, 4)), data(3, 6, 4), None),
    "TimeDistributed": lambda: (seq(nn.TimeDistributed(nn.Dense(3, activation="relu"), input_shape=(6, 4))),
                                data(2, 6, 4), None),
    "TimeDistributed_conv": lambda: (seq(nn.TimeDistributed(nn.Conv2D(2, 3), input_shape=(3, 5, 5, 1))),
                                     data(2, 3, 5, 5, 1), None),
    "RNN": lambda: (nn.RNN(4, 5), data(6, 3, 4), (3, 4)),
    "RNN_relu_2_layers_bidirectional": lambda: (nn.RNN(4, 5, num_layers=2, nonlinearity="relu", bidirectional=True,
                                                       batch_first=True), data(3, 6, 4), (6, 4)),
    "LSTM": lambda: (nn.LSTM(4, 5, batch_first=True), data(3, 6, 4), (6, 4)),
    "LSTM_2_layers_bidirectional": lambda: (nn.LSTM(4, 5, num_layers=2, bidirectional=True), data(6, 3, 4), (3, 4)),
    "GRU": lambda: (nn.GRU(4, 5, num_layers=2, batch_first=True), data(3, 6, 4), (6, 4)),
    "GRU_bidirectional_no_bias": lambda: (nn.GRU(4, 5, bidirectional=True, bias=False), data(6, 3, 4), (3, 4)),
    "LSTM_unbatched": lambda: (nn.LSTM(4, 5), data(6, 4), (4,)),
    # ---------------------------------------------------------------- Keras's reshaping, preprocessing, merging
    "Reshape": lambda: (seq(nn.Dense(12, input_shape=(4,)), K.Reshape((3, -1))), data(3, 4), None),
    "Permute": lambda: (seq(K.Permute((2, 1), input_shape=(3, 4))), data(2, 3, 4), None),
    "RepeatVector": lambda: (seq(K.RepeatVector(3, input_shape=(4,))), data(2, 4), None),
    "Rescaling": lambda: (seq(K.Rescaling(1 / 255, offset=-0.5, input_shape=(4,))), data(2, 4) * 255, None),
    "Normalization": lambda: (_adapted(K.Normalization()), data(3, 4), None),
    "Normalization_invert": lambda: (seq(K.Normalization(mean=[1.0, 2.0], variance=[4.0, 0.0], invert=True,
                                                         input_shape=(2,))), data(3, 2), None),
    "GaussianNoise": lambda: (seq(K.GaussianNoise(1.0, input_shape=(4,))), data(3, 4), None),
    "ActivityRegularization": lambda: (seq(K.ActivityRegularization(l1=0.1, input_shape=(4,))), data(3, 4), None),
    "Add": lambda: _two_inputs(K.Add()),
    "Subtract": lambda: _two_inputs(K.Subtract()),
    "Multiply": lambda: _two_inputs(K.Multiply()),
    "Average": lambda: _two_inputs(K.Average()),
    "Maximum": lambda: _two_inputs(K.Maximum()),
    "Minimum": lambda: _two_inputs(K.Minimum()),
    "Dot": lambda: _two_inputs(K.Dot(axes=1)),
    "Dot_normalized_3d": lambda: _two_inputs(K.Dot(axes=(2, 2), normalize=True), (3, 4), (5, 4)),
}


def _two_inputs(layer, shape_a=(4,), shape_b=(4,)):
    a, b = nn.Input(shape=shape_a), nn.Input(shape=shape_b)
    model = nn.Model([a, b], layer([nn.Dense(shape_a[-1])(a), b]))
    return model, [data(3, *shape_a, seed=3), data(3, *shape_b, seed=4)], None


def _adapted(layer):
    layer.adapt(data(20, 4, seed=5) * 3 + 2)
    return seq(nn.Input(shape=(4,)), layer)


# Layer classes without an ONNX form, each with the reason (tested to raise UnsupportedLayerError naming them)
UNSUPPORTED = {   # class -> (reason, the layer named "odd" to put in a model)
    K.Lambda: ("runs a Python function, which the exporter does not trace",
               lambda: K.Lambda(lambda t: t * 2, name="odd")),
    K.Masking: ("its mask makes the recurrent layers below skip padded steps, which an ONNX graph cannot carry",
                lambda: K.Masking(name="odd")),
}
NOT_LAYERS = (nn.Module, nn.Layer, nn.ModuleList, nn.ModuleDict)   # bases and containers; models are tested apart
# modules called with two inputs (values and indices), which neither a Sequential nor a Keras model passes
TWO_INPUTS = (nn.MaxUnpool1d, nn.MaxUnpool2d)


def exported_layer_classes():
    classes = set()
    for namespace in (nn, K):
        for name in dir(namespace):
            value = getattr(namespace, name)
            if inspect.isclass(value) and issubclass(value, nn.Module) and value.__module__ != "nn.losses":
                classes.add(value)
    return classes - set(NOT_LAYERS) - set(TWO_INPUTS)


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_layer_exports_and_matches_onnxruntime(kind, tmp_path):
    model, xs, input_shape = EXAMPLES[kind]()
    check(model, xs, tmp_path / "m.onnx", input_shape)


def test_every_exported_layer_class_has_an_example_or_a_stated_reason():
    covered = set(UNSUPPORTED)
    for kind in EXAMPLES:
        nn.clear_session()
        model, _, _ = EXAMPLES[kind]()
        covered |= {type(m) for m in model.modules()} if hasattr(model, "modules") else {type(model)}
    missing = {c.__name__ for c in exported_layer_classes() - covered - {nn.Model, nn.Sequential}}
    assert not missing, f"layer classes with neither an ONNX example nor a reason: {sorted(missing)}"
    supported = set(nn.onnx.supported_layers())
    assert all(c.__name__ in supported for c in exported_layer_classes() - set(UNSUPPORTED))


@pytest.mark.parametrize("cls", list(UNSUPPORTED), ids=lambda c: c.__name__)
def test_unsupported_layers_raise_naming_the_layer(cls, tmp_path):
    _, make = UNSUPPORTED[cls]
    inp = nn.Input(shape=(4,))
    model = nn.Model(inp, make()(inp))
    with pytest.raises(UnsupportedLayerError, match=rf"'odd' \({cls.__name__}\).*{UNSUPPORTED[cls][0][:30]}"):
        nn.onnx.export(model, tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()


def test_an_embedding_with_mask_zero_is_refused_clearly(tmp_path):
    """Its mask changes what the recurrent layers compute; an exported graph without it would be silently wrong."""
    model = nn.Sequential([K.Embedding(10, 4, mask_zero=True, input_shape=(5,)), K.LSTM(3)])
    with pytest.raises(UnsupportedLayerError, match=r"mask_zero=True.*recurrent layers below skip"):
        nn.onnx.export(model, tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()


def test_a_recorded_tensor_function_is_refused_clearly(tmp_path):
    inp = nn.Input(shape=(4,))
    model = nn.Model(inp, nn.reduce_mean(inp, axis=1))
    with pytest.raises(UnsupportedLayerError, match=r"TFOpLambda.*Python function"):
        nn.onnx.export(model, tmp_path / "m.onnx")


def test_keras_conv_kernel_is_stored_channels_first_and_same_padding_explicit(tmp_path):
    model = seq(nn.Conv2D(3, (3, 2), strides=2, padding="same", input_shape=(7, 6, 2)))
    proto = nn.onnx.build_model(model)
    conv = next(n for n in proto.graph.node if n.op_type == "Conv")
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in conv.attribute}
    assert list(attrs["pads"]) == [1, 0, 1, 0]              # 7 -> 4 rows: 2 padding rows split 1/1; 6 -> 3: none
    kernel = next(i for i in proto.graph.initializer if i.name == conv.input[1])
    assert list(kernel.dims) == [3, 2, 3, 2]                # (out, in, kh, kw)
    assert [n.op_type for n in proto.graph.node] == ["Transpose", "Conv", "Transpose"]


def test_asymmetric_same_padding_puts_the_odd_row_after(tmp_path):
    model = seq(nn.Conv2D(1, 2, padding="same", input_shape=(4, 4, 1)))
    conv = next(n for n in nn.onnx.build_model(model).graph.node if n.op_type == "Conv")
    pads = next(onnx.helper.get_attribute_value(a) for a in conv.attribute if a.name == "pads")
    assert list(pads) == [0, 0, 1, 1]
    check(model, data(2, 4, 4, 1), tmp_path / "m.onnx")


def test_onnx_lstm_gate_order_differs_from_keras_and_pytorch(tmp_path):
    """The exported W's blocks are Keras's i, o, f, c and PyTorch's i, o, f, g (ONNX's order)."""
    keras = lstm_parts(K.LSTM)
    proto = nn.onnx.build_model(seq(keras))
    w = onnx.numpy_helper.to_array(next(i for i in proto.graph.initializer if i.name.endswith("/W")))[0]
    i, f, c, o = np.split(keras.kernel.data.T, 4)
    np.testing.assert_array_equal(w, np.concatenate([i, o, f, c]))
    torch_lstm = nn.LSTM(4, 5)
    proto = nn.onnx.build_model(torch_lstm, input_shape=(2, 4))
    w = onnx.numpy_helper.to_array(next(i for i in proto.graph.initializer if i.name.endswith("/W")))[0]
    i, f, g, o = np.split(torch_lstm.weight_ih_l0.data, 4)
    np.testing.assert_array_equal(w, np.concatenate([i, o, f, g]))


def test_embedding_model_takes_int64_ids_and_the_batch_axis_is_dynamic(tmp_path):
    model = seq(nn.Embedding(10, 4), nn.Flatten(), nn.Linear(20, 2))
    model(ids(2, 5))
    path = tmp_path / "m.onnx"
    model.export(path)
    session = nn.onnx.inference_session(path)
    assert session.get_inputs()[0].type == "tensor(int64)"
    for batch in (1, 7):
        x = ids(batch, 5, seed=batch)
        np.testing.assert_allclose(session.run(None, {session.get_inputs()[0].name: x})[0], model.predict(x), **TOL)


def test_a_layer_exported_on_its_own_needs_its_input_shape(tmp_path):
    with pytest.raises(ValueError, match="input_shape="):
        nn.onnx.export(nn.LSTM(4, 5), tmp_path / "m.onnx")
    lstm = nn.LSTM(4, 5, batch_first=True)
    proto = nn.onnx.build_model(lstm, input_shape=(6, 4))
    assert [o.name for o in proto.graph.output] == [f"{lstm.name}_{k}" for k in range(3)]   # output, h_n, c_n


def test_a_lazy_layer_not_yet_built_is_named(tmp_path):
    with pytest.raises(ValueError, match="not built yet"):
        nn.onnx.export(seq(nn.Conv1D(2, 3)), tmp_path / "m.onnx")


def test_a_conv_model_trained_then_exported_matches_at_several_batch_sizes(tmp_path):
    model = seq(nn.Conv2D(4, 3, activation="relu", input_shape=(8, 8, 1)), nn.MaxPooling2D(),
                nn.BatchNormalization(), nn.Flatten(), nn.Dropout(0.3), nn.Dense(3, activation="softmax"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = data(16, 8, 8, 1)
    model.fit(x, np.arange(16) % 3, epochs=2, verbose=0)
    path = tmp_path / "conv.onnx"
    model.export(path)
    for batch in (1, 5):
        np.testing.assert_allclose(onnx_outputs(path, x[:batch])[0], model.predict(x[:batch], verbose=0), **TOL)


def test_a_text_model_embedding_lstm_dense(tmp_path):
    model = seq(K.Embedding(20, 8, input_length=7), nn.Bidirectional(K.LSTM(6, return_sequences=True)),
                K.GRU(4), nn.Dense(2, activation="softmax"))
    check(model, ids(5, 7, high=20), tmp_path / "text.onnx")


F64 = np.float64
FLOAT64_MODELS = {   # layers whose onnxruntime kernels have float64 (Conv, AveragePool, RNN ops, Erf have not)
    "Dense_LayerNormalization": lambda: seq(nn.Dense(6, input_shape=(4,), dtype=F64), nn.LayerNormalization(dtype=F64)),
    "BatchNormalization": lambda: seq(nn.Dense(6, input_shape=(4,), dtype=F64), nn.BatchNormalization(dtype=F64)),
    "LayerNorm_BatchNorm1d": lambda: seq(nn.Linear(4, 6, dtype=F64), nn.LayerNorm(6, dtype=F64),
                                         nn.BatchNorm1d(6, dtype=F64)),
    "Embedding": lambda: seq(nn.Embedding(10, 4, dtype=F64), nn.Flatten(), nn.Linear(16, 2, dtype=F64)),
    "activations": lambda: seq(nn.Linear(4, 6, dtype=F64), nn.Softplus(beta=3.0), nn.LogSigmoid(), nn.SiLU(),
                               nn.GELU(approximate="tanh"), nn.Hardtanh(), nn.Softmin(dim=1),
                               K.ReLU(max_value=1.0, negative_slope=0.2, threshold=0.01), K.LeakyReLU()),
    "shapes": lambda: seq(nn.Linear(4, 6, dtype=F64), nn.Unflatten(1, (2, 3)), nn.Flatten(), K.Reshape((3, 2)),
                          K.Permute((2, 1)), nn.Flatten(), K.RepeatVector(2), nn.MaxPooling1D()),
}


@pytest.mark.parametrize("kind", sorted(FLOAT64_MODELS))
def test_float64_models_run_in_double(kind, tmp_path):
    model = FLOAT64_MODELS[kind]()
    x = ids(3, 4) if kind == "Embedding" else data(3, 4, dtype=F64)
    got = check(model, x, tmp_path / "m.onnx", input_shape=(4,))
    assert got[0].dtype == np.float64
    assert {i.data_type for i in nn.onnx.load(tmp_path / "m.onnx").graph.initializer if i.data_type != 7} == {11}
