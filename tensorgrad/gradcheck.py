"""Finite-difference checking of gradients, in float64.

For every input element, the central difference (f(x + ε) - f(x - ε)) / 2ε of every output element
is compared with the row of the Jacobian that backward computes.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from .autograd import grad
from .tensor import Tensor


class GradcheckError(AssertionError):
    """An analytic gradient disagreed with finite differences."""


def _as_outputs(result: Any) -> list[Tensor]:
    return [result] if isinstance(result, Tensor) else list(result)


def gradcheck(fn: Callable[..., Any], inputs: Sequence[Any] | Tensor, eps: float = 1e-6,
              atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = True) -> bool:
    """Check ``fn``'s gradients against central differences; all inputs are taken in float64.

    Inputs that are floating Tensors with ``requires_grad`` (or all floating inputs when none
    requires grad) are checked. Returns True, or raises :class:`GradcheckError` naming the input,
    the element index, the output element, the analytic and the numeric value.
    """
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    xs = [Tensor(np.array(x._data if isinstance(x, Tensor) else x, dtype=np.float64))
          if (isinstance(x, Tensor) and x.dtype.kind == "f") or isinstance(x, (np.ndarray, float)) else x
          for x in inputs]
    wanted = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not wanted:
        wanted = [i for i, x in enumerate(xs) if isinstance(x, Tensor) and x.dtype.kind == "f"]
    for i in wanted:
        xs[i].requires_grad_(True)

    outputs = _as_outputs(fn(*xs))
    for out_index, out in enumerate(outputs):
        if out.dtype != np.float64:
            raise GradcheckError(f"gradcheck: output {out_index} has dtype {out.dtype}; a float64 check "
                                 f"needs fn to keep float64 inputs in float64.")
    analytic = _analytic_jacobians(outputs, [xs[i] for i in wanted])
    for k, i in enumerate(wanted):
        x = xs[i]
        flat = x._data.reshape(-1)
        for j in range(flat.size):
            original = flat[j]
            # fn runs with recording on: it may itself call tensorgrad.grad (gradient penalties)
            flat[j] = original + eps
            plus = [o._data.copy() for o in _as_outputs(fn(*xs))]
            flat[j] = original - eps
            minus = [o._data.copy() for o in _as_outputs(fn(*xs))]
            flat[j] = original
            for out_index, (p, m) in enumerate(zip(plus, minus)):
                numeric = ((p - m) / (2 * eps)).reshape(-1)
                exact = analytic[out_index][k][:, j]
                bad = ~np.isclose(exact, numeric, atol=atol, rtol=rtol, equal_nan=True)
                if bad.any():
                    o = int(np.argmax(bad))
                    if not raise_exception:
                        return False
                    raise GradcheckError(
                        f"gradcheck: gradient mismatch for input {i} (shape {x.shape}) at element "
                        f"{_index(j, x.shape)}, output {out_index} element "
                        f"{_index(o, outputs[out_index].shape)}: analytic {float(exact[o])!r}, "
                        f"numeric {float(numeric[o])!r} (atol={atol}, rtol={rtol}).")
    return True


def _index(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(i) for i in np.unravel_index(flat, shape))


def _analytic_jacobians(outputs: list[Tensor], xs: list[Tensor]) -> list[list[np.ndarray]]:
    """jac[out][input] of shape (output size, input size), one backward per output element."""
    jac = [[np.zeros((o._data.size, x._data.size)) for x in xs] for o in outputs]
    for out_index, out in enumerate(outputs):
        if not out.requires_grad:
            continue
        for e in range(out._data.size):
            seed = np.zeros(out.shape)
            seed.reshape(-1)[e] = 1.0
            gs = grad(out, xs, grad_outputs=seed, retain_graph=True, allow_unused=True)
            for k, g in enumerate(gs):
                if g is not None:
                    jac[out_index][k][e] = g._data.reshape(-1)
    return jac
