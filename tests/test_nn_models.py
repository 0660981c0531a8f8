"""Sequential and functional models: the notes' summary tables, Keras conveniences, seed 004's
two-branch model as written, and checkpoints on disk."""
import os

import numpy as np
import pytest

import nn
import tensorgrad as tg
from nn import Dense, Input, Model, concatenate


@pytest.fixture(autouse=True)
def fresh_names():
    nn.clear_session()


def _fashion_mlp():
    return nn.Sequential([nn.Flatten(input_shape=[28, 28]), Dense(300, activation="relu", name="hidden1"),
                          Dense(100, activation="relu"), Dense(10, activation="softmax")])


def _rows(summary):
    return [line.split() for line in summary.splitlines() if "(" in line and "Layer (type)" not in line]


def test_summary_of_seed_001_fashion_mlp():
    model = nn.Sequential()
    model.add(nn.Flatten(input_shape=[28, 28]))
    model.add(Dense(300, activation="relu"))
    model.add(Dense(100, activation="relu"))
    model.add(Dense(10, activation="softmax"))
    text = model.summary(print_fn=None)
    assert _rows(text) == [["flatten", "(Flatten)", "(None,", "784)", "0"],
                           ["dense", "(Dense)", "(None,", "300)", "235500"],
                           ["dense_1", "(Dense)", "(None,", "100)", "30100"],
                           ["dense_2", "(Dense)", "(None,", "10)", "1010"]]
    assert 'Model: "sequential"' in text
    assert "Total params: 266,610\nTrainable params: 266,610\nNon-trainable params: 0" in text


def test_summary_prints_and_returns_seed_002_tables(capsys):
    mnist = nn.Sequential()
    mnist.add(Dense(100, activation="relu", input_shape=(784,)))
    mnist.add(Dense(50, activation="relu"))
    mnist.add(Dense(10, activation="softmax"))
    text = mnist.summary()
    assert capsys.readouterr().out == text + "\n"
    assert [r[-1] for r in _rows(text)] == ["78500", "5050", "510"]
    small = nn.Sequential()
    small.add(Dense(8, input_dim=4, activation="relu"))
    small.add(Dense(1, activation="sigmoid"))
    assert [r[-1] for r in _rows(small.summary(print_fn=None))] == ["40", "9"]


def test_seed_003_dense_with_input_shape_is_built_at_once():
    model = nn.Sequential()
    model.add(Dense(2, input_shape=(1,)))
    assert model.output.shape == (None, 2) and model.count_params() == 4


def test_summary_before_the_model_is_built_says_what_to_do():
    model = nn.Sequential([Dense(3), Dense(1)])
    with pytest.raises(ValueError, match="not built yet.*input_shape="):
        model.summary()
    model(np.ones((2, 5)))
    assert [r[-1] for r in _rows(model.summary(print_fn=None))] == ["18", "4"]


def test_layers_indexing_names_and_get_layer_as_in_seed_001():
    model = _fashion_mlp()
    hidden1 = model.layers[1]
    assert hidden1.name == "hidden1" and model[1] is hidden1 and len(model) == 4
    assert model.get_layer("hidden1") is model.layers[1]
    assert model.get_layer(hidden1.name) is hidden1
    weights, biases = hidden1.get_weights()
    assert weights.shape == (784, 300) and biases.shape == (300,) and np.all(biases == 0)
    with pytest.raises(ValueError, match=r"no layer named 'hidden9'.*\['flatten', 'hidden1', 'dense', 'dense_1'\]"):
        model.get_layer("hidden9")


def test_sequential_from_arguments_or_a_list_is_the_same_model():
    layers = [Dense(3, input_dim=2), Dense(1)]
    assert nn.Sequential(*layers).layers == nn.Sequential(layers).layers


def test_duplicate_layer_names_are_refused():
    with pytest.raises(ValueError, match=r"layer names must be unique, but \['x'\]"):
        nn.Sequential([Dense(2, name="x"), Dense(2, name="x")])


def test_float64_data_through_a_float32_model_stays_float32():
    model = _fashion_mlp()
    out = model(np.random.default_rng(0).random((3, 28, 28)))
    assert out.dtype == np.float32 and out.shape == (3, 10)
    np.testing.assert_allclose(out.data.sum(axis=1), 1, rtol=1e-6)


def _seed_004():
    """Seed 004's code as written (only the imports changed)."""
    # 두 개의 입력층을 정의
    inputA = Input(shape=(64,))
    inputB = Input(shape=(128,))

    # 첫번째 입력층으로부터 분기되어 진행되는 인공 신경망을
    x = Dense(16, activation="relu")(inputA)
    x = Dense(8, activation="relu")(x)
    x = Model(inputs=inputA, outputs=x)

    # 두번째 입력층으로부터 분기되어 진행되는 인공 신경망을
    y = Dense(64, activation="relu")(inputB)
    y = Dense(32, activation="relu")(y)
    y = Dense(8, activation="relu")(y)
    y = Model(inputs=inputB, outputs=y)

    # 두개의 인공 신경망의 출력을 연결(concatenate)
    result = concatenate([x.output, y.output])

    # 연결된 값을 입력으로 받는 밀집층을 추가(Dense layer)
    z = Dense(2, activation="relu")(result)
    # 선형 회귀를 위해 activation=linear를 설정
    z = Dense(1, activation="linear")(z)

    # 결과적으로 이 모델은 두 개의 입력층으로부터 분기되어
    model = Model(inputs=[x.input, y.input], outputs=z)
    return x, y, model


def test_seed_004_two_input_model_runs_and_its_loss_gradient_reaches_every_layer():
    tg.manual_seed(0)
    x, y, model = _seed_004()
    rng = np.random.default_rng(0)
    a, b, target = rng.normal(size=(32, 64)), rng.normal(size=(32, 128)), rng.normal(size=(32, 1))
    out = model([a, b])
    assert out.shape == (32, 1) and out.dtype == np.float32
    loss = nn.MSELoss()(out, target)
    loss.backward()
    dense_layers = [layer for layer in model.layers if isinstance(layer, Dense)]
    assert len(dense_layers) == 7
    for layer in dense_layers:
        assert np.abs(layer.weight.grad.data).sum() > 0, layer.name
    # the joint model shares the branch models' layers (the same objects, so the same weights)
    branch_layers = x.layers[1:] + y.layers[1:]
    assert all(any(layer is shared for shared in model.layers) for layer in branch_layers)
    assert model.get_layer(x.layers[-1].name) is x.layers[-1]


def test_seed_004_summary_counts_and_symbolic_ends():
    x, y, model = _seed_004()
    assert x.input.shape == (None, 64) and y.output.shape == (None, 8)
    assert model.output.shape == (None, 1) and len(model.input) == 2
    rows = _rows(model.summary(print_fn=None))
    assert [r[1] for r in rows] == ["(InputLayer)"] * 2 + ["(Dense)"] * 5 + ["(Concatenate)"] + ["(Dense)"] * 2
    assert model.count_params() == (64 * 16 + 16) + (16 * 8 + 8) + (128 * 64 + 64) + (64 * 32 + 32) + (32 * 8 + 8) \
        + (16 * 2 + 2) + (2 * 1 + 1)


def test_functional_model_argument_errors():
    a, b = Input(shape=(2,), name="a"), Input(shape=(3,), name="b")
    out = Dense(1)(concatenate([a, b]))
    with pytest.raises(ValueError, match=r"depend on input\(s\) \['b'\] that are not in inputs"):
        Model(inputs=a, outputs=out)
    model = Model(inputs=[a, b], outputs=out)
    with pytest.raises(ValueError, match=r"takes 2 input\(s\) \(a, b\), got 1"):
        model(np.ones((1, 2)))
    assert model(np.ones((4, 2)), np.ones((4, 3))).shape == (4, 1)


def test_functional_api_of_seed_004_first_example():
    inputs = Input(shape=(10,))
    hidden1 = Dense(64, activation="relu")(inputs)
    hidden2 = Dense(64, activation="relu")(hidden1)
    output = Dense(1, activation="sigmoid")(hidden2)
    model = Model(inputs=inputs, outputs=output)
    assert model(np.zeros((5, 10))).shape == (5, 1)
    assert model.count_params() == 11 * 64 + 65 * 64 + 65


def test_a_sequential_nests_in_a_functional_model():
    inner = nn.Sequential([Dense(4, input_dim=3), nn.ReLU()])
    inputs = Input(shape=(3,))
    model = Model(inputs=inputs, outputs=Dense(1)(inner(inputs)))
    assert inner.output_shape == (None, 4)
    assert [n for n, _ in model.named_parameters()] == ["layers.1.0.weight", "layers.1.0.bias",
                                                        "layers.2.weight", "layers.2.bias"]


# --------------------------------------------------------------------------- checkpoints on disk
def test_save_and_load_round_trip_gives_identical_outputs(tmp_path):
    model = _fashion_mlp()
    path = tmp_path / "fashion.npz"
    nn.save(model, path)
    assert os.listdir(tmp_path) == ["fashion.npz"]                  # no temp file left behind
    fresh = _fashion_mlp()
    fresh.load_state_dict(nn.load_state(path))
    x = np.random.default_rng(2).random((4, 28, 28))
    np.testing.assert_array_equal(fresh(x).data, model(x).data)


def test_a_failed_save_leaves_the_previous_checkpoint_intact(tmp_path, monkeypatch):
    model = nn.Sequential([Dense(2, input_dim=2)])
    path = tmp_path / "m.safetensors"
    nn.save(model, path)
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr("safetensors.numpy.save", broken)
    with pytest.raises(OSError, match="disk full"):
        nn.save(model, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["m.safetensors"]


def test_optimizer_style_update_trains_a_functional_model():
    inputs = Input(shape=(2,))
    model = Model(inputs=inputs, outputs=Dense(1)(inputs))
    x = np.random.default_rng(0).normal(size=(20, 2))
    target = x @ np.array([[2.0], [-1.0]]) + 0.5
    params = list(model.parameters())
    losses = []
    for _ in range(200):
        model.zero_grad()
        loss = nn.MSELoss()(model(x), target)
        loss.backward()
        losses.append(loss.item())
        with tg.no_grad():
            for p in params:
                p -= 0.1 * p.grad
    assert losses[-1] < 1e-4 < losses[0]


def test_sequential_accepts_an_input_first_and_slices_into_a_sequential():
    model = nn.Sequential([Input(shape=(3,)), Dense(4), Dense(2)])
    assert model.output.shape == (None, 2) and len(model.layers) == 2
    head = model[:1]
    assert isinstance(head, nn.Sequential) and head.layers == model.layers[:1]
    np.testing.assert_array_equal(model(np.ones((1, 3))).data, model.layers[1](head(np.ones((1, 3)))).data)


def test_sequential_build_accepts_keras_batch_shape():
    model = nn.Sequential([nn.Dense(2)])
    model.build((None, 3))
    assert model.layers[0].weight.shape == (3, 2) and model.count_params() == 8


def test_keras_input_and_output_shape_of_a_built_model():
    from nn.keras import layers
    model = nn.keras.Sequential([layers.Dense(7 * 7 * 4, use_bias=False, input_shape=(10,)), layers.Reshape((7, 7, 4))])
    assert model.input_shape == (None, 10) and model.output_shape == (None, 7, 7, 4)
    model.add(layers.Conv2DTranspose(2, 5, strides=2, padding="same"))
    assert model.output_shape == (None, 14, 14, 2)                  # follows add(), as the DCGAN asserts
    inp = nn.keras.Input((4,))
    two = nn.keras.Model(inp, [layers.Dense(2)(inp), layers.Dense(3)(inp)])
    assert two.output_shape == [(None, 2), (None, 3)] and two.input_shape == (None, 4)
    unbuilt = nn.keras.Sequential([layers.Dense(3)])
    with pytest.raises(AttributeError, match="no output_shape yet: it is not built.*input_shape="):
        unbuilt.output_shape
