"""Which constructors copy and which share: ``tg.tensor``/``Tensor`` copy (as ``torch.tensor``), so an
optimizer step or a reused source buffer cannot reach the caller's array; ``from_numpy``/``as_tensor``
share (as PyTorch's), documented; ``np.array(t)`` copies, ``np.asarray(t)`` may share."""
import numpy as np
import pytest

import tensorgrad as tg
from nn import DataLoader
from optim import SGD


@pytest.mark.parametrize("make", [tg.tensor, tg.Tensor])
def test_constructor_copies_the_callers_array(make):
    a = np.array([1.0, 2.0], dtype=np.float32)
    w = make(a, requires_grad=True)
    assert not np.shares_memory(w.numpy(force=True), a)
    (w * w).sum().backward()
    SGD([w], lr=0.5).step()
    assert a.tolist() == [1.0, 2.0]                 # the user's data is untouched by the step
    np.testing.assert_allclose(w.numpy(force=True), [0.0, 0.0])


def test_reusing_the_source_buffer_does_not_change_a_gradient():
    """A loop that refills one buffer: the graph holds its own copy, so the gradient is the one computed."""
    buf = np.array([3.0])
    w = tg.tensor(buf, requires_grad=True)
    loss = (w * w).sum()
    buf[:] = 100.0
    loss.backward()
    assert w.grad.item() == 6.0


def test_tensor_of_a_tensor_copies():
    t = tg.tensor([1.0, 2.0])
    u = tg.tensor(t)
    u.numpy(force=True)[0] = 5.0
    assert t.tolist() == [1.0, 2.0]


def test_views_and_lists_are_copied_or_fresh():
    base = np.arange(6.0)
    view = base[::2]
    t = tg.tensor(view)
    base[:] = -1
    assert t.tolist() == [0.0, 2.0, 4.0]
    assert tg.tensor([1.0, 2.0]).numpy(force=True).flags.owndata


def test_from_numpy_shares_both_ways_and_keeps_the_dtype():
    a = np.zeros(3, dtype=np.float64)
    t = tg.from_numpy(a)
    assert t.dtype == np.float64 and not t.requires_grad
    a[0] = 1.0
    t.numpy(force=True)[1] = 2.0
    assert t.tolist() == [1.0, 2.0, 0.0] and a.tolist() == [1.0, 2.0, 0.0]


def test_from_numpy_refuses_other_data():
    with pytest.raises(TypeError, match="from_numpy.*list.*tensorgrad.tensor"):
        tg.from_numpy([1.0, 2.0])
    with pytest.raises(TypeError, match="dtype"):
        tg.from_numpy(np.array(["a"]))


def test_as_tensor_shares_when_no_cast_is_needed():
    a = np.ones(2, dtype=np.float32)
    assert np.shares_memory(tg.as_tensor(a).numpy(force=True), a)
    assert not np.shares_memory(tg.as_tensor(a, dtype=np.float64).numpy(force=True), a)


def test_data_loader_batches_share_the_dataset():
    """Batches are views of the dataset (no per-batch copy on the training hot path)."""
    x = np.arange(12.0, dtype=np.float32).reshape(6, 2)
    xb = next(iter(DataLoader(x, batch_size=3, shuffle=False)))
    assert np.shares_memory(xb.numpy(force=True), x)
