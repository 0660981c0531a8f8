"""nn.onnx: every layer type and the seeds' models exported, checked with onnx.checker and run by
onnxruntime, whose outputs must equal the model's own (``predict`` / ``model(x)``) to 1e-5; the
errors (unsupported layers, unbuilt models, corrupt or truncated files) name what is wrong."""
import os

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

import nn  # noqa: E402
import tensorgrad as tg  # noqa: E402
from demos.two_inputs import build as seed004_two_inputs  # noqa: E402
from nn.onnx import UnsupportedLayerError  # noqa: E402

TOL = dict(rtol=1e-5, atol=1e-5)


@pytest.fixture(autouse=True)
def fresh_names():
    nn.clear_session()
    tg.manual_seed(0)


def onnx_outputs(path, *xs):
    session = ort.InferenceSession(os.fspath(path), providers=["CPUExecutionProvider"])
    return session.run(None, {i.name: x for i, x in zip(session.get_inputs(), xs)})


def assert_same_outputs(model, path, *xs):
    """Export, then onnxruntime's outputs equal predict's (and model(x)'s) to 1e-5."""
    nn.onnx.export(model, path)
    got = onnx_outputs(path, *xs)
    expected = model.predict(list(xs) if len(xs) > 1 else xs[0])
    expected = expected if isinstance(expected, list) else [expected]
    model.eval()                                  # model(x) in inference mode, as predict and ONNX run it
    direct = model(*xs)
    model.train()
    direct = direct if isinstance(direct, list) else [direct]
    assert len(got) == len(expected)
    for g, e, d in zip(got, expected, direct):
        assert g.dtype == e.dtype and g.shape == e.shape
        np.testing.assert_allclose(g, e, **TOL)
        np.testing.assert_allclose(g, d.data, **TOL)


def data(*shape, dtype=np.float32, seed=1):
    return np.random.default_rng(seed).normal(size=shape).astype(dtype)


ACTIVATIONS = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "softmax", "step", None,
               tg.log_softmax]                                  # a tensorgrad function given as the activation
LAYERS = {
    "Flatten": lambda dt: [nn.Flatten(input_shape=(3, 4)), nn.Dense(5, dtype=dt)],
    "Dense_no_bias": lambda dt: [nn.Dense(5, use_bias=False, input_shape=(12,), dtype=dt)],
    "Dense_3d_input": lambda dt: [nn.Dense(5, activation="tanh", input_shape=(3, 4), dtype=dt)],
    "Dense_3d_no_bias": lambda dt: [nn.Dense(5, use_bias=False, input_shape=(3, 4), dtype=dt)],
    "Linear": lambda dt: [nn.Linear(12, 6, dtype=dt)],
    "Dropout": lambda dt: [nn.Dense(8, input_shape=(12,), dtype=dt), nn.Dropout(0.5), nn.Dense(3, dtype=dt)],
    "Maxout": lambda dt: [nn.Maxout(4, pieces=3, input_shape=(12,), dtype=dt)],
    "Maxout_3d": lambda dt: [nn.Maxout(2, pieces=2, input_shape=(3, 4), dtype=dt)],
    "Sigmoid": lambda dt: [nn.Dense(6, input_shape=(12,), dtype=dt), nn.Sigmoid()],
    "Tanh": lambda dt: [nn.Dense(6, input_shape=(12,), dtype=dt), nn.Tanh()],
    "ReLU": lambda dt: [nn.Dense(6, input_shape=(12,), dtype=dt), nn.ReLU()],
    "LeakyReLU": lambda dt: [nn.Dense(6, input_shape=(12,), dtype=dt), nn.LeakyReLU(0.1)],
    "ELU": lambda dt: [nn.Dense(6, input_shape=(12,), dtype=dt), nn.ELU(alpha=0.5)],
    "Softplus": lambda dt: [nn.Dense(6, input_shape=(12,), dtype=dt), nn.Softplus()],
    "Step": lambda dt: [nn.Dense(6, input_shape=(12,), dtype=dt), nn.Step()],
    "Softmax": lambda dt: [nn.Dense(6, input_shape=(12,), dtype=dt), nn.Softmax()],
    "Softmax_axis1": lambda dt: [nn.Dense(6, input_shape=(3, 4), dtype=dt), nn.Softmax(axis=1)],
    "Activation_elu": lambda dt: [nn.Dense(6, input_shape=(12,), dtype=dt), nn.Activation("elu")],
    "Activation_linear": lambda dt: [nn.Dense(6, input_shape=(12,), dtype=dt), nn.Activation(None)],
    "nested_Sequential": lambda dt: [nn.Dense(6, input_shape=(12,), dtype=dt),
                                     nn.Sequential([nn.Dense(4, activation="relu", dtype=dt), nn.Dense(2, dtype=dt)])],
}


def input_for(layers, dtype, batch=7):
    shape = layers[0]._declared_input_shape
    return data(batch, *shape, dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_every_layer_type_runs_in_onnxruntime_like_predict(kind, dtype, tmp_path):
    layers = LAYERS[kind](dtype)
    model = nn.Sequential(layers)
    assert_same_outputs(model, tmp_path / "m.onnx", input_for(layers, dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("activation", ACTIVATIONS, ids=lambda a: getattr(a, "__name__", str(a)))
def test_every_dense_activation(activation, dtype, tmp_path):
    model = nn.Sequential([nn.Dense(5, activation=activation, input_shape=(12,), dtype=dtype)])
    x = data(9, 12, dtype=dtype)
    x[0, :] = 0.0                             # step's x >= 0 edge: z = bias = 0 on this row
    assert_same_outputs(model, tmp_path / "m.onnx", x)


def test_float64_model_declares_double_inputs_and_outputs(tmp_path):
    model = nn.Sequential([nn.Dense(3, activation="sigmoid", input_shape=(4,), dtype=np.float64)])
    proto = nn.onnx.build_model(model)
    double = onnx.TensorProto.DOUBLE
    assert proto.graph.input[0].type.tensor_type.elem_type == double
    assert proto.graph.output[0].type.tensor_type.elem_type == double
    assert {i.data_type for i in proto.graph.initializer} == {double}


def test_input_dtype_differing_from_a_dense_is_cast_as_the_layer_casts(tmp_path):
    inp = nn.Input(shape=(4,), dtype=np.float64)
    out = nn.Dense(3, activation="relu")(inp)                   # a float32 layer on float64 input
    model = nn.Model(inp, out)
    assert_same_outputs(model, tmp_path / "m.onnx", data(5, 4, dtype=np.float64))
    assert "Cast" in [n.op_type for n in nn.onnx.load(tmp_path / "m.onnx").graph.node]


# ------------------------------------------------------------------------------- the seeds' models
def test_seed001_fashion_mnist_classifier_trained_then_exported(tmp_path):
    model = nn.Sequential([nn.Flatten(input_shape=[28, 28]), nn.Dense(300, activation="relu", name="hidden1"),
                           nn.Dense(100, activation="relu", name="hidden2"),
                           nn.Dense(10, activation="softmax", name="output")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    x = rng.random((200, 28, 28)).astype(np.float32)
    model.fit(x, rng.integers(0, 10, 200), epochs=1, batch_size=50, verbose=0)
    path = tmp_path / "fashion.onnx"
    model.export(path)
    for batch in (1, 13):                                        # the batch axis is dynamic
        assert_same_outputs(model, path, x[:batch])
    proto = nn.onnx.load(path)
    assert [i.name for i in proto.graph.input] == ["input"] and [o.name for o in proto.graph.output] == ["output"]
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    names = {i.name for i in proto.graph.initializer}
    assert {"hidden1/kernel", "hidden1/bias", "output/kernel"} <= names
    weights = [i for i in proto.graph.initializer if i.data_type == onnx.TensorProto.FLOAT]   # not Reshape's shape
    assert sum(int(np.prod(i.dims)) for i in weights) == model.count_params() == 266610


def test_seed004_two_input_functional_model(tmp_path):
    model = seed004_two_inputs()
    a, b = data(6, 64, seed=2), data(6, 128, seed=3)
    model.compile(optimizer="adam", loss="mse")
    model.fit([a, b], data(6, 1, seed=4), epochs=2, verbose=0)
    assert_same_outputs(model, tmp_path / "two.onnx", a, b)
    session = nn.onnx.inference_session(tmp_path / "two.onnx")
    assert [i.name for i in session.get_inputs()] == [t.name for t in model.inputs]
    assert [i.shape for i in session.get_inputs()] == [["batch", 64], ["batch", 128]]
    assert "Concat" in [n.op_type for n in nn.onnx.load(tmp_path / "two.onnx").graph.node]


def test_multi_output_model_with_a_shared_layer_and_a_model_used_as_a_layer(tmp_path):
    a, b = nn.Input(shape=(5,), name="a"), nn.Input(shape=(5,), name="b")
    shared = nn.Dense(4, activation="tanh", name="shared")
    inner_in = nn.Input(shape=(4,))
    inner = nn.Model(inner_in, nn.Dense(3, activation="elu")(inner_in), name="inner")
    ha, hb = shared(a), shared(b)                                 # one layer, two calls
    joined = nn.Concatenate(name="joined")([ha, hb])
    model = nn.Model([a, b], [inner(ha), joined, nn.Dense(2, activation="softmax", name="probs")(joined)])
    xa, xb = data(4, 5, seed=5), data(4, 5, seed=6)
    assert_same_outputs(model, tmp_path / "multi.onnx", xa, xb)
    proto = nn.onnx.load(tmp_path / "multi.onnx")
    assert [i.name for i in proto.graph.input] == ["a", "b"]
    assert [o.name for o in proto.graph.output] == ["inner", "joined", "probs"]
    assert sum(i.name.startswith("shared/kernel") for i in proto.graph.initializer) == 1   # stored once


def test_a_model_used_twice_as_a_layer_stores_its_weights_once_and_casts_like_its_input(tmp_path):
    inner_in = nn.Input(shape=(3,), dtype=np.float64)
    inner = nn.Model(inner_in, nn.Dense(2, activation="sigmoid", dtype=np.float64, name="d64")(inner_in))
    a, b = nn.Input(shape=(3,), name="a"), nn.Input(shape=(3,), name="b")        # float32 into a float64 model
    model = nn.Model([a, b], nn.Concatenate()([inner(a), inner(b)]))
    xa, xb = data(5, 3, seed=7), data(5, 3, seed=8)
    nn.onnx.export(model, tmp_path / "m.onnx")
    got, = onnx_outputs(tmp_path / "m.onnx", xa, xb)
    np.testing.assert_allclose(got, model(xa, xb).data, **TOL)
    proto = nn.onnx.load(tmp_path / "m.onnx")
    assert len(proto.graph.initializer) == 2 and got.dtype == np.float64


def test_an_output_that_is_an_input_or_repeated_gets_its_own_name(tmp_path):
    a = nn.Input(shape=(3,), name="a")
    same = nn.Dropout(0.2, name="drop")(a)                       # the identity at inference
    model = nn.Model(a, [same, same, nn.Dense(2, name="d")(a)])
    assert_same_outputs(model, tmp_path / "m.onnx", data(4, 3))
    names = [o.name for o in nn.onnx.load(tmp_path / "m.onnx").graph.output]
    assert len(set(names)) == 3 and "a" not in names


def test_export_leaves_the_model_as_it_was(tmp_path):
    model = nn.Sequential([nn.Dense(4, input_shape=(3,)), nn.Dropout(0.5)])
    before = {k: v.copy() for k, v in model.state_dict().items()}
    model.export(tmp_path / "m.onnx")
    assert model.training
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


# ------------------------------------------------------------------------------- building and errors
def test_unbuilt_sequential_needs_input_shape_then_is_built_on_it(tmp_path):
    model = nn.Sequential([nn.Dense(4, activation="relu"), nn.Dense(2)])
    with pytest.raises(ValueError, match="not built yet.*input_shape"):
        nn.onnx.export(model, tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()
    nn.onnx.export(model, tmp_path / "m.onnx", input_shape=(6,))
    assert_same_outputs(model, tmp_path / "m.onnx", data(3, 6))
    with pytest.raises(ValueError, match=r"does not match the model's input shape"):
        nn.onnx.export(model, tmp_path / "m.onnx", input_shape=(7,))
    for same in ((6,), [6], 6, (None, 6), [(6,)]):               # the spellings of one per-sample shape
        nn.onnx.export(model, tmp_path / "m.onnx", input_shape=same)
    with pytest.raises(ValueError, match="must give 2 per-sample shape"):
        nn.onnx.export(seed004_two_inputs(), tmp_path / "two.onnx", input_shape=(64,))


def test_keras_export_signature(tmp_path, capsys):
    model = nn.Sequential([nn.Dense(3)])
    path = model.export(tmp_path / "k.onnx", input_signature=(None, 5), verbose=True)
    assert path == os.fspath(tmp_path / "k.onnx") and "Saved artifact" in capsys.readouterr().out
    assert_same_outputs(model, tmp_path / "k.onnx", data(2, 5))
    two = seed004_two_inputs()
    two.export(tmp_path / "two.onnx", input_signature=[nn.Input(shape=(64,)), nn.Input(shape=(128,))])
    with pytest.raises(ValueError, match="format='onnx' only"):
        model.export(tmp_path / "saved", format="tf_saved_model")


class Doubler(nn.Module):
    def forward(self, x):
        return tg.as_tensor(x) * 2


def test_unsupported_layers_are_all_named_with_their_types_and_the_supported_ones_listed(tmp_path):
    path = tmp_path / "m.onnx"
    path.write_bytes(b"an earlier export")
    model = nn.Sequential([nn.Dense(4, input_shape=(3,)), Doubler(name="twice"),
                           nn.Dense(2, activation=lambda z: z * 3, name="custom_act")])
    with pytest.raises(UnsupportedLayerError) as err:
        nn.onnx.export(model, path)
    message = str(err.value)
    assert "'twice' (Doubler)" in message and "'custom_act' (Dense)" in message
    assert "Dense" in message and "Maxout" in message and "nn.onnx.register" in message
    assert path.read_bytes() == b"an earlier export"              # nothing written on failure
    assert os.listdir(tmp_path) == ["m.onnx"]                      # and no temporary file left


def test_subclassed_model_is_refused_clearly(tmp_path):
    class Net(nn.Model):
        def __init__(self):
            super().__init__()
            self.fc = nn.Dense(2, input_shape=(3,))

        def forward(self, x):
            return self.fc(x)

    with pytest.raises(UnsupportedLayerError, match="subclassed model.*nn.Sequential"):
        nn.onnx.export(Net(), tmp_path / "m.onnx")
    with pytest.raises(TypeError, match="nn.Sequential, a functional nn.Model or a layer"):
        nn.onnx.export(lambda x: x, tmp_path / "m.onnx")
    with pytest.raises(UnsupportedLayerError, match=r"Doubler 'twice' has no ONNX converter.*Conv2D"):
        nn.onnx.export(Doubler(name="twice"), tmp_path / "m.onnx", input_shape=(3,))
    dense = nn.Dense(2, input_shape=(3,))                        # a layer with a converter exports on its own
    nn.onnx.export(dense, tmp_path / "m.onnx")
    x = data(4, 3)
    np.testing.assert_allclose(onnx_outputs(tmp_path / "m.onnx", x)[0], dense(x).data, **TOL)
    with pytest.raises(TypeError, match="path must be a file path"):
        nn.onnx.export(nn.Sequential([nn.Dense(2, input_shape=(3,))]), np.zeros((1, 3)))


def test_register_adds_a_converter_for_a_new_layer_type(tmp_path, monkeypatch):
    from nn.onnx import converters
    monkeypatch.setattr(converters, "_CONVERTERS", dict(converters._CONVERTERS))

    @nn.onnx.register(Doubler)
    def convert(layer, inputs, g):
        two = g.constant(np.array(2, inputs[0].dtype), f"{layer.name}/two")
        return g.node("Mul", [inputs[0].name, two], layer.name)

    model = nn.Sequential([nn.Dense(4, input_shape=(3,)), Doubler()])
    assert "Doubler" in nn.onnx.supported_layers()
    assert {"relu", "softmax", "step", "linear"} <= set(nn.onnx.supported_activations())
    assert_same_outputs(model, tmp_path / "m.onnx", data(5, 3))


def test_export_replaces_an_existing_file_whole(tmp_path):
    path = tmp_path / "m.onnx"
    path.write_bytes(b"old")
    nn.Sequential([nn.Dense(2, input_shape=(3,))]).export(path)
    assert nn.onnx.load(path).graph.node and os.listdir(tmp_path) == ["m.onnx"]


# ------------------------------------------------------------------------------- loading helpers
def test_run_takes_one_array_a_list_or_a_dict(tmp_path):
    model = seed004_two_inputs()
    path = model.export(tmp_path / "two.onnx")
    a, b = data(3, 64), data(3, 128)
    expected = model.predict([a, b])
    for given in ([a, b], {"input": a, "input_1": b}, [a.astype(np.float64), b]):
        np.testing.assert_allclose(nn.onnx.run(path, given)[0], expected, **TOL)
    with pytest.raises(ValueError, match="takes 2 input"):
        nn.onnx.run(path, a)
    with pytest.raises(ValueError, match="no input.*'x'"):
        nn.onnx.run(path, {"x": a})


def test_corrupt_truncated_empty_and_missing_files_are_named(tmp_path):
    good = tmp_path / "good.onnx"
    nn.Sequential([nn.Dense(2, activation="relu", input_shape=(3,))]).export(good)
    blob = good.read_bytes()
    bad = tmp_path / "bad.onnx"
    for cut in range(len(blob)):                                 # every truncation
        bad.write_bytes(blob[:cut])
        with pytest.raises(ValueError, match="bad.onnx is not a valid ONNX model"):
            nn.onnx.load(bad)
    bad.write_bytes(np.random.default_rng(0).bytes(500))
    for helper in (nn.onnx.load, nn.onnx.inference_session, lambda p: nn.onnx.run(p, np.zeros((1, 3)))):
        with pytest.raises(ValueError, match="bad.onnx is not a valid ONNX model"):
            helper(bad)
    with pytest.raises(FileNotFoundError):
        nn.onnx.load(tmp_path / "missing.onnx")


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("activation", ["softplus", "elu", "sigmoid", "softmax", "tanh"])
def test_activations_stay_finite_and_equal_at_extreme_inputs(activation, dtype, tmp_path):
    inp = nn.Input(shape=(6,), dtype=dtype)
    model = nn.Model(inp, nn.Activation(activation)(inp))
    big = 80.0 if dtype == np.float32 else 700.0                # e^big overflows float32 / float64 near here
    x = np.array([[-big, -30.0, -1e-3, 0.0, 30.0, big]], dtype=dtype)
    nn.onnx.export(model, tmp_path / "m.onnx")
    got, = onnx_outputs(tmp_path / "m.onnx", x)
    assert np.isfinite(got).all()
    assert got.dtype == dtype
    np.testing.assert_allclose(got, model(x).data, rtol=1e-5, atol=1e-6)
