"""The PyTorch-named ops and methods beside PyTorch itself: values and gradients (skipped without torch)."""
import numpy as np
import pytest

import tensorgrad as tg

torch = pytest.importorskip("torch")

rng = np.random.default_rng(2013)

CASES = {  # name: (tensorgrad fn, torch fn, input shapes, low, high)
    "sin": (tg.sin, torch.sin, [(3, 4)], -3, 3), "tan": (tg.tan, torch.tan, [(3, 4)], -1, 1),
    "asin": (tg.asin, torch.asin, [(5,)], -0.9, 0.9), "acos": (tg.acos, torch.acos, [(5,)], -0.9, 0.9),
    "atan": (tg.atan, torch.atan, [(5,)], -3, 3), "asinh": (tg.asinh, torch.asinh, [(5,)], -3, 3),
    "acosh": (tg.acosh, torch.acosh, [(5,)], 1.2, 3), "atanh": (tg.atanh, torch.atanh, [(5,)], -0.9, 0.9), "sinh": (tg.sinh, torch.sinh, [(5,)], -2, 2),
    "cosh": (tg.cosh, torch.cosh, [(5,)], -2, 2), "exp2": (tg.exp2, torch.exp2, [(5,)], -2, 2),
    "log2": (tg.log2, torch.log2, [(5,)], 0.1, 3), "log10": (tg.log10, torch.log10, [(5,)], 0.1, 3),
    "log1p": (tg.log1p, torch.log1p, [(5,)], -0.5, 3), "expm1": (tg.expm1, torch.expm1, [(5,)], -2, 2),
    "erf": (tg.erf, torch.erf, [(7,)], -3, 3), "gelu": (tg.gelu, torch.nn.functional.gelu, [(7,)], -4, 4),
    "gelu_tanh": (lambda x: tg.gelu(x, approximate="tanh"),
                  lambda x: torch.nn.functional.gelu(x, approximate="tanh"), [(7,)], -4, 4),
    "silu": (tg.silu, torch.nn.functional.silu, [(7,)], -4, 4),
    "hardtanh": (tg.hardtanh, torch.nn.functional.hardtanh, [(7,)], -3, 3),
    "remainder": (tg.remainder, torch.remainder, [(6,), (6,)], -4, 4),
    "logsumexp": (lambda x: tg.logsumexp(x, 1), lambda x: torch.logsumexp(x, 1), [(3, 4)], -3, 3),
    "var": (lambda x: x.var(1), lambda x: x.var(1), [(3, 4)], -3, 3),
    "std": (lambda x: x.std(), lambda x: x.std(), [(3, 4)], -3, 3),
    "prod": (lambda x: x.prod(0), lambda x: x.prod(0), [(3, 4)], -3, 3),
    "norm": (lambda x: x.norm(), lambda x: x.norm(), [(3, 4)], -3, 3),
    "norm3": (lambda x: x.norm(3, dim=1), lambda x: x.norm(3, dim=1), [(3, 4)], -3, 3),
    "cumsum": (lambda x: x.cumsum(1), lambda x: x.cumsum(1), [(3, 4)], -3, 3),
    "cumprod": (lambda x: x.cumprod(0), lambda x: x.cumprod(0), [(3, 4)], -3, 3),
    "einsum": (lambda a, b: tg.einsum("bij,bjk->bik", a, b), lambda a, b: torch.einsum("bij,bjk->bik", a, b),
               [(2, 3, 4), (2, 4, 2)], -2, 2),
    "tensordot": (lambda a, b: tg.tensordot(a, b, 1), lambda a, b: torch.tensordot(a, b, 1), [(2, 3), (3, 4)], -2, 2),
    "outer": (tg.outer, torch.outer, [(3,), (4,)], -2, 2), "dot": (tg.dot, torch.dot, [(3,), (3,)], -2, 2),
    "mm": (tg.mm, torch.mm, [(2, 3), (3, 4)], -2, 2), "bmm": (tg.bmm, torch.bmm, [(2, 2, 3), (2, 3, 4)], -2, 2),
    "trace": (tg.trace, torch.trace, [(3, 3)], -2, 2), "diag": (tg.diag, torch.diag, [(3, 4)], -2, 2),
    "diag1": (lambda x: tg.diag(x, 1), lambda x: torch.diag(x, 1), [(3,)], -2, 2),
    "tril": (lambda x: x.tril(-1), lambda x: x.tril(-1), [(3, 4)], -2, 2),
    "triu": (lambda x: x.triu(1), lambda x: x.triu(1), [(3, 4)], -2, 2),
    "flip": (lambda x: x.flip(0, 1), lambda x: x.flip(0, 1), [(3, 4)], -2, 2),
    "roll": (lambda x: x.roll(2, 1), lambda x: x.roll(2, 1), [(3, 4)], -2, 2),
    "repeat": (lambda x: x.repeat(2, 1, 3), lambda x: x.repeat(2, 1, 3), [(3, 4)], -2, 2),
    "pad": (lambda x: tg.pad(x, (1, 2, 0, 1), mode="reflect"),
            lambda x: torch.nn.functional.pad(x, (1, 2, 0, 1), mode="reflect"), [(1, 3, 4)], -2, 2),
    "gather": (lambda x: x.gather(1, tg.tensor([[0, 0], [3, 1], [2, 2]])),
               lambda x: x.gather(1, torch.tensor([[0, 0], [3, 1], [2, 2]])), [(3, 4)], -2, 2),
    "topk": (lambda x: x.topk(2, dim=1).values, lambda x: x.topk(2, dim=1).values, [(3, 4)], -2, 2),
    "sort": (lambda x: x.sort(0, descending=True).values, lambda x: x.sort(0, descending=True).values, [(3, 4)], -2, 2),
    "max_dim": (lambda x: x.max(dim=1).values, lambda x: x.max(dim=1).values, [(3, 4)], -2, 2),
    "cat": (lambda a, b: tg.cat([a, b], dim=1), lambda a, b: torch.cat([a, b], dim=1), [(2, 3), (2, 1)], -2, 2),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients_equal_pytorchs(name):
    ours, theirs, shapes, lo, hi = CASES[name]
    arrays = [rng.uniform(lo, hi, size=s) for s in shapes]
    xs = [tg.tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, ty = ours(*xs), theirs(*ts)
    np.testing.assert_allclose(y.numpy(force=True), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    weights = rng.normal(size=y.shape)
    (y * weights).sum().backward()
    (ty * torch.tensor(weights)).sum().backward()
    for x, t in zip(xs, ts):
        np.testing.assert_allclose(x.grad.numpy(force=True), t.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_spelling_and_return_conventions_match_pytorch():
    a = rng.normal(size=(3, 4))
    x, t = tg.tensor(a), torch.tensor(a)
    assert x.max(1).indices.tolist() == t.max(1).indices.tolist()
    assert x.argmax().item() == t.argmax().item() and x.argmin(0).tolist() == t.argmin(0).tolist()
    np.testing.assert_allclose(x.var().item(), t.var().item())          # unbiased by default
    np.testing.assert_allclose(tg.std(x, 0).numpy(force=True), torch.std(t, 0).numpy())
    assert x.size() == tuple(t.size()) and x.size(1) == t.size(1)
    assert [p.shape for p in x.split(3, 1)] == [tuple(p.shape) for p in t.split(3, 1)]
    assert [p.shape for p in x.chunk(3)] == [tuple(p.shape) for p in t.chunk(3)]
    i = torch.tensor([-7, -6, 7, 6])
    assert tg.tensor([-7, -6, 7, 6]).div(4, rounding_mode="trunc").tolist() == i.div(4, rounding_mode="trunc").tolist()
    assert (tg.tensor([-7, 7]) // 3).tolist() == (torch.tensor([-7, 7]) // 3).tolist()
    assert (tg.tensor([-7.5, 7.5]) % -2).tolist() == (torch.tensor([-7.5, 7.5]) % -2).tolist()
    assert tg.arange(0, 1, 0.1).shape == tuple(torch.arange(0, 1, 0.1).shape)
    assert tg.full((2,), 3).dtype == np.int64 and torch.full((2,), 3).dtype == torch.int64
