"""The PyTorch-named ops (issue 16) through finite differences in float64, first and second derivatives,
and their values against numpy or closed forms."""
import math

import numpy as np
import pytest

import tensorgrad as tg

rng = np.random.default_rng(16)


def leaf(shape, lo=-2.0, hi=2.0):
    return tg.tensor(rng.uniform(lo, hi, size=shape), requires_grad=True)


def second_order(fn, x):
    """gradcheck of d/dx Σ w ⊙ ∂(Σ fn(x))/∂x: the backward rule differentiated again."""
    weights = np.sin(np.arange(x.size) + 1.0).reshape(x.shape)

    def gradient_sum(t):
        (g,) = tg.grad(fn(t).sum(), t, create_graph=True)
        return (g * weights).sum()
    return tg.gradcheck(gradient_sum, [x], atol=1e-4, rtol=1e-3)


UNARY = {  # name: (fn, numpy reference, domain)
    "sin": (tg.sin, np.sin, (-3, 3)), "cos": (tg.cos, np.cos, (-3, 3)), "tan": (tg.tan, np.tan, (-1.2, 1.2)),
    "sinh": (tg.sinh, np.sinh, (-2, 2)), "cosh": (tg.cosh, np.cosh, (-2, 2)),
    "asin": (tg.asin, np.arcsin, (-0.9, 0.9)), "acos": (tg.acos, np.arccos, (-0.9, 0.9)),
    "atan": (tg.atan, np.arctan, (-3, 3)), "asinh": (tg.asinh, np.arcsinh, (-3, 3)),
    "acosh": (tg.acosh, np.arccosh, (1.2, 3)), "atanh": (tg.atanh, np.arctanh, (-0.9, 0.9)), "exp2": (tg.exp2, np.exp2, (-2, 2)), "log2": (tg.log2, np.log2, (0.2, 3)),
    "log10": (tg.log10, np.log10, (0.2, 3)), "log1p": (tg.log1p, np.log1p, (-0.8, 3)),
    "expm1": (tg.expm1, np.expm1, (-2, 2)), "erf": (tg.erf, np.vectorize(math.erf), (-3, 3)),
    "gelu": (tg.gelu, lambda x: x * (1 + np.vectorize(math.erf)(x / math.sqrt(2))) / 2, (-3, 3)),
    "gelu_tanh": (lambda t: tg.gelu(t, approximate="tanh"),
                  lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3))), (-3, 3)),
    "silu": (tg.silu, lambda x: x / (1 + np.exp(-x)), (-4, 4)),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_values_first_and_second_derivatives(name):
    fn, ref, (lo, hi) = UNARY[name]
    x = leaf((2, 3), lo, hi)
    np.testing.assert_allclose(fn(x).numpy(force=True), ref(x.numpy(force=True)), rtol=1e-12, atol=1e-14)
    assert tg.gradcheck(fn, [x])
    assert second_order(fn, x)


@pytest.mark.parametrize("name, derivative", [
    ("tan", lambda x: 1 + np.tan(x) ** 2), ("asin", lambda x: 1 / np.sqrt(1 - x * x)),
    ("acos", lambda x: -1 / np.sqrt(1 - x * x)), ("atan", lambda x: 1 / (1 + x * x)),
    ("asinh", lambda x: 1 / np.sqrt(x * x + 1)), ("atanh", lambda x: 1 / (1 - x * x)),
    ("acosh", lambda x: 1 / np.sqrt(x * x - 1)),
    ("exp2", lambda x: np.exp2(x) * np.log(2)), ("log10", lambda x: 1 / (x * np.log(10))),
    ("erf", lambda x: 2 / np.sqrt(np.pi) * np.exp(-x * x)),
    ("silu", lambda x: (s := 1 / (1 + np.exp(-x))) * (1 + x * (1 - s))),
    ("gelu", lambda x: 0.5 * (1 + np.vectorize(math.erf)(x / np.sqrt(2))) + x * np.exp(-x * x / 2) / np.sqrt(2 * np.pi)),
])
def test_derivatives_equal_their_closed_forms(name, derivative):
    x = tg.tensor(np.array([-0.7, -0.1, 0.3, 0.8]) + {"log10": 1.5, "acosh": 2.0}.get(name, 0), requires_grad=True)
    getattr(tg, name)(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(force=True), derivative(x.numpy(force=True)), rtol=1e-12)


def test_gelu_far_below_zero_keeps_its_digits():
    """x Φ(x) for x = -10 is about -7.6e-23: computed through erfc, not 1 + erf (which cancels to 0)."""
    y = tg.gelu(tg.tensor([-10.0], dtype="float64"))
    np.testing.assert_allclose(y.numpy(force=True), [-10 * math.erfc(10 / math.sqrt(2)) / 2], rtol=1e-10)


@pytest.mark.parametrize("fn", [tg.floor, tg.ceil, tg.round, tg.trunc])
def test_rounding_has_zero_gradient_and_numpy_values(fn):
    x = tg.tensor([-1.5, -0.4, 0.5, 2.5, 2.7], dtype="float64", requires_grad=True)
    fn(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(force=True), np.zeros(5))
    np.testing.assert_array_equal(fn(x).numpy(force=True), getattr(np, fn.__name__)(x.numpy(force=True)))


def test_hardtanh_values_and_gradient_zero_at_and_beyond_the_bounds():
    x = tg.tensor([-2.0, -1.0, -0.5, 0.5, 1.0, 3.0], dtype="float64", requires_grad=True)
    y = tg.hardtanh(x)
    np.testing.assert_array_equal(y.numpy(force=True), np.clip(x.numpy(force=True), -1, 1))
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(force=True), [0, 0, 1, 1, 0, 0])


def test_remainder_follows_pythons_sign_and_its_derivatives():
    a = tg.tensor([5.5, -5.5, 5.5, -5.5], dtype="float64", requires_grad=True)
    b = tg.tensor([2.0, 2.0, -2.0, -2.0], dtype="float64", requires_grad=True)
    r = a % b
    np.testing.assert_allclose(r.numpy(force=True), [x % y for x, y in zip(a.numpy(force=True), b.numpy(force=True))])
    assert tg.gradcheck(tg.remainder, [a, b])
    r.sum().backward()
    np.testing.assert_allclose(b.grad.numpy(force=True), -np.floor(a.numpy(force=True) / b.numpy(force=True)))
    assert (tg.tensor([-7, 7]) % 3).tolist() == [2, 1] and (tg.tensor([-7, 7]) // 2).tolist() == [-4, 3]
    with pytest.raises(ZeroDivisionError, match="remainder"):
        tg.tensor([1]) % 0


def test_floor_divide_values_and_zero_gradient():
    a = tg.tensor([5.5, -5.5], dtype="float64", requires_grad=True)
    q = a // 2.0
    np.testing.assert_array_equal(q.numpy(force=True), [2.0, -3.0])
    q.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(force=True), [0.0, 0.0])


def test_predicates_are_bool_data():
    x = tg.tensor([1.0, np.nan, np.inf, -np.inf])
    assert tg.isnan(x).tolist() == [False, True, False, False]
    assert tg.isinf(x).tolist() == [False, False, True, True]
    assert tg.isfinite(x).tolist() == [True, False, False, False]
    assert tg.isclose(tg.tensor([1.0, 2.0]), tg.tensor([1.0 + 1e-7, 2.1])).tolist() == [True, False]
    assert tg.allclose(tg.tensor([1.0]), tg.tensor([1.0 + 1e-7])) is True
    assert tg.allclose(x, x, equal_nan=True) and not tg.allclose(x, x)


@pytest.mark.parametrize("dim", [None, 0, 1, (0, 1), -1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_moments_against_numpy_with_both_defaults(dim, keepdim):
    x = leaf((3, 4))
    axis = dim
    np.testing.assert_allclose(tg.var(x, dim, keepdim=keepdim).numpy(force=True), np.var(x.numpy(force=True), axis=axis, ddof=1, keepdims=keepdim))
    np.testing.assert_allclose(x.std(dim, keepdim=keepdim).numpy(force=True), np.std(x.numpy(force=True), axis=axis, ddof=1, keepdims=keepdim))
    np.testing.assert_allclose(tg.var(x, axis=axis, keepdims=keepdim).numpy(force=True), np.var(x.numpy(force=True), axis=axis, keepdims=keepdim))
    np.testing.assert_allclose(x.var(dim, correction=0).numpy(force=True), np.var(x.numpy(force=True), axis=axis))
    np.testing.assert_allclose(x.std(dim, unbiased=False).numpy(force=True), np.std(x.numpy(force=True), axis=axis))
    for fn in (tg.var, tg.std):
        assert tg.gradcheck(lambda t: fn(t, dim, keepdim=keepdim), [x])
        assert second_order(lambda t: fn(t, dim), x)


@pytest.mark.parametrize("dim", [None, 0, 1, (0, 2)])
def test_prod_with_and_without_zeros(dim):
    x = leaf((2, 3, 2), 0.5, 1.5)
    np.testing.assert_allclose(tg.prod(x, dim).numpy(force=True), np.prod(x.numpy(force=True), axis=dim))
    assert tg.gradcheck(lambda t: tg.prod(t, dim), [x])
    assert second_order(lambda t: tg.prod(t, dim), x)
    z = tg.tensor(x.numpy(force=True).copy(), requires_grad=True)
    z.numpy(force=True)[0, 1, 0] = 0.0
    z.numpy(force=True)[1, 2, 1] = 0.0
    z.numpy(force=True)[1, 0, 1] = 0.0
    assert tg.gradcheck(lambda t: tg.prod(t, dim), [z])
    assert second_order(lambda t: tg.prod(t, dim), z)


def test_prod_gradient_with_a_zero_is_the_product_of_the_others():
    x = tg.tensor([2.0, 0.0, 3.0], dtype="float64", requires_grad=True)
    x.prod().backward()
    np.testing.assert_array_equal(x.grad.numpy(force=True), [0.0, 6.0, 0.0])


@pytest.mark.parametrize("dim", [None, 0, 1, (0, 1)])
def test_logsumexp_stable_and_differentiable(dim):
    x = leaf((3, 4))
    ref = np.log(np.exp(x.numpy(force=True)).sum(axis=dim))
    np.testing.assert_allclose(tg.logsumexp(x, dim).numpy(force=True), ref)
    assert tg.gradcheck(lambda t: tg.logsumexp(t, dim), [x])
    assert second_order(lambda t: tg.logsumexp(t, dim), x)
    big = tg.tensor([1000.0, 1000.0], dtype="float64")
    np.testing.assert_allclose(tg.logsumexp(big, 0).item(), 1000 + np.log(2))


@pytest.mark.parametrize("p", [1, 2, 3, 1.5, np.inf, "fro"])
def test_norm_values_and_gradients(p):
    x = leaf((3, 4))
    ref = np.linalg.norm(x.numpy(force=True).ravel(), ord=2 if p == "fro" else p)
    np.testing.assert_allclose(x.norm(p).item(), ref)
    np.testing.assert_allclose(x.norm(p, dim=1).numpy(force=True), np.linalg.norm(x.numpy(force=True), ord=2 if p == "fro" else p, axis=1))
    assert tg.gradcheck(lambda t: tg.norm(t, p, dim=1), [x])
    if p not in (1, np.inf):
        assert second_order(lambda t: tg.norm(t, p), x)


def test_norm_of_zero_vector_has_zero_gradient_as_pytorch():
    x = tg.zeros(3, dtype=tg.float64, requires_grad=True)
    x.norm().backward()
    np.testing.assert_array_equal(x.grad.numpy(force=True), np.zeros(3))


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cumsum_and_cumprod(dim):
    x = leaf((3, 4), 0.5, 1.5)
    np.testing.assert_allclose(tg.cumsum(x, dim).numpy(force=True), np.cumsum(x.numpy(force=True), axis=dim))
    np.testing.assert_allclose(x.cumprod(dim).numpy(force=True), np.cumprod(x.numpy(force=True), axis=dim))
    for fn in (tg.cumsum, tg.cumprod):
        assert tg.gradcheck(lambda t: fn(t, dim), [x])
        assert second_order(lambda t: fn(t, dim), x)
    z = tg.tensor(x.numpy(force=True).copy(), requires_grad=True)
    z.numpy(force=True)[1, 1] = 0.0
    assert tg.gradcheck(lambda t: tg.cumprod(t, dim), [z])
    assert second_order(lambda t: tg.cumprod(t, dim), z)
    assert tg.cumsum(tg.tensor([[1, 2], [3, 4]])).tolist() == [1, 3, 6, 10]   # numpy: flattened


EINSUMS = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("i,i->", [(3,), (3,)]), ("i,j->ij", [(2,), (3,)]),
    ("ii->", [(3, 3)]), ("ii->i", [(3, 3)]), ("ij->i", [(2, 3)]), ("ij->", [(2, 3)]), ("ij->ji", [(2, 3)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]), ("...ij,...jk->...ik", [(2, 2, 3), (2, 3, 2)]),
    ("ij,ij,ij->i", [(2, 3), (2, 3), (2, 3)]), ("iij,j->i", [(2, 2, 3), (3,)]),
]


@pytest.mark.parametrize("equation, shapes", EINSUMS)
def test_einsum_values_and_derivatives_to_second_order(equation, shapes):
    xs = [leaf(s) for s in shapes]
    np.testing.assert_allclose(tg.einsum(equation, *xs).numpy(force=True), np.einsum(equation, *[x.numpy(force=True) for x in xs]))
    assert tg.gradcheck(lambda *ts: tg.einsum(equation, *ts), xs)
    weights = [np.cos(np.arange(x.size) + 1.0).reshape(x.shape) for x in xs]

    def gradient_sum(*ts):
        gs = tg.grad(tg.einsum(equation, *ts).sum() * tg.einsum(equation, *ts).sum(), list(ts), create_graph=True)
        return sum((g * w).sum() for g, w in zip(gs, weights))
    assert tg.gradcheck(gradient_sum, xs, atol=1e-4)


def test_einsum_takes_a_list_and_explains_bad_equations():
    a, b = leaf((2, 3)), leaf((3, 2))
    np.testing.assert_allclose(tg.einsum("ij,jk->ik", [a, b]).numpy(force=True), a.numpy(force=True) @ b.numpy(force=True))
    with pytest.raises(ValueError, match="einsum.*shapes \\(2, 3\\), \\(2, 3\\)"):
        tg.einsum("ij,jk->ik", a, a)
    with pytest.raises(ValueError, match="2 operand"):
        tg.einsum("ij,jk->ik", a)


def test_products_built_on_einsum_and_matmul():
    a, b, v, w = leaf((2, 3)), leaf((3, 4)), leaf((3,)), leaf((3,))
    np.testing.assert_allclose(tg.mm(a, b).numpy(force=True), a.numpy(force=True) @ b.numpy(force=True))
    np.testing.assert_allclose(tg.dot(v, w).item(), v.numpy(force=True) @ w.numpy(force=True))
    np.testing.assert_allclose(tg.outer(v, w).numpy(force=True), np.outer(v.numpy(force=True), w.numpy(force=True)))
    np.testing.assert_allclose(tg.tensordot(a, b, dims=1).numpy(force=True), np.tensordot(a.numpy(force=True), b.numpy(force=True), axes=1))
    c = leaf((3, 2, 4))
    np.testing.assert_allclose(tg.tensordot(a, c, dims=([1], [0])).numpy(force=True), np.tensordot(a.numpy(force=True), c.numpy(force=True), axes=([1], [0])))
    x, y = leaf((2, 2, 3)), leaf((2, 3, 4))
    np.testing.assert_allclose(tg.bmm(x, y).numpy(force=True), x.numpy(force=True) @ y.numpy(force=True))
    assert tg.gradcheck(tg.bmm, [x, y]) and tg.gradcheck(lambda p, q: tg.tensordot(p, q, 1), [a, b])
    with pytest.raises(ValueError, match="mm: expected 2-d"):
        tg.mm(v, b)
    with pytest.raises(ValueError, match="bmm: expected 3-d"):
        tg.bmm(a, b)
    with pytest.raises(ValueError, match="dot: expected 1-d"):
        tg.dot(a, a)


def test_matrix_pieces():
    m = leaf((3, 4))
    np.testing.assert_allclose(tg.trace(m).item(), np.trace(m.numpy(force=True)))
    for k in (-1, 0, 2):
        np.testing.assert_array_equal(tg.tril(m, k).numpy(force=True), np.tril(m.numpy(force=True), k))
        np.testing.assert_array_equal(tg.triu(m, k).numpy(force=True), np.triu(m.numpy(force=True), k))
        np.testing.assert_array_equal(tg.diag(m, k).numpy(force=True), np.diag(m.numpy(force=True), k))
        v = leaf((3,))
        np.testing.assert_array_equal(tg.diag(v, k).numpy(force=True), np.diag(v.numpy(force=True), k))
        for fn in (lambda t: tg.tril(t, k), lambda t: tg.triu(t, k), lambda t: tg.diag(t, k)):
            assert tg.gradcheck(fn, [m])
        assert tg.gradcheck(lambda t: tg.diag(t, k), [v])
    assert tg.gradcheck(tg.trace, [m])
