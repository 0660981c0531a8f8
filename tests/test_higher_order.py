"""Second derivatives through create_graph=True, against closed forms and finite differences."""
import numpy as np
import pytest

import tensorgrad as tg

x0 = np.array([-1.5, -0.2, 0.4, 1.3])


@pytest.mark.parametrize("fn, second", [
    (tg.sigmoid, lambda x: (s := 1 / (1 + np.exp(-x))) * (1 - s) * (1 - 2 * s)),
    (tg.tanh, lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2)),
    (tg.exp, np.exp),
    (tg.log, lambda x: -1 / x ** 2),
    (lambda t: t ** 3, lambda x: 6 * x),
    (tg.softplus, lambda x: (s := 1 / (1 + np.exp(-x))) * (1 - s)),
    (tg.elu, lambda x: np.where(x > 0, 0.0, np.exp(x))),
])
def test_second_derivative_matches_closed_form(fn, second):
    x = np.abs(x0) if fn is tg.log else x0
    t = tg.tensor(x, requires_grad=True)
    (g,) = tg.grad(fn(t).sum(), t, create_graph=True)
    (h,) = tg.grad(g.sum(), t)
    np.testing.assert_allclose(h.data, second(x), rtol=1e-9, atol=1e-12)


def test_third_derivative_of_x_to_the_fourth():
    t = tg.tensor([2.0], dtype="float64", requires_grad=True)
    y = t ** 4
    (d1,) = tg.grad(y.sum(), t, create_graph=True)
    (d2,) = tg.grad(d1.sum(), t, create_graph=True)
    (d3,) = tg.grad(d2.sum(), t)
    assert d1.item() == 32.0 and d2.item() == 48.0 and d3.item() == 48.0


def test_backward_with_create_graph_gives_differentiable_grad():
    t = tg.tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    (t ** 3).sum().backward(create_graph=True)
    g = t.grad
    assert g.requires_grad
    t.grad = None
    g.sum().backward()
    np.testing.assert_allclose(t.grad.data, 6 * t.data)


def mlp_loss(params, X, Y):
    W1, b1, W2, b2 = params
    h = (X @ W1 + b1).tanh()
    logits = h @ W2 + b2
    return -(Y * logits.log_softmax(axis=1)).sum(axis=1).mean()


def test_hessian_vector_product_of_a_small_mlp_matches_finite_differences():
    rng = np.random.default_rng(0)
    X = tg.tensor(rng.normal(size=(6, 3)))
    Y = tg.tensor(np.eye(2)[rng.integers(0, 2, 6)])
    values = [rng.normal(size=(3, 4)) * 0.5, rng.normal(size=4) * 0.1, rng.normal(size=(4, 2)) * 0.5, np.zeros(2)]
    params = [tg.tensor(v, requires_grad=True) for v in values]
    vs = [rng.normal(size=v.shape) for v in values]

    grads = tg.grad(mlp_loss(params, X, Y), params, create_graph=True)
    dot = sum((g * v).sum() for g, v in zip(grads, vs))
    hvp = tg.grad(dot, params)

    eps = 1e-5

    def grad_at(shift):
        ps = [tg.tensor(v + shift * d, requires_grad=True) for v, d in zip(values, vs)]
        return tg.grad(mlp_loss(ps, X, Y), ps)

    plus, minus = grad_at(eps), grad_at(-eps)
    for h, p, m in zip(hvp, plus, minus):
        np.testing.assert_allclose(h.data, (p.data - m.data) / (2 * eps), rtol=1e-5, atol=1e-8)


def test_gradient_penalty_is_differentiable_and_matches_finite_differences():
    """penalty(w) = Σ_i (∂/∂x_i Σ sigmoid(w ⊙ x))² = Σ_i (w_i s_i (1 - s_i))²."""
    xv = np.array([1.0, 2.0])

    def penalty(w):
        x = tg.tensor(xv, requires_grad=True)
        (gx,) = tg.grad(tg.sigmoid(w * x).sum(), x, create_graph=True)
        return (gx ** 2).sum()

    w = tg.tensor([0.5, -1.0], requires_grad=True)
    s = 1 / (1 + np.exp(-w.data * xv))
    np.testing.assert_allclose(penalty(w).item(), np.sum((w.data * s * (1 - s)) ** 2), rtol=1e-12)
    assert tg.gradcheck(penalty, [w])


def test_mixed_second_derivative_of_binary_cross_entropy_sees_the_target():
    """d²L/dy dp = -1/(p(1-p)) from both sides: the target's gradient log(1-p) - log p depends on p
    (found by tests/test_fuzz.py's long profile: it was treated as a constant)."""
    p = tg.tensor(np.array([0.5, 0.2, 0.9]), requires_grad=True)
    y = tg.tensor(np.array([0.0, 1.0, 0.3]), requires_grad=True)

    def gradient_sum(p, y):
        gp, gy = tg.grad(tg.binary_cross_entropy(p, y).sum(), [p, y], create_graph=True)
        return (gp * np.array([1.0, -2.0, 0.5])).sum() + (gy * np.array([0.7, 1.3, -1.1])).sum()

    assert tg.gradcheck(gradient_sum, [p, y])
    (gy,) = tg.grad(tg.binary_cross_entropy(p, y).sum(), [y], create_graph=True)
    (d2,) = tg.grad(gy.sum(), [p])
    np.testing.assert_allclose(d2.data, -1 / (p.data * (1 - p.data)))


@pytest.mark.parametrize("fn, second", [
    (lambda t: tg.exp(t * t), lambda x: (2 + 4 * x * x) * np.exp(x * x)),
    (lambda t: tg.tanh(t * t), lambda x: 2 * (1 - np.tanh(x * x) ** 2) - 8 * x * x * np.tanh(x * x) * (1 - np.tanh(x * x) ** 2)),
])
def test_second_derivative_through_a_saved_output_of_a_0d_tensor(fn, second):
    """numpy returns scalars for 0-d ufuncs: the saved output must still be the op's output Tensor under
    create_graph (it was once taken for a constant, losing the term through it)."""
    t = tg.tensor(0.7, dtype="float64", requires_grad=True)
    (g,) = tg.grad(fn(t), t, create_graph=True)
    (h,) = tg.grad(g, t)
    np.testing.assert_allclose(h.item(), second(0.7), rtol=1e-12)
