"""The tape: backward without recursion, freeing, accumulation, no_grad, grad(), errors, stability."""
import threading

import numpy as np
import pytest

import tensorgrad as tg


def test_chain_of_100k_ops_backprops_without_recursion():
    x = tg.tensor(1.0, dtype="float64", requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0000001
    y.backward()
    np.testing.assert_allclose(x.grad.item(), 1.0000001 ** 100_000, rtol=1e-9)


def test_wide_graph_of_a_million_nodes():
    x = tg.tensor(np.ones(3), requires_grad=True)
    parts = [x * float(i) for i in range(250_000)]      # 250k mul nodes
    total = parts[0]
    for p in parts[1:]:                                 # + 250k add nodes
        total = total + p
    total.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(force=True), np.full(3, sum(range(250_000))))


def test_graph_is_freed_and_a_second_backward_says_retain_graph():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward_and_gradients_accumulate():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(force=True), 2 * 2 * x.numpy(force=True))


def test_gradients_accumulate_across_separate_graphs_until_cleared():
    x = tg.tensor([3.0], requires_grad=True)
    (x * 2).sum().backward()
    (x * 5).sum().backward()
    assert x.grad.item() == 7.0
    x.grad = None
    (x * 5).sum().backward()
    assert x.grad.item() == 5.0


def test_reused_value_sums_gradients_from_every_use():
    x = tg.tensor([2.0], requires_grad=True)
    y = x * x + x * 3 + x.exp()
    y.backward()
    np.testing.assert_allclose(x.grad.item(), 2 * 2 + 3 + np.exp(2.0), rtol=1e-6)


def test_backward_on_a_non_scalar_needs_a_gradient():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"shape \(2,\).*\.sum\(\)"):
        (x * 2).backward()
    (x * 2).backward(np.array([1.0, 10.0]))
    np.testing.assert_allclose(x.grad.numpy(force=True), [2.0, 20.0])


def test_backward_on_a_tensor_without_graph_is_a_clear_error():
    with pytest.raises(RuntimeError, match="does not require grad"):
        tg.tensor([1.0]).sum().backward()


def test_no_grad_records_nothing_and_works_as_decorator():
    x = tg.tensor([1.0], requires_grad=True)
    with tg.no_grad():
        y = x * 2
    assert not y.requires_grad and y.is_leaf

    @tg.no_grad()
    def f(t):
        return t * 2

    assert not f(x).requires_grad
    assert (x * 2).requires_grad
    with tg.no_grad():
        with tg.enable_grad():
            assert (x * 2).requires_grad


def test_grad_mode_is_per_thread():
    x = tg.tensor([1.0], requires_grad=True)
    seen = {}
    inside = threading.Event()
    release = threading.Event()

    def worker():
        with tg.no_grad():
            inside.set()
            release.wait(5)
            seen["worker"] = (x * 2).requires_grad

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(5)
    seen["main"] = (x * 2).requires_grad
    release.set()
    t.join()
    assert seen == {"main": True, "worker": False}


def test_functional_grad_leaves_dot_grad_untouched():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    w = tg.tensor([3.0, 4.0], requires_grad=True)
    y = (x * w).sum()
    gx, gw = tg.grad(y, [x, w])
    np.testing.assert_allclose(gx.numpy(force=True), w.numpy(force=True))
    np.testing.assert_allclose(gw.numpy(force=True), x.numpy(force=True))
    assert x.grad is None and w.grad is None


def test_grad_of_an_intermediate_tensor():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    y = (h * h).sum()
    (gh,) = tg.grad(y, h)
    np.testing.assert_allclose(gh.numpy(force=True), 2 * h.numpy(force=True))


def test_grad_of_unused_input_needs_allow_unused():
    x = tg.tensor([1.0], requires_grad=True)
    z = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        tg.grad((x * 2).sum(), [x, z])
    gx, gz = tg.grad((x * 2).sum(), [x, z], allow_unused=True)
    assert gz is None and gx.item() == 2.0


def test_retain_grad_keeps_an_intermediate_gradient():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = (x * 3).retain_grad()
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad.numpy(force=True), 2 * h.numpy(force=True))


def test_a_vjp_returning_the_wrong_shape_names_the_op_and_both_shapes():
    class Broken(tg.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return tg.tensor(np.ones(5))

    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"broken.*\(5,\).*\(2,\)"):
        Broken.apply(x).sum().backward()


@pytest.mark.parametrize("expr, message", [
    (lambda: tg.tensor(np.ones((2, 3))) + tg.tensor(np.ones(4)), r"add: shapes \(2, 3\) and \(4,\)"),
    (lambda: tg.tensor(np.ones((2, 3))) @ tg.tensor(np.ones((2, 3))), r"matmul: shapes \(2, 3\) and \(2, 3\)"),
    (lambda: tg.tensor(np.ones(6)).reshape(4, 2), r"reshape.*\(6,\).*\(4, 2\)"),
    (lambda: tg.tensor(np.ones((2, 3))).sum(axis=2), "axis 2 is out of range"),
    (lambda: tg.concatenate([tg.tensor(np.ones((2, 3))), tg.tensor(np.ones((2, 2)))]), r"concatenate.*\(2, 3\), \(2, 2\)"),
])
def test_shape_errors_name_the_op_and_shapes(expr, message):
    with pytest.raises(ValueError, match=message):
        expr()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_stable_at_plus_minus_1000(dtype):
    z = tg.tensor([-1000.0, 0.0, 1000.0], dtype=dtype, requires_grad=True)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        for fn in (tg.sigmoid, tg.softplus, tg.tanh, lambda t: tg.softmax(t), lambda t: tg.log_softmax(t)):
            z.grad = None
            out = fn(z)
            out.sum().backward()
            assert np.all(np.isfinite(out.numpy(force=True))) and np.all(np.isfinite(z.grad.numpy(force=True)))
    np.testing.assert_allclose(tg.sigmoid(z).numpy(force=True), [0.0, 0.5, 1.0])
    np.testing.assert_allclose(tg.softplus(z).numpy(force=True), [0.0, np.log(2), 1000.0], rtol=1e-6)
    np.testing.assert_allclose(tg.log_softmax(z).numpy(force=True), [-2000.0, -1000.0, 0.0], rtol=1e-6)


def test_float32_stays_float32_through_forward_and_backward():
    w = tg.tensor(np.ones((3, 2), dtype=np.float32), requires_grad=True)
    x = tg.tensor(np.ones((4, 3), dtype=np.float32))
    loss = (x @ w).sigmoid().log_softmax(axis=1).mean() * 2.0 + 1
    loss.backward()
    assert loss.dtype == np.float32 and w.grad.dtype == np.float32


def test_toposort_orders_consumers_first_and_is_iterative():
    x = tg.tensor([1.0], requires_grad=True)
    a = x * 2
    b = a + x
    c = b * a
    order = tg.toposort([c._node])
    names = [n.name for n in order]
    assert names == ["mul", "add", "mul"]
    assert order.index(a._node) > order.index(b._node)


def test_transpose_with_negative_axes_backprops():
    x = tg.tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    assert tg.gradcheck(lambda t: t.transpose(0, -1, -2), [x])


def test_each_leaf_gets_its_own_writeable_gradient():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()           # both grads come from one broadcast view
    assert a.grad is not b.grad and a.grad.numpy(force=True) is not b.grad.numpy(force=True)
    a.grad.numpy(force=True)[...] *= 0.5                 # gradient scaling in place, as users clip gradients
    np.testing.assert_array_equal(a.grad.numpy(force=True), [0.5, 0.5])
    np.testing.assert_array_equal(b.grad.numpy(force=True), [1.0, 1.0])


class _Square(tg.Function):
    """y = x²; records the types its backward was handed, to check the two backward modes."""
    seen: list = []

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        _Square.seen.append((type(g), type(x), ctx.F))
        return 2 * g * x


def test_plain_backward_hands_backward_arrays_and_create_graph_hands_it_tensors():
    from tensorgrad.functions import ARRAY_FUNCTIONS, TENSOR_FUNCTIONS
    x = tg.tensor([3.0], requires_grad=True)
    _Square.seen = []
    _Square.apply(x).sum().backward()
    assert _Square.seen == [(np.ndarray, np.ndarray, ARRAY_FUNCTIONS)]
    np.testing.assert_allclose(x.grad.numpy(force=True), [6.0])     # d(x²)/dx = 2x
    assert type(x.grad) is tg.Tensor

    _Square.seen = []
    (gx,) = tg.grad(_Square.apply(x).sum(), x, create_graph=True)
    assert _Square.seen == [(tg.Tensor, tg.Tensor, TENSOR_FUNCTIONS)]
    (gxx,) = tg.grad(gx.sum(), x)                       # the recorded backward is differentiable: d(2x)/dx = 2
    np.testing.assert_allclose(gxx.numpy(force=True), [2.0])


def test_a_backward_may_return_either_form_in_either_mode():
    class Doubler(tg.Function):
        @staticmethod
        def forward(ctx, x):
            return 2 * x

        @staticmethod
        def backward(ctx, g):
            if ctx.create_graph:                  # recorded: hand back a plain array (a constant)
                return np.full(g.shape, 2.0, dtype=g.dtype)
            return tg.tensor(2 * g)               # plain: hand back a Tensor

    x = tg.tensor([1.0, 2.0], requires_grad=True)
    Doubler.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(force=True), [2.0, 2.0])
    assert isinstance(x.grad.numpy(force=True), np.ndarray)
    (gx,) = tg.grad(Doubler.apply(x).sum(), x, create_graph=True)
    assert isinstance(gx, tg.Tensor) and not gx.requires_grad   # an array gradient is a constant
    np.testing.assert_allclose(gx.numpy(force=True), [2.0, 2.0])


def test_walk_visits_every_node_once_in_reverse_creation_order():
    x = tg.tensor([1.0], requires_grad=True)
    a = x * 2
    b = a.exp()
    c = a + b                            # a diamond: a feeds b and c
    d = c * b
    order = tg.toposort([d._node])
    assert order == [d._node, c._node, b._node, a._node]
    assert len(set(map(id, order))) == len(order)
    assert [n.seq for n in order] == sorted((n.seq for n in order), reverse=True)


def test_the_two_function_namespaces_compute_the_same():
    from tensorgrad.functions import ARRAY_FUNCTIONS as arrays, TENSOR_FUNCTIONS as tensors
    x = np.array([-1.0, 0.5, 2.0])
    for name in ("sigmoid", "exp", "log", "where", "maximum", "broadcast_to", "add_at"):
        assert callable(getattr(tensors, name)) and callable(getattr(arrays, name))
    np.testing.assert_allclose(tensors.sigmoid(tg.tensor(x)).numpy(force=True), arrays.sigmoid(x))
    np.testing.assert_allclose(tensors.broadcast_to(tg.tensor(x[:1]), (3,)).numpy(force=True), arrays.broadcast_to(x[:1], (3,)))
    np.testing.assert_allclose(tensors.add_at(tg.tensor(x), (5,), [0, 0, 3]).numpy(force=True),
                               arrays.add_at(x, (5,), [0, 0, 3]))
    with pytest.raises(AttributeError, match="tensorgrad has no op of that name"):
        tensors.no_such_function


def test_a_changed_input_is_reported_before_its_vjp_runs_even_in_anomaly_mode():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([1.0, 2.0], requires_grad=True)
    y = a / b
    with tg.no_grad():
        b *= 0.0                               # in place: the VJP would now divide by zero
    with tg.detect_anomaly(), pytest.raises(RuntimeError, match="div: input 1 .* modified in place"):
        y.sum().backward()


def test_a_zero_d_leaf_keeps_an_array_gradient_across_accumulation():
    x = tg.tensor(3.0, requires_grad=True)
    (x * x).backward()
    (x * 2).backward()
    assert type(x.grad.numpy(force=True)) is np.ndarray and x.grad.numpy(force=True).shape == ()
    np.testing.assert_allclose(x.grad.numpy(force=True), 8.0)        # 2x + 2


def test_a_leaf_gradient_never_shares_the_callers_seed_array():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    seed = np.ones(2, dtype=np.float32)
    (x + 0).backward(seed)
    x.grad.numpy(force=True)[...] *= 3
    np.testing.assert_array_equal(seed, [1.0, 1.0])


def test_a_vjp_returning_too_few_gradients_names_the_op():
    class Short(tg.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, g):
            return (g,)                  # one gradient for two inputs: a bug in the op

    x, y = tg.tensor([1.0], requires_grad=True), tg.tensor([2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="short: its backward returned 1 gradients for 2 inputs"):
        Short.apply(x, y).sum().backward()


def test_a_vjp_failing_on_a_changed_input_reports_the_change():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([1.0, 2.0], requires_grad=True)
    y = a / b
    with tg.no_grad():
        b *= 0.0
    with np.errstate(divide="raise"), pytest.raises(RuntimeError, match="div: input 1 .* modified in place"):
        y.sum().backward()
