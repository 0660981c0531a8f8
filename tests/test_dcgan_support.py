"""What the DCGAN tutorial needed beyond its layers: torch.nn.parallel.DataParallel as PyTorch runs it without a
GPU, importable torch.backends.cudnn, use_deterministic_algorithms, batch norm's statistics as buffers (and
its bias= switch). PyTorch's printed forms of the modules are in tests/test_module_reprs.py."""
import importlib
import sys

import numpy as np
import pytest

import nn
import tensorgrad as tg

rng = np.random.default_rng(0)


def test_data_parallel_runs_the_module_and_prefixes_its_state_dict():
    inner = nn.Linear(4, 3)
    wrapped = nn.DataParallel(inner, device_ids=[0, 1])
    x = tg.tensor(rng.normal(size=(5, 4)).astype(np.float32))
    np.testing.assert_array_equal(wrapped(x).detach().numpy(), inner(x).detach().numpy())
    assert wrapped.module is inner and wrapped.device_ids == [] and list(wrapped.parameters()) == list(inner.parameters())
    assert list(wrapped.state_dict()) == ["module.weight", "module.bias"]
    np.testing.assert_array_equal(nn.parallel.data_parallel(inner, x).detach().numpy(), inner(x).detach().numpy())
    with pytest.raises(TypeError, match="DataParallel.*nn.Module.*function"):
        nn.DataParallel(lambda t: t)


def test_data_parallel_matches_torch_without_a_gpu():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("PyTorch's DataParallel scatters to GPUs here")
    theirs = torch.nn.DataParallel(torch.nn.Linear(4, 3))
    ours = nn.DataParallel(nn.Linear(4, 3))
    assert list(ours.state_dict()) == list(theirs.state_dict()) and ours.device_ids == theirs.device_ids
    assert repr(ours) == repr(theirs)


def test_torch_backends_modules_import_and_keep_their_flags():
    for name in ("tensorgrad.backends", "tensorgrad.backends.cudnn", "tensorgrad.backends.mps", "tensorgrad.cuda"):
        assert importlib.import_module(name) is sys.modules[name]
    import tensorgrad.backends.cudnn as cudnn
    assert cudnn is tg.backends.cudnn and cudnn.is_available() is False
    cudnn.benchmark = True
    try:
        assert tg.backends.cudnn.benchmark is True
    finally:
        cudnn.benchmark = False


def test_use_deterministic_algorithms_records_the_flag():
    before = tg.are_deterministic_algorithms_enabled(), tg.is_deterministic_algorithms_warn_only_enabled()
    try:
        tg.use_deterministic_algorithms(True, warn_only=True)
        assert tg.are_deterministic_algorithms_enabled() and tg.is_deterministic_algorithms_warn_only_enabled()
        tg.use_deterministic_algorithms(False)
        assert not tg.are_deterministic_algorithms_enabled() and not tg.is_deterministic_algorithms_warn_only_enabled()
    finally:
        tg.use_deterministic_algorithms(before[0], warn_only=before[1])
    with pytest.raises(TypeError, match="use_deterministic_algorithms.*bools.*'yes'"):
        tg.use_deterministic_algorithms("yes")


def test_batch_norm_statistics_are_buffers_not_parameters():
    bn = nn.BatchNorm2d(3)
    assert [name for name, _ in bn.named_parameters()] == ["weight", "bias"]
    assert [name for name, _ in bn.named_buffers()] == ["running_mean", "running_var", "num_batches_tracked"]
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    x = rng.normal(2.0, 3.0, size=(8, 3, 4, 4)).astype(np.float32)
    bn(tg.tensor(x))
    # running ← 0.9·running + 0.1·batch (the variance unbiased)
    np.testing.assert_allclose(bn.running_mean.numpy(), 0.1 * x.mean(axis=(0, 2, 3)), rtol=1e-5)
    np.testing.assert_allclose(bn.running_var.numpy(), 0.9 + 0.1 * x.var(axis=(0, 2, 3), ddof=1), rtol=1e-5)
    again = nn.BatchNorm2d(3)
    again.load_state_dict(bn.state_dict())
    np.testing.assert_array_equal(again.running_var.numpy(), bn.running_var.numpy())
    untracked = nn.BatchNorm1d(3, track_running_stats=False)
    assert untracked.running_mean is None and list(untracked.state_dict()) == ["weight", "bias"]


def test_batch_norm_without_bias_scales_only():
    bn = nn.BatchNorm2d(3, bias=False)
    assert bn.bias is None and [name for name, _ in bn.named_parameters()] == ["weight"]
    x = rng.normal(size=(4, 3, 2, 2)).astype(np.float32)
    mean, var = x.mean(axis=(0, 2, 3), keepdims=True), x.var(axis=(0, 2, 3), keepdims=True)
    np.testing.assert_allclose(bn(tg.tensor(x)).detach().numpy(), (x - mean) / np.sqrt(var + 1e-5), rtol=1e-4,
                               atol=1e-5)
    assert nn.BatchNorm2d(3, affine=False, bias=True).bias is None
