"""State dicts: parameter names are unique or refused, and load_state_dict is all or nothing, naming
the key of every problem."""
from __future__ import annotations

import numpy as np
import pytest

import nn
import tensorgrad as tg


class IntAndStrKeys(nn.Module):
    """Dict keys 1 and "1" both spell the name "w.1"."""

    def __init__(self):
        super().__init__()
        self.w = {1: nn.Parameter(np.ones(2)), "1": nn.Parameter(np.zeros(3))}


class DottedKeyBesideSubmodule(nn.Module):
    """A key "v1.bias" beside a sub-module "v1" whose own bias is "v1.bias"."""

    def __init__(self):
        super().__init__()
        self.parts = {"v1": nn.Dense(2, input_dim=2), "v1.bias": nn.Parameter(np.full(5, 7.0))}


@pytest.mark.parametrize("cls, name", [(IntAndStrKeys, "'w.1'"), (DottedKeyBesideSubmodule, "'parts.v1.bias'")])
def test_two_parameters_with_one_name_are_refused(cls, name):
    module = cls()
    for call in (lambda: list(module.named_parameters()), module.state_dict):
        with pytest.raises(ValueError, match=f"two different parameters are both named {name}"):
            call()


def test_distinct_names_and_shared_parameters_are_still_fine():
    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Parameter(np.ones(2))
            self.layers = {0: nn.Dense(2, input_dim=2), "x": nn.Dense(2, input_dim=2)}
            self.again = self.a                              # the same parameter twice: one entry

    names = [n for n, _ in Tied().named_parameters()]
    assert names == ["a", "layers.0.weight", "layers.0.bias", "layers.x.weight", "layers.x.bias"]


def _four_parameters():
    tg.manual_seed(0)
    return nn.Sequential([nn.Dense(3, input_dim=2), nn.Dense(2)])


@pytest.mark.parametrize("bad, why", [
    (np.array([["a", "b"], ["c", "d"], ["e", "f"]]), "dtype <U1 is not a real number type"),
    (np.array([1 + 2j, 3j]), "dtype complex128 is not a real number type"),
    (np.array([1e39, 0.0]), "beyond the range of float32"),
    (np.array([None, None], dtype=object), "dtype object is not a real number type"),
    ([[1.0], [2.0, 3.0]], "not an array"),
])
def test_load_state_dict_checks_everything_before_writing_anything(bad, why):
    model = _four_parameters()
    before = model.state_dict()
    state = {k: v + 1 for k, v in before.items()}
    state["1.bias"] = bad                             # the last of four parameters is bad
    with pytest.raises(RuntimeError, match="1.bias") as err:
        model.load_state_dict(state)
    assert why in str(err.value) and "Nothing was loaded" in str(err.value)
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


def test_load_state_dict_accepts_tensors_and_casts_to_the_parameter_dtype():
    model = _four_parameters()
    state = {k: tg.tensor(v.astype(np.float64) * 2) for k, v in model.state_dict().items()}
    model.load_state_dict(state)
    for k, v in model.state_dict().items():
        assert v.dtype == np.float32
        np.testing.assert_array_equal(v, state[k].data.astype(np.float32))


def test_load_state_dict_refuses_a_non_mapping():
    with pytest.raises(TypeError, match="load_state_dict: expected a mapping.*got a list"):
        _four_parameters().load_state_dict([np.ones(2)])
