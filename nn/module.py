"""Module: the base of every layer, model and loss.

Parameters and sub-modules are found by walking a module's public attributes (names not starting
with "_") into Modules, lists, tuples and dicts — never a hand-written ``parameters()``. Names are
the attribute paths (``layers.0.weight``), so they depend only on the architecture, never on display
names or global counters: a freshly built model of the same architecture loads another's checkpoint.
Each module also has a Keras-style display ``name`` (``dense``, ``dense_1``, ...).
"""
from __future__ import annotations

import re
from typing import Any, Iterator, Mapping, NamedTuple

import numpy as np

from tensorgrad import Tensor

from .parameter import Parameter, UninitializedParameter
from .symbolic import call_symbolic, is_symbolic

_name_counts: dict[str, int] = {}
_CONCRETE = (np.ndarray, Tensor)   # inputs that are never symbolic


def unique_name(prefix: str) -> str:
    """``prefix``, then ``prefix_1``, ``prefix_2``, ... (Keras's default layer names)."""
    n = _name_counts.get(prefix, 0)
    _name_counts[prefix] = n + 1
    return prefix if n == 0 else f"{prefix}_{n}"


def clear_session() -> None:
    """Restart the default names (``dense``, ``dense_1``, ...) from scratch, as Keras's clear_session."""
    _name_counts.clear()


def snake_case(name: str) -> str:
    """``LeakyReLU`` -> ``leaky_re_lu``, ``Conv2D`` -> ``conv2d`` (Keras's rule for default names)."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def shape_tuple(shape: Any, who: str) -> tuple[int, ...]:
    """A shape given as int, tuple or list, checked to be positive integers."""
    dims = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if not all(isinstance(d, (int, np.integer)) and d > 0 for d in dims):
        raise ValueError(f"{who}: shape {shape!r} must be positive integers without the batch axis, "
                         f"e.g. (28, 28) or [784].")
    return tuple(int(d) for d in dims)


class IncompatibleKeys(NamedTuple):
    missing_keys: list[str]
    unexpected_keys: list[str]


def _own_members(module: "Module") -> Iterator[tuple[str, Any]]:
    """(relative name, object) for each Parameter and Module reachable from the module's public
    attributes through lists, tuples and dicts (not through other Modules). Iterative, in order."""
    stack = [(k, v) for k, v in reversed(list(vars(module).items())) if not k.startswith("_")]
    seen_containers: set[int] = set()
    while stack:
        name, value = stack.pop()
        if isinstance(value, (Parameter, Module)):
            yield name, value
        elif isinstance(value, (list, tuple, dict)) and id(value) not in seen_containers:
            seen_containers.add(id(value))
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend((f"{name}.{k}", v) for k, v in reversed(list(items)))


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


class Module:
    """Base class: ``__call__`` runs ``forward``; parameters are found by attribute walk.

    Subclasses call ``super().__init__()`` and assign Parameters, Modules, or lists/tuples/dicts of
    them to public attributes. ``input_shape`` (without the batch axis) is Keras's habit for a
    model's first layer: a Sequential whose first layer declares it is built at once.
    """

    def __init__(self, name: str | None = None, input_shape: Any = None) -> None:
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string, got {name!r}.")
        self.name = name if name is not None else unique_name(snake_case(type(self).__name__))
        self.training = True
        self._declared_input_shape = (None if input_shape is None
                                      else shape_tuple(input_shape, f"{type(self).__name__}(input_shape=...)"))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # arrays and tensors (every training call) skip the symbolic test: one isinstance on the hot path.
        # (Sequential.forward calls its layers' forward directly on such input: keep this all __call__ does.)
        if args and not isinstance(args[0], _CONCRETE) and is_symbolic(args[0]):
            return call_symbolic(self, args[0], **kwargs)
        return self.forward(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward().")

    # ------------------------------------------------------------------ walking the tree
    def named_modules(self) -> Iterator[tuple[str, "Module"]]:
        """(path, module) for this module ('') and every sub-module, each once, depth first."""
        seen: set[int] = set()
        stack: list[tuple[str, Module]] = [("", self)]
        while stack:
            prefix, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield prefix, module
            children = [(_join(prefix, n), m) for n, m in _own_members(module) if isinstance(m, Module)]
            stack.extend(reversed(children))

    def modules(self) -> Iterator["Module"]:
        """This module and every sub-module, each once."""
        return (m for _, m in self.named_modules())

    def named_children(self) -> Iterator[tuple[str, "Module"]]:
        """(attribute path, module) for the direct sub-modules, each once."""
        seen: set[int] = set()
        for name, m in _own_members(self):
            if isinstance(m, Module) and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def children(self) -> Iterator["Module"]:
        """The direct sub-modules, each once."""
        return (m for _, m in self.named_children())

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """(dotted attribute path, parameter) for every parameter, each once (first path wins)."""
        seen: set[int] = set()
        for prefix, module in self.named_modules():
            for name, p in _own_members(module):
                if isinstance(p, Parameter) and id(p) not in seen:
                    seen.add(id(p))
                    yield _join(prefix, name), p

    def parameters(self) -> Iterator[Parameter]:
        """Every parameter, each once (what an optimizer trains)."""
        return (p for _, p in self.named_parameters())

    # ------------------------------------------------------------------ modes and gradients
    def train(self, mode: bool = True) -> "Module":
        """Training mode (Dropout active) for this module and all sub-modules."""
        for m in self.modules():
            m.training = bool(mode)
        return self

    def eval(self) -> "Module":
        """Evaluation mode (Dropout is the identity)."""
        return self.train(False)

    def zero_grad(self) -> None:
        """Forget every parameter's gradient (set to None, as PyTorch's default)."""
        for p in self.parameters():
            p.grad = None

    def count_params(self) -> int:
        """Number of scalar weights (each shared parameter counted once)."""
        return sum(p.size for _, p in self._initialized_parameters("count_params"))

    # ------------------------------------------------------------------ state
    def _initialized_parameters(self, who: str) -> list[tuple[str, Parameter]]:
        named = list(self.named_parameters())
        lazy = [n for n, p in named if isinstance(p, UninitializedParameter)]
        if lazy:
            raise RuntimeError(f"{who}: {type(self).__name__} '{self.name}' has parameters that are not "
                               f"initialized yet ({', '.join(lazy)}). Call the model on a batch first, or give "
                               f"its first layer input_shape=/input_dim= so it is built at construction.")
        return named

    def state_dict(self) -> dict[str, np.ndarray]:
        """{attribute path: copy of the parameter's array}, in parameter order."""
        return {name: p.data.copy() for name, p in self._initialized_parameters("state_dict")}

    def load_state_dict(self, state: Mapping[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy ``state``'s arrays into the parameters in place (lazy ones are materialized).

        Every problem is reported in one error: with ``strict``, missing and unexpected keys;
        always, shape mismatches. Nothing is changed unless everything fits.
        """
        own = dict(self.named_parameters())
        arrays = {k: np.asarray(v.data if isinstance(v, Tensor) else v) for k, v in state.items()}
        missing = [k for k in own if k not in arrays]
        unexpected = [k for k in arrays if k not in own]
        mismatched = [f"{k}: checkpoint {arrays[k].shape}, model {own[k].expected_shape}"
                      for k in own if k in arrays and not _fits(own[k], arrays[k].shape)]
        problems = []
        if strict and missing:
            problems.append("missing keys: " + ", ".join(missing))
        if strict and unexpected:
            problems.append("unexpected keys: " + ", ".join(unexpected))
        if mismatched:
            problems.append("shape mismatches: " + "; ".join(mismatched))
        if problems:
            raise RuntimeError(f"load_state_dict: cannot load into {type(self).__name__} '{self.name}' — "
                               + " | ".join(problems)
                               + ". Build the model with the checkpoint's architecture"
                               + (", or pass strict=False to skip missing/unexpected keys." if not mismatched else "."))
        for k, p in own.items():
            if k in arrays:
                p.load(arrays[k])
        return IncompatibleKeys(missing, unexpected)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the parameter arrays in Keras order (each layer's weight, then bias)."""
        return list(self.state_dict().values())

    def set_weights(self, weights: list[Any]) -> None:
        """Load a list of arrays in :meth:`get_weights` order."""
        names = [n for n, _ in self.named_parameters()]
        if len(weights) != len(names):
            raise ValueError(f"set_weights: {type(self).__name__} '{self.name}' has {len(names)} weight arrays "
                             f"({', '.join(names)}), got {len(weights)}.")
        self.load_state_dict(dict(zip(names, weights)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


def _fits(p: Parameter, shape: tuple[int, ...]) -> bool:
    return p.fits(shape) if isinstance(p, UninitializedParameter) else p.shape == shape
