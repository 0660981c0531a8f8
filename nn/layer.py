"""Layer: Keras's layer protocol on nn.Module, for layers written the Keras way.

    class Scale(keras.layers.Layer):
        def build(self, input_shape):                    # once, before the first call
            self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")
        def call(self, inputs, training=None):           # training is given only if call takes it
            return inputs * self.w

``forward`` runs ``build`` (first call only), then ``call``; numpy inputs arrive as Tensors. On a
symbolic input (``keras.Input``) the output shape comes from ``compute_output_shape`` when the
layer defines it, else from running ``call`` once on a batch of one zero sample (nn.symbolic).
``training`` is the layer's mode: None (the call's default) until something sets it, as for a Keras
layer called on its own; ``fit`` (``model.train()``) sets True, ``evaluate``/``predict`` (``eval()``) False.
"""
from __future__ import annotations

import functools
import inspect
import weakref
from typing import Any, Iterator

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor

from . import constraints, regularizers
from .module import Module, _own_members
from .keras_variable import KerasVariable, initial_values, new_variable
from .masking import mask_of, set_mask
from .parameter import Parameter
from .symbolic import SymbolicTensor, call_symbolic, is_symbolic, record_symbolic

# Modules that can add to ``losses`` (a regularizer, an add_loss call): while there are none, collecting
# the losses of a model (every training batch) costs one check instead of a walk over its modules.
_LOSS_SOURCES: "weakref.WeakSet[Module]" = weakref.WeakSet()
_LAYER_KWARGS = ("input_shape", "input_dim", "batch_input_shape", "batch_size", "dynamic", "autocast")


class _LayerType(type):
    """Every nn layer is a Keras layer: ``isinstance(nn.Dense(1), keras.layers.Layer)`` holds, as Keras
    programs check, though nn's own layers are written the PyTorch way on nn.Module."""

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Module) if cls is Layer else super().__instancecheck__(obj)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, Module) if cls is Layer else super().__subclasscheck__(sub)


class Layer(Module, metaclass=_LayerType):
    """Keras's ``Layer``: ``__init__(trainable=True, name=None, dtype=None, **kwargs)`` (kwargs:
    ``input_shape``/``input_dim``/``batch_input_shape``, ``activity_regularizer``), ``build``,
    ``call``, ``add_weight``, ``add_loss``, ``losses``, ``weights``, ``get_config``."""

    _initial_training: bool | None = None   # a Keras layer called alone is neither training nor not

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A subclass's ``build`` marks the layer built when it returns, as Keras's does, so calling
        ``layer.build(shape)`` by hand is not followed by a second build (new weights) on the first call."""
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_marks_built", False):
            @functools.wraps(build)
            def marked_build(self: "Layer", *args: Any, **kw: Any) -> Any:
                result = build(self, *args, **kw)
                self.built = True
                return result
            marked_build._marks_built = True
            cls.build = marked_build

    def __init__(self, trainable: bool = True, name: str | None = None, dtype: Any = None, **kwargs: Any) -> None:
        unknown = [k for k in kwargs if k not in (*_LAYER_KWARGS, "activity_regularizer")]
        if unknown:
            raise TypeError(f"{type(self).__name__}: unexpected keyword argument(s) {unknown}; a Keras Layer takes "
                            f"trainable, name, dtype, activity_regularizer, {', '.join(_LAYER_KWARGS)}.")
        input_shape = kwargs.get("input_shape")
        if input_shape is None and kwargs.get("input_dim") is not None:
            input_shape = (kwargs["input_dim"],)
        if input_shape is None and kwargs.get("batch_input_shape") is not None:
            input_shape = tuple(kwargs["batch_input_shape"])[1:]
        super().__init__(name=name, input_shape=input_shape)
        self.training = self._initial_training
        self.trainable = bool(trainable)
        self.dtype = np.dtype(getattr(dtype, "name", dtype) or np.float32)
        self.activity_regularizer = regularizers.get(kwargs.get("activity_regularizer"))
        if self.activity_regularizer is not None:
            register_loss_source(self)
        self.built = False
        self._added_weights: dict[str, Parameter] = {}
        self._weight_regularizers: list[tuple[Parameter, Any]] = []
        self._call_losses: list[Tensor] = []

    # ------------------------------------------------------------------ Keras's protocol
    def build(self, input_shape: Any) -> None:
        """Create the weights for inputs of ``input_shape`` (batch axis first, None when symbolic)."""
        self.built = True

    def call(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define call(self, inputs) (Keras) or forward (PyTorch).")

    def compute_output_shape(self, input_shape: Any) -> Any:
        """The output shape for ``input_shape``; by default found by running ``call`` on zeros."""
        return self._traced_output_shape(input_shape)

    supports_masking = False    # Keras's flag: True passes an input's mask on unchanged (compute_mask)
    makes_mask = False          # True for a layer that creates a mask from its input (Embedding(mask_zero=True))

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The mask of this layer's output: the input's when ``supports_masking``, else None (Keras's default)."""
        return mask if self.supports_masking else None

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments (Keras's base: name, trainable, dtype); subclasses add theirs."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype.name}
        if self._declared_input_shape is not None:
            config["batch_input_shape"] = (None, *self._declared_input_shape)
        return config

    def add_weight(self, name: str | None = None, shape: Any = (), dtype: Any = None, initializer: Any = None,
                   regularizer: Any = None, trainable: bool = True, constraint: Any = None,
                   **kwargs: Any) -> KerasVariable:
        """A new weight (a Keras variable: ``numpy()``, ``assign``...) of ``shape`` filled by ``initializer`` (Keras's
        default: glorot_uniform for floats, zeros otherwise); ``trainable=False`` keeps it out of the gradient;
        ``constraint`` (nn.constraints) projects it after each update of a Keras optimizer. Keras 2's positional
        order ``add_weight(name, shape)`` and Keras 3's ``add_weight(shape, initializer)`` both work."""
        unknown = set(kwargs) - {"use_resource", "synchronization", "aggregation", "experimental_autocast",
                                 "autocast", "caching_device", "overwrite_with_gradient"}
        if unknown:
            raise TypeError(f"{type(self).__name__}.add_weight: unexpected argument(s) {sorted(unknown)}.")
        if name is not None and not isinstance(name, str):      # Keras 3: add_weight(shape, initializer, ...)
            name, shape, initializer = None, name, (initializer if isinstance(shape, tuple) and not shape else shape)
        shape = () if shape is None else ((int(shape),) if isinstance(shape, (int, np.integer)) else
                                          tuple(int(d) for d in shape))
        dtype = np.dtype(getattr(dtype, "name", dtype) or self.dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dtype.kind == "f" else "zeros"
        values = initial_values(initializer, shape, dtype)
        key = _fresh(name or "variable", self._added_weights)
        weight = new_variable(values, dtype=dtype, name=key, layer=self, trainable=bool(trainable))
        weight.constraint = constraints.get(constraint)     # projected after each Keras optimizer update
        self._added_weights[key] = weight
        reg = regularizers.get(regularizer)
        if reg is not None:
            self._weight_regularizers.append((weight, reg))
            register_loss_source(self)
        return weight

    def add_loss(self, loss: Any) -> None:
        """Add a scalar (a Tensor from this call's inputs, or a zero-argument callable) to ``losses``;
        fit adds ``losses`` to the compiled loss. Losses from a call are replaced by the next call."""
        register_loss_source(self)
        self._call_losses.append(loss)

    # ------------------------------------------------------------------ calling
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if args and not isinstance(args[0], (np.ndarray, Tensor)) and is_symbolic(args[0]):
            return self._call_symbolic(args[0], **kwargs)
        if self._hooked:
            return self._call_with_hooks(args, kwargs)
        return self.forward(*args, **kwargs)

    def forward(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """Keras's ``__call__``: Tensors in, ``build`` once, then ``call`` (with ``training`` if it takes it)."""
        if args and self._single_input_call():   # fit passes a multi-input x as separate arrays
            inputs, args = [inputs, *args], ()
        inputs = _to_tensors(inputs, self.dtype)
        if not self.built:
            self.built = True            # first, so a build that calls the layer does not recurse
            self._build_input_shape = _shapes(inputs)
            try:
                self.build(self._build_input_shape)
            except BaseException:
                self.built = False
                raise
        self._call_losses = []
        if "training" not in kwargs and self.training is not None and self._call_takes("training"):
            kwargs["training"] = self.training
        mask = kwargs["mask"] if "mask" in kwargs else mask_of(inputs)
        if mask is not None and "mask" not in kwargs and self._call_takes("mask"):
            kwargs["mask"] = mask
        out = self.call(inputs, *args, **kwargs)
        if self.activity_regularizer is not None:
            self._call_losses.append(activity_loss(self.activity_regularizer, out))
        if mask is not None or self.makes_mask:
            out_mask = self.compute_mask(inputs, mask)
            set_mask(out[0] if isinstance(out, (list, tuple)) and out else out,
                     out_mask[0] if isinstance(out_mask, (list, tuple)) else out_mask)
        return out

    def _call_symbolic(self, x: Any, **kwargs: Any) -> SymbolicTensor:
        parents = [x] if isinstance(x, SymbolicTensor) else list(x)
        shapes = parents[0].shape if isinstance(x, SymbolicTensor) else [p.shape for p in parents]
        if not self.built:
            self.build(shapes)
            self.built = True
        if type(self).compute_output_shape is Layer.compute_output_shape:
            return call_symbolic(self, x, **kwargs)
        shape = tuple(self.compute_output_shape(shapes))
        return record_symbolic(self, x, shape, self.dtype, kwargs)

    def _traced_output_shape(self, input_shape: Any) -> tuple:
        """Output shape of ``call`` on one zero sample of ``input_shape`` (batch axis kept as given)."""
        multi = isinstance(input_shape, list)
        shapes = input_shape if multi else [input_shape]
        dummies = [tg.tensor(np.zeros((1, *tuple(s)[1:]), dtype=self.dtype)) for s in shapes]
        with tg.no_grad():
            out = self.forward(dummies if multi else dummies[0])
        return (tuple(shapes[0])[0], *out.shape[1:])

    def _call_takes(self, name: str) -> bool:
        return name in _call_signature(type(self))[0]

    def _single_input_call(self) -> bool:
        return _call_signature(type(self))[1]

    def get_weights(self) -> list[np.ndarray]:
        """Copies of ``weights`` (trainable first, as Keras)."""
        self._initialized_parameters("get_weights")
        return [p.numpy(force=True).copy() for p in self.weights]

    def set_weights(self, weights: list[Any]) -> None:
        """Load arrays in :meth:`get_weights` order, all or nothing."""
        names = {id(p): n for n, p in self.named_parameters()}
        order = [names[id(p)] for p in self.weights]
        if len(weights) != len(order):
            raise ValueError(f"set_weights: {type(self).__name__} '{self.name}' has {len(order)} weight arrays "
                             f"({', '.join(order)}), got {len(weights)}.")
        self.load_state_dict(dict(zip(order, weights)), strict=False)


@functools.lru_cache(maxsize=None)
def _call_signature(cls: type) -> tuple[frozenset[str] | Any, bool]:
    """(the keyword names ``cls.call`` accepts — everything when it takes ``**kwargs`` —, whether it takes
    exactly one required positional input), once per class: inspecting costs more than a small layer's call."""
    params = list(inspect.signature(cls.call).parameters.values())[1:]    # without self
    names: Any = frozenset(p.name for p in params)
    if any(p.kind is p.VAR_KEYWORD for p in params):
        names = _Everything()
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]
    return names, len(positional) == 1 and not any(p.kind is p.VAR_POSITIONAL for p in params)


class _Everything:
    def __contains__(self, name: object) -> bool:
        return True


def _fresh(name: str, taken: dict[str, Any]) -> str:
    """``name``, or ``name_1``, ``name_2``, ... if a weight of this layer already has it."""
    key, i = name, 0
    while key in taken:
        i += 1
        key = f"{name}_{i}"
    return key


def _to_tensors(x: Any, dtype: np.dtype) -> Any:
    """numpy (and nested lists of arrays) as Tensors; floating arrays in the layer's dtype, as Keras casts."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (list, tuple)):
        return [_to_tensors(v, dtype) for v in x]
    if isinstance(x, dict):
        return {k: _to_tensors(v, dtype) for k, v in x.items()}
    array = np.asarray(x)
    return tg.tensor(array, dtype=dtype if array.dtype.kind == "f" else None)


def _shapes(x: Any) -> Any:
    if isinstance(x, list):
        return [_shapes(v) for v in x]
    if isinstance(x, dict):
        return {k: _shapes(v) for k, v in x.items()}
    return tuple(x.shape)


def weights_by_trainability(root: Module, trainable: bool) -> list[Parameter]:
    """The weights under ``root`` that are (or are not) trainable, in parameter order."""
    return [p for p, t in _weights_with_trainability(root) if t is trainable]


def _weights_with_trainability(root: Module) -> Iterator[tuple[Parameter, bool]]:
    """(weight, trainable) for every weight under ``root``: a weight is trainable when it requires grad,
    was not made with trainable=False, and no layer above it (itself included) has ``trainable = False``."""
    frozen: set[int] = set()
    owner: dict[int, Module] = {}
    for _, module in root.named_modules():
        if id(module) not in frozen and getattr(module, "trainable", True) is False:
            frozen.update(id(m) for m in module.modules())
        for _, p in _own_members(module):
            if isinstance(p, Parameter):
                owner.setdefault(id(p), module)
    for p in root.parameters():
        yield p, bool(id(owner.get(id(p))) not in frozen and getattr(p, "trainable", True) and p.requires_grad)


def activity_loss(regularizer: Any, output: Tensor) -> Tensor:
    """The penalty on a layer's output divided by the batch size, as Keras 2 does ("batch-agnostic")."""
    return regularizer(output) / (output.shape[0] if output.ndim else 1)


def register_loss_source(module: Module) -> None:
    """Note that ``module`` may add to ``losses`` (see _LOSS_SOURCES)."""
    _LOSS_SOURCES.add(module)


def collect_losses(root: Module) -> list[Tensor]:
    """``root``'s and its sub-layers' added losses of the latest call, then the weight penalties
    (``kernel_regularizer``, ``add_weight(regularizer=)``) computed on the current weights."""
    if not _LOSS_SOURCES:
        return []
    call_losses: list[Tensor] = []
    penalties: list[Tensor] = []
    for module in root.modules():
        for loss in getattr(module, "_call_losses", ()):
            value = loss() if callable(loss) and not isinstance(loss, Tensor) else loss
            call_losses.append(tg.as_tensor(value))
        for weight, reg in getattr(module, "_weight_regularizers", ()):
            if weight is not None and weight.initialized:
                penalties.append(reg(weight))
    return call_losses + penalties


__all__ = ["Layer", "activity_loss", "collect_losses", "register_loss_source", "weights_by_trainability"]
