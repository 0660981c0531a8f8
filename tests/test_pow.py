"""x ** p where x = 0: PyTorch's gradients (0 ** 0 has slope 0, not 0 * inf = NaN), in both inputs,
to first and second order; away from 0 the closed forms are unchanged."""
import numpy as np
import pytest

import tensorgrad as tg


@pytest.mark.parametrize("p, slope", [(0.0, 0.0), (1.0, 1.0), (2.0, 0.0), (3.0, 0.0), (0.5, np.inf), (-1.0, -np.inf)])
def test_gradient_at_zero_for_a_number_exponent(p, slope):
    """d/dx x^p at x = 0 is p 0^(p-1), with 0 for p = 0 (PyTorch's values, inf included)."""
    x = tg.tensor([0.0], requires_grad=True)
    with np.errstate(divide="ignore"):
        (x ** p).sum().backward()
    assert x.grad.data[0] == slope


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_polynomial_basis_at_zero(dtype):
    """x ** [0, 1, 2] at x = 0 (a polynomial basis): d/dx = [0, 1, 0]; d/dp = 0 where x = 0 and p >= 0."""
    x = tg.tensor(np.zeros(3, dtype=dtype), requires_grad=True)
    p = tg.tensor(np.array([0.0, 1.0, 2.0], dtype=dtype), requires_grad=True)
    (x ** p).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(p.grad.data, [0.0, 0.0, 0.0])
    assert x.grad.dtype == dtype and p.grad.dtype == dtype


def test_polynomial_fit_through_zero_has_finite_gradients():
    """Fitting c · [1, x, x²] on points including x = 0 gives the closed-form gradient (no NaN)."""
    xs = np.array([[0.0], [0.5], [-1.0]])
    x = tg.tensor(xs, requires_grad=True)
    basis = x ** tg.tensor([0.0, 1.0, 2.0])
    c = np.array([1.0, 2.0, 3.0])
    (basis * c).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2.0 + 6.0 * xs)      # d/dx (1 + 2x + 3x²)


def test_exponent_gradient_follows_pytorch_at_zero_and_below():
    """d/dp x^p = x^p log x: 0 where x = 0 and p >= 0; -inf for x = 0, p < 0; NaN for x < 0 (as PyTorch)."""
    x = tg.tensor([0.0, 0.0, 0.0, -2.0, 2.0])
    p = tg.tensor([0.0, 1.5, -1.0, 2.0, 3.0], requires_grad=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        (x ** p).sum().backward()
    got = p.grad.data
    assert got[0] == 0.0 and got[1] == 0.0 and got[2] == -np.inf and np.isnan(got[3])
    np.testing.assert_allclose(got[4], 8.0 * np.log(2.0), rtol=1e-6)


def test_number_base_with_tensor_exponent_at_zero():
    """0 ** p for a tensor p >= 0 has zero slope in p (PyTorch's pow(Scalar, Tensor))."""
    p = tg.tensor([0.0, 2.0], requires_grad=True)
    (0.0 ** p).sum().backward()
    np.testing.assert_array_equal(p.grad.data, [0.0, 0.0])


@pytest.mark.parametrize("p, second", [(0.0, 0.0), (1.0, 0.0), (2.0, 2.0), (3.0, 0.0)])
def test_second_derivative_at_zero(p, second):
    """d²/dx² x^p at 0 through create_graph: finite (p(p-1)0^(p-2) with the zero-exponent rule)."""
    x = tg.tensor([0.0], requires_grad=True)
    (g,) = tg.grad((x ** p).sum(), [x], create_graph=True)
    (h,) = tg.grad(g.sum(), [x], allow_unused=True)
    assert (0.0 if h is None else h.data[0]) == second


def test_gradients_away_from_zero_are_unchanged():
    """Finite differences still agree where the mask does not apply."""
    x = tg.tensor(np.array([0.7, 1.3, 2.0]), requires_grad=True)
    p = tg.tensor(np.array([0.0, 1.0, -1.5]), requires_grad=True)
    assert tg.gradcheck(lambda a, b: a ** b, [x, p])
