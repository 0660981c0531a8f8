"""tg.Function, the one shape every op is written in: custom ops as PyTorch writes them, saved values
in both backward passes, higher derivatives for free, version checks on what was saved, grad modes."""
import math
import threading

import numpy as np
import pytest

import tensorgrad as tg
from tensorgrad.functions import ARRAY_FUNCTIONS, TENSOR_FUNCTIONS


class LegendrePolynomial3(tg.autograd.Function):
    """PyTorch's custom-Function tutorial (polynomial_custom_function.py), with `torch` replaced by `tg`."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


def test_every_builtin_op_is_a_function():
    from tensorgrad import ops
    from tensorgrad.ops import activations, arith, fused, linear, reduce, select, shape, unary
    classes = [c for m in (activations, arith, fused, linear, reduce, select, shape, unary)
               for c in vars(m).values() if isinstance(c, type) and c.__module__ == m.__name__]
    assert classes and all(issubclass(c, tg.Function) for c in classes)
    assert tg.Function is tg.autograd.Function and ops.mul(tg.tensor(2.0), 3).item() == 6.0


def test_the_legendre_tutorial_function_gives_the_closed_form_gradient_and_higher_orders():
    x = tg.tensor(np.linspace(-1, 1, 7), requires_grad=True)
    P3 = LegendrePolynomial3.apply
    y = P3(x)
    np.testing.assert_allclose(y.data, 0.5 * (5 * x.data ** 3 - 3 * x.data))
    (d1,) = tg.grad(y.sum(), x, create_graph=True)
    np.testing.assert_allclose(d1.data, 1.5 * (5 * x.data ** 2 - 1))          # P3' = (15x² - 3)/2
    (d2,) = tg.grad(d1.sum(), x, create_graph=True)
    np.testing.assert_allclose(d2.data, 15 * x.data)                          # P3'' = 15x
    (d3,) = tg.grad(d2.sum(), x)
    np.testing.assert_allclose(d3.data, np.full(7, 15.0))                     # P3''' = 15
    assert tg.gradcheck(P3, [x])


def test_the_legendre_tutorial_loop_fits_sin():
    """The tutorial's training loop, with `torch` replaced by `tg`: a + b·P3(c + d·x) fitted to sin(x)."""
    dtype = tg.float
    device = tg.device("cpu")
    x = tg.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = tg.sin(x)
    a = tg.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
    b = tg.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
    c = tg.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
    d = tg.full((), 0.3, device=device, dtype=dtype, requires_grad=True)
    learning_rate = 5e-6
    losses = []
    for t in range(2000):
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
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
    assert losses[-1] < 10 < losses[0]       # PyTorch's run ends near 8.9, from about 2.7e4 (float32)


def test_backward_gets_arrays_and_numpy_plainly_and_tensors_and_ops_under_create_graph():
    seen = []

    class Cube(tg.Function):
        """y = x³;  dy/dx = 3x², written with ctx.F so it runs in both passes."""

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            seen.append((type(g), type(x), ctx.F, ctx.create_graph))
            return 3 * g * ctx.F.exp(2 * ctx.F.log(x))       # 3x² as e^(2 ln x), x > 0

    x = tg.tensor([0.5, 2.0], dtype="float64", requires_grad=True)
    Cube.apply(x).sum().backward()
    assert seen == [(np.ndarray, np.ndarray, ARRAY_FUNCTIONS, False)]
    (g,) = tg.grad(Cube.apply(x).sum(), x, create_graph=True)
    assert seen[1] == (tg.Tensor, tg.Tensor, TENSOR_FUNCTIONS, True)
    (h,) = tg.grad(g.sum(), x)
    np.testing.assert_allclose(h.data, 6 * x.data)


def test_a_saved_output_is_the_graphs_own_tensor_under_create_graph():
    class Exp(tg.Function):
        @staticmethod
        def forward(ctx, x):
            y = np.exp(x)
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            y, = ctx.saved_tensors
            return g * y

    x = tg.tensor([0.0, 1.0], dtype="float64", requires_grad=True)
    (g,) = tg.grad(Exp.apply(x).sum(), x, create_graph=True)
    (h,) = tg.grad(g.sum(), x)                  # d²e^x/dx² = e^x: only if y is differentiable
    np.testing.assert_allclose(h.data, np.exp(x.data))


def test_changing_a_saved_input_or_output_in_place_is_refused_when_backward_unpacks_it():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0, 4.0], requires_grad=True)
    y = a * b
    with tg.no_grad():
        b += 1
    with pytest.raises(RuntimeError, match=r"mul: input 1 \(shape \(2,\)\), which it saved for backward, was "
                                           r"modified in place: its version is 1, it was 0"):
        y.sum().backward()
    s = a.sigmoid()
    with tg.no_grad():
        s *= 2
    with pytest.raises(RuntimeError, match="sigmoid: its output .* was modified in place"):
        s.sum().backward()


def test_an_input_that_was_not_saved_may_change_in_place_as_in_pytorch():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0, 4.0])
    y = a + b                                   # add saves nothing: its gradient does not read b
    with tg.no_grad():
        b += 1
    y.sum().backward()
    np.testing.assert_array_equal(a.grad.data, [1.0, 1.0])


def test_non_tensor_arguments_pass_through_and_need_no_gradient():
    class Scale(tg.Function):
        @staticmethod
        def forward(ctx, x, factor):
            ctx.factor = factor
            return x * factor

        @staticmethod
        def backward(ctx, g):
            assert ctx.needs_input_grad == (True, False)
            return g * ctx.factor, None

    x = tg.tensor([1.0, 2.0], requires_grad=True)
    Scale.apply(x, 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])


def test_a_function_returning_a_tensor_from_forward_and_a_single_gradient_works():
    class Double(tg.Function):
        @staticmethod
        def forward(ctx, x):
            return tg.tensor(x) * 2              # tensorgrad ops on the arrays: a Tensor is accepted

        @staticmethod
        def backward(ctx, g):
            return 2 * g                         # one input: the gradient alone, as PyTorch allows

    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = Double.apply(x)
    assert y.grad_fn.name == "double" and y.grad_fn.next_functions[0][0].variable is x    # x's AccumulateGrad
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 2.0])


def test_nothing_is_recorded_under_no_grad_and_a_freed_node_keeps_only_its_picture():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with tg.no_grad():
        assert LegendrePolynomial3.apply(x).grad_fn is None
    y = (x * 3).sigmoid()
    node = y.grad_fn
    y.sum().backward()
    assert node.freed and node.name == "sigmoid" and node.shape == (2,) and node.dtype == np.float32
    assert vars(node) == {}                     # attributes the forward kept are gone with the graph


def test_grad_mode_switches_as_pytorchs():
    x = tg.tensor([1.0], requires_grad=True)
    tg.set_grad_enabled(False)                  # called plainly, it switches at once
    try:
        assert not tg.is_grad_enabled() and (x * 2).grad_fn is None
    finally:
        tg.set_grad_enabled(True)
    with tg.set_grad_enabled(False):
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled()
    with tg.inference_mode():
        assert (x * 2).grad_fn is None
    with tg.no_grad(), tg.enable_grad():
        assert (x * 2).grad_fn is not None

    @tg.set_grad_enabled(False)
    def predict(t):
        return t * 2

    assert tg.is_grad_enabled() and predict(x).grad_fn is None and tg.is_grad_enabled()


def test_backward_passes_in_several_threads_accumulate_into_one_leaf_exactly():
    w = tg.tensor(np.zeros(3), requires_grad=True)

    def work():
        for _ in range(200):
            (w * 1.0).sum().backward()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    np.testing.assert_array_equal(w.grad.data, [800.0, 800.0, 800.0])


def test_grad_modes_are_per_thread():
    inside = []

    def other():
        inside.append(tg.is_grad_enabled())

    with tg.no_grad():
        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert inside == [True]


def test_a_saved_0d_output_stays_the_graphs_tensor_though_numpy_returns_a_scalar():
    """np.exp of a 0-d array is a numpy scalar, not the array saved: the output must still be recognised."""
    c = tg.tensor(np.array(1.0), requires_grad=True)
    (g,) = tg.grad(c.exp() * 0.5, c, create_graph=True)
    (h,) = tg.grad(g, c)
    np.testing.assert_allclose(h.data, 0.5 * np.e)
