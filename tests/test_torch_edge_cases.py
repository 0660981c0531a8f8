"""Edge cases where numpy's raw behaviour differed from PyTorch's: 0-d reductions, empty reductions,
one-way broadcast_to, lists of tensors, numpy scalars next to tensors, pickling a long graph."""
import copy
import pickle
import warnings

import numpy as np
import pytest

import tensorgrad as tg
from nn.parameter import Parameter


# --------------------------------------------------------------------------- 0-d reductions

@pytest.mark.parametrize("reduce", ["sum", "mean", "max", "min"])
@pytest.mark.parametrize("axis", [0, -1, (0,)])
def test_reducing_a_0d_tensor_over_dim_0_or_minus_1_is_the_identity(reduce, axis):
    """torch.tensor(3.).sum(0) is 3, with gradient 1."""
    x = tg.tensor(3.0, requires_grad=True)
    out = getattr(x, reduce)(axis=axis)            # (positional max(0)/min(0) are PyTorch's (values, indices))
    assert out.shape == () and out.item() == 3.0
    assert getattr(x, reduce)(axis=axis, keepdims=True).shape == ()
    out.backward()
    assert x.grad.item() == 1.0


def test_reducing_a_0d_tensor_over_another_axis_is_a_clear_error():
    with pytest.raises(ValueError, match=r"sum: axis 1 is out of range for a tensor with 0 dimension"):
        tg.tensor(3.0).sum(1)


# --------------------------------------------------------------------------- empty reductions

def test_reductions_over_a_non_empty_axis_of_an_empty_batch_are_empty():
    """A (0, 3) batch summed over axis 1 is shape (0,), as torch; max/min too; gradients are empty."""
    x = tg.tensor(np.ones((0, 3)), requires_grad=True)
    for name in ("sum", "mean", "max", "min"):
        out = getattr(x, name)(axis=1)
        assert out.shape == (0,)
        assert getattr(x, name)(axis=1, keepdims=True).shape == (0, 1)
        if name in ("max", "min"):                 # PyTorch's spelling: (values, indices), both empty
            values, indices = getattr(x, name)(1)
            assert values.shape == indices.shape == (0,) and getattr(x, name)(1, keepdim=True).values.shape == (0, 1)
        out.sum().backward()
        assert x.grad.shape == (0, 3)


def test_mean_of_empty_is_nan_quietly_and_sum_is_zero():
    """torch: mean of an empty tensor is NaN (per column for axis 0), sum is 0; no numpy warning."""
    x = tg.tensor(np.ones((0, 3), dtype=np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(x.mean().item()) and x.mean().dtype == np.float32
        assert np.isnan(x.mean(0).numpy(force=True)).all() and x.mean(0).shape == (3,)
    with pytest.raises(RuntimeError, match="mean"):     # PyTorch: the mean of integers has no dtype to infer
        tg.tensor(np.zeros(0, dtype=np.int64)).mean()
    np.testing.assert_array_equal(x.sum(0).numpy(force=True), [0.0, 0.0, 0.0])


def test_max_over_an_empty_axis_is_a_clear_error():
    with pytest.raises(ValueError, match=r"max: .*empty tensor \(shape \(0, 3\)\) over axes \(0,\)"):
        tg.tensor(np.ones((0, 3))).max(0)


# --------------------------------------------------------------------------- broadcast_to

@pytest.mark.parametrize("source, target", [((3, 1), (1, 3)), ((2, 3), (3,)), ((3,), (2, 4))])
def test_broadcast_to_is_one_way_and_names_both_shapes(source, target):
    """(3, 1) -> (1, 3) broadcasts *together* to (3, 3) but cannot be broadcast *to* (1, 3)."""
    with pytest.raises(ValueError, match=rf"broadcast_to: cannot broadcast shape {source} to {target}".replace("(", r"\(").replace(")", r"\)")):
        tg.broadcast_to(tg.tensor(np.ones(source)), target)


def test_broadcast_to_still_broadcasts():
    x = tg.tensor(np.ones((3, 1)), requires_grad=True)
    y = tg.broadcast_to(x, (2, 3, 4))
    assert y.shape == (2, 3, 4)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(force=True), np.full((3, 1), 8.0))


# --------------------------------------------------------------------------- lists of tensors

def test_tensor_of_zero_d_tensors_stacks_their_values():
    t = tg.tensor([tg.tensor(1.0), tg.tensor(2.0)])
    assert t.tolist() == [1.0, 2.0] and t.dtype == np.float32 and not t.requires_grad
    assert tg.tensor([tg.tensor(1.0, dtype=np.float64), 2.0]).dtype == np.float64
    assert tg.tensor([[tg.tensor(1.0)], [3.0]]).tolist() == [[1.0], [3.0]]
    assert tg.tensor((tg.tensor(1), 2)).dtype == np.int64


def test_tensor_of_tensors_with_axes_or_grad_is_a_clear_error():
    """Never numpy's stacked reading or an object array: torch would read a (1,) tensor as a number."""
    with pytest.raises(ValueError, match=r"shape \(2,\).*only 0-d.*tensorgrad.stack"):
        tg.tensor([tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0])])
    with pytest.raises(ValueError, match=r"shape \(1,\).*only 0-d"):
        tg.tensor([[tg.tensor([1.0])], [3.0]])
    w = tg.tensor(1.0, requires_grad=True)
    with pytest.raises(TypeError, match=r"requires grad.*tensorgrad.stack"):
        tg.tensor([w, tg.tensor(2.0)])
    with tg.no_grad():                   # nothing is recorded there, so nothing is lost
        assert tg.tensor([w, 2.0]).tolist() == [1.0, 2.0]


def test_ops_on_lists_of_tensors_stack_them_and_keep_the_graph():
    """tg.mean([a, b]) is the mean of the stacked values (numpy's reading), gradients included."""
    a, b = tg.tensor(1.0, requires_grad=True), tg.tensor(3.0, requires_grad=True)
    m = tg.mean([a, b])
    assert m.item() == 2.0
    m.backward()
    assert a.grad.item() == 0.5 and b.grad.item() == 0.5
    u, v = tg.tensor([1.0, 2.0], requires_grad=True), tg.tensor([3.0, 4.0], requires_grad=True)
    tg.sum([u, v], axis=0).sum().backward()
    assert u.grad.tolist() == [1.0, 1.0]


# --------------------------------------------------------------------------- numpy scalars are weak

@pytest.mark.parametrize("scalar", [np.int64(1), np.int32(2), np.float64(1.5), np.float32(0.5), np.uint8(3)])
def test_numpy_scalars_take_the_tensors_dtype(scalar):
    """float32 tensor (op) numpy scalar stays float32, either side (as a Python scalar would, as PyTorch)."""
    x = tg.tensor([1.0, 2.0])
    for out in (x + scalar, scalar + x, x * scalar, scalar * x, x - scalar, x / scalar, x ** scalar,
                tg.maximum(x, scalar)):
        assert out.dtype == np.float32


def test_float_numpy_scalar_next_to_an_int_tensor_gives_float32():
    i = tg.tensor([1, 2])
    assert (i + np.float64(0.5)).dtype == np.float32 and (np.float64(0.5) * i).dtype == np.float32
    assert (i + np.float64(0.5)).tolist() == [1.5, 2.5]


# --------------------------------------------------------------------------- pickling

def test_pickling_a_loss_over_100000_ops_keeps_its_value_not_its_graph():
    """No RecursionError: the graph is not pickled; the loss loads as a leaf that requires grad (PyTorch)."""
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    loss = y.sum()
    back = pickle.loads(pickle.dumps(loss))
    assert back.item() == 3.0 and back.is_leaf and back.requires_grad and back.grad_fn is None
    loss.backward()                                  # the original graph is untouched
    assert x.grad.tolist() == [1.0, 1.0]


def test_pickling_a_leaf_keeps_data_grad_attributes_and_class():
    w = Parameter(np.array([1.0, 2.0], dtype=np.float32))
    (w * w).sum().backward()
    w.tag = "layer0"
    for back in (pickle.loads(pickle.dumps(w)), copy.deepcopy(w)):
        assert type(back) is Parameter and back.requires_grad and back.dtype == np.float32
        assert back.tolist() == [1.0, 2.0] and back.grad.tolist() == [2.0, 4.0] and back.tag == "layer0"
        assert not np.shares_memory(back.numpy(force=True), w.numpy(force=True))
        back.numpy(force=True)[...] += 1                             # a fresh version counter, its own memory
        assert w.tolist() == [1.0, 2.0]


# --------------------------------------------------------------------------- truth values

def test_any_all_and_the_truth_value_of_a_tensor():
    """bool() of a multi-element tensor names its shape and points to .any()/.all(), which exist."""
    t = tg.tensor([1.0, 0.0])
    assert t.any().item() is True and t.all().item() is False
    assert (t >= 0).all(axis=0).item() is True and t.any(axis=0, keepdims=True).shape == (1,)
    assert bool(tg.tensor([2.0])) and not bool(tg.tensor(0.0))
    with pytest.raises(ValueError, match=r"shape \(2,\) is ambiguous.*\.any\(\) or \.all\(\)"):
        bool(t)
