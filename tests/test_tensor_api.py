"""PyTorch's tensor API on tensorgrad: factories, dtypes, devices, methods, in-place methods, out=,
and the autograd surface (grad_fn printing, next_functions)."""
import numpy as np
import pytest

import tensorgrad as tg


# ------------------------------------------------------------------ creation
def test_factories_take_sizes_both_ways_and_default_to_float32():
    for make in (tg.zeros, tg.ones, tg.empty, tg.rand, tg.randn):
        assert make(2, 3).shape == (2, 3) == make((2, 3)).shape == make([2, 3]).shape
        assert make(2).dtype == tg.float32 and make(2, dtype=tg.float64).dtype == np.float64
    assert tg.zeros(2, 3).numpy(force=True).sum() == 0 and tg.ones(4).numpy(force=True).sum() == 4
    assert tg.zeros(()).shape == () and tg.zeros(0, 3).shape == (0, 3)
    assert tg.ones(2, requires_grad=True).requires_grad
    with pytest.raises(TypeError, match="Only floating"):
        tg.zeros(2, dtype=tg.long, requires_grad=True)
    with pytest.raises(ValueError, match="non-negative"):
        tg.zeros(-1)
    with pytest.raises(TypeError, match="integers"):
        tg.zeros(2.5)


def test_full_eye_arange_linspace_logspace_match_numpy_and_pytorch_dtypes():
    assert tg.full((2,), 3).dtype == np.int64 and tg.full((2,), 3.0).dtype == np.float32
    assert tg.full((2,), True).dtype == np.bool_ and tg.full([2, 2], 1.5, dtype=tg.float64).tolist() == [[1.5] * 2] * 2
    np.testing.assert_array_equal(tg.eye(3).numpy(force=True), np.eye(3))
    assert tg.eye(2, 3).shape == (2, 3)
    assert tg.arange(5).tolist() == [0, 1, 2, 3, 4] and tg.arange(5).dtype == np.int64
    assert tg.arange(1, 7, 2).tolist() == [1, 3, 5] and tg.arange(5, 0, -2).tolist() == [5, 3, 1]
    assert tg.arange(0, 1, 0.25).dtype == np.float32 and tg.arange(0, 1, 0.25).tolist() == [0, 0.25, 0.5, 0.75]
    assert len(tg.arange(0, 1, 0.1)) == 10
    np.testing.assert_allclose(tg.linspace(-1, 1, 5).numpy(force=True), np.linspace(-1, 1, 5))
    np.testing.assert_allclose(tg.logspace(0, 3, 4).numpy(force=True), [1, 10, 100, 1000], rtol=1e-6)
    np.testing.assert_allclose(tg.logspace(0, 3, 4, base=2).numpy(force=True), [1, 2, 4, 8])


def test_random_factories_follow_manual_seed_and_generators():
    tg.manual_seed(3)
    a = [tg.rand(4), tg.randn(2, 2), tg.randint(0, 10, (5,)), tg.randperm(6), tg.normal(2.0, 0.5, (3,))]
    tg.manual_seed(3)
    b = [tg.rand(4), tg.randn(2, 2), tg.randint(0, 10, (5,)), tg.randperm(6), tg.normal(2.0, 0.5, (3,))]
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x.numpy(force=True), y.numpy(force=True))
    g1, g2 = tg.Generator().manual_seed(7), tg.Generator().manual_seed(7)
    np.testing.assert_array_equal(tg.randn(5, generator=g1).numpy(force=True), tg.randn(5, generator=g2).numpy(force=True))
    assert g1.initial_seed() == 7
    assert sorted(tg.randperm(10).tolist()) == list(range(10))
    r = tg.randint(3, 5, (1000,))
    assert r.dtype == np.int64 and set(r.tolist()) == {3, 4}
    assert tg.randint(4, (2, 2)).shape == (2, 2)
    u = tg.rand(10000)
    assert 0 <= u.numpy(force=True).min() and u.numpy(force=True).max() < 1 and abs(u.numpy(force=True).mean() - 0.5) < 0.02
    n = tg.randn(20000, dtype=tg.float64)
    assert abs(n.numpy(force=True).mean()) < 0.03 and abs(n.numpy(force=True).std() - 1) < 0.03
    m = tg.normal(tg.tensor([0.0, 100.0]), tg.tensor([1.0, 0.0]))
    assert m.shape == (2,) and m.numpy(force=True)[1] == 100.0
    with pytest.raises(TypeError, match="not floating"):
        tg.rand(2, dtype=tg.int64)


def test_like_factories_keep_shape_and_dtype():
    x = tg.tensor(np.ones((2, 3)))
    for make in (tg.zeros_like, tg.ones_like, tg.empty_like, tg.rand_like, tg.randn_like):
        y = make(x)
        assert y.shape == (2, 3) and y.dtype == np.float64
    assert tg.full_like(x, 7).tolist() == [[7.0] * 3] * 2
    assert tg.zeros_like(x, dtype=tg.int32).dtype == np.int32
    r = tg.randint_like(tg.zeros(100, dtype=tg.int64), 2)
    assert r.dtype == np.int64 and set(r.tolist()) <= {0, 1}


# ------------------------------------------------------------------ dtypes and devices
def test_dtype_aliases_compare_with_tensor_dtypes():
    assert tg.float is tg.float32 and tg.double is tg.float64 and tg.half is tg.float16
    assert tg.long is tg.int64 and tg.int is tg.int32 and tg.short is tg.int16 and tg.uint8 == np.uint8
    t = tg.tensor([1.0, 2.0])
    assert t.dtype == tg.float32 and t.dtype is tg.float32 and isinstance(t.dtype, tg.dtype)
    assert t.double().dtype == tg.float64 and t.half().dtype == tg.float16 and t.long().dtype == tg.int64
    assert t.int().dtype == tg.int32 and t.bool().dtype == tg.bool and t.float() is t
    assert t.type(tg.float64).dtype == np.float64 and t.type() == "tensorgrad.FloatTensor"
    assert t.type("torch.LongTensor").dtype == np.int64
    assert t.to(tg.float64).dtype == np.float64 and t.to("cpu", tg.int64).dtype == np.int64
    assert t.to(tg.zeros(1, dtype=tg.float64)).dtype == np.float64 and t.to(dtype=tg.float16).dtype == np.float16
    assert t.to("cpu") is t and t.to("cpu", copy=True) is not t
    assert tg.is_tensor(t) and not tg.is_tensor(t.numpy(force=True)) and tg.numel(tg.zeros(2, 5)) == 10


def test_float_casts_are_differentiable():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (x.double() * x.double()).sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.tolist() == [2.0, 4.0]
    assert not x.long().requires_grad


def test_default_dtype_can_be_changed_and_restored():
    assert tg.get_default_dtype() == tg.float32
    try:
        tg.set_default_dtype(tg.float64)
        assert tg.zeros(2).dtype == np.float64 and tg.tensor([1.5]).dtype == np.float64 and tg.rand(1).dtype == np.float64
    finally:
        tg.set_default_dtype(tg.float32)
    assert tg.tensor([1.5]).dtype == np.float32
    with pytest.raises(TypeError, match="floating"):
        tg.set_default_dtype(tg.int64)


def test_the_cpu_is_the_only_device():
    t = tg.ones(2)
    assert t.device == tg.device("cpu") == "cpu" and str(t.device) == "cpu" and t.cpu() is t
    assert repr(tg.device("cuda", 0)) == "device(type='cuda', index=0)" and tg.device("cuda:1").index == 1
    assert tg.cuda.is_available() is False and tg.cuda.device_count() == 0
    assert tg.backends.mps.is_available() is False
    device = "cuda" if tg.cuda.is_available() else "cpu"
    assert tg.zeros(2, device=device).device == "cpu" and tg.rand(2, device=tg.device("cpu")).shape == (2,)
    for bad in ("cuda", "cuda:0", tg.device("mps"), 0):
        with pytest.raises(RuntimeError, match="runs on the CPU only"):
            t.to(bad)
    with pytest.raises(RuntimeError, match="CPU only"):
        t.cuda()
    with pytest.raises(RuntimeError, match="CPU only"):
        tg.zeros(2, device="cuda")


def test_numpy_refuses_a_tensor_that_requires_grad():
    x = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"detach\(\).numpy\(\)"):
        x.numpy()
    assert x.detach().numpy() is x.numpy(force=True) and x.numpy(force=True) is x.numpy(force=True)


# ------------------------------------------------------------------ methods
def test_size_dim_numel_item_tolist():
    t = tg.zeros(2, 3, 4)
    assert t.size() == (2, 3, 4) and isinstance(t.size(), tg.Size) and t.size(1) == 3 and t.size(-1) == 4
    assert t.size == 24 and t.dim() == 3 and t.numel() == 24 and t.size().numel() == 24
    with pytest.raises(IndexError, match="out of range"):
        t.size(3)
    assert tg.tensor([[2.5]]).item() == 2.5 and tg.tensor([[1, 2]]).tolist() == [[1, 2]]


def test_arithmetic_methods_match_operators():
    a = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    b = tg.tensor([[0.5, -1.0], [2.0, 1.0]])
    assert a.add(b).tolist() == (a + b).tolist() and a.add(b, alpha=2).tolist() == (a + 2 * b).tolist()
    assert a.sub(b, alpha=3).tolist() == (a - 3 * b).tolist() and a.mul(b).tolist() == (a * b).tolist()
    assert a.div(b).tolist() == (a / b).tolist() and a.neg().tolist() == (-a).tolist()
    assert a.pow(2).tolist() == (a ** 2).tolist() and a.matmul(b).tolist() == (a @ b).tolist()
    assert a.mm(b).tolist() == (a @ b).tolist() and a.t().tolist() == a.numpy(force=True).T.tolist()
    assert tg.tensor([-7, 7]).div(2, rounding_mode="trunc").tolist() == [-3, 3]
    assert tg.div(tg.tensor([-7.0, 7.0]), 2, rounding_mode="floor").tolist() == [-4.0, 3.0]
    assert a.eq(b).dtype == np.bool_ and a.gt(2).tolist() == [[False, False], [True, True]]
    assert a.le(b).tolist() == (a <= b).tolist() and a.ne(a).any().item() is False and a.ge(1).all().item()
    assert a.abs().exp().log().sqrt().shape == (2, 2) and a.clamp(min=2).tolist() == [[2, 2], [3, 4]]
    assert a.clamp(1.5, 3.5).tolist() == [[1.5, 2.0], [3.0, 3.5]]
    np.testing.assert_allclose(a.softmax(dim=1).sum(1).numpy(force=True), [1, 1], rtol=1e-6)
    np.testing.assert_allclose(a.log_softmax(1).exp().sum(dim=1).numpy(force=True), [1, 1], rtol=1e-6)
    assert a.view(4).shape == (4,) and a.view(-1, 1).shape == (4, 1) and a.reshape((1, 4)).shape == (1, 4)
    assert a.all(dim=1).tolist() == [True, True] and (a > 2).any(1, keepdim=True).shape == (2, 1)


def test_clone_contiguous_detach_requires_grad():
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    c = x.clone()
    assert c.numpy(force=True) is not x.numpy(force=True) and c.requires_grad
    (c * 3).sum().backward()
    assert x.grad.tolist() == [[3, 3], [3, 3]]
    t = x.detach().t()
    assert not t.numpy(force=True).flags.c_contiguous and t.contiguous().numpy(force=True).flags.c_contiguous and x.contiguous() is x
    y = tg.zeros(2).requires_grad_()
    assert y.requires_grad and y.is_leaf


# ------------------------------------------------------------------ in place
def test_in_place_methods_change_the_data_and_bump_the_version():
    x = tg.tensor([1.0, 2.0, 3.0])
    v = x._version
    assert x.add_(1) is x and x.tolist() == [2, 3, 4]
    x.sub_(tg.tensor([1.0, 1.0, 1.0]), alpha=2).mul_(3).div_(2)
    assert x.tolist() == [0.0, 1.5, 3.0]
    x.clamp_(max=1.0)
    assert x.tolist() == [0.0, 1.0, 1.0]
    x.fill_(5)
    assert x.tolist() == [5, 5, 5]
    x.copy_(tg.tensor([1.0, 2.0, 3.0]))
    x.masked_fill_(tg.tensor([True, False, False]), 0.0)
    assert x.tolist() == [0, 2, 3] and x.zero_().tolist() == [0, 0, 0] and x._version == v + 9
    with pytest.raises(TypeError, match="cannot be stored"):
        tg.tensor([1, 2]).add_(0.5)


def test_grad_zero_and_parameter_updates_under_no_grad():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    w.grad.zero_()
    assert w.grad.tolist() == [0, 0]
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        w.add_(1)
    with tg.no_grad():
        w.sub_(0.5)
    assert w.tolist() == [0.5, 1.5]


def test_in_place_on_a_non_leaf_is_differentiated_through():
    x = tg.tensor([1.0, 2.0, 3.0], dtype="float64", requires_grad=True)

    def f(t):
        h = t * 2
        h.mul_(t)                 # h = 2 t²
        h.add_(t, alpha=3)        # h = 2 t² + 3 t
        return h
    y = f(x)
    assert y.grad_fn is not None and y.tolist() == [5.0, 14.0, 27.0]
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(force=True), 4 * x.numpy(force=True) + 3)
    assert tg.gradcheck(f, [x])


def test_in_place_that_destroys_a_saved_value_is_caught_at_backward():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 1.0
    y = h.exp()                  # saves its output...
    y.mul_(2)                    # ...which changes here
    with pytest.raises(RuntimeError, match="modified in place"):
        (y * h).sum().backward()


def test_in_place_on_a_view_while_recording_is_refused():
    x = tg.tensor([[1.0, 2.0]], requires_grad=True) * 1
    with pytest.raises(RuntimeError, match="view of another tensor"):
        x.reshape(2).add_(1)


# ------------------------------------------------------------------ out=
def test_out_writes_into_the_given_tensor():
    a, b = tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0])
    c = tg.zeros(2)
    assert tg.add(a, b, out=c) is c and c.tolist() == [4, 6]
    tg.mul(a, b, out=c)
    assert c.tolist() == [3, 8]
    m = tg.zeros(2, 2)
    tg.matmul(a.reshape(2, 1), b.reshape(1, 2), out=m)
    assert m.tolist() == [[3, 4], [6, 8]]
    s = tg.zeros(())
    tg.sum(m, out=s)
    assert s.item() == 21
    r = tg.zeros(0)
    tg.cat([a, b], out=r)             # resized, as PyTorch
    assert r.tolist() == [1, 2, 3, 4]
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="out=.*automatic differentiation"):
        tg.exp(w, out=tg.zeros(2))
    with tg.no_grad():
        tg.exp(w, out=c)
    np.testing.assert_allclose(c.numpy(force=True), np.exp([1.0, 2.0]), rtol=1e-6)


# ------------------------------------------------------------------ autograd surface
def test_printing_as_pytorch():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    y = x * 2
    assert repr(y) == "tensor([2., 4.], grad_fn=<MulBackward0>)"
    assert repr(y.grad_fn).startswith("<MulBackward0 object at 0x")
    assert "grad_fn=<SumBackward0>" in repr(y.sum()) and "grad_fn=<AddBackward0>" in repr(y + x)
    assert y.grad_fn.name == "mul"          # the short label of errors and graph pictures stays


def test_next_functions_walk_to_the_leaves():
    a = tg.tensor([1.0], requires_grad=True)
    b = tg.tensor([2.0])
    z = (a * b + a).sum()
    add_node = z.grad_fn.next_functions[0][0]
    mul_edge, leaf_edge = add_node.next_functions
    assert mul_edge[0] is not None and repr(mul_edge[0]).startswith("<MulBackward0")
    assert repr(leaf_edge[0]).startswith("<AccumulateGrad object") and leaf_edge[0].variable is a
    assert mul_edge[0].next_functions[1] == (None, 0)        # b needs no gradient
    assert mul_edge[0].next_functions[0][0] == leaf_edge[0]


def test_grad_modes_exist_with_pytorchs_names():
    x = tg.tensor([1.0], requires_grad=True)
    with tg.inference_mode():
        assert not (x * 2).requires_grad
    with tg.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad
    (g,) = tg.autograd.grad((x * x).sum(), x)
    assert g.tolist() == [2.0]


def test_functions_take_pytorchs_dim_keyword():
    x = tg.tensor([[1.0, 2.0], [3.0, 5.0]])
    np.testing.assert_allclose(tg.softmax(x, dim=1).sum(dim=1).numpy(force=True), [1, 1], rtol=1e-6)
    np.testing.assert_allclose(tg.log_softmax(x, dim=0).exp().sum(0).numpy(force=True), [1, 1], rtol=1e-6)
    assert tg.argmax(x, dim=1).tolist() == [1, 1] and tg.flatten(x).shape == (4,)
    assert tg.unsqueeze(x, 0).shape == (1, 2, 2) and tg.squeeze(tg.zeros(1, 2)).shape == (2,)
    assert tg.cat([x, x], dim=0).shape == (4, 2) and tg.sum(x, dim=0).tolist() == [4, 7]


def test_pytorchs_polynomial_fitting_tutorial_runs_with_torch_replaced_by_tg():
    """PyTorch's "Learning PyTorch with examples" tensors+autograd program, only `torch` -> `tg`;
    PyTorch reaches a loss near 9 after 2000 steps from such starting weights."""
    import math
    tg.manual_seed(0)
    dtype = tg.float
    device = tg.device("cpu")
    x = tg.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = tg.sin(x)
    a = tg.randn((), device=device, dtype=dtype, requires_grad=True)
    b = tg.randn((), device=device, dtype=dtype, requires_grad=True)
    c = tg.randn((), device=device, dtype=dtype, requires_grad=True)
    d = tg.randn((), device=device, dtype=dtype, requires_grad=True)
    learning_rate = 1e-6
    for t in range(2000):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with tg.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    assert loss.item() < 50
    assert abs(b.item() - 0.85) < 0.1 and abs(d.item() + 0.09) < 0.02     # sin x ≈ 0.85 x - 0.09 x³ on [-π, π]


def test_setitem_writes_in_place_and_is_differentiated_through():
    t = tg.ones(4, 4)
    t[:, 1] = 0
    assert t.numpy(force=True)[:, 1].tolist() == [0, 0, 0, 0] and t.numpy(force=True).sum() == 12
    w = tg.tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    buf = tg.zeros(3, dtype=tg.float64)
    buf[1:] = w * 2
    (buf * tg.tensor([1.0, 10.0, 100.0], dtype="float64")).sum().backward()
    assert buf.tolist() == [0, 2, 4] and w.grad.tolist() == [20.0, 200.0]

    def overwrite_first(x):
        h = x * 3
        h[0] = x[1] * x[1]
        return h
    x = tg.tensor([0.5, -1.5, 2.0], dtype="float64", requires_grad=True)
    assert tg.gradcheck(overwrite_first, [x])
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        x[0] = 1.0
    with pytest.raises(ValueError, match="shape \\(3,\\).*shape \\(4, 4\\)"):
        t[0] = tg.zeros(3)


def test_numpy_ufuncs_with_a_tensorgrad_op_keep_the_graph():
    x = tg.tensor([0.3, 0.6], dtype="float64", requires_grad=True)
    y = np.sin(x) + np.log1p(x) + np.arctan(x) + np.remainder(x, 0.5)
    assert isinstance(y, tg.Tensor) and y.grad_fn is not None
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(force=True), np.cos(x.numpy(force=True)) + 1 / (1 + x.numpy(force=True)) + 1 / (1 + x.numpy(force=True) ** 2) + 1)
