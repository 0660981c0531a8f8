"""Module: the base of every layer, model and loss.

Parameters and sub-modules are found by walking a module's public attributes (names not starting
with "_") into Modules, lists, tuples and dicts — never a hand-written ``parameters()``. Names are
the attribute paths (``stack.0.weight``), so they depend only on the architecture, never on display
names or global counters: a freshly built model of the same architecture loads another's checkpoint.
Containers (Sequential, ModuleList, ModuleDict) and ``add_module`` register sub-modules under names
that are not attributes (``0``, ``1``...), as PyTorch's do: ``Sequential(a, b)`` has keys ``0.weight``.
Each module also has a Keras-style display ``name`` (``dense``, ``dense_1``, ...).
"""
from __future__ import annotations

import itertools
import functools
import inspect
import re
from typing import Any, Callable, Iterator, Mapping, NamedTuple

import numpy as np

from tensorgrad import Tensor

from tensorgrad.autograd import increment_version
from tensorgrad.serialization import StateDict

from .parameter import Parameter
from .mode import imposed_mode, training_mode
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


@functools.lru_cache(maxsize=None)
def _takes_training(forward: Any) -> bool:
    """True when a forward function has its own ``training`` argument (Keras's ``call(x, training=None)``)."""
    return "training" in inspect.signature(forward).parameters


def _forward_takes_training(module: "Module") -> bool:
    return _takes_training(type(module).forward)


def _own_members(module: "Module") -> Iterator[tuple[str, Any]]:
    """(relative name, object) for each Parameter and Module reachable from the module's public
    attributes through lists, tuples and dicts (not through other Modules), then its registered
    sub-modules (``add_module``); a Keras layer's ``add_weight`` weights come first, by weight name.
    Iterative, in order."""
    attributes = vars(module)
    members = [*getattr(module, "_added_weights", {}).items(),
               *((k, v) for k, v in attributes.items() if not k.startswith("_"))]
    members += [(k, v) for k, v in attributes.get("_modules", {}).items() if v is not None]
    stack = members[::-1]
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

    _hooked = False   # True once a forward (pre-)hook is registered: __call__ then runs them

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # arrays and tensors (every training call) skip the symbolic test: one isinstance on the hot path.
        # (Sequential.forward calls its unhooked layers' forward directly on such input: keep this all
        # __call__ does.)
        if args and not isinstance(args[0], _CONCRETE) and is_symbolic(args[0]):
            return call_symbolic(self, args[0], **kwargs)
        if kwargs and "training" in kwargs and not _forward_takes_training(self):
            training = kwargs.pop("training")   # Keras's model(x, training=False): a mode for this call only
            if training is not None:
                with training_mode(training):
                    return self._call_with_hooks(args, kwargs) if self._hooked else self.forward(*args, **kwargs)
        if self._hooked:
            return self._call_with_hooks(args, kwargs)
        return self.forward(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward().")

    # ------------------------------------------------------------------ walking the tree
    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, "Module"]]:
        """(path, module) for this module (``prefix``, '' by default) and every sub-module, depth first;
        each once unless ``remove_duplicate=False`` (PyTorch's signature)."""
        seen: set[int] = set() if memo is None else memo
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            prefix, module = stack.pop()
            if remove_duplicate and id(module) in seen:
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

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(dotted attribute path, parameter) for every parameter, each once (first path wins); only this
        module's own with ``recurse=False``.

        Two different parameters never share a name: dict keys are joined with '.', so keys ``1`` and
        ``"1"``, or a key ``"v1.bias"`` beside a sub-module ``v1``, would; that raises ValueError.
        """
        seen: set[int] = set()
        named: dict[str, Parameter] = {}
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for path, module in modules:
            for name, p in _own_members(module):
                if isinstance(p, Parameter) and id(p) not in seen:
                    seen.add(id(p))
                    full = _join(path, name)
                    if full in named:
                        raise ValueError(
                            f"{type(self).__name__} '{self.name}': two different parameters are both named "
                            f"{full!r} (shapes {named[full].expected_shape} and {p.expected_shape}). Names join "
                            f"attribute names and dict keys with '.', so keys 1 and '1', or a key 'v1.bias' beside a "
                            f"sub-module 'v1', spell the same name; rename one so each weight is saved and "
                            f"loaded under its own name.")
                    named[full] = p
                    yield full, p

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter, each once (what an optimizer trains)."""
        return (p for _, p in self.named_parameters(recurse=recurse))

    # ------------------------------------------------------------------ registration (PyTorch's)
    def add_module(self, name: str, module: "Module | None") -> None:
        """Register ``module`` as a sub-module called ``name``, which need not be an identifier
        (Sequential's ``0``, ``1``...); reachable as ``getattr(self, name)``."""
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"add_module: the name must be a non-empty string without '.', got {name!r}.")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: {name!r} must be an nn.Module (or None), got {type(module).__name__}.")
        if name in vars(self) or hasattr(type(self), name):
            raise KeyError(f"add_module: {type(self).__name__} already has an attribute {name!r}; pick another name.")
        self.__dict__.setdefault("_modules", {})[name] = module

    register_module = add_module

    def get_submodule(self, target: str) -> "Module":
        """The sub-module at the dotted path ``target`` ('' is this module)."""
        for path, module in self.named_modules():
            if path == target:
                return module
        raise AttributeError(f"get_submodule: {type(self).__name__} has no sub-module {target!r}; its sub-modules "
                             f"are {[p for p, _ in self.named_modules() if p]}.")

    def register_buffer(self, name: str, tensor: Any, persistent: bool = True) -> None:
        """A tensor the module keeps that is not trained (e.g. running statistics): an attribute that
        ``buffers()`` lists and, when ``persistent``, ``state_dict()`` saves."""
        if not isinstance(name, str) or not name.isidentifier():
            raise KeyError(f"register_buffer: the name must be an identifier, got {name!r}.")
        if isinstance(tensor, Parameter):
            raise TypeError(f"register_buffer: {name!r} is a Parameter; assign it as an attribute to train it, "
                            f"or register a plain tensor (tensor.detach()).")
        if tensor is not None and not isinstance(tensor, Tensor):
            tensor = Tensor(tensor)
        object.__setattr__(self, name, tensor)
        self.__dict__.setdefault("_buffer_names", {})[name] = bool(persistent)

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        """(dotted path, buffer) for every registered buffer, each once."""
        return ((n, b) for n, b, _ in self._buffers_with_persistence(prefix, recurse))

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every registered buffer, each once."""
        return (b for _, b in self.named_buffers(recurse=recurse))

    def _buffers_with_persistence(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Tensor, bool]]:
        seen: set[int] = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for path, module in modules:
            for name, persistent in module.__dict__.get("_buffer_names", {}).items():
                buffer = module.__dict__.get(name)
                if isinstance(buffer, Tensor) and id(buffer) not in seen:
                    seen.add(id(buffer))
                    yield _join(path, name), buffer, persistent

    def _persistent_buffers(self) -> list[tuple[str, Tensor]]:
        return [(n, b) for n, b, persistent in self._buffers_with_persistence() if persistent]

    def __getattr__(self, name: str) -> Any:
        # only reached when normal lookup fails: sub-modules registered under add_module's names
        modules = self.__dict__.get("_modules")
        if modules is not None and name in modules:
            return modules[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def apply(self, fn: Callable[["Module"], Any]) -> "Module":
        """Call ``fn`` on every sub-module, then on this module (children first, as PyTorch; e.g.
        ``model.apply(init_weights)``); returns self."""
        order: list[Module] = []
        stack: list[tuple[Module, bool]] = [(self, False)]
        while stack:
            module, children_done = stack.pop()
            if children_done:
                order.append(module)
                continue
            stack.append((module, True))
            stack.extend((child, False) for child in reversed(list(module.children())))
        for module in order:
            fn(module)
        return self

    # ------------------------------------------------------------------ hooks (PyTorch's)
    def register_forward_pre_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                                  with_kwargs: bool = False) -> "RemovableHandle":
        """Run ``hook(module, args)`` before each forward; a non-None result replaces the inputs
        (a tuple, or one value). With ``with_kwargs``: ``hook(module, args, kwargs) -> (args, kwargs)``."""
        return self._add_hook("_forward_pre_hooks", hook, prepend, with_kwargs)

    def register_forward_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                              with_kwargs: bool = False) -> "RemovableHandle":
        """Run ``hook(module, args, output)`` after each forward; a non-None result replaces the output.
        With ``with_kwargs``: ``hook(module, args, kwargs, output)``."""
        return self._add_hook("_forward_hooks", hook, prepend, with_kwargs)

    def _add_hook(self, kind: str, hook: Callable[..., Any], prepend: bool, with_kwargs: bool) -> "RemovableHandle":
        if not callable(hook):
            raise TypeError(f"{kind.strip('_').replace('_', ' ')}: the hook must be callable, got {hook!r}.")
        hooks = self.__dict__.setdefault(kind, {})
        key = next(_hook_ids)
        hooks[key] = (hook, with_kwargs)
        if prepend:
            self.__dict__[kind] = {key: hooks.pop(key), **hooks}
        self._hooked = True
        return RemovableHandle(self, kind, key)

    def _call_with_hooks(self, args: tuple, kwargs: dict) -> Any:
        for hook, with_kwargs in list(self.__dict__.get("_forward_pre_hooks", {}).values()):
            result = hook(self, args, kwargs) if with_kwargs else hook(self, args)
            if result is not None:
                if with_kwargs:
                    args, kwargs = result
                else:
                    args = result if isinstance(result, tuple) else (result,)
        output = self.forward(*args, **kwargs)
        for hook, with_kwargs in list(self.__dict__.get("_forward_hooks", {}).values()):
            result = hook(self, args, kwargs, output) if with_kwargs else hook(self, args, output)
            if result is not None:
                output = result
        return output

    # ------------------------------------------------------------------ modes and gradients
    @property
    def training(self) -> bool:
        """True in training mode (Dropout active): the mode a surrounding :func:`training_mode` block
        sets in this thread (fit, evaluate, predict, ``model(x, training=...)``), else this module's
        own flag, set by :meth:`train` / :meth:`eval` as in PyTorch."""
        imposed = imposed_mode()
        return self._training if imposed is None else imposed

    @training.setter
    def training(self, mode: bool) -> None:
        self._training = None if mode is None else bool(mode)   # None: a Keras layer called alone

    def train(self, mode: bool = True) -> "Module":
        """Training mode (Dropout active) for this module and all sub-modules."""
        for m in self.modules():
            m.training = bool(mode)
        return self

    def eval(self) -> "Module":
        """Evaluation mode (Dropout is the identity)."""
        return self.train(False)

    @property
    def trainable(self) -> bool:
        """Keras's switch: ``layer.trainable = False`` freezes the layer (and its sub-modules), so fit,
        any optimizer and ``trainable_weights`` leave its parameters alone and ``summary()`` counts them
        as non-trainable. It sets each parameter's ``requires_grad`` (PyTorch's way to freeze)."""
        return self._trainable if hasattr(self, "_trainable") else True

    @trainable.setter
    def trainable(self, value: bool) -> None:
        for m in self.modules():
            m._trainable = bool(value)
        for p in self.parameters():
            p.requires_grad = bool(value)
            if not value:
                p.grad = None   # a gradient from before the freeze must not move it

    @property
    def trainable_weights(self) -> list[Parameter]:
        """The parameters training updates (``requires_grad``), in parameter order."""
        return [p for p in self.parameters() if p.requires_grad]

    @property
    def non_trainable_weights(self) -> list[Parameter]:
        """The frozen parameters (``trainable = False`` or ``requires_grad`` off), in parameter order."""
        return [p for p in self.parameters() if not p.requires_grad]

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient: set to None (PyTorch's default), or filled with zeros
        in place with ``set_to_none=False``."""
        for p in self.parameters():
            if set_to_none or p.grad is None:
                p.grad = None
            else:
                p.grad = p.grad.detach()
                p.grad.numpy(force=True)[...] = 0

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add ``param`` as the parameter ``name`` (PyTorch's spelling of assigning it as an attribute)."""
        if not isinstance(name, str) or not name.isidentifier():
            raise KeyError(f"register_parameter: the name must be an identifier, got {name!r}.")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: {name!r} must be an nn.Parameter (or None), got "
                            f"{type(param).__name__}; wrap it: nn.Parameter(tensor).")
        object.__setattr__(self, name, param)

    def to(self, *args: Any, **kwargs: Any) -> "Module":
        """PyTorch's ``model.to(device)`` / ``model.to(dtype)``: tensorgrad runs on the CPU, so a 'cpu'
        device changes nothing and any other device is an error; a floating dtype casts every floating
        parameter and buffer in place (the same objects, so an optimizer keeps them). Returns self."""
        targets = [*args, kwargs.get("device"), kwargs.get("dtype")]
        for target in targets:
            if target is None or isinstance(target, bool):
                continue
            if isinstance(target, Tensor):
                self._cast(target.dtype)
                continue
            try:
                dtype = np.dtype(target)
            except TypeError:
                if str(target).split(":")[0] != "cpu":
                    raise RuntimeError(f"{type(self).__name__}.to({target!r}): tensorgrad runs on the CPU only; use "
                                       f"'cpu' (or leave the model where it is).") from None
                continue
            self._cast(dtype)
        return self

    def _cast(self, dtype: np.dtype) -> None:
        if dtype.kind != "f":
            raise TypeError(f"{type(self).__name__}.to: only floating dtypes can be parameters, got {dtype}.")
        for module in self.modules():
            if isinstance(module.__dict__.get("dtype"), np.dtype):   # layers that cast their inputs (Dense, Linear)
                module.dtype = dtype
        for t in [*self.parameters(), *self.buffers()]:
            if isinstance(t, Parameter) and not t.initialized:
                t.lazy_dtype = dtype
            elif t.dtype.kind == "f" and t.dtype != dtype:
                t.data = t.numpy(force=True).astype(dtype)
                t.grad = None

    def cpu(self) -> "Module":
        """The module itself: tensorgrad runs on the CPU."""
        return self

    def float(self) -> "Module":
        """Cast floating parameters and buffers to float32."""
        return self.to(np.float32)

    def double(self) -> "Module":
        """Cast floating parameters and buffers to float64."""
        return self.to(np.float64)

    def half(self) -> "Module":
        """Cast floating parameters and buffers to float16."""
        return self.to(np.float16)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        """Set ``requires_grad`` on every parameter (``False`` freezes the module); returns self."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def count_params(self) -> int:
        """Number of scalar weights (each shared parameter counted once)."""
        return sum(p.size for _, p in self._initialized_parameters("count_params"))

    # ------------------------------------------------------------------ state
    def _initialized_parameters(self, who: str) -> list[tuple[str, Parameter]]:
        named = list(self.named_parameters())
        lazy = [n for n, p in named if not p.initialized]
        if lazy:
            raise RuntimeError(f"{who}: {type(self).__name__} '{self.name}' has parameters that are not "
                               f"initialized yet ({', '.join(lazy)}). Call the model on a batch first, or give "
                               f"its first layer input_shape=/input_dim= so it is built at construction.")
        return named

    def state_dict(self) -> dict[str, np.ndarray]:
        """{attribute path: copy of the parameter's array}, in parameter order, then the persistent buffers."""
        from .kernel_layout import layout_metadata   # (imports the layer modules, which import this one)
        state = StateDict(((name, p.numpy(force=True).copy()) for name, p in self._initialized_parameters("state_dict")),
                          metadata=layout_metadata(self))   # the kernel layout, which checkpoints record
        state.update((name, b.numpy(force=True).copy()) for name, b in self._persistent_buffers())
        return state

    def load_state_dict(self, state: Mapping[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy ``state``'s arrays into the parameters in place (lazy ones are materialized).

        All or nothing: every key, shape and dtype is checked before any parameter is written, and
        every problem is reported in one error naming the keys: with ``strict``, missing and unexpected
        keys; always, shape mismatches and arrays that are not numbers (or overflow the parameter's dtype).
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"load_state_dict: expected a mapping of parameter names to arrays (a state dict), "
                            f"got a {type(state).__name__}.")
        from .kernel_layout import check_layout
        check_layout(self, state)
        own: dict[str, Tensor] = {**dict(self.named_parameters()), **dict(self._persistent_buffers())}
        missing = [k for k in own if k not in state]
        unexpected = [k for k in state if k not in own]
        mismatched, unusable, ready = [], [], {}
        for k, p in own.items():
            if k not in state:
                continue
            array, why = _checked_array(state[k], p)
            if why:
                unusable.append(f"{k}: {why}")
            elif not _fits(p, array.shape):
                mismatched.append(f"{k}: checkpoint {array.shape}, model {_expected_shape(p)}")
            else:
                ready[k] = array
        problems = []
        if strict and missing:
            problems.append("missing keys: " + ", ".join(missing))
        if strict and unexpected:
            problems.append("unexpected keys: " + ", ".join(map(str, unexpected)))
        if mismatched:
            problems.append("shape mismatches: " + "; ".join(mismatched))
        if unusable:
            problems.append("unusable values: " + "; ".join(unusable))
        if problems:
            raise RuntimeError(f"load_state_dict: cannot load into {type(self).__name__} '{self.name}' — "
                               + " | ".join(problems) + ". Nothing was loaded. Build the model with the "
                               "checkpoint's architecture" + (", or pass strict=False to skip missing/unexpected "
                                                              "keys." if not (mismatched or unusable) else "."))
        for k, array in ready.items():
            _copy_into(own[k], array)
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

    def extra_repr(self) -> str:
        """The arguments shown inside this module's parentheses in ``repr`` (override, as in PyTorch)."""
        return ""

    # ------------------------------------------------------------------ Keras's layer protocol (nn.layer)
    @property
    def weights(self) -> list[Parameter]:
        """Keras's ``layer.weights``: the trainable weights, then the non-trainable ones; a PyTorch module that
        sets ``self.weights = nn.Parameter(...)`` (the nn tutorial's logistic regression) gets its own."""
        if "weights" in self.__dict__:
            return self.__dict__["weights"]
        return self.trainable_weights + self.non_trainable_weights

    @weights.setter
    def weights(self, value: Any) -> None:
        self.__dict__["weights"] = value

    @property
    def trainable_weights(self) -> list[Parameter]:
        from .layer import weights_by_trainability
        return weights_by_trainability(self, True)

    @property
    def non_trainable_weights(self) -> list[Parameter]:
        from .layer import weights_by_trainability
        return weights_by_trainability(self, False)

    @property
    def trainable_variables(self) -> list[Parameter]:
        """Keras's other name for ``trainable_weights`` (``zip(grads, model.trainable_variables)``)."""
        return self.trainable_weights

    @property
    def non_trainable_variables(self) -> list[Parameter]:
        """Keras's other name for ``non_trainable_weights``."""
        return self.non_trainable_weights

    @property
    def variables(self) -> list[Parameter]:
        """Keras's other name for ``weights``."""
        return self.weights

    @property
    def losses(self) -> list[Tensor]:
        """Keras's ``layer.losses``: added losses of the latest call and weight penalties (scalar Tensors); an
        attribute a PyTorch module sets as ``self.losses = ...`` is its own."""
        if "losses" in self.__dict__:
            return self.__dict__["losses"]
        return _layer.collect_losses(self)

    @losses.setter
    def losses(self, value: Any) -> None:
        self.__dict__["losses"] = value

    def get_config(self) -> dict[str, Any]:
        """Keras's ``get_config``: the constructor arguments (nn.saving knows nn's own layers)."""
        from .saving import builtin_config
        return builtin_config(self)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Module":
        """A new layer from :meth:`get_config`'s dict (``cls(**config)``, as Keras)."""
        return cls(**config)

    def __repr__(self) -> str:
        """PyTorch's tree: ``Name(extra)``, or one indented ``(child): repr`` line per sub-module."""
        lines = [f"({name}): " + repr(child).replace("\n", "\n  ") for name, child in self.named_children()]
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        body = ([extra] if extra else []) + lines
        return f"{type(self).__name__}(\n  " + "\n  ".join(body) + "\n)"


_hook_ids = itertools.count()


class RemovableHandle:
    """What ``register_forward_hook`` returns: ``handle.remove()`` unregisters the hook (also as a
    context manager: the hook lives for the ``with`` block)."""

    def __init__(self, module: Module, kind: str, key: int) -> None:
        self.module, self.kind, self.key = module, kind, key

    def remove(self) -> None:
        """Unregister the hook (a second call does nothing)."""
        self.module.__dict__.get(self.kind, {}).pop(self.key, None)
        self.module._hooked = any(self.module.__dict__.get(k) for k in ("_forward_pre_hooks", "_forward_hooks"))

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()


def _expected_shape(t: Tensor) -> tuple[int | None, ...]:
    return t.expected_shape if isinstance(t, Parameter) else t.shape


def _checked_array(value: Any, p: Parameter) -> tuple[np.ndarray, str]:
    """(``value`` as an array of the parameter's dtype, "") or (_, why it cannot be loaded into ``p``)."""
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as err:
        return np.empty(0), f"not an array ({type(err).__name__}: {err})"
    if array.dtype.kind not in "biuf":
        return array, f"dtype {array.dtype} is not a real number type"
    with np.errstate(over="ignore", invalid="ignore"):     # overflow is reported below, by key
        cast = array.astype(p.dtype)
    if array.dtype.kind == "f" and not np.array_equal(np.isfinite(array), np.isfinite(cast)):
        return array, f"values beyond the range of {p.dtype} (they would become inf)"
    return cast, ""


def _copy_into(t: Tensor, array: np.ndarray) -> None:
    """Load a checked array into a parameter or buffer, in place (whoever holds it keeps seeing it)."""
    if isinstance(t, Parameter):
        t.load(array)
    else:
        t.numpy(force=True)[...] = array
        increment_version(t)


def _fits(t: Tensor, shape: tuple[int, ...]) -> bool:
    """An array of ``shape`` can be loaded into the parameter or buffer ``t``."""
    return t.fits(shape) if isinstance(t, Parameter) else t.shape == shape


from . import layer as _layer  # noqa: E402  (layer.py builds on Module: imported once Module exists)
