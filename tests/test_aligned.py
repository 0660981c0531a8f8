"""Parameters live in 64-byte-aligned memory (faster elementwise updates), and loading weights copies
into that memory instead of replacing it."""
import numpy as np
import pytest

import nn
from tensorgrad.aligned import ALIGNMENT, aligned_copy, aligned_empty, aligned_full


def _aligned(a: np.ndarray) -> bool:
    return a.ctypes.data % ALIGNMENT == 0


@pytest.mark.parametrize("shape", [(), (0,), (7,), (3, 5), (784, 300), (2, 0, 3)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int8])
def test_aligned_arrays_have_the_shape_dtype_and_alignment_asked_for(shape, dtype):
    for a in (aligned_empty(shape, dtype), aligned_full(shape, 3, dtype)):
        assert a.shape == shape and a.dtype == dtype and a.flags.c_contiguous and a.flags.writeable
        assert _aligned(a) or a.size == 0
    assert (aligned_full(shape, 3, dtype) == 3).all()


def test_aligned_copy_casts_as_np_array_and_does_not_share_memory():
    src = np.arange(12, dtype=np.float64).reshape(3, 4)[:, ::2] / 3     # non-contiguous float64
    out = aligned_copy(src, np.float32)
    np.testing.assert_array_equal(out, np.array(src, dtype=np.float32))
    assert out.dtype == np.float32 and _aligned(out) and not np.shares_memory(out, src)
    np.testing.assert_array_equal(aligned_copy([[1, 2], [3, 4]]), np.array([[1, 2], [3, 4]]))


def _mlp():
    return nn.Sequential([nn.Dense(30, activation="relu", input_dim=17), nn.Dense(3)])


def test_built_and_lazily_built_layers_have_aligned_parameters():
    lazy = nn.Sequential([nn.Dense(30, activation="relu"), nn.Dense(3)])
    lazy(np.ones((2, 17)))
    for model in (_mlp(), lazy):
        assert all(_aligned(p.data) for p in model.parameters())


def test_set_weights_and_load_state_dict_copy_into_the_aligned_buffers():
    model = _mlp()
    buffers = [p.data for p in model.parameters()]
    weights = [np.random.default_rng(0).normal(size=w.shape) for w in model.get_weights()]
    model.set_weights(weights)
    model.load_state_dict(_mlp().state_dict())
    model.set_weights(weights)
    for p, buf, w in zip(model.parameters(), buffers, weights):
        assert p.data is buf and _aligned(p.data)
        np.testing.assert_array_equal(p.data, w.astype(np.float32))
    lazy = nn.Sequential([nn.Dense(30, activation="relu"), nn.Dense(3)])
    lazy.load_state_dict(model.state_dict())      # materializes the lazy parameters from the checkpoint
    assert all(_aligned(p.data) for p in lazy.parameters())
