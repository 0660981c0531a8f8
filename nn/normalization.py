"""Normalization layers: Keras's BatchNormalization and LayerNormalization (Keras Layers, channels last,
built on the first call, gamma/beta/moving statistics), PyTorch's BatchNorm1d/2d and LayerNorm (weight/bias/running statistics,
state dicts as PyTorch's). The running statistics are parameters that do not require grad: they are
saved and loaded with the weights and counted as non-trainable, as Keras's summary counts them."""
from __future__ import annotations

from typing import Any

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor, as_tensor

from . import init
from .keras_variable import new_variable
from .layer import Layer
from .module import Module
from .parameter import Parameter
from .saving import initializer_name


class BatchNormalization(Layer):
    """Keras's batch normalization over every axis but ``axis`` (the channels, last by default):
    y = γ (x - μ) / √(σ² + ε) + β with the batch's statistics in training, the moving averages
    (moving ← momentum·moving + (1 - momentum)·batch) in inference. As in Keras, a layer called alone
    (training=None) or frozen (``trainable = False``) runs in inference mode."""

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 moving_mean_initializer: Any = "zeros", moving_variance_initializer: Any = "ones",
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not 0 <= momentum <= 1:
            raise ValueError(f"BatchNormalization: momentum must be in [0, 1], got {momentum!r}.")
        self.axis, self.momentum, self.epsilon = int(axis), float(momentum), float(epsilon)
        self._initializers = [init.get(i) for i in (gamma_initializer, beta_initializer, moving_mean_initializer,
                                                    moving_variance_initializer)]
        lazy = lambda what, trainable=True: new_variable(shape=(None,), dtype=self.dtype, name=what,  # noqa: E731
                                                         layer=self, trainable=trainable)
        self.gamma = lazy("gamma") if scale else None
        self.beta = lazy("beta") if center else None
        # state, never a weight the optimizer moves
        self.moving_mean, self.moving_variance = lazy("moving_mean", False), lazy("moving_variance", False)
        if self._declared_input_shape is not None:
            self.build((None, *self._declared_input_shape))

    def build(self, input_shape: Any) -> None:
        """Materialize γ, β and the moving statistics for the channels of ``input_shape`` (batch axis first);
        weights already set (by load_state_dict, say) are kept."""
        shape = tuple(input_shape)
        if not -len(shape) <= self.axis < len(shape):
            raise ValueError(f"BatchNormalization '{self.name}': axis {self.axis} is out of range for inputs of "
                             f"shape {shape}.")
        channels, rng = int(shape[self.axis]), init.default_rng()
        for p, initializer in zip((self.gamma, self.beta, self.moving_mean, self.moving_variance), self._initializers):
            if p is not None and not p.initialized:
                p.materialize(initializer((channels,), rng, self.dtype))
        self.moving_mean.requires_grad = self.moving_variance.requires_grad = False

    def call(self, inputs: Any, training: Any = None) -> Tensor:
        x = as_tensor(inputs, self.dtype)
        return tg.batch_norm(x, self.moving_mean, self.moving_variance, self.gamma, self.beta,
                             training=bool(training) and self.trainable, momentum=1 - self.momentum,
                             eps=self.epsilon, axis=self.axis, unbiased_running_var=False)

    def get_config(self) -> dict[str, Any]:
        names = [initializer_name(i) for i in self._initializers]
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                "center": self.beta is not None, "scale": self.gamma is not None,
                "gamma_initializer": names[0], "beta_initializer": names[1],
                "moving_mean_initializer": names[2], "moving_variance_initializer": names[3]}


class LayerNormalization(Layer):
    """Keras's layer normalization over the last axis: y = γ (x - μ) / √(σ² + ε) + β per sample."""

    def __init__(self, axis: int = -1, epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                 beta_initializer: Any = "zeros", gamma_initializer: Any = "ones", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if axis != -1:
            raise ValueError(f"LayerNormalization: only axis=-1 (the last axis) is supported, got {axis!r}.")
        self.epsilon = float(epsilon)
        self.beta_initializer, self.gamma_initializer = init.get(beta_initializer), init.get(gamma_initializer)
        self.gamma = new_variable(shape=(None,), dtype=self.dtype, name="gamma", layer=self) if scale else None
        self.beta = new_variable(shape=(None,), dtype=self.dtype, name="beta", layer=self) if center else None
        if self._declared_input_shape is not None:
            self.build((None, *self._declared_input_shape))

    def build(self, input_shape: Any) -> None:
        """Materialize γ and β for the last axis of ``input_shape`` (weights already set are kept)."""
        features, rng = int(tuple(input_shape)[-1]), init.default_rng()
        for p, initializer in ((self.gamma, self.gamma_initializer), (self.beta, self.beta_initializer)):
            if p is not None and not p.initialized:
                p.materialize(initializer((features,), rng, self.dtype))

    def call(self, inputs: Any) -> Tensor:
        x = as_tensor(inputs, self.dtype)
        return tg.layer_norm(x, x.shape[-1], self.gamma, self.beta, eps=self.epsilon)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": -1, "epsilon": self.epsilon, "center": self.beta is not None,
                "scale": self.gamma is not None, "beta_initializer": initializer_name(self.beta_initializer),
                "gamma_initializer": initializer_name(self.gamma_initializer)}


class _BatchNorm(Module):
    """PyTorch's batch normalization: weight (γ), bias (β; none with ``bias=False``), running_mean, running_var,
    num_batches_tracked."""
    dims: tuple[int, ...] = (2, 3)

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, dtype: Any = np.float32, *, bias: bool = True) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = int(num_features), float(eps), momentum
        self.affine, self.track_running_stats = bool(affine), bool(track_running_stats)
        self.weight = Parameter(np.ones(num_features, dtype)) if affine else None
        self.bias = Parameter(np.zeros(num_features, dtype)) if affine and bias else None
        # buffers, as PyTorch's: model.parameters() lists only what is trained (weight, bias), and an integer
        # counter among them would stop every optimizer (they train floating tensors only)
        self.register_buffer("running_mean", Tensor(np.zeros(num_features, dtype)) if track_running_stats else None)
        self.register_buffer("running_var", Tensor(np.ones(num_features, dtype)) if track_running_stats else None)
        self.register_buffer("num_batches_tracked", Tensor(np.zeros((), np.int64)) if track_running_stats else None)

    def forward(self, x: Any) -> Tensor:
        x = as_tensor(x)
        if x.ndim not in self.dims or x.shape[1] != self.num_features:
            raise ValueError(f"{type(self).__name__}: expects input with {' or '.join(map(str, self.dims))} axes and "
                             f"{self.num_features} channels on axis 1, got shape {x.shape}.")
        use_batch = self.training or self.running_mean is None
        momentum = self.momentum
        if self.training and self.num_batches_tracked is not None:
            with tg.no_grad():
                self.num_batches_tracked.numpy(force=True)[...] += 1
            tg.increment_version(self.num_batches_tracked)
            if momentum is None:                 # cumulative moving average
                momentum = 1.0 / float(self.num_batches_tracked)
        return tg.batch_norm(x, self.running_mean if self.training or not use_batch else None,
                             self.running_var if self.training or not use_batch else None, self.weight, self.bias,
                             training=use_batch, momentum=momentum or 0.0, eps=self.eps)

    def extra_repr(self) -> str:
        """PyTorch's: features, eps, momentum, affine, bias, track_running_stats."""
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.running_mean is not None}")


class BatchNorm1d(_BatchNorm):
    """Batch normalization of (N, C) or (N, C, L) input over N (and L)."""
    dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalization of (N, C, H, W) input over N, H and W."""
    dims = (4,)


class LayerNorm(Module):
    """PyTorch's layer normalization over the trailing ``normalized_shape``: weight ones, bias zeros."""

    def __init__(self, normalized_shape: Any, eps: float = 1e-5, elementwise_affine: bool = True, bias: bool = True,
                 dtype: Any = np.float32) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else tuple(normalized_shape)
        self.normalized_shape, self.eps = tuple(int(s) for s in shape), float(eps)
        self.weight = Parameter(np.ones(self.normalized_shape, dtype)) if elementwise_affine else None
        self.bias = Parameter(np.zeros(self.normalized_shape, dtype)) if elementwise_affine and bias else None

    def forward(self, x: Any) -> Tensor:
        return tg.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        """PyTorch's: the normalized shape, eps, elementwise_affine, bias."""
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.weight is not None}, "
                f"bias={self.bias is not None}")
