"""The error function for numpy arrays (numpy has none, and scipy is not a dependency).

erf(x) = 2/√π ∫₀ˣ e^(-t²) dt. Two classical expansions, each where it converges fast:

* |x| < 2: the Maclaurin series erf(x) = 2/√π Σₙ (-1)ⁿ x^(2n+1) / (n! (2n+1)), 40 terms;
* |x| ≥ 2: the continued fraction erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))),
  60 levels, evaluated from the tail.

Measured against Python's ``math.erf``/``math.erfc`` (tests/test_special.py): relative error below
1e-13 for erf and below 1e-12 for erfc over [-26, 26], in float64. Float32 inputs are computed in
float64 and rounded back.
"""
from __future__ import annotations

import math

import numpy as np

SERIES_LIMIT = 2.0
SERIES_TERMS = 40
FRACTION_DEPTH = 60
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _erf_series(x: np.ndarray) -> np.ndarray:
    x2 = x * x
    term = x.copy()
    total = x.copy()
    for n in range(1, SERIES_TERMS):
        term *= -x2 / n
        total += term / (2 * n + 1)
    return total * _TWO_OVER_SQRT_PI


def _erfc_fraction(x: np.ndarray) -> np.ndarray:
    """erfc(x) for x ≥ SERIES_LIMIT."""
    t = x.copy()
    for k in range(FRACTION_DEPTH, 0, -1):
        t = x + (k / 2) / t
    return np.exp(-x * x) / (math.sqrt(math.pi) * t)


def _split(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """x in float64; which elements take the series; their series values; |x| (series elements set to the limit)."""
    x64 = np.asarray(x, dtype=np.float64)
    small = np.abs(x64) < SERIES_LIMIT
    series = _erf_series(np.where(small, x64, 0.0))
    far = np.where(small, SERIES_LIMIT, np.abs(x64))
    return x64, small, series, far


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, elementwise; float dtypes kept (others become float64). NaN stays NaN."""
    x64, small, series, far = _split(x)
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.where(small, series, np.sign(x64) * (1.0 - _erfc_fraction(far)))
    return out.astype(_float_dtype(x), copy=False)


def erfc(x: np.ndarray) -> np.ndarray:
    """1 - erf(x), without the cancellation of computing it that way for large x."""
    x64, small, series, far = _split(x)
    with np.errstate(over="ignore", invalid="ignore"):
        tail = _erfc_fraction(far)
        out = np.where(small, 1.0 - series, np.where(x64 > 0, tail, 2.0 - tail))
    return out.astype(_float_dtype(x), copy=False)


def _float_dtype(x: np.ndarray) -> np.dtype:
    dtype = np.asarray(x).dtype
    return dtype if dtype.kind == "f" else np.dtype(np.float64)
