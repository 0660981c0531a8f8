"""PyTorch's semantics of the names PyTorch code uses (issue 16's last items), checked against closed forms and
numpy without torch: x.data, new_* factories, repeat_interleave, scatter_add/index_add/index_fill, integer
promotion, mean of integers, view of non-contiguous tensors, printing, grad_fn.name(), the tensorgrad.nn alias."""
from __future__ import annotations

import numpy as np
import pytest

import nn
import tensorgrad as tg


# ------------------------------------------------------------------ x.data
def test_data_is_a_tensor_sharing_memory_outside_the_graph():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    d = w.data
    assert isinstance(d, tg.Tensor) and not d.requires_grad and d.is_leaf
    np.testing.assert_array_equal(w.data.numpy(), [1.0, 2.0])
    (w * w).sum().backward()
    w.data -= 0.1 * w.grad                         # the old tutorials' update: in place, not recorded
    np.testing.assert_allclose(w.detach().numpy(), [0.8, 1.6], rtol=1e-6)
    assert w.requires_grad and w.is_leaf and w.grad_fn is None
    w.grad.data.zero_()
    np.testing.assert_array_equal(w.grad.numpy(), 0.0)
    w.data.mul_(2)
    np.testing.assert_allclose(w.detach().numpy(), [1.6, 3.2], rtol=1e-6)


def test_assigning_data_replaces_the_values():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    w.data = tg.tensor([5.0, 6.0])
    np.testing.assert_array_equal(w.detach().numpy(), [5.0, 6.0])
    assert w.requires_grad
    (w * 3).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [3.0, 3.0])


def test_data_changes_are_not_seen_by_version_checks_as_in_pytorch():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    x.data.mul_(0)                                  # .data has its own version counter (PyTorch's documented hazard)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])   # 2x with the changed x
    z = x * x
    x.detach().add_(1)                              # detach() shares the counter: the change is caught
    with pytest.raises(RuntimeError, match="modified in place"):
        z.sum().backward()


def test_a_zero_d_tensor_takes_format_specs():
    assert f"{tg.tensor(0.123456):.3f}" == "0.123" and f"{tg.tensor(7):>4d}" == "   7"


# ------------------------------------------------------------------ new tensors like this one
def test_new_factories_take_the_dtype_of_the_tensor():
    base = tg.ones(2, 3, dtype=tg.float64)
    assert base.new_zeros(4).dtype == tg.float64 and base.new_zeros((2, 2)).shape == (2, 2)
    np.testing.assert_array_equal(base.new_ones(2, 1).numpy(), np.ones((2, 1)))
    np.testing.assert_array_equal(base.new_full((2,), 3).numpy(), [3.0, 3.0])
    assert base.new_empty(3).shape == (3,) and base.new_empty(3).dtype == tg.float64
    ints = tg.ones(2, dtype=tg.int32)
    np.testing.assert_array_equal(ints.new_tensor([1.7, 2]).numpy(), np.array([1, 2], np.int32))
    assert ints.new_tensor([1.5], dtype=tg.float32).dtype == tg.float32
    assert base.new_zeros(2, dtype=tg.int64).dtype == tg.int64
    assert base.new_ones(2, requires_grad=True).requires_grad


# ------------------------------------------------------------------ repeat_interleave, scatter_add, index_add
def test_repeat_interleave_values_and_gradient():
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = tg.repeat_interleave(x, tg.tensor([1, 2]), dim=0)
    np.testing.assert_array_equal(y.detach().numpy(), [[1, 2], [3, 4], [3, 4]])
    (y * tg.tensor([[1.0], [2.0], [3.0]])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1, 1], [5, 5]])     # copies' gradients summed
    np.testing.assert_array_equal(x.detach().repeat_interleave(2).numpy(), [1, 1, 2, 2, 3, 3, 4, 4])
    np.testing.assert_array_equal(tg.repeat_interleave(tg.tensor([1, 3])).numpy(), [0, 1, 1, 1])
    with pytest.raises(ValueError, match="one count per entry"):
        tg.repeat_interleave(x, tg.tensor([1, 2, 3]), dim=0)


def test_scatter_add_is_pytorchs_and_differentiable():
    x = tg.zeros(2, 3, dtype=tg.float64, requires_grad=True)
    src = tg.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=tg.float64, requires_grad=True)
    index = tg.tensor([[0, 0], [2, 1]])
    y = x.scatter_add(1, index, src)
    np.testing.assert_array_equal(y.detach().numpy(), [[3, 0, 0], [0, 4, 3]])
    weights = tg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=tg.float64)
    (y * weights).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), weights.numpy())                  # d/dx = g
    np.testing.assert_array_equal(src.grad.numpy(), [[1, 1], [6, 5]])              # d/dsrc = g gathered at index
    assert tg.gradcheck(lambda a, s: tg.scatter_add(a, 1, index, s), [x, src])


def test_index_add_and_index_fill():
    x = tg.zeros(3, 2, dtype=tg.float64, requires_grad=True)
    source = tg.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=tg.float64, requires_grad=True)
    y = x.index_add(0, tg.tensor([2, 2]), source, alpha=2)
    np.testing.assert_array_equal(y.detach().numpy(), [[0, 0], [0, 0], [8, 12]])
    assert tg.gradcheck(lambda a, s: tg.index_add(a, 0, tg.tensor([0, 2]), s), [x, source])
    filled = tg.ones(2, 3, requires_grad=True).index_fill(1, tg.tensor([0, 2]), -1.0)
    np.testing.assert_array_equal(filled.detach().numpy(), [[-1, 1, -1], [-1, 1, -1]])


# ------------------------------------------------------------------ dtypes as PyTorch promotes them
@pytest.mark.parametrize("make, dtype", [
    (lambda: tg.tensor([5, 7]) / 2, tg.float32),
    (lambda: tg.tensor([4, 2]) / tg.tensor([2, 2]), tg.float32),
    (lambda: tg.tensor([1, 2], dtype=tg.int32) + 1, tg.int32),
    (lambda: tg.tensor([1, 2]) + tg.tensor(1.0), tg.float32),
    (lambda: tg.tensor([1.0, 2.0]) + tg.tensor(1.0, dtype=tg.float64), tg.float32),
    (lambda: tg.tensor([1, 2]) * tg.tensor([1.0, 2.0]), tg.float32),
    (lambda: tg.tensor([1, 2], dtype=tg.int32) + tg.tensor([1, 2]), tg.int64),
    (lambda: tg.tensor([1, 2]) + tg.tensor(1.5, dtype=tg.float64), tg.float64),
    (lambda: tg.exp(tg.tensor([0, 1])), tg.float32),
    (lambda: tg.sigmoid(tg.tensor([0, 1])), tg.float32),
    (lambda: tg.sqrt(tg.tensor([4, 9])), tg.float32),
    (lambda: tg.tensor([1, 2, 4]).clamp(min=2.5), tg.float32),
    (lambda: tg.cat([tg.ones(2), tg.zeros(3, dtype=tg.int64)]), tg.float32),
    (lambda: tg.where(tg.tensor([True, False]), tg.tensor([1, 2]), tg.tensor([3.0, 4.0])), tg.float32),
])
def test_integer_and_float_promotion_follows_pytorch(make, dtype):
    assert make().dtype == dtype


def test_sigmoid_of_integers_is_not_truncated():
    np.testing.assert_allclose(tg.sigmoid(tg.tensor([0, 1])).numpy(), [0.5, 1 / (1 + np.exp(-1))], rtol=1e-6)


def test_mean_of_integers_is_an_error_in_pytorchs_spelling_only():
    with pytest.raises(RuntimeError, match=r"mean\(\).*float\(\)"):
        tg.tensor([1, 2]).mean()
    assert tg.tensor([1, 2]).mean(dtype=tg.float32).item() == 1.5
    assert tg.tensor([1, 2]).mean(axis=0).item() == 1.5                 # numpy's spelling: float64
    assert np.mean(tg.tensor([True, False])).item() == 0.5


def test_default_dtype_reaches_factories_conversions_and_layers():
    tg.set_default_dtype(tg.float64)
    try:
        assert tg.tensor([1.5]).dtype == tg.zeros(2).dtype == tg.randn(2).dtype == tg.float64
        assert (tg.tensor([1, 2]) / 2).dtype == (tg.tensor([1, 2]) * 1.5).dtype == tg.float64
        assert tg.exp(tg.tensor([1])).dtype == nn.Linear(2, 2).weight.dtype == tg.float64
    finally:
        tg.set_default_dtype(tg.float32)
    assert tg.tensor([1.5]).dtype == tg.float32


# ------------------------------------------------------------------ views, clamp, where, stack
def test_view_of_a_non_contiguous_tensor_is_pytorchs_error():
    x = tg.arange(6.0).reshape(2, 3)
    assert not x.t().is_contiguous() and x.is_contiguous()
    with pytest.raises(RuntimeError, match=r"not contiguous.*reshape"):
        x.t().view(6)
    assert x.t().view(3, 1, 2).shape == (3, 1, 2)            # splitting one axis needs no copy: allowed
    np.testing.assert_array_equal(x.t().reshape(6).numpy(), [0, 3, 1, 4, 2, 5])
    np.testing.assert_array_equal(x.t().contiguous().view(6).numpy(), [0, 3, 1, 4, 2, 5])


def test_clamp_with_tensor_bounds_is_differentiable_in_all():
    x = tg.tensor([1.0, 2.0, 4.0], dtype=tg.float64, requires_grad=True)
    lo = tg.tensor([2.0, 1.0, 1.0], dtype=tg.float64, requires_grad=True)
    hi = tg.tensor([3.0, 3.0, 3.0], dtype=tg.float64, requires_grad=True)
    y = x.clamp(lo, hi)
    np.testing.assert_array_equal(y.detach().numpy(), [2.0, 2.0, 3.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0, 1, 0])
    np.testing.assert_array_equal(lo.grad.numpy(), [1, 0, 0])
    np.testing.assert_array_equal(hi.grad.numpy(), [0, 0, 1])


def test_where_with_a_condition_alone_and_stack_with_dim():
    rows, = tg.where(tg.tensor([1.0, -1.0, 2.0]) > 0)
    np.testing.assert_array_equal(rows.numpy(), [0, 2])
    assert tg.stack([tg.ones(2), tg.zeros(2)], dim=1).shape == (2, 2)


def test_small_functions_as_torch():
    x = tg.tensor([-2.5, 0.5, 4.0])
    np.testing.assert_allclose(tg.frac(x).numpy(), [-0.5, 0.5, 0.0])
    np.testing.assert_allclose(tg.square(x).numpy(), [6.25, 0.25, 16.0])
    np.testing.assert_allclose(tg.rsqrt(tg.tensor([4.0])).numpy(), [0.5])
    np.testing.assert_allclose(tg.reciprocal(tg.tensor([4])).numpy(), [0.25])
    np.testing.assert_allclose(tg.lerp(tg.tensor([0.0, 1.0]), tg.tensor([1.0, 3.0]), 0.5).numpy(), [0.5, 2.0])
    np.testing.assert_allclose(tg.addmm(tg.ones(2), tg.ones(2, 3), tg.ones(3, 2), beta=2).numpy(), np.full((2, 2), 5.0))
    assert tg.equal(tg.tensor([1, 2]), tg.tensor([1, 2])) and not tg.equal(tg.tensor([1, 2]), tg.tensor([1, 3]))
    np.testing.assert_array_equal(tg.logical_and(tg.tensor([True, False]), tg.tensor([True, True])).numpy(), [True, False])
    np.testing.assert_array_equal(tg.tensor([0, 1, 0, 2]).nonzero().numpy(), [[1], [3]])
    assert tg.count_nonzero(tg.tensor([0, 1, 0, 2])).item() == 2
    values, counts = tg.unique(tg.tensor([3, 1, 3, 2]), return_counts=True)
    np.testing.assert_array_equal(values.numpy(), [1, 2, 3]) and np.testing.assert_array_equal(counts.numpy(), [1, 1, 2])
    assert tg.tensor([1.0, 5.0, 3.0, 2.0]).median().item() == 2.0          # the lower of the two middles
    m = tg.tensor([[1.0, 5.0, 3.0], [9.0, 0.0, 4.0]]).median(dim=1)
    np.testing.assert_array_equal(m.values.numpy(), [3.0, 4.0]) and np.testing.assert_array_equal(m.indices.numpy(), [2, 2])
    assert tg.ones(2, 3, 4).mT.shape == (2, 4, 3)


@pytest.mark.parametrize("name, fn, derivative", [
    ("asinh", np.arcsinh, lambda x: 1 / np.sqrt(x * x + 1)),
    ("acosh", np.arccosh, lambda x: 1 / np.sqrt(x * x - 1)),
    ("atanh", np.arctanh, lambda x: 1 / (1 - x * x)),
])
def test_inverse_hyperbolic_methods(name, fn, derivative):
    values = np.array([1.5, 2.0, 3.0]) if name == "acosh" else np.array([-0.5, 0.1, 0.7])
    x = tg.tensor(values, requires_grad=True)
    y = getattr(x, name)()
    np.testing.assert_allclose(y.detach().numpy(), fn(values), rtol=1e-12)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), derivative(values), rtol=1e-12)
    assert getattr(tg, name)(tg.tensor([2 if name == "acosh" else 0])).dtype == tg.float32   # integers: float


# ------------------------------------------------------------------ autograd surface, printing
def test_grad_fn_name_and_backward_gradient_keyword():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    assert y.grad_fn.name() == "MulBackward0" and y.sum().grad_fn.name() == "SumBackward0"
    assert y.grad_fn.name == "mul"                     # the short name errors and pictures show
    y.backward(gradient=tg.tensor([1.0, 0.5]))
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 1.0])


@pytest.mark.parametrize("values, text", [
    ([1.5, 2.25], "tensor([1.5000, 2.2500])"),
    ([1.0, 2.0], "tensor([1., 2.])"),
    ([1e-5, 1000.0], "tensor([1.0000e-05, 1.0000e+03])"),
    ([100.5, 2.0], "tensor([100.5000,   2.0000])"),
    ([float("nan"), float("inf"), 1.5], "tensor([   nan,    inf, 1.5000])"),
    ([[1.5, -2.0], [3.25, 4.0]], "tensor([[ 1.5000, -2.0000],\n        [ 3.2500,  4.0000]])"),
])
def test_printing_as_pytorch(values, text):
    assert repr(tg.tensor(values)) == text


def test_printing_zero_d_and_grad_fn():
    assert repr(tg.tensor(2.5, requires_grad=True) ** 2) == "tensor(6.2500, grad_fn=<PowBackward0>)"
    assert repr(tg.tensor([1, 2])) == "tensor([1, 2])"
    assert repr(tg.tensor([True, False])) == "tensor([ True, False])"


# ------------------------------------------------------------------ import tensorgrad as torch
def test_tensorgrad_nn_and_optim_are_the_packages():
    import nn.functional
    import optim
    import tensorgrad.nn.functional as F
    from tensorgrad import nn as tnn

    assert tnn is nn and F is nn.functional and tg.optim is optim and tg.nn.Linear is nn.Linear
    assert nn.functional.__name__ == "nn.functional"


def test_cpu_only_device_functions():
    assert not tg.accelerator.is_available() and tg.accelerator.current_accelerator() is None
    tg.set_default_device("cpu")
    assert tg.get_default_device().type == "cpu"
    with pytest.raises(RuntimeError, match="CPU only"):
        tg.set_default_device("cuda")


def test_dropout2d_drops_whole_channels():
    tg.manual_seed(0)
    layer = nn.Dropout2d(0.5)
    y = layer(tg.ones(4, 8, 3, 3)).numpy()
    per_channel = y.reshape(4, 8, 9)
    assert set(np.unique(per_channel)) <= {0.0, 2.0}
    assert np.all(per_channel.min(-1) == per_channel.max(-1))             # one value per channel
    layer.eval()
    np.testing.assert_array_equal(layer(tg.ones(2, 3, 2, 2)).numpy(), 1.0)


def test_sequential_item_assignment_and_module_attributes_named_like_keras_properties():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    model[2] = nn.Linear(3, 4)
    assert model(tg.ones(5, 2)).shape == (5, 4) and [n for n, _ in model.named_parameters()][-1] == "2.bias"
    del model[1]
    assert len(model) == 2

    class Logistic(nn.Module):
        def __init__(self):
            super().__init__()
            self.weights = nn.Parameter(tg.zeros(3, 2))
            self.bias = nn.Parameter(tg.zeros(2))

        def forward(self, x):
            return x @ self.weights + self.bias

    m = Logistic()
    assert m.weights.shape == (3, 2) and [n for n, _ in m.named_parameters()] == ["weights", "bias"]


# ------------------------------------------------------------------ in-place fills and legacy constructors
def test_random_fills_in_place_have_their_distributions():
    tg.manual_seed(0)
    w = tg.zeros(20000)
    assert w.normal_(0.5, 0.02) is w
    assert abs(w.numpy().mean() - 0.5) < 1e-3 and abs(w.numpy().std() - 0.02) < 1e-3
    w.uniform_(-2, 1)
    assert -2 <= w.numpy().min() and w.numpy().max() < 1 and abs(w.numpy().mean() + 0.5) < 0.03
    k = tg.zeros(1000, dtype=tg.int64).random_(3, 6)
    assert set(np.unique(k.numpy())) == {3, 4, 5}
    assert abs(tg.zeros(20000).bernoulli_(0.3).numpy().mean() - 0.3) < 0.02
    p = tg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad"):
        p.normal_()
    p.data.normal_(0, 0.02)                                  # the tutorials' init, through .data
    assert p.requires_grad and p.is_leaf


def test_inplace_scatter_index_ops_and_detach_():
    one_hot = tg.zeros(10, dtype=tg.float).scatter_(0, tg.tensor(3), value=1)   # the Transforms tutorial
    np.testing.assert_array_equal(one_hot.numpy(), np.eye(10)[3])
    x = tg.zeros(3)
    x.scatter_add_(0, tg.tensor([0, 0, 2]), tg.tensor([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(x.numpy(), [3.0, 0.0, 3.0])
    x.index_add_(0, tg.tensor([1]), tg.tensor([5.0]))
    x.index_fill_(0, tg.tensor([2]), -1.0)
    np.testing.assert_array_equal(x.numpy(), [3.0, 5.0, -1.0])
    y = tg.ones(2, requires_grad=True) * 2
    assert y.detach_() is y and not y.requires_grad and y.grad_fn is None


def test_typed_constructors_and_parameter_vectors():
    assert tg.FloatTensor([1, 2]).dtype == tg.float32 and tg.LongTensor([1.0]).dtype == tg.int64
    assert tg.DoubleTensor(2, 3).shape == (2, 3) and tg.BoolTensor([1, 0]).dtype == tg.bool
    model = nn.Linear(3, 2)
    vector = nn.utils.parameters_to_vector(model.parameters())
    np.testing.assert_array_equal(vector.detach().numpy(), np.concatenate([model.weight.detach().numpy().ravel(),
                                                                           model.bias.detach().numpy()]))
    nn.utils.vector_to_parameters(tg.arange(8.0), model.parameters())
    np.testing.assert_array_equal(model.bias.detach().numpy(), [6.0, 7.0])
    with pytest.raises(ValueError, match="8 values"):
        nn.utils.vector_to_parameters(tg.arange(7.0), model.parameters())


# ------------------------------------------------------------------ autograd.functional
def test_jacobian_and_hessian_equal_closed_forms():
    from tensorgrad.autograd.functional import hessian, hvp, jacobian, jvp, vjp
    x = tg.tensor([0.5, 1.0, -0.3], dtype=tg.float64)
    np.testing.assert_allclose(jacobian(lambda t: t.exp(), x).numpy(), np.diag(np.exp(x.numpy())))
    ja, jb = jacobian(lambda a, b: a * b, (x, x * 2))
    np.testing.assert_allclose(ja.numpy(), np.diag(2 * x.numpy())) and np.testing.assert_allclose(jb.numpy(), np.diag(x.numpy()))
    w = tg.tensor([[1.0, 2.0, 3.0], [0.0, -1.0, 4.0]], dtype=tg.float64)
    np.testing.assert_allclose(tg.autograd.functional.jacobian(lambda t: w @ t, x).numpy(), w.numpy())
    np.testing.assert_allclose(hessian(lambda t: (t ** 3).sum(), x).numpy(), np.diag(6 * x.numpy()))
    v = tg.tensor([1.0, 2.0, 3.0], dtype=tg.float64)
    out, product = vjp(lambda t: t ** 2, x, v)
    np.testing.assert_allclose(product.numpy(), 2 * x.numpy() * v.numpy())
    out, product = jvp(lambda t: w @ t, x, v)
    np.testing.assert_allclose(product.numpy(), w.numpy() @ v.numpy())
    out, product = hvp(lambda t: (t ** 3).sum(), x, v)
    np.testing.assert_allclose(product.numpy(), 6 * x.numpy() * v.numpy())
    assert not x.requires_grad                                    # the inputs are left alone


# ------------------------------------------------------------------ more in-place and small functions
def test_inplace_unary_and_shape_methods():
    x = tg.tensor([1.0, 4.0])
    assert x.sqrt_() is x and x.tolist() == [1.0, 2.0]
    x.exp_().log_()
    np.testing.assert_allclose(x.numpy(), [1.0, 2.0], rtol=1e-6)
    y = tg.zeros(3)
    assert y.unsqueeze_(0).shape == (1, 3) and y.squeeze_().shape == (3,)
    assert tg.ones(2, 3).t_().shape == (3, 2)
    p = tg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="in place"):
        p.exp_()
    with pytest.raises(RuntimeError, match="unsqueeze"):
        p.unsqueeze_(0)


def test_statistics_and_index_helpers_as_torch():
    x = tg.tensor([[1.0, 2.0, 4.0], [3.0, 3.0, 3.0]])
    std, mean = tg.std_mean(x, dim=1)
    np.testing.assert_allclose(std.numpy(), np.std(x.numpy(), axis=1, ddof=1), rtol=1e-6)
    np.testing.assert_allclose(mean.numpy(), x.numpy().mean(1), rtol=1e-6)
    var, _ = tg.var_mean(x)
    np.testing.assert_allclose(var.item(), np.var(x.numpy(), ddof=1), rtol=1e-6)
    np.testing.assert_array_equal(tg.bitwise_xor(tg.tensor([1, 2]), tg.tensor([3, 0])).numpy(), [2, 2])
    with pytest.raises(TypeError, match="integer and bool"):
        tg.bitwise_and(tg.tensor([1.0]), tg.tensor([1.0]))
    np.testing.assert_array_equal(tg.arange(9.0).reshape(3, 3).diagonal().numpy(), [0, 4, 8])
    np.testing.assert_array_equal(tg.arange(9.0).reshape(3, 3).diagonal(1).numpy(), [1, 5])
    np.testing.assert_array_equal(tg.arange(6).reshape(2, 3).narrow(1, 1, 2).numpy(), [[1, 2], [4, 5]])
    np.testing.assert_array_equal(tg.take(tg.arange(6).reshape(2, 3), tg.tensor([0, 5])).numpy(), [0, 5])
    rows, cols = tg.meshgrid(tg.arange(2), tg.arange(3), indexing="ij")
    assert rows.shape == (2, 3) and cols.numpy()[1].tolist() == [0, 1, 2]
    np.testing.assert_array_equal(tg.bincount(tg.tensor([0, 1, 1, 3])).numpy(), [1, 2, 0, 1])
    assert tg.t(tg.ones(2, 3)).shape == (3, 2) and tg.ravel(tg.ones(2, 3)).shape == (6,)
    np.testing.assert_allclose(nn.functional.cosine_similarity(tg.tensor([[1.0, 0.0], [1.0, 1.0]]),
                                                               tg.tensor([[1.0, 0.0], [0.0, 1.0]])).numpy(),
                               [1.0, np.sqrt(0.5)], rtol=1e-6)


def test_what_tensorgrad_does_not_have_says_so():
    with pytest.raises(AttributeError, match="numpy.linalg"):
        tg.linalg.svd
    with pytest.raises(AttributeError, match="no attribute 'nonexistent_name'"):
        tg.nonexistent_name


def test_a_one_element_integer_tensor_is_an_index():
    classes = ["a", "b", "c"]
    assert classes[tg.tensor([0.1, 0.9, 0.0]).argmax(0)] == "b"            # the quickstart's classes[pred.argmax(0)]
    assert np.arange(10)[tg.tensor(3)] == 3 and np.arange(10)[tg.tensor([1, 2])].tolist() == [1, 2]
    with pytest.raises(TypeError, match="single element"):
        classes[tg.tensor(1.0)]


def test_atan2_values_and_gradient():
    y = tg.tensor([1.0, -1.0, 0.5], dtype=tg.float64, requires_grad=True)
    x = tg.tensor([-1.0, -1.0, 2.0], dtype=tg.float64, requires_grad=True)
    np.testing.assert_allclose(tg.atan2(y, x).detach().numpy(), np.arctan2(y.detach().numpy(), x.detach().numpy()))
    tg.atan2(y, x).sum().backward()
    r2 = x.detach().numpy() ** 2 + y.detach().numpy() ** 2
    np.testing.assert_allclose(y.grad.numpy(), x.detach().numpy() / r2)
    np.testing.assert_allclose(x.grad.numpy(), -y.detach().numpy() / r2)
    assert tg.gradcheck(tg.atan2, [y, x])


def test_composed_torch_functions_equal_numpy():
    a, b = np.array([-3.0, 3.0, 5.5]), np.array([2.0, 2.0, -2.0])
    np.testing.assert_allclose(tg.fmod(tg.tensor(a), tg.tensor(b)).numpy(), np.fmod(a, b))
    np.testing.assert_allclose(tg.logaddexp(tg.tensor(a * 300), tg.tensor(b * 300)).numpy(), np.logaddexp(a * 300, b * 300))
    np.testing.assert_allclose(tg.hypot(tg.tensor(a), tg.tensor(b)).numpy(), np.hypot(a, b))
    p = np.array([0.2, 0.5, 0.9])
    np.testing.assert_allclose(tg.logit(tg.tensor(p)).numpy(), np.log(p / (1 - p)))
    np.testing.assert_allclose(tg.xlogy(tg.tensor([0.0, 2.0]), tg.tensor([0.0, 3.0])).numpy(), [0.0, 2 * np.log(3)])
    nan = np.array([1.0, np.nan, 2.0])
    assert tg.nansum(tg.tensor(nan)).item() == 3.0 and tg.nanmean(tg.tensor(nan)).item() == 1.5
    np.testing.assert_array_equal(tg.nan_to_num(tg.tensor([np.nan, np.inf]), posinf=9.0).numpy(), [0.0, 9.0])
    np.testing.assert_array_equal(tg.diff(tg.tensor([1.0, 4.0, 9.0, 16.0]), n=2).numpy(), [2.0, 2.0])
    assert [t.tolist() for t in tg.tensor_split(tg.arange(7), 3)] == [[0, 1, 2], [3, 4], [5, 6]]
    assert [t.tolist() for t in tg.tensor_split(tg.arange(7), [1, 5])] == [[0], [1, 2, 3, 4], [5, 6]]
    lo, hi = tg.aminmax(tg.tensor([3.0, 1.0, 2.0]))
    assert (lo.item(), hi.item()) == (1.0, 3.0)
    np.testing.assert_array_equal(tg.masked_select(tg.arange(6.0).reshape(2, 3), tg.tensor([True, False, True])).numpy(),
                                  [0, 2, 3, 5])
    assert [t.tolist() for t in tg.unbind(tg.arange(4.0).reshape(2, 2), 1)] == [[0.0, 2.0], [1.0, 3.0]]
    np.testing.assert_allclose(tg.addcmul(tg.ones(2), tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0]), value=0.5).numpy(), [2.5, 5])
    np.testing.assert_allclose(tg.addcdiv(tg.ones(2), tg.tensor([1.0, 2.0]), tg.tensor([4.0, 4.0]), value=2).numpy(), [1.5, 2])
    assert tg.clamp_min(tg.tensor([1.0, -1.0]), 0).tolist() == [1.0, 0.0] and tg.tensor([1.0, -1.0]).clamp_max(0).tolist() == [0.0, -1.0]
    assert tg.float_power(tg.tensor([2, 3]), 2).dtype == tg.float64
    assert tg.signbit(tg.tensor([-1.0, 0.0])).tolist() == [True, False] and tg.sgn(tg.tensor([-2.0])).item() == -1
    np.testing.assert_allclose(tg.rad2deg(tg.deg2rad(tg.tensor([90.0]))).numpy(), [90.0], rtol=1e-6)
    assert tg.searchsorted(tg.tensor([1, 3, 5, 7]), tg.tensor([3, 6])).tolist() == [1, 3]
    assert tg.bucketize(tg.tensor([1, 5, 3]), tg.tensor([0, 2, 4])).tolist() == [1, 3, 2]
    assert tg.tril_indices(3, 3).shape == (2, 6) and tg.triu_indices(3, 4, 1).tolist() == [[0, 0, 0, 1, 1, 2], [1, 2, 3, 2, 3, 3]]
    assert tg.isposinf(tg.tensor([np.inf, -np.inf])).tolist() == [True, False]
    assert tg.isneginf(tg.tensor([np.inf, -np.inf])).tolist() == [False, True]
    assert tg.flipud(tg.arange(4.0).reshape(2, 2)).tolist() == [[2.0, 3.0], [0.0, 1.0]]
    assert tg.fliplr(tg.arange(4.0).reshape(2, 2)).tolist() == [[1.0, 0.0], [3.0, 2.0]]
    assert tg.positive(tg.tensor([1.0])).item() == 1.0
    with pytest.raises(RuntimeError, match="matrices"):
        tg.ones(3).mT
