"""print(model) as PyTorch prints it: each PyTorch-spelled module's repr equals torch.nn's for the same
arguments (tutorials print their networks; the DCGAN tutorial prints its generator and discriminator)."""
import pytest

import nn

SPECS = [
    "Conv2d(3, 16, 4, 2, 1, bias=False)", "Conv2d(3, 6, 5)", "Conv2d(3, 6, 3, padding='same')",
    "Conv2d(4, 8, (3, 2), stride=(2, 1), padding=(1, 0), dilation=2, groups=2)", "Conv1d(3, 6, 3, padding=2)",
    "ConvTranspose2d(100, 64, 4, 1, 0, bias=False)", "ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1)",
    "BatchNorm2d(32)", "BatchNorm2d(3, bias=False)", "BatchNorm1d(5, affine=False, track_running_stats=False, momentum=None)",
    "LayerNorm(5)", "LayerNorm((3, 4), elementwise_affine=False)", "LayerNorm(4, bias=False, eps=1e-6)",
    "MaxPool2d(2, 2)", "MaxPool2d(3, stride=2, padding=1)", "MaxPool2d((2, 3), dilation=2, ceil_mode=True)",
    "MaxPool1d(2)", "AvgPool2d(2)", "AvgPool2d(3, 1, 1)", "AvgPool1d(3)", "AvgPool1d(3, 2, 1)",
    "AdaptiveAvgPool2d((1, 1))", "AdaptiveAvgPool2d(1)",
    "Embedding(10, 3)", "Embedding(10, 3, padding_idx=-1)",
    "LSTM(3, 4)", "LSTM(3, 4, num_layers=2, batch_first=True, bidirectional=True)", "GRU(3, 4, bias=False)",
    "RNN(3, 4, 2, 'relu')",
    "ReLU()", "ReLU(inplace=True)", "ReLU6()", "ReLU6(inplace=True)", "LeakyReLU()", "LeakyReLU(0.2, inplace=True)",
    "ELU()", "ELU(0.3, True)", "SiLU(inplace=True)", "Hardtanh()", "Softplus()", "Softplus(beta=0.5, threshold=3.5)",
    "Sigmoid()", "Tanh()", "GELU()", "Softmax(dim=1)", "LogSoftmax(dim=1)", "Dropout(0.2)", "Flatten()",
    "Linear(3, 4, bias=False)",
]


@pytest.mark.parametrize("spec", SPECS)
def test_module_prints_as_pytorchs(spec):
    torch = pytest.importorskip("torch")
    assert repr(eval("nn." + spec)) == repr(eval("torch.nn." + spec))


def test_a_network_prints_as_pytorchs():
    torch = pytest.importorskip("torch")
    build = lambda m: m.Sequential(m.Conv2d(3, 6, 5), m.ReLU(), m.MaxPool2d(2, 2), m.BatchNorm2d(6), m.Flatten(),
                                   m.Linear(6 * 14 * 14, 10), m.LeakyReLU(0.2, inplace=True))
    assert repr(build(nn)) == repr(build(torch.nn))
