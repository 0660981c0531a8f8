"""Checkpoints record their kernel layout (safetensors metadata ``kernel_layout``): Keras-spelled models
store kernels (in, out) and say so, PyTorch-spelled ones (out, in); a checkpoint of one spelling refuses
to load into a model of the other, where a square kernel would otherwise load transposed in silence."""
import numpy as np
import pytest
import safetensors

import nn
import tensorgrad as tg
from nn.kernel_layout import KERAS, PYTORCH, kernel_layout


def keras_mlp():
    return nn.Sequential([nn.Dense(4, input_shape=(4,)), nn.Dense(4)])


def torch_mlp():
    return nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 4))      # the same keys, and square: the same shapes


def metadata(path):
    with safetensors.safe_open(path, framework="np") as f:
        return f.metadata()


@pytest.mark.parametrize("save", [nn.save, lambda m, p: tg.save(m.state_dict(), p)], ids=["nn.save", "tg.save"])
def test_checkpoints_say_which_way_their_kernels_are_stored(save, tmp_path):
    save(keras_mlp(), tmp_path / "keras.safetensors")
    save(torch_mlp(), tmp_path / "torch.safetensors")
    assert metadata(tmp_path / "keras.safetensors")["kernel_layout"] == KERAS == "keras (in, out)"
    assert metadata(tmp_path / "torch.safetensors")["kernel_layout"] == PYTORCH == "pytorch (out, in)"
    assert tg.load(tmp_path / "keras.safetensors")["0.weight"].shape == (4, 4)


def test_layouts_of_each_family():
    assert kernel_layout(nn.Sequential([nn.Conv2D(2, 3), nn.keras.layers.LSTM(3)])) == KERAS
    assert kernel_layout(nn.Sequential(nn.Conv2d(1, 2, 3), nn.LSTM(2, 3))) == PYTORCH
    assert kernel_layout(nn.Sequential(nn.Linear(2, 2), nn.Dense(2))) == "mixed"
    assert kernel_layout(nn.Sequential(nn.ReLU(), nn.Flatten())) is None
    assert "kernel_layout" not in nn.Sequential(nn.BatchNorm1d(3)).state_dict().metadata


@pytest.mark.parametrize("load", [nn.load_state, tg.load], ids=["nn.load_state", "tg.load"])
def test_a_keras_checkpoint_into_a_pytorch_spelled_model_is_refused(load, tmp_path):
    nn.save(keras_mlp(), tmp_path / "keras.safetensors")
    model = torch_mlp()
    before = {k: v.copy() for k, v in model.state_dict().items()}
    with pytest.raises(ValueError, match=r"keras \(in, out\).*PyTorch way.*transpose the kernels silently.*"
                                         r"Nothing was loaded"):
        model.load_state_dict(load(tmp_path / "keras.safetensors"))
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


def test_a_pytorch_checkpoint_into_a_keras_spelled_model_is_refused(tmp_path):
    tg.save(torch_mlp().state_dict(), tmp_path / "torch.pth")
    with pytest.raises(ValueError, match=r"pytorch \(out, in\).*Keras way"):
        keras_mlp().load_state_dict(tg.load(tmp_path / "torch.pth"))


def test_converted_arrays_given_as_a_plain_dict_load(tmp_path):
    keras = keras_mlp()
    nn.save(keras, tmp_path / "keras.safetensors")
    state = nn.load_state(tmp_path / "keras.safetensors")
    model = torch_mlp()
    model.load_state_dict({k: v.T if v.ndim == 2 else v for k, v in state.items()})   # converted by hand
    x = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    np.testing.assert_allclose(model(x).data, keras(x).data, rtol=1e-6)


def test_the_same_spelling_loads_and_a_file_without_a_layout_loads_anywhere(tmp_path):
    source, target = keras_mlp(), keras_mlp()
    nn.save(source, tmp_path / "k.safetensors")
    target.load_state_dict(nn.load_state(tmp_path / "k.safetensors"))
    safetensors.numpy.save_file({k: np.asarray(v) for k, v in torch_mlp().state_dict().items()},
                                tmp_path / "foreign.safetensors")   # written elsewhere: no layout recorded
    keras_mlp().load_state_dict(nn.load_state(tmp_path / "foreign.safetensors"))
