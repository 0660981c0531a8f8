"""numpy functions on Tensors: they run as tensorgrad ops (graph kept, gradients right), run on the data
when no gradient is lost, or refuse clearly; never a silent detach. And numpy's copy= is honoured."""
import numpy as np
import pytest

import tensorgrad as tg


def _leaf(a, dtype=np.float64):
    return tg.tensor(np.asarray(a, dtype=dtype), requires_grad=True)


def test_where_keeps_the_graph_issue_example():
    """(np.where(c, x, y) * x).sum(): d/dx = where(c, 2x, y), d/dy = where(c, 0, x)."""
    x, y = _leaf([1.0, 2.0, 3.0]), _leaf([4.0, 5.0, 6.0])
    c = np.array([True, False, True])
    out = np.where(c, x, y) * x
    assert isinstance(out, tg.Tensor) and out.grad_fn is not None
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(force=True), [2.0, 5.0, 6.0])
    np.testing.assert_array_equal(y.grad.numpy(force=True), [0.0, 2.0, 0.0])


RNG = np.random.default_rng(0)
A, B, V = RNG.normal(size=(3, 4)), RNG.normal(size=(4, 2)), RNG.normal(size=4) + 2.0

# name -> (function of Tensors, input arrays): every one must give a Tensor whose gradient passes gradcheck
DIFFERENTIABLE = {
    "np.dot 2-d": (lambda a, b: np.dot(a, b), [A, B]),
    "np.dot 1-d": (lambda v: np.dot(v, v), [V]),
    "np.dot 0-d": (lambda v: np.dot(v[0], v), [V]),
    "np.matmul": (lambda a, b: np.matmul(a, b), [A, B]),
    "np.inner": (lambda a: np.inner(a, a), [A]),
    "np.outer": (lambda v, a: np.outer(v, a[0]), [V, A]),
    "np.where": (lambda a, b: np.where(np.asarray(a) > 0, a, b), [A, A[::-1].copy()]),
    "np.clip": (lambda a: np.clip(a, -0.5, 0.5), [A]),
    "np.clip tensor bounds": (lambda a, v: np.clip(a, v - 2.5, v - 1.5), [A, V]),
    "np.concatenate": (lambda a, b: np.concatenate([a, b.T], axis=0), [A, B]),
    "np.concatenate axis=None": (lambda a, b: np.concatenate([a, b], axis=None), [A, B]),
    "np.stack": (lambda a: np.stack([a, 2 * a], axis=1), [A]),
    "np.vstack": (lambda v, a: np.vstack([v, a]), [V, A]),
    "np.hstack": (lambda a, b: np.hstack([a[:, :2], b[:3]]), [A, B]),
    "np.reshape": (lambda a: np.reshape(a, (2, 6)), [A]),
    "np.ravel": (lambda a: np.ravel(a), [A]),
    "np.transpose": (lambda a: np.transpose(a), [A]),
    "np.transpose axes": (lambda a: np.transpose(a[None], (2, 0, 1)), [A]),
    "np.swapaxes": (lambda a: np.swapaxes(a, 0, 1), [A]),
    "np.squeeze": (lambda a: np.squeeze(a[None]), [A]),
    "np.expand_dims": (lambda a: np.expand_dims(a, 1), [A]),
    "np.broadcast_to": (lambda v: np.broadcast_to(v, (3, 4)), [V]),
    "np.sum": (lambda a: np.sum(a), [A]),
    "np.sum axis keepdims": (lambda a: np.sum(a, axis=1, keepdims=True), [A]),
    "np.mean axis": (lambda a: np.mean(a, axis=0), [A]),
    "np.max": (lambda a: np.max(a, axis=1), [A]),
    "np.amin": (lambda a: np.amin(a, axis=0, keepdims=True), [A]),
    "np.var": (lambda a: np.var(a, axis=1), [A]),
    "np.std ddof": (lambda a: np.std(a, ddof=1), [A]),
    "np.add.reduce": (lambda a: np.add.reduce(a, axis=1), [A]),
    "np.maximum.reduce": (lambda a: np.maximum.reduce(a), [A]),
    "np.exp": (lambda a: np.exp(a), [A]),
    "np.log": (lambda v: np.log(v), [V]),
    "np.sqrt": (lambda v: np.sqrt(v), [V]),
    "np.tanh": (lambda a: np.tanh(a), [A]),
    "np.abs": (lambda a: np.abs(a), [A]),
    "np.square": (lambda a: np.square(a), [A]),
    "np.reciprocal": (lambda v: np.reciprocal(v), [V]),
    "np.power": (lambda v: np.power(v, v), [V]),
    "np.maximum": (lambda a, b: np.maximum(a, b), [A, A[::-1].copy()]),
    "np.minimum": (lambda a, b: np.minimum(a, b), [A, A[::-1].copy()]),
    "ndarray + tensor": (lambda a: A.T @ a, [A]),
    "np.linalg.norm": (lambda a: np.linalg.norm(a), [A]),
    "np.linalg.norm axis": (lambda a: np.linalg.norm(a, axis=1), [A]),
    "np.linalg.norm ord=1": (lambda v: np.linalg.norm(v, ord=1), [V]),
    "np.linalg.norm ord=inf": (lambda v: np.linalg.norm(v, ord=np.inf), [V]),
    "np.linalg.norm ord=3": (lambda v: np.linalg.norm(v, ord=3), [V]),
    "np.linalg.norm fro": (lambda a: np.linalg.norm(a, "fro"), [A]),
    "np.linalg.norm matrix 1": (lambda a: np.linalg.norm(a, 1), [A]),
    "np.linalg.norm matrix inf keepdims": (lambda a: np.linalg.norm(a, np.inf, axis=(0, 1), keepdims=True), [A]),
}


@pytest.mark.parametrize("name", sorted(DIFFERENTIABLE))
def test_numpy_function_runs_as_a_tensorgrad_op(name):
    """The result is a Tensor with a graph, its value is numpy's, and its gradient = finite differences."""
    fn, arrays = DIFFERENTIABLE[name]
    leaves = [_leaf(a) for a in arrays]
    out = fn(*leaves)
    assert isinstance(out, tg.Tensor) and out.requires_grad, f"{name} lost the graph: {type(out)}"
    expected = fn(*[a.copy() for a in arrays])
    np.testing.assert_allclose(out.numpy(force=True), np.asarray(expected), rtol=1e-12)
    assert tg.gradcheck(fn, leaves)


def test_norm_of_the_zero_vector_has_gradient_zero():
    """PyTorch's subgradient at 0 (the closed form x / |x| would be 0 / 0)."""
    for order in (None, 2, 3):
        z = _leaf(np.zeros(3))
        value = np.linalg.norm(z, ord=order)
        value.backward()
        assert value.item() == 0.0
        np.testing.assert_array_equal(z.grad.numpy(force=True), 0.0)
    x = _leaf([3.0, 4.0])
    np.linalg.norm(x).backward()
    np.testing.assert_allclose(x.grad.numpy(force=True), [0.6, 0.8])    # x / |x|


@pytest.mark.parametrize("reduce", [np.sum, np.mean, np.max, np.min, np.amax, np.amin])
def test_reductions_accept_numpys_arguments(reduce):
    """np.sum(t) used to fail inside numpy ("unexpected keyword 'out'"); axis, keepdims, dtype work."""
    t = tg.tensor([[1.0, 2.0], [3.0, 5.0]])
    np.testing.assert_allclose(reduce(t).numpy(force=True), reduce(t.numpy(force=True)))
    np.testing.assert_allclose(reduce(t, axis=1, keepdims=True).numpy(force=True), reduce(t.numpy(force=True), axis=1, keepdims=True))
    if reduce in (np.sum, np.mean):
        assert reduce(t, axis=0, dtype=np.float64).dtype == np.float64


@pytest.mark.parametrize("call", [
    lambda t: np.arcsinh(t), lambda t: np.cumsum(t), lambda t: np.prod(t), lambda t: np.sort(t),
    lambda t: np.linalg.norm(t, 2), lambda t: np.sum(t, where=t.numpy(force=True) > 0), lambda t: np.copy(t),
    lambda t: np.add(t, 1.0, where=t.numpy(force=True) > 0), lambda t: np.multiply.accumulate(t),
])
def test_numpy_function_without_counterpart_refuses_a_tensor_that_requires_grad(call):
    t = _leaf([[1.0, -2.0], [3.0, 4.0]])
    with pytest.raises(TypeError, match=r"np\.\w+.*requires grad.*detach\(\)\.numpy\(\)"):
        call(t)


def test_numpy_function_without_counterpart_works_on_data_without_grad():
    """No gradient to lose: numpy's result on the data (an array), also under no_grad."""
    t = tg.tensor([0.5, 1.0])
    out = np.arcsinh(t)
    assert type(out) is np.ndarray and np.allclose(out, np.arcsinh([0.5, 1.0]))
    assert np.cumsum(t).tolist() == [0.5, 1.5]
    w = _leaf([0.5, 1.0])
    with tg.no_grad():
        np.testing.assert_allclose(np.arcsinh(w), np.arcsinh([0.5, 1.0]))


def test_functions_whose_results_carry_no_gradient_accept_grad_tensors(tmp_path):
    """Shapes, indices, predicates, comparisons and saving: nothing differentiable is lost."""
    t = _leaf([[1.0, 5.0], [3.0, np.nan]])
    assert np.shape(t) == (2, 2) and np.ndim(t) == 2 and np.size(t) == 4
    assert np.argmax(t[0]) == 1
    np.testing.assert_array_equal(np.isnan(t), [[False, False], [False, True]])
    assert not np.allclose(t, 0.0)
    np.save(tmp_path / "t.npy", t)
    np.testing.assert_array_equal(np.load(tmp_path / "t.npy"), t.numpy(force=True))
    floor = np.floor(t)     # piecewise constant: a Tensor with no graph (gradient 0, as PyTorch)
    assert isinstance(floor, tg.Tensor) and not floor.requires_grad


def test_out_argument_writes_a_tensor_in_place_only_without_grad():
    t = tg.tensor([1.0, 2.0])
    before = t._version
    result = np.multiply(t, 3.0, out=t)
    assert result is t and t.tolist() == [3.0, 6.0] and t._version == before + 1
    w = _leaf([1.0, 2.0])
    with pytest.raises(TypeError, match="np.multiply"):
        np.multiply(w, 3.0, out=w)
    with pytest.raises(TypeError, match="np.sum"):
        np.sum(w, out=np.empty(()))


def test_dot_of_higher_rank_tensors_is_a_clear_error():
    with pytest.raises(ValueError, match=r"np\.dot.*\(2, 3, 4\).*matmul"):
        np.dot(_leaf(np.ones((2, 3, 4))), _leaf(np.ones((2, 4, 5))))


def test_where_with_one_argument_gives_indices():
    (idx,) = np.where(tg.tensor([0.0, 1.0, 2.0]) > 0.5)
    assert idx.tolist() == [1, 2]


# --------------------------------------------------------------------------- numpy's copy= (__array__)

def test_np_array_copies_and_asarray_shares():
    """np.array(t) is a snapshot: a later in-place update of t does not change it; np.asarray may share."""
    t = tg.tensor([1.0, 2.0])
    snapshots = [np.array(t), np.array(t, copy=True), np.array(t, dtype=np.float64)]
    shared = np.asarray(t)
    t.numpy(force=True)[...] += 10
    for snap in snapshots:
        assert snap.tolist() == [1.0, 2.0]
    assert shared.tolist() == [11.0, 12.0]
    assert np.array(t, copy=False) is t.numpy(force=True)


def test_np_array_copy_false_raises_when_a_cast_is_needed():
    t = tg.tensor([1.0, 2.0])          # float32
    with pytest.raises(ValueError, match="copy"):
        np.array(t, dtype=np.float64, copy=False)
    assert np.asarray(t, dtype=np.float64).dtype == np.float64


def test_numpy_functions_that_write_in_place_bump_the_version():
    """np.copyto into a tensor a graph saved: backward then refuses, naming the op (as after +=)."""
    w = _leaf([3.0, 4.0])
    c = tg.tensor([1.0, 2.0], dtype=w.dtype)         # one dtype: mul saves c itself (not a cast copy of it)
    loss = (c * w).sum()
    np.copyto(c, np.array([10.0, 20.0]))
    assert c.tolist() == [10.0, 20.0]
    with pytest.raises(RuntimeError, match=r"mul: input 0 .*modified in place"):
        loss.backward()
    with pytest.raises(TypeError, match="np.copyto"):
        np.copyto(w, np.zeros(2))
    with tg.no_grad():
        np.copyto(w, np.zeros(2))             # an update outside recording, as optimizer.step()
    assert w.tolist() == [0.0, 0.0] and w._version == 1
