"""tensorgrad.special.erf/erfc against Python's math.erf/math.erfc (the accuracy the docstring states)."""
import math

import numpy as np

from tensorgrad.special import erf, erfc


def test_erf_and_erfc_match_math_to_stated_relative_accuracy():
    x = np.concatenate([np.linspace(-26, 26, 20001), [0.0, 1e-300, -1e-12, 1.9999999, 2.0, -2.0]])
    ref = np.array([math.erf(v) for v in x])
    ref_c = np.array([math.erfc(v) for v in x])
    nonzero, positive = ref != 0, ref_c > 0
    assert np.max(np.abs(erf(x)[nonzero] - ref[nonzero]) / np.abs(ref[nonzero])) < 1e-13
    assert np.max(np.abs(erfc(x)[positive] - ref_c[positive]) / ref_c[positive]) < 1e-12
    assert erf(np.array(0.0)) == 0.0


def test_erf_limits_nan_and_dtypes():
    np.testing.assert_array_equal(erf(np.array([np.inf, -np.inf])), [1.0, -1.0])
    np.testing.assert_array_equal(erfc(np.array([np.inf, -np.inf])), [0.0, 2.0])
    assert np.isnan(erf(np.array([np.nan]))[0])
    assert erf(np.ones(3, dtype=np.float32)).dtype == np.float32 and erf(np.array([1])).dtype == np.float64
    np.testing.assert_allclose(erf(np.float32(0.5)), math.erf(0.5), rtol=1e-7)
