"""Tensor construction, dtypes, conversion and the Python protocol."""
import numpy as np
import pytest

import tensorgrad as tg


def test_python_floats_become_float32_and_float64_arrays_stay_float64():
    assert tg.tensor([1.0, 2.0]).dtype == np.float32
    assert tg.tensor(np.zeros(3)).dtype == np.float64
    assert tg.tensor(np.zeros(3, dtype=np.float32)).dtype == np.float32
    assert tg.tensor([1.0], dtype="float64").dtype == np.float64
    assert tg.tensor([1, 2]).dtype == np.int64


def test_integer_and_bool_tensors_cannot_require_grad():
    with pytest.raises(TypeError, match="int64.*Integer and bool tensors are data"):
        tg.tensor([1, 2], requires_grad=True)
    with pytest.raises(TypeError, match="bool"):
        tg.Tensor(np.array([True]), requires_grad=True)


def test_object_and_string_data_are_refused_with_the_dtype_named():
    with pytest.raises(TypeError, match="dtype <U1"):
        tg.tensor(["a"])
    with pytest.raises(TypeError, match="object"):
        tg.tensor(np.array([1, None], dtype=object))


def test_attributes_and_conversions():
    t = tg.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    assert t.shape == (1, 3) and t.ndim == 2 and len(t) == 1 and t.size == 3
    assert t.T.shape == (3, 1)
    assert np.asarray(t) is t.numpy(force=True) and t.detach().numpy() is t.numpy(force=True)
    assert t.sum().item() == 6.0 and float(t.sum()) == 6.0
    d = t.detach()
    assert d.numpy(force=True) is t.numpy(force=True) and not d.requires_grad and d.is_leaf
    with pytest.raises(ValueError, match="shape \\(1, 3\\)"):
        t.item()


def test_repr_looks_like_pytorch():
    assert repr(tg.tensor([1.0, 2.0], requires_grad=True)) == "tensor([1., 2.], requires_grad=True)"
    assert "grad_fn=<MulBackward0>" in repr(tg.tensor([1.0], requires_grad=True) * 2)
    assert "dtype=float64" in repr(tg.tensor(np.ones(1)))


def test_numpy_interop_both_ways_gives_tensors_with_gradients():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    a = np.array([3.0, 4.0], dtype=np.float32)
    for y in (a + x, x + a, a * x, np.exp(x), np.maximum(x, a), a @ x):
        assert isinstance(y, tg.Tensor)
    (a * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(force=True), a)


def test_python_scalars_keep_the_tensor_dtype():
    x = tg.tensor([1.0, 2.0])
    assert (x * 2.5).dtype == np.float32 and (2.5 - x).dtype == np.float32 and (x ** 2).dtype == np.float32


def test_comparisons_are_boolean_data_without_graph():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    m = x > 1.5
    assert m.dtype == bool and not m.requires_grad
    np.testing.assert_array_equal(m.numpy(force=True), [False, True, True])
    np.testing.assert_array_equal((x == 2.0).numpy(force=True), [False, True, False])
    assert {x: 1}[x] == 1  # still hashable by identity


def test_indexing_iterates_and_slices():
    x = tg.tensor(np.arange(6.0).reshape(2, 3))
    rows = list(x)
    assert len(rows) == 2 and rows[1].shape == (3,)
    np.testing.assert_array_equal(x[:, 1].numpy(force=True), [1.0, 4.0])
    np.testing.assert_array_equal(x[[1, 0], [2, 0]].numpy(force=True), [5.0, 0.0])


def test_in_place_update_under_no_grad_bumps_version_and_keeps_the_array():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    array = w.numpy(force=True)
    with tg.no_grad():
        w -= 0.5
    assert w.numpy(force=True) is array and w._version == 1
    np.testing.assert_allclose(w.numpy(force=True), [0.5, 1.5])


def test_in_place_update_of_a_leaf_that_requires_grad_is_refused_while_recording():
    w = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad"):
        w += 1.0


def test_astype_is_differentiable_between_float_types():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x.astype("float64")
    assert y.dtype == np.float64
    (y * y).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.numpy(force=True), [2.0, 4.0])


def test_a_python_float_with_an_integer_tensor_gives_float32_as_pytorch():
    t = tg.tensor([1, 2])
    for result in (t * 1.5, 1.5 * t, t / 2.0, t + 0.5, 2.0 - t):
        assert result.dtype == np.float32
    np.testing.assert_allclose((t * 1.5).numpy(force=True), [1.5, 3.0])
    assert (t * 2).dtype == np.int64          # integers with integers stay integers
