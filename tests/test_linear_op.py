"""The fused affine layer f(x W + b): same values and gradients as the unfused ops, one node."""
import numpy as np
import pytest

import tensorgrad as tg

rng = np.random.default_rng(0)


@pytest.mark.parametrize("activation", [None, "relu", "tanh"])
@pytest.mark.parametrize("x_shape", [(5, 3), (2, 4, 3), (3,)])
def test_linear_matches_unfused_ops_and_finite_differences(activation, x_shape):
    x = tg.tensor(rng.normal(size=x_shape), requires_grad=True)
    w = tg.tensor(rng.normal(size=(3, 4)), requires_grad=True)
    b = tg.tensor(rng.normal(size=4), requires_grad=True)
    unfused = {None: lambda z: z, "relu": tg.relu, "tanh": tg.tanh}[activation]
    np.testing.assert_allclose(tg.linear(x, w, b, activation).data, unfused(x @ w + b).data, rtol=1e-12)
    # nudge pre-activations off relu's kink before finite differences
    assert tg.gradcheck(lambda x_, w_, b_: tg.linear(x_, w_, b_ + 1e-3, activation), [x, w, b])
    assert tg.gradcheck(lambda x_, w_: tg.linear(x_, w_, None, activation), [x, w])


def test_linear_is_one_node_named_by_what_it_computes():
    x = tg.tensor(rng.normal(size=(2, 3)))
    w = tg.tensor(rng.normal(size=(3, 4)), requires_grad=True)
    out = tg.linear(x, w, tg.tensor(np.zeros(4), requires_grad=True), "relu")
    assert out._node.name == "linear+relu" and tg.linear(x, w)._node.name == "linear"
    assert all(not isinstance(p, tg.Op) for p in out._node.parents)


def test_linear_second_derivative_through_create_graph():
    x = tg.tensor(rng.normal(size=(4, 3)), requires_grad=True)
    w = tg.tensor(rng.normal(size=(3, 2)), requires_grad=True)

    def grad_norm(w_):
        (gx,) = tg.grad(tg.linear(x, w_, None, "tanh").sum(), x, create_graph=True)
        return (gx ** 2).sum()
    assert tg.gradcheck(grad_norm, [w])


def test_linear_skips_the_input_gradient_nobody_needs():
    x = tg.tensor(rng.normal(size=(4, 3)))
    w = tg.tensor(rng.normal(size=(3, 2)), requires_grad=True)
    tg.linear(x, w).sum().backward()
    assert x.grad is None and w.grad is not None


@pytest.mark.parametrize("args, message", [
    (((2, 3), (4, 2), None, None), r"input of shape \(2, 3\) has 3 features.*expects 4"),
    (((2, 3), (3, 2), (3,), None), r"bias must have shape \(2,\)"),
    (((2, 3), (3, 2), None, "softmax"), "activation must be one of"),
])
def test_linear_errors_name_the_shapes(args, message):
    x_shape, w_shape, b_shape, act = args
    b = None if b_shape is None else np.zeros(b_shape)
    with pytest.raises(ValueError, match=message):
        tg.linear(np.zeros(x_shape), np.zeros(w_shape), b, act)
