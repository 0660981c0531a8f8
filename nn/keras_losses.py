"""Keras's loss classes, called Keras's way: ``loss(y_true, y_pred, sample_weight=None)``.

``Loss`` is the base (``keras.losses.Loss``): a subclass overrides ``call(y_true, y_pred)`` to return
the per-sample losses, and the base applies ``sample_weight`` and the ``reduction``:

* ``'sum_over_batch_size'`` (the default; Keras 2's ``'auto'`` means it): Σ wᵢ lᵢ / (number of loss
  values) — weights of 0 still count in the denominator, as Keras;
* ``'sum'``: Σ wᵢ lᵢ;   ``'none'`` (or None): the weighted per-sample values.

The built-in classes wrap Keras's loss functions (nn.loss_functions) with their keyword options,
after Keras's rank matching of ``y_true`` to ``y_pred`` ((n,) beside (n, 1) becomes (n, 1)). The
cross-entropies score a softmax/sigmoid output from the logits it carries (nn.losses's engines).
:func:`get` resolves every Keras loss name — function names (``'mse'``, ``'kld'``, ...) and class
names (``'MeanSquaredError'``) — as ``keras.losses.get`` does; :func:`loss_object` is what
``compile(loss=...)`` uses.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor

from . import loss_functions as fns
from . import losses as torch_losses


class Reduction:
    """Keras 2's ``tf.keras.losses.Reduction`` names."""
    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls) -> tuple[str, ...]:
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)


_REDUCTION_ALIASES = {None: "none", "auto": "sum_over_batch_size", "mean": "sum_over_batch_size"}


def _check_reduction(reduction: Any, who: str) -> str:
    """The reduction as one of 'sum_over_batch_size', 'sum', 'none' ('auto', 'mean' and None accepted)."""
    value = _REDUCTION_ALIASES.get(reduction, reduction) if reduction is None or isinstance(reduction, str) \
        else reduction
    if value not in ("sum_over_batch_size", "sum", "none"):
        raise ValueError(f"{who}: reduction must be 'sum_over_batch_size' (the default; Keras 2's 'auto'), 'sum' or "
                         f"'none', got {reduction!r}.")
    return value


def _as_prediction(y_pred: Any) -> Tensor:
    """y_pred as a Tensor (kept as is when it already is one: its graph and carried logits stay); a list,
    or an array of integers, becomes float32 (Keras's floatx)."""
    if isinstance(y_pred, Tensor):
        return y_pred
    a = np.asarray(y_pred)
    return tg.tensor(a if a.dtype.kind == "f" and isinstance(y_pred, np.ndarray) else a.astype(np.float32))


def _weights_like(sample_weight: Any, values: Tensor, who: str) -> Any:
    """Sample weights broadcastable to the loss values (Keras: a trailing 1 squeezed, missing axes added)."""
    if isinstance(sample_weight, Tensor) and sample_weight.requires_grad:
        w = sample_weight if sample_weight.dtype == values.dtype else sample_weight.astype(values.dtype)
    else:
        w = np.asarray(sample_weight.numpy(force=True) if isinstance(sample_weight, Tensor) else sample_weight, dtype=values.dtype)
    if w.ndim == values.ndim + 1 and w.shape[-1] == 1:
        w = w.reshape(w.shape[:-1])
    while w.ndim < values.ndim:
        w = w.reshape(w.shape + (1,))
    try:
        np.broadcast_shapes(w.shape, values.shape)
    except ValueError:
        raise ValueError(f"{who}: sample_weight of shape {tuple(w.shape)} does not fit the loss values of shape "
                         f"{values.shape}; give one weight per sample, shape ({values.shape[0] if values.ndim else 1},)."
                         ) from None
    return w


def reduce_weighted(values: Tensor, sample_weight: Any, reduction: str, who: str = "loss") -> Tensor:
    """Keras's ``compute_weighted_loss``: values · weights, then 'none', 'sum' or Σ / (number of values)."""
    if sample_weight is not None:
        values = values * _weights_like(sample_weight, values, who)
    if reduction == "none":
        return values
    return values.sum() if reduction == "sum" else values.mean()


def _match_rank(y_true: Any, y_pred: Tensor) -> Any:
    """Keras's squeeze_or_expand_dimensions: y_true one axis short gets a trailing axis; one axis more,
    of size 1, loses it. (A Tensor stays a Tensor; anything else becomes an array.)"""
    t = y_true if isinstance(y_true, Tensor) else np.asarray(y_true)
    if t.ndim == y_pred.ndim - 1:
        return t.reshape(tuple(t.shape) + (1,))
    if t.ndim == y_pred.ndim + 1 and t.shape[-1] == 1:
        return t.reshape(tuple(t.shape[:-1]))
    return t


class Loss:
    """Base of Keras's losses: override ``call(y_true, y_pred)`` to return per-sample losses; calling the
    object applies ``sample_weight`` and ``reduction``. Usable in ``compile(loss=...)``, where fit gives
    it the targets shaped as Keras does ((n,) beside (n, 1) outputs becomes (n, 1))."""

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str | None = None, dtype: Any = None) -> None:
        self.reduction = _check_reduction(reduction, type(self).__name__)
        self.name = name if name is not None else _snake(type(self).__name__)
        self.dtype = dtype

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
        """The reduced (weighted) loss of a batch: Keras's ``Loss.__call__``."""
        y_pred = _as_prediction(y_pred)
        if sample_weight is None and self.reduction == "sum_over_batch_size":
            fused = self._batch_mean(y_true, y_pred)
            if fused is not None:
                return fused
        values = self.call(y_true, y_pred)
        if not isinstance(values, Tensor):
            values = tg.as_tensor(values, y_pred.dtype)
        return reduce_weighted(values, sample_weight, self.reduction, self.name)

    def call(self, y_true: Any, y_pred: Tensor) -> Tensor:
        """The per-sample losses (override this)."""
        raise NotImplementedError(f"{type(self).__name__}: a keras.losses.Loss subclass must define "
                                  f"call(self, y_true, y_pred) returning the per-sample losses.")

    def _batch_mean(self, y_true: Any, y_pred: Tensor) -> Tensor | None:
        """The unweighted 'sum_over_batch_size' value in fewer graph nodes, when a class knows it (else None)."""
        return None

    def get_config(self) -> dict[str, Any]:
        return {"reduction": self.reduction, "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Loss":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


def _snake(class_name: str) -> str:
    out = "".join(f"_{c.lower()}" if c.isupper() else c for c in class_name)
    return out.lstrip("_")


class LossFunctionWrapper(Loss):
    """A loss function ``fn(y_true, y_pred, **kwargs)`` as a Loss (what compile makes of a function)."""

    def __init__(self, fn: Callable[..., Any], reduction: Any = "sum_over_batch_size", name: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(reduction=reduction, name=name if name is not None else getattr(fn, "__name__", None))
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: Any, y_pred: Tensor) -> Tensor:
        y_true = _match_rank(y_true, y_pred)
        true_shape = tuple(y_true.shape)
        try:
            np.broadcast_shapes(true_shape, y_pred.shape)
        except ValueError:
            raise ValueError(f"{type(self).__name__}: y_true of shape {true_shape} does not fit y_pred of shape "
                             f"{y_pred.shape}; give one target per output value (loss(y_true, y_pred): targets "
                             f"first), e.g. one-hot targets with to_categorical for class indices.") from None
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), **self._fn_kwargs}


_DEFAULT = "sum_over_batch_size"


class MeanSquaredError(LossFunctionWrapper):
    """mean((y_true − y_pred)², axis=-1) per sample ('mse')."""

    def __init__(self, reduction: Any = _DEFAULT, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(fns.mean_squared_error, reduction, name)

    def _batch_mean(self, y_true: Any, y_pred: Tensor) -> Tensor | None:
        # the mean of the per-sample means is the mean of all elements (rows are equally long)
        return torch_losses.mse_loss(y_pred, y_true) if y_pred.ndim >= 2 else None


class MeanAbsoluteError(LossFunctionWrapper):
    """mean(|y_true − y_pred|, axis=-1) per sample ('mae')."""

    def __init__(self, reduction: Any = _DEFAULT, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(fns.mean_absolute_error, reduction, name)

    def _batch_mean(self, y_true: Any, y_pred: Tensor) -> Tensor | None:
        return torch_losses.l1_loss(y_pred, y_true) if y_pred.ndim >= 2 else None


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """100 · mean(|y_true − y_pred| / max(|y_true|, ε), axis=-1) per sample ('mape')."""

    def __init__(self, reduction: Any = _DEFAULT, name: str = "mean_absolute_percentage_error",
                 dtype: Any = None) -> None:
        super().__init__(fns.mean_absolute_percentage_error, reduction, name)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """mean((log(max(y_pred, ε) + 1) − log(max(y_true, ε) + 1))², axis=-1) per sample ('msle')."""

    def __init__(self, reduction: Any = _DEFAULT, name: str = "mean_squared_logarithmic_error",
                 dtype: Any = None) -> None:
        super().__init__(fns.mean_squared_logarithmic_error, reduction, name)


class Huber(LossFunctionWrapper):
    """mean over the last axis of ½e² where |e| ≤ delta, else delta·|e| − ½delta² ('huber')."""

    def __init__(self, delta: float = 1.0, reduction: Any = _DEFAULT, name: str = "huber_loss",
                 dtype: Any = None) -> None:
        if not delta > 0:
            raise ValueError(f"Huber: delta must be positive, got {delta!r}.")
        super().__init__(fns.huber, reduction, name, delta=float(delta))
        self.delta = float(delta)

    def _batch_mean(self, y_true: Any, y_pred: Tensor) -> Tensor | None:
        return torch_losses.huber_loss(y_pred, y_true, delta=self.delta) if y_pred.ndim >= 2 else None


class LogCosh(LossFunctionWrapper):
    """mean(log cosh(y_pred − y_true), axis=-1) per sample ('log_cosh')."""

    def __init__(self, reduction: Any = _DEFAULT, name: str = "log_cosh", dtype: Any = None) -> None:
        super().__init__(fns.log_cosh, reduction, name)


class Poisson(LossFunctionWrapper):
    """mean(y_pred − y_true·log(y_pred + ε), axis=-1) per sample ('poisson')."""

    def __init__(self, reduction: Any = _DEFAULT, name: str = "poisson", dtype: Any = None) -> None:
        super().__init__(fns.poisson, reduction, name)


class KLDivergence(LossFunctionWrapper):
    """Σ y·log(y / p) over the last axis, both clipped to [ε, 1] ('kld', 'kl_divergence')."""

    def __init__(self, reduction: Any = _DEFAULT, name: str = "kl_divergence", dtype: Any = None) -> None:
        super().__init__(fns.kl_divergence, reduction, name)


class Hinge(LossFunctionWrapper):
    """mean(max(1 − y·p, 0), axis=-1), labels −1/1 (0/1 converted) ('hinge')."""

    def __init__(self, reduction: Any = _DEFAULT, name: str = "hinge", dtype: Any = None) -> None:
        super().__init__(fns.hinge, reduction, name)


class SquaredHinge(LossFunctionWrapper):
    """mean(max(1 − y·p, 0)², axis=-1) ('squared_hinge')."""

    def __init__(self, reduction: Any = _DEFAULT, name: str = "squared_hinge", dtype: Any = None) -> None:
        super().__init__(fns.squared_hinge, reduction, name)


class CategoricalHinge(LossFunctionWrapper):
    """max(max((1 − y)·p) − Σ y·p + 1, 0) per sample ('categorical_hinge')."""

    def __init__(self, reduction: Any = _DEFAULT, name: str = "categorical_hinge", dtype: Any = None) -> None:
        super().__init__(fns.categorical_hinge, reduction, name)


class CosineSimilarity(LossFunctionWrapper):
    """−Σ ŷ·p̂ over ``axis``, both L2-normalised: −1 when aligned ('cosine_similarity')."""

    def __init__(self, axis: int = -1, reduction: Any = _DEFAULT, name: str = "cosine_similarity",
                 dtype: Any = None) -> None:
        super().__init__(fns.cosine_similarity, reduction, name, axis=axis)
        self.axis = axis


class BinaryCrossentropy(LossFunctionWrapper):
    """mean(−[y log p + (1 − y) log(1 − p)], axis), p clipped to [1e-7, 1 − 1e-7] (a sigmoid output is
    scored from its logits); ``from_logits``: z is a logit; ``label_smoothing`` s: y·(1 − s) + s/2."""

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: Any = _DEFAULT, name: str = "binary_crossentropy", dtype: Any = None) -> None:
        _check_smoothing(label_smoothing, "BinaryCrossentropy")
        super().__init__(fns.binary_crossentropy, reduction, name, from_logits=bool(from_logits),
                         label_smoothing=float(label_smoothing), axis=axis)
        self.from_logits, self.label_smoothing, self.axis = bool(from_logits), float(label_smoothing), axis

    def _batch_mean(self, y_true: Any, y_pred: Tensor) -> Tensor | None:
        # the engine's own mean, when there is nothing to smooth or move (fit's usual case: fewer calls)
        if self.label_smoothing or self.axis not in (-1, y_pred.ndim - 1) or y_pred.ndim < 2:
            return None
        return torch_losses.clipped_binary_cross_entropy(y_pred, y_true, self.from_logits, reduction="mean")


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """mean((1 − p_t)^gamma · bce, axis), p_t = y·p + (1 − y)(1 − p); with ``apply_class_balancing`` each
    term times alpha (y = 1) or 1 − alpha (y = 0) — Lin et al. 2018, as Keras 2.15."""

    def __init__(self, apply_class_balancing: bool = False, alpha: float = 0.25, gamma: float = 2.0,
                 from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1, reduction: Any = _DEFAULT,
                 name: str = "binary_focal_crossentropy", dtype: Any = None) -> None:
        _check_smoothing(label_smoothing, "BinaryFocalCrossentropy")
        super().__init__(fns.binary_focal_crossentropy, reduction, name, apply_class_balancing=apply_class_balancing,
                         alpha=alpha, gamma=gamma, from_logits=bool(from_logits),
                         label_smoothing=float(label_smoothing), axis=axis)
        self.apply_class_balancing, self.alpha, self.gamma = apply_class_balancing, alpha, gamma
        self.from_logits, self.label_smoothing, self.axis = bool(from_logits), float(label_smoothing), axis


class CategoricalCrossentropy(LossFunctionWrapper):
    """−Σ y log p over ``axis``, p normalised and clipped to [1e-7, 1 − 1e-7] (a softmax output is scored
    from its logits); ``label_smoothing`` s: y·(1 − s) + s / classes."""

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: Any = _DEFAULT, name: str = "categorical_crossentropy", dtype: Any = None) -> None:
        _check_smoothing(label_smoothing, "CategoricalCrossentropy")
        super().__init__(fns.categorical_crossentropy, reduction, name, from_logits=bool(from_logits),
                         label_smoothing=float(label_smoothing), axis=axis)
        self.from_logits, self.label_smoothing, self.axis = bool(from_logits), float(label_smoothing), axis

    def _batch_mean(self, y_true: Any, y_pred: Tensor) -> Tensor | None:
        if self.label_smoothing or self.axis not in (-1, y_pred.ndim - 1):
            return None
        return torch_losses.clipped_cross_entropy(y_pred, y_true, self.from_logits, reduction="mean")


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Σ alpha·(1 − p)^gamma · (−y log p) over ``axis`` (alpha a number or one per class) — Lin et al. 2018."""

    def __init__(self, alpha: Any = 0.25, gamma: float = 2.0, from_logits: bool = False,
                 label_smoothing: float = 0.0, axis: int = -1, reduction: Any = _DEFAULT,
                 name: str = "categorical_focal_crossentropy", dtype: Any = None) -> None:
        _check_smoothing(label_smoothing, "CategoricalFocalCrossentropy")
        super().__init__(fns.categorical_focal_crossentropy, reduction, name, alpha=alpha, gamma=gamma,
                         from_logits=bool(from_logits), label_smoothing=float(label_smoothing), axis=axis)
        self.alpha, self.gamma = alpha, gamma
        self.from_logits, self.label_smoothing, self.axis = bool(from_logits), float(label_smoothing), axis


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """−log p[label] per sample, p normalised then clipped to [1e-7, 1 − 1e-7]; integer labels, shape (n,)
    or (n, 1). Labels equal to ``ignore_class`` give 0 and are left out of 'sum_over_batch_size' (Keras
    masks them)."""

    def __init__(self, from_logits: bool = False, ignore_class: int | None = None, reduction: Any = _DEFAULT,
                 name: str = "sparse_categorical_crossentropy", dtype: Any = None) -> None:
        super().__init__(fns.sparse_categorical_crossentropy, reduction, name, from_logits=bool(from_logits),
                         ignore_class=ignore_class)
        self.from_logits, self.ignore_class = bool(from_logits), ignore_class

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
        if self.ignore_class is None or self.reduction != "sum_over_batch_size":
            return super().__call__(y_true, y_pred, sample_weight)
        y_pred = _as_prediction(y_pred)
        total = reduce_weighted(self.call(y_true, y_pred), sample_weight, "sum", self.name)
        labels = np.asarray(y_true.numpy(force=True) if isinstance(y_true, Tensor) else y_true)
        kept = max(int(np.count_nonzero(labels != self.ignore_class)), 1)
        return total / np.asarray(kept, dtype=total.dtype)

    def call(self, y_true: Any, y_pred: Tensor) -> Tensor:
        # sparse labels have one axis fewer than the predictions: no rank matching
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def _batch_mean(self, y_true: Any, y_pred: Tensor) -> Tensor | None:
        # the engine's own mean (from logits, inside the fused op: one node)
        if self.ignore_class is not None:
            return None
        return torch_losses.clipped_sparse_cross_entropy(y_pred, y_true, self.from_logits, reduction="mean")


def _check_smoothing(value: Any, who: str) -> None:
    if not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"{who}: label_smoothing must be between 0 and 1, got {value!r}.")


# ----------------------------------------------------------------------------- names
LOSS_CLASSES: dict[str, type[Loss]] = {cls.__name__: cls for cls in (
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, Huber, LogCosh,
    Poisson, KLDivergence, Hinge, SquaredHinge, CategoricalHinge, CosineSimilarity, BinaryCrossentropy,
    BinaryFocalCrossentropy, CategoricalCrossentropy, CategoricalFocalCrossentropy, SparseCategoricalCrossentropy)}

# Keras's function names (and aliases) -> the class compile builds for them
KERAS_LOSS_NAMES: dict[str, type[Loss]] = {
    "mse": MeanSquaredError, "MSE": MeanSquaredError, "mean_squared_error": MeanSquaredError,
    "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError, "mean_absolute_error": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
    "mean_absolute_percentage_error": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
    "mean_squared_logarithmic_error": MeanSquaredLogarithmicError,
    "huber": Huber, "huber_loss": Huber, "log_cosh": LogCosh, "logcosh": LogCosh, "poisson": Poisson,
    "kld": KLDivergence, "KLD": KLDivergence, "kl_divergence": KLDivergence,
    "kullback_leibler_divergence": KLDivergence, "hinge": Hinge, "squared_hinge": SquaredHinge,
    "categorical_hinge": CategoricalHinge, "cosine_similarity": CosineSimilarity,
    "binary_crossentropy": BinaryCrossentropy, "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
    "binary_focal_crossentropy": BinaryFocalCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "categorical_focal_crossentropy": CategoricalFocalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
}


def _unknown(identifier: str) -> ValueError:
    return ValueError(f"loss {identifier!r} is unknown; valid names are {sorted(KERAS_LOSS_NAMES)} and the classes "
                      f"{sorted(LOSS_CLASSES)}, or pass a loss object or a function (y_true, y_pred) -> Tensor.")


def loss_object(identifier: Any, **options: Any) -> Any:
    """A loss object for a Keras name (function or class name; ``options`` such as ``from_logits=True`` go
    to its class), a config dict ``{'class_name': ..., 'config': {...}}``, or a callable as is."""
    if isinstance(identifier, str):
        cls = KERAS_LOSS_NAMES.get(identifier) or LOSS_CLASSES.get(identifier)
        if cls is None:
            raise _unknown(identifier)
        return cls(**options)
    if isinstance(identifier, dict) and not options:
        cls = LOSS_CLASSES.get(identifier.get("class_name", ""))
        if cls is None:
            raise _unknown(str(identifier.get("class_name")))
        return cls.from_config(dict(identifier.get("config") or {}))
    if inspect.isclass(identifier) and issubclass(identifier, Loss):
        raise TypeError(f"loss: got the class {identifier.__name__}; pass an instance, {identifier.__name__}().")
    if callable(identifier) and not options:
        return identifier
    raise TypeError(f"losses.get: expected a loss name, config dict or callable (options only with a name), got "
                    f"{identifier!r} with options {options}.")


def get(identifier: Any, **options: Any) -> Any:
    """``keras.losses.get``: a function name gives Keras's function (``get('mse')(y_true, y_pred)`` is one
    value per sample), a class name or config dict an instance, a callable itself, None None. With
    ``options`` (tensorgrad's extension) a name always gives the class instance built with them."""
    if identifier is None:
        return None
    if isinstance(identifier, str) and not options and identifier in KERAS_LOSS_NAMES \
            and callable(getattr(fns, identifier, None)):
        return getattr(fns, identifier)
    return loss_object(identifier, **options)


def serialize(loss: Any) -> Any:
    """A loss as JSON: a Keras loss object as ``{'class_name', 'config'}``, a Keras loss function by name."""
    if isinstance(loss, Loss) and type(loss).__name__ in LOSS_CLASSES and LOSS_CLASSES[type(loss).__name__] is type(loss):
        return {"class_name": type(loss).__name__, "config": loss.get_config()}
    name = getattr(loss, "__name__", None)
    if name is not None and getattr(fns, name, None) is loss:
        return name
    raise TypeError(f"losses.serialize: {loss!r} is not one of Keras's loss classes or functions; a custom loss is "
                    f"saved by giving it to load_model's custom_objects.")


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    """The loss :func:`serialize` wrote (a class name in ``custom_objects`` gives that class)."""
    if isinstance(config, dict) and custom_objects and config.get("class_name") in custom_objects:
        return custom_objects[config["class_name"]].from_config(dict(config.get("config") or {}))
    if isinstance(config, str) and custom_objects and config in custom_objects:
        return custom_objects[config]
    return get(config)


__all__ = ["Loss", "LossFunctionWrapper", "Reduction", *LOSS_CLASSES, "get", "loss_object", "reduce_weighted",
           "serialize", "deserialize"]
