"""Parameters and optimizer buffers live in 64-byte-aligned memory (faster elementwise updates),
and loading weights or optimizer state copies into that memory instead of replacing it."""
import numpy as np
import pytest

import nn
import optim
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


OPTIMIZERS = {"sgd": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
              "adam": lambda ps: optim.Adam(ps, amsgrad=True),
              "rmsprop": lambda ps: optim.RMSprop(ps, momentum=0.5, centered=True),
              "adagrad": lambda ps: optim.Adagrad(ps, initial_accumulator_value=0.1)}


@pytest.mark.parametrize("make", OPTIMIZERS.values(), ids=OPTIMIZERS.keys())
def test_optimizer_state_and_scratch_are_aligned_also_after_load_state_dict(make):
    model = _mlp()
    opt = make(model.parameters())
    nn.CrossEntropyLoss()(model(np.ones((4, 17))), np.array([0, 1, 2, 0])).backward()
    opt.step()
    arrays = [v for s in opt.state.values() for v in s.values() if isinstance(v, np.ndarray)]
    assert arrays and all(_aligned(a) for a in arrays)
    assert opt._work and all(_aligned(w) for w in opt._work.values())
    again = make(_mlp().parameters())
    again.load_state_dict(opt.state_dict())
    loaded = [v for s in again.state.values() for v in s.values() if isinstance(v, np.ndarray)]
    assert len(loaded) == len(arrays) and all(_aligned(a) for a in loaded)
