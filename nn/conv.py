"""Convolution and pooling layers, in both spellings.

Keras's (``Conv2D``, ``MaxPooling2D`` ...) are Keras Layers (get_config, ``.keras`` saving, summary):
they take channels-last input (batch, height, width, channels), keep the kernel as (kh, kw, in, out),
start Glorot-uniform with zero bias, and build on the first call (or ``build(input_shape)``). PyTorch's (``Conv2d``, ``MaxPool2d`` ...) take (batch, channels, height, width), keep the weight
as (out, in/groups, kh, kw) and start as PyTorch does (uniform ±1/√fan_in), so state dicts exchange.
Both run tensorgrad's NCHW ops (``tg.conv2d``, ``tg.max_pool2d`` ...).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor, as_tensor

from . import activations, constraints, init, regularizers
from .keras_variable import new_variable
from .layer import Layer, register_loss_source
from .masking import step_mask
from .module import Module
from .parameter import Parameter
from .saving import activation_name, initializer_name


def _tuple(value: Any, n: int, who: str, what: str, minimum: int = 1) -> tuple[int, ...]:
    """``value`` as n integers >= ``minimum`` (an int repeated, or a sequence of n)."""
    values = (value,) * n if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) != n or not all(isinstance(v, (int, np.integer)) and v >= minimum for v in values):
        kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"{who}: {what} must be {kind} or {n} of them, got {value!r}.")
    return tuple(int(v) for v in values)


def _keras_padding(padding: Any, who: str) -> str:
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(f"{who}: padding must be 'valid' or 'same' (Keras's), got {padding!r}.")
    return padding.lower()


def _channels_last(data_format: str | None, who: str) -> None:
    if data_format not in (None, "channels_last"):
        raise ValueError(f"{who}: only data_format='channels_last' is supported (input (batch, ..., channels)); "
                         f"got {data_format!r}. Use the PyTorch-style layers (nn.Conv2d ...) for channels-first.")


def _to_first(x: Tensor) -> Tensor:
    """(N, H, W, C) -> (N, C, H, W)."""
    return x.transpose((0, 3, 1, 2))


def _to_last(x: Tensor) -> Tensor:
    """(N, C, H, W) -> (N, H, W, C)."""
    return x.transpose((0, 2, 3, 1))


# ------------------------------------------------------------------ Keras: Conv1D, Conv2D
class _KerasConv(Layer):
    """Shared body of Conv1D/Conv2D: kernel (*k, in, filters), built on the first call, activation after."""
    rank = 2

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = 1, groups: int = 1, activation: Any = None,
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        who = f"{type(self).__name__}"
        if not isinstance(filters, (int, np.integer)) or filters <= 0:
            raise ValueError(f"{who}: filters must be a positive integer, got {filters!r}.")
        _channels_last(data_format, who)
        self.filters, self.groups = int(filters), int(groups)
        self.kernel_size = _tuple(kernel_size, self.rank, who, "kernel_size")
        self.strides = _tuple(strides, self.rank, who, "strides")
        self.dilation_rate = _tuple(dilation_rate, self.rank, who, "dilation_rate")
        self.padding = _keras_padding(padding, who)
        if self.filters % self.groups:
            raise ValueError(f"{who}: filters ({filters}) must be divisible by groups ({groups}).")
        self.activation = activations.get(activation)
        self.kernel_initializer, self.bias_initializer = init.get(kernel_initializer), init.get(bias_initializer)
        self.kernel_regularizer, self.bias_regularizer = regularizers.get(kernel_regularizer), \
            regularizers.get(bias_regularizer)
        self.kernel = new_variable(shape=self._kernel_shape(None), dtype=self.dtype, name="kernel", layer=self)
        self.bias = new_variable(shape=(self.filters,), dtype=self.dtype, name="bias", layer=self) if use_bias else None
        for weight, reg in ((self.kernel, self.kernel_regularizer), (self.bias, self.bias_regularizer)):
            if weight is not None and reg is not None:
                self._weight_regularizers.append((weight, reg))
                register_loss_source(self)
        self.kernel_constraint = self.kernel.constraint = constraints.get(kernel_constraint)  # after Keras updates
        self.bias_constraint = constraints.get(bias_constraint)
        if self.bias is not None:
            self.bias.constraint = self.bias_constraint
        if self._declared_input_shape is not None:
            self.build((None, *self._declared_input_shape))

    def build(self, input_shape: Any) -> None:
        """Materialize kernel (*k, in/groups, filters) and bias for inputs (batch, ..., in) (weights already
        set, by load_state_dict say, are kept)."""
        in_channels = int(tuple(input_shape)[-1])
        if in_channels % self.groups:
            raise ValueError(f"{type(self).__name__} '{self.name}': input channels ({in_channels}) must be divisible "
                             f"by groups ({self.groups}).")
        if not self.kernel.initialized:
            shape = self._kernel_shape(in_channels)
            self.kernel.materialize(self.kernel_initializer(shape, init.default_rng(), self.dtype))
        if self.bias is not None and not self.bias.initialized:
            self.bias.materialize(self.bias_initializer((self.filters,), init.default_rng(), self.dtype))

    def _kernel_shape(self, in_channels: int | None) -> tuple[int | None, ...]:
        """The kernel's shape for ``in_channels`` input channels (None: not known yet)."""
        return self.kernel_size + (None if in_channels is None else in_channels // self.groups, self.filters)

    def _input_channels(self) -> int:
        """The input channels the built kernel takes."""
        return self.kernel.shape[-2] * self.groups

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "strides": self.strides, "padding": self.padding,
                "data_format": "channels_last", "dilation_rate": self.dilation_rate, "groups": self.groups,
                "activation": activation_name(self.activation), "use_bias": self.bias is not None,
                "kernel_initializer": initializer_name(self.kernel_initializer),
                "bias_initializer": initializer_name(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}

    def _input(self, x: Any) -> Tensor:
        if type(x) is not Tensor or x.dtype is not self.dtype:
            x = as_tensor(x, self.dtype)
        if x.ndim != self.rank + 2:
            raise ValueError(f"{type(self).__name__} '{self.name}': expects input of {self.rank + 2} axes (batch, "
                             f"{'steps' if self.rank == 1 else 'height, width'}, channels), got shape {x.shape}.")
        if x.shape[-1] != self._input_channels():
            raise ValueError(f"{type(self).__name__} '{self.name}': expects {self._input_channels()} "
                             f"input channels on the last axis, got shape {x.shape}.")
        return x

    def _activate(self, y: Tensor) -> Tensor:
        return y if self.activation is None else self.activation(y)


class Conv2D(_KerasConv):
    """Keras's 2-d convolution on (batch, height, width, channels): activation(conv(x, kernel) + bias),
    kernel (kh, kw, in/groups, filters); ``padding`` 'valid' or 'same'."""
    rank = 2

    def call(self, inputs: Any) -> Tensor:
        x = self._input(inputs)
        weight = self.kernel.transpose((3, 2, 0, 1))          # (kh, kw, in, out) -> (out, in, kh, kw)
        y = tg.conv2d(_to_first(x), weight, self.bias, stride=self.strides, padding=self.padding,
                      dilation=self.dilation_rate, groups=self.groups)
        return self._activate(_to_last(y))


class Conv1D(_KerasConv):
    """Keras's 1-d convolution on (batch, steps, channels): kernel (k, in/groups, filters)."""
    rank = 1

    def call(self, inputs: Any) -> Tensor:
        x = self._input(inputs)
        weight = self.kernel.transpose((2, 1, 0))             # (k, in, out) -> (out, in, k)
        y = tg.conv1d(x.transpose((0, 2, 1)), weight, self.bias, stride=self.strides[0], padding=self.padding,
                      dilation=self.dilation_rate[0], groups=self.groups)
        return self._activate(y.transpose((0, 2, 1)))


# ------------------------------------------------------------------ Keras: pooling, padding, upsampling
class _KerasPool(Layer):
    rank = 2
    kind = "max"

    def __init__(self, pool_size: Any = 2, strides: Any = None, padding: str = "valid", data_format: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        who = type(self).__name__
        _channels_last(data_format, who)
        self.pool_size = _tuple(pool_size, self.rank, who, "pool_size")
        self.strides = self.pool_size if strides is None else _tuple(strides, self.rank, who, "strides")
        self.padding = _keras_padding(padding, who)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "pool_size": self.pool_size, "strides": self.strides,
                "padding": self.padding, "data_format": "channels_last"}

    def call(self, inputs: Any) -> Tensor:
        x = as_tensor(inputs)
        if x.ndim != self.rank + 2:
            raise ValueError(f"{type(self).__name__} '{self.name}': expects input of {self.rank + 2} axes (batch, "
                             f"{'steps' if self.rank == 1 else 'height, width'}, channels), got shape {x.shape}.")
        planes = x.transpose((0, 2, 1)).reshape((x.shape[0], x.shape[2], 1, x.shape[1])) if self.rank == 1 \
            else _to_first(x)
        kernel = (1,) * (2 - self.rank) + self.pool_size
        stride = (1,) * (2 - self.rank) + self.strides
        if self.kind == "max":
            y = tg.max_pool2d(planes, kernel, stride, padding=self.padding)
        else:       # Keras's 'same' average excludes the padding from each window's count
            y = tg.avg_pool2d(planes, kernel, stride, padding=self.padding, count_include_pad=False) \
                if self.padding == "same" else tg.avg_pool2d(planes, kernel, stride)
        if self.rank == 1:
            return y.reshape((y.shape[0], y.shape[1], y.shape[3])).transpose((0, 2, 1))
        return _to_last(y)


class MaxPooling2D(_KerasPool):
    """Max over pool_size windows of (batch, height, width, channels) input (strides default to pool_size)."""
    rank, kind = 2, "max"


class AveragePooling2D(_KerasPool):
    """Mean over pool_size windows of (batch, height, width, channels) input."""
    rank, kind = 2, "avg"


class MaxPooling1D(_KerasPool):
    """Max over pool_size windows of (batch, steps, channels) input."""
    rank, kind = 1, "max"


class AveragePooling1D(_KerasPool):
    """Mean over pool_size windows of (batch, steps, channels) input."""
    rank, kind = 1, "avg"


class _GlobalPool(Layer):
    rank = 2
    kind = "mean"

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _channels_last(data_format, type(self).__name__)
        self.keepdims = bool(keepdims)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": "channels_last", "keepdims": self.keepdims}

    def call(self, inputs: Any) -> Tensor:
        x = as_tensor(inputs)
        if x.ndim != self.rank + 2:
            raise ValueError(f"{type(self).__name__} '{self.name}': expects input of {self.rank + 2} axes, got shape "
                             f"{x.shape}.")
        axes = tuple(range(1, self.rank + 1))
        return (x.mean if self.kind == "mean" else x.max)(axis=axes, keepdims=self.keepdims)


class GlobalAveragePooling2D(_GlobalPool):
    """Mean over height and width: (batch, h, w, c) -> (batch, c)."""
    rank, kind = 2, "mean"


class GlobalMaxPooling2D(_GlobalPool):
    """Max over height and width: (batch, h, w, c) -> (batch, c)."""
    rank, kind = 2, "max"


class GlobalAveragePooling1D(_GlobalPool):
    """Mean over steps: (batch, steps, c) -> (batch, c); with a mask (``Embedding(mask_zero=True)``), the
    mean of the unmasked steps, as Keras."""
    rank, kind = 1, "mean"

    def call(self, inputs: Any, mask: Any = None) -> Tensor:
        if mask is None:
            return super().call(inputs)
        x = as_tensor(inputs)
        keep = step_mask(mask, f"GlobalAveragePooling1D '{self.name}'", x.shape[0], x.shape[1])
        weights = keep[..., None].astype(x.numpy(force=True).dtype)
        total = (x * weights).sum(axis=1, keepdims=self.keepdims)
        count = weights.sum(axis=1, keepdims=self.keepdims)
        return total / np.maximum(count, 1)


class GlobalMaxPooling1D(_GlobalPool):
    """Max over steps: (batch, steps, c) -> (batch, c)."""
    rank, kind = 1, "max"


class ZeroPadding2D(Layer):
    """Zeros around the height and width of (batch, h, w, c) input: ``padding`` an int, (ph, pw) or
    ((top, bottom), (left, right))."""

    def __init__(self, padding: Any = (1, 1), data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _channels_last(data_format, "ZeroPadding2D")
        if isinstance(padding, (int, np.integer)):
            pads = ((padding, padding), (padding, padding))
        elif len(padding) == 2 and all(isinstance(p, (int, np.integer)) for p in padding):
            pads = ((padding[0], padding[0]), (padding[1], padding[1]))
        else:
            pads = tuple(tuple(p) for p in padding)
        if len(pads) != 2 or any(len(p) != 2 or min(p) < 0 for p in pads):
            raise ValueError(f"ZeroPadding2D: padding must be an int, (ph, pw) or ((top, bottom), (left, right)) of "
                             f"non-negative integers, got {padding!r}.")
        self.padding = tuple(tuple(int(v) for v in p) for p in pads)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "padding": self.padding, "data_format": "channels_last"}

    def call(self, inputs: Any) -> Tensor:
        x = as_tensor(inputs)
        (top, bottom), (left, right) = self.padding
        n, h, w, c = x.shape
        return tg.add_at(x, (n, h + top + bottom, w + left + right, c),
                         (slice(None), slice(top, top + h), slice(left, left + w)))


class UpSampling2D(Layer):
    """Repeat each row ``size[0]`` times and each column ``size[1]`` times (nearest neighbour)."""

    def __init__(self, size: Any = (2, 2), data_format: str | None = None, interpolation: str = "nearest",
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _channels_last(data_format, "UpSampling2D")
        if interpolation != "nearest":
            raise ValueError(f"UpSampling2D: only interpolation='nearest' is supported, got {interpolation!r}.")
        self.size = _tuple(size, 2, "UpSampling2D", "size")

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "size": self.size, "data_format": "channels_last",
                "interpolation": "nearest"}

    def call(self, inputs: Any) -> Tensor:
        x = as_tensor(inputs)
        n, h, w, c = x.shape
        sh, sw = self.size
        grid = tg.broadcast_to(x.reshape((n, h, 1, w, 1, c)), (n, h, sh, w, sw, c))
        return grid.reshape((n, h * sh, w * sw, c))


# ------------------------------------------------------------------ PyTorch: Conv1d, Conv2d, pools
def _torch_uniform(shape: tuple[int, ...], fan_in: int, dtype: Any) -> np.ndarray:
    """PyTorch's default conv/linear init, kaiming_uniform(a=√5): U(-1/√fan_in, 1/√fan_in)."""
    bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    return init.default_rng().uniform(-bound, bound, size=shape).astype(dtype)


class _TorchConv(Module):
    rank = 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 dtype: Any = np.float32, name: str | None = None) -> None:
        super().__init__(name=name)
        who = type(self).__name__
        if padding_mode != "zeros":
            raise ValueError(f"{who}: only padding_mode='zeros' is supported, got {padding_mode!r}.")
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"{who}: in_channels ({in_channels}) and out_channels ({out_channels}) must be divisible "
                             f"by groups ({groups}).")
        self.in_channels, self.out_channels, self.groups = int(in_channels), int(out_channels), int(groups)
        self.kernel_size = _tuple(kernel_size, self.rank, who, "kernel_size")
        self.stride = _tuple(stride, self.rank, who, "stride")
        self.dilation = _tuple(dilation, self.rank, who, "dilation")
        if isinstance(padding, str) and padding == "same" and any(s != 1 for s in self.stride):
            raise ValueError(f"{who}: padding='same' is not supported for strided convolutions (as PyTorch).")
        self.padding = padding
        fan_in = self.in_channels // self.groups * int(np.prod(self.kernel_size))
        self.weight = Parameter(_torch_uniform((self.out_channels, self.in_channels // self.groups) + self.kernel_size,
                                               fan_in, dtype))
        self.bias = Parameter(_torch_uniform((self.out_channels,), fan_in, dtype)) if bias else None

    def extra_repr(self) -> str:
        """PyTorch's: channels, kernel_size and stride, then whatever differs from the defaults."""
        padding = self.padding if isinstance(self.padding, str) else \
            _tuple(self.padding, self.rank, type(self).__name__, "padding", minimum=0)
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if padding != (0,) * self.rank:
            s += f", padding={padding}"
        if self.dilation != (1,) * self.rank:
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        return s + (", bias=False" if self.bias is None else "")


class Conv2d(_TorchConv):
    """PyTorch's 2-d convolution on (N, C, H, W): weight (out, in/groups, kh, kw), bias (out,)."""
    rank = 2

    def forward(self, x: Any) -> Tensor:
        return tg.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv1d(_TorchConv):
    """PyTorch's 1-d convolution on (N, C, L): weight (out, in/groups, k), bias (out,)."""
    rank = 1

    def forward(self, x: Any) -> Tensor:
        return tg.conv1d(x, self.weight, self.bias, self.stride[0], self.padding, self.dilation[0], self.groups)


class MaxPool2d(Module):
    """PyTorch's max pooling on (N, C, H, W) (stride defaults to kernel_size); with ``return_indices=True`` it
    returns (output, indices), the indices ``nn.MaxUnpool2d`` takes."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size, self.stride = kernel_size, kernel_size if stride is None else stride
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, x: Any) -> Tensor | tuple[Tensor, Tensor]:
        return tg.max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                             self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(MaxPool2d):
    """PyTorch's max pooling on (N, C, L)."""

    def forward(self, x: Any) -> Tensor | tuple[Tensor, Tensor]:
        return tg.max_pool1d(x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                             self.return_indices)


class AvgPool2d(Module):
    """PyTorch's average pooling on (N, C, H, W) (zero padding counted unless count_include_pad=False;
    ``divisor_override`` divides every window's sum by it instead of the window's count)."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size, self.stride = kernel_size, kernel_size if stride is None else stride
        self.padding, self.ceil_mode, self.count_include_pad = padding, ceil_mode, count_include_pad
        self.divisor_override = divisor_override

    def forward(self, x: Any) -> Tensor:
        return tg.avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad,
                             self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


def _single(value: Any) -> Any:
    """PyTorch's ``_single``: an int as a 1-tuple (1-d modules keep their sizes so, and print them so)."""
    return (value,) if isinstance(value, (int, np.integer)) else tuple(value)


class AvgPool1d(Module):
    """PyTorch's average pooling on (N, C, L)."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride, self.padding = _single(kernel_size if stride is None else stride), _single(padding)
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, x: Any) -> Tensor:
        return tg.avg_pool1d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _MaxUnpool(Module):
    """PyTorch's MaxUnpool: kernel_size, stride (default kernel_size) and padding kept as tuples, as PyTorch."""
    rank = 2

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        who = type(self).__name__
        self.kernel_size = _tuple(kernel_size, self.rank, who, "kernel_size")
        self.stride = self.kernel_size if stride is None else _tuple(stride, self.rank, who, "stride")
        self.padding = _tuple(padding, self.rank, who, "padding", minimum=0)

    def forward(self, input: Any, indices: Any, output_size: Any = None) -> Tensor:
        unpool = tg.max_unpool2d if self.rank == 2 else tg.max_unpool1d
        return unpool(input, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool2d(_MaxUnpool):
    """PyTorch's partial inverse of MaxPool2d: ``unpool(output, indices)`` puts each maximum back at its place
    in a zero (N, C, H, W) input (``output_size=`` picks H, W when the pooling dropped rows or columns)."""
    rank = 2


class MaxUnpool1d(_MaxUnpool):
    """PyTorch's partial inverse of MaxPool1d on (N, C, L)."""
    rank = 1


class _Adaptive(Module):
    """PyTorch's adaptive pools: ``output_size`` as given (None entries keep that axis)."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool2d(_Adaptive):
    """PyTorch's adaptive average pooling to a fixed ``output_size`` (int or pair; None keeps an axis)."""

    def forward(self, x: Any) -> Tensor:
        return tg.adaptive_avg_pool2d(x, self.output_size)


class AdaptiveAvgPool1d(_Adaptive):
    """PyTorch's adaptive average pooling of (N, C, L) to ``output_size`` steps."""

    def forward(self, x: Any) -> Tensor:
        return tg.adaptive_avg_pool1d(x, self.output_size)


class AdaptiveMaxPool2d(_Adaptive):
    """PyTorch's adaptive max pooling to a fixed ``output_size``; (output, indices) with ``return_indices``."""

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, x: Any) -> Tensor | tuple[Tensor, Tensor]:
        return tg.adaptive_max_pool2d(x, self.output_size, self.return_indices)


class AdaptiveMaxPool1d(AdaptiveMaxPool2d):
    """PyTorch's adaptive max pooling of (N, C, L) to ``output_size`` steps."""

    def forward(self, x: Any) -> Tensor | tuple[Tensor, Tensor]:
        return tg.adaptive_max_pool1d(x, self.output_size, self.return_indices)
