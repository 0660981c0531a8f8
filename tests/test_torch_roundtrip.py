"""Checkpoints exchanged with PyTorch through safetensors files: a committed fixture written by PyTorch
(scripts/make_torch_fixture.py) loads into the same architecture spelled with nn and gives PyTorch's
recorded outputs, without torch installed; with torch installed, an MLP, a convnet (with batch norm) and
a bidirectional two-layer LSTM exchange state dicts both ways, file to file, with outputs equal to 1e-5."""
from pathlib import Path

import numpy as np
import pytest
import safetensors

import nn
import tensorgrad as tg

FIXTURES = Path(__file__).parent / "fixtures"
TOL = dict(rtol=1e-5, atol=1e-6)


def mlp():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))


def test_the_fixture_was_written_by_pytorch():
    with safetensors.safe_open(FIXTURES / "torch_mlp.safetensors", framework="np") as f:
        metadata = f.metadata()
    assert metadata["written_by"].startswith("torch ") and "tensorgrad.structure" not in metadata


@pytest.mark.parametrize("load", [nn.load_state, tg.load], ids=["nn.load_state", "tg.load"])
def test_a_pytorch_written_checkpoint_gives_pytorchs_outputs(load):
    model = mlp()
    model.load_state_dict(load(FIXTURES / "torch_mlp.safetensors"))         # strict: PyTorch's keys and shapes
    recorded = tg.load(FIXTURES / "torch_mlp_io.safetensors")
    np.testing.assert_allclose(model(recorded["input"]).data, recorded["output"].data, rtol=1e-6, atol=1e-7)


# ------------------------------------------------------------------------------- with PyTorch itself
def torch_and_safetensors():
    torch = pytest.importorskip("torch")
    import safetensors.torch
    return torch, safetensors.torch


class LSTMNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 5, num_layers=2, batch_first=True, bidirectional=True)
        self.head = nn.Linear(10, 3)

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        return self.head(out[:, -1]), h, c


def torch_lstm_net(torch):
    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(4, 5, num_layers=2, batch_first=True, bidirectional=True)
            self.head = torch.nn.Linear(10, 3)

        def forward(self, x):
            out, (h, c) = self.lstm(x)
            return self.head(out[:, -1]), h, c
    return Net()


def conv_net():
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 6, 3, stride=2),
                         nn.BatchNorm2d(6), nn.Flatten(), nn.Linear(24, 3))


def torch_conv_net(torch):
    t = torch.nn
    return t.Sequential(t.Conv2d(1, 4, 3, padding=1), t.ReLU(), t.MaxPool2d(2), t.Conv2d(4, 6, 3, stride=2),
                        t.BatchNorm2d(6), t.Flatten(), t.Linear(24, 3))


MODELS = {  # name -> (tensorgrad model, torch model factory, input)
    "mlp": (mlp, lambda torch: torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3)),
            (5, 4)),
    "convnet": (conv_net, torch_conv_net, (3, 1, 10, 10)),
    "lstm": (LSTMNet, torch_lstm_net, (3, 6, 4)),
}


def outputs(value):
    values = value if isinstance(value, (tuple, list)) else [value]
    return [v.detach().numpy() if hasattr(v, "detach") else v.data for v in values]


def moved_batch_norm_statistics(torch_model, torch, x):
    """A few training passes, so the running statistics (and num_batches_tracked) are not the defaults."""
    torch_model.train()
    with torch.no_grad():
        for _ in range(3):
            torch_model(x * 2 + 1)
    torch_model.eval()


@pytest.mark.parametrize("name", sorted(MODELS))
def test_pytorch_state_dict_through_safetensors_into_tensorgrad(name, tmp_path):
    torch, st = torch_and_safetensors()
    ours_factory, theirs_factory, shape = MODELS[name]
    torch.manual_seed(0)
    theirs = theirs_factory(torch)
    x = np.random.default_rng(1).normal(size=shape).astype(np.float32)
    moved_batch_norm_statistics(theirs, torch, torch.from_numpy(x))
    st.save_file({k: v.contiguous() for k, v in theirs.state_dict().items()}, tmp_path / "torch.safetensors")
    ours = ours_factory()
    ours.load_state_dict(tg.load(tmp_path / "torch.safetensors"))           # strict
    ours.eval()
    with torch.no_grad():
        expected = outputs(theirs(torch.from_numpy(x)))
    for got, want in zip(outputs(ours(x)), expected, strict=True):
        np.testing.assert_allclose(got, want, **TOL)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_tensorgrad_state_dict_through_safetensors_into_pytorch(name, tmp_path):
    torch, st = torch_and_safetensors()
    ours_factory, theirs_factory, shape = MODELS[name]
    tg.manual_seed(0)
    ours = ours_factory()
    x = np.random.default_rng(2).normal(size=shape).astype(np.float32)
    ours.train()
    for _ in range(3):                                                       # batch norm's statistics move
        ours(x * 2 + 1)
    ours.eval()
    tg.save(ours.state_dict(), tmp_path / "ours.safetensors")
    theirs = theirs_factory(torch)
    theirs.load_state_dict(st.load_file(tmp_path / "ours.safetensors"))     # strict: every key, shape, dtype
    theirs.eval()
    with torch.no_grad():
        expected = outputs(theirs(torch.from_numpy(x)))
    for got, want in zip(outputs(ours(x)), expected, strict=True):
        np.testing.assert_allclose(got, want, **TOL)
