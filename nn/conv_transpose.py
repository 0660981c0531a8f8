"""Transposed-convolution layers ("deconvolutions", the upsampling half of a generator or a U-Net), in
both spellings, on tensorgrad's ``tg.conv_transpose2d``/``tg.conv_transpose1d``.

PyTorch's ``ConvTranspose2d``/``ConvTranspose1d`` take (N, C, H, W) / (N, C, L), keep the weight as
(in, out/groups, k...), start as PyTorch does (kaiming_uniform with a = √5: U(±1/√fan_in) with
fan_in = out/groups·k..., PyTorch's fan of that weight) and accept ``forward(x, output_size=...)``.
Keras's ``Conv2DTranspose``/``Conv1DTranspose`` take channels-last input, keep the kernel as
(k..., filters, in) and give Keras's output length per spatial axis (``deconv_output_length``):

    'valid': (n-1)·s + max(k', s)        'same': n·s        (k' = d·(k-1) + 1, the dilated kernel)
    with output_padding p: (n-1)·s + k' + p ('valid'),  (n-1)·s + (k' mod 2) + p ('same').

The full spread of n inputs is (n-1)·s + k' long; Keras (TensorFlow, JAX) crops the rows it does not
keep with the odd one at the end, or, when the output is longer, adds zero rows at the end.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

import tensorgrad as tg
from tensorgrad import Tensor, as_tensor

from . import init
from .conv import _KerasConv, _to_first, _to_last, _tuple
from .module import Module
from .parameter import Parameter


# ------------------------------------------------------------------ Keras's output-length rule
def deconv_output_length(size: int, kernel: int, stride: int, dilation: int, padding: str,
                         output_padding: int | None) -> int:
    """Keras's length of a transposed convolution's output along one axis of ``size`` inputs (see the
    module docstring for the formula)."""
    span = dilation * (kernel - 1) + 1
    if output_padding is None:
        return size * stride if padding == "same" else (size - 1) * stride + max(span, stride)
    return (size - 1) * stride + (span % 2 if padding == "same" else span) + output_padding


def keras_transpose_crops(size: int, kernel: int, stride: int, dilation: int, padding: str,
                          output_padding: int | None) -> tuple[int, int, int, int]:
    """(length, begin, end, extra) along one axis: Keras's output length, the rows cropped from the
    beginning and end of the full spread ((size-1)·s + k' long; the odd one at the end, as TensorFlow),
    and the zero rows added at the end when the output is longer than the spread."""
    length = deconv_output_length(size, kernel, stride, dilation, padding, output_padding)
    total = (size - 1) * stride + dilation * (kernel - 1) + 1 - length
    cropped = max(total, 0)
    return length, cropped // 2, cropped - cropped // 2, max(-total, 0)


class _KerasConvTranspose(_KerasConv):
    """Shared body of Conv1DTranspose/Conv2DTranspose: kernel (*k, filters, in), built on the first call."""
    rank = 2

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 output_padding: Any = None, data_format: str | None = None, dilation_rate: Any = 1,
                 activation: Any = None, use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, **kwargs: Any) -> None:
        if kwargs.pop("groups", 1) != 1:           # (Keras 2's saved configs carry groups=1)
            raise ValueError(f"{type(self).__name__}: Keras's transposed convolutions take no groups; use "
                             f"nn.ConvTranspose2d(..., groups=) (channels first) for a grouped one.")
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint, **kwargs)
        who = type(self).__name__
        self.output_padding = None if output_padding is None else \
            _tuple(output_padding, self.rank, who, "output_padding", minimum=0)
        if self.output_padding is not None and any(p >= s for p, s in zip(self.output_padding, self.strides)):
            raise ValueError(f"{who}: output_padding {self.output_padding} must be smaller than strides "
                             f"{self.strides} on every axis (as Keras).")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{who}: strides > 1 cannot be combined with dilation_rate > 1 (as Keras); got "
                             f"strides={self.strides} and dilation_rate={self.dilation_rate}.")

    def _kernel_shape(self, in_channels: int | None) -> tuple[int | None, ...]:
        return self.kernel_size + (self.filters, in_channels)

    def _input_channels(self) -> int:
        return self.kernel.shape[-1]

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["groups"]                                        # Keras's transposed layers have none
        return {**config, "output_padding": self.output_padding}

    def _spread(self, x: Tensor) -> Tensor:
        """The channels-first transposed convolution of channels-first ``x``, Keras's lengths and crops."""
        crops = [keras_transpose_crops(n, k, s, d, self.padding, p)
                 for n, k, s, d, p in zip(x.shape[2:], self.kernel_size, self.strides, self.dilation_rate,
                                          self.output_padding or (None,) * self.rank)]
        lengths = tuple(c[0] for c in crops)
        if min(lengths) < 1:
            raise ValueError(f"{type(self).__name__} '{self.name}': an input of spatial shape {x.shape[2:]} gives "
                             f"an empty output {lengths} with kernel_size={self.kernel_size}, strides={self.strides}, "
                             f"padding='{self.padding}', output_padding={self.output_padding}.")
        weight = self.kernel.transpose((self.rank + 1, self.rank, *range(self.rank)))   # -> (in, filters, *k)
        spread = tg.conv_transpose2d if self.rank == 2 else tg.conv_transpose1d
        # PyTorch's arguments crop `begin` rows at both ends and add `extra` at the end; an odd crop keeps one
        # row too many at the end, cut off below
        y = spread(x, weight, self.bias, stride=self.strides, padding=tuple(c[1] for c in crops),
                   output_padding=tuple(c[3] for c in crops), dilation=self.dilation_rate)
        if y.shape[2:] != lengths:
            y = y[(slice(None), slice(None)) + tuple(slice(0, n) for n in lengths)]
        return y


class Conv2DTranspose(_KerasConvTranspose):
    """Keras's transposed 2-d convolution on (batch, height, width, channels): kernel (kh, kw, filters, in),
    Glorot-uniform, zero bias; output (batch, height', width', filters) by Keras's length rule."""
    rank = 2

    def call(self, inputs: Any) -> Tensor:
        return self._activate(_to_last(self._spread(_to_first(self._input(inputs)))))


class Conv1DTranspose(_KerasConvTranspose):
    """Keras's transposed 1-d convolution on (batch, steps, channels): kernel (k, filters, in)."""
    rank = 1

    def call(self, inputs: Any) -> Tensor:
        y = self._spread(self._input(inputs).transpose((0, 2, 1)))
        return self._activate(y.transpose((0, 2, 1)))


# ------------------------------------------------------------------ PyTorch: ConvTranspose1d, ConvTranspose2d
class _TorchConvTranspose(Module):
    """Shared body of ConvTranspose1d/2d: weight (in, out/groups, *k), bias (out,), PyTorch's init."""
    rank = 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        who = type(self).__name__
        for arg, value in (("in_channels", in_channels), ("out_channels", out_channels), ("groups", groups)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
                raise ValueError(f"{who}: {arg} must be a positive integer, got {value!r}.")
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"{who}: in_channels ({in_channels}) and out_channels ({out_channels}) must be divisible "
                             f"by groups ({groups}).")
        if padding_mode != "zeros":
            raise ValueError(f"{who}: only padding_mode='zeros' is supported for a transposed convolution (as "
                             f"PyTorch), got {padding_mode!r}.")
        if isinstance(padding, str):
            raise ValueError(f"{who}: padding must be an integer or a tuple of {self.rank} (PyTorch's transposed "
                             f"convolutions take no 'same'/'valid'), got {padding!r}.")
        if device is not None and tg.device(device).type != "cpu":
            raise RuntimeError(f"{who}: tensorgrad runs on the CPU only, got device={device!r}.")
        self.in_channels, self.out_channels, self.groups = int(in_channels), int(out_channels), int(groups)
        self.kernel_size = _tuple(kernel_size, self.rank, who, "kernel_size")
        self.stride = _tuple(stride, self.rank, who, "stride")
        self.padding = _tuple(padding, self.rank, who, "padding", minimum=0)
        self.dilation = _tuple(dilation, self.rank, who, "dilation")
        self.output_padding = _tuple(output_padding, self.rank, who, "output_padding", minimum=0)
        for p, s, d in zip(self.output_padding, self.stride, self.dilation):
            if p >= max(s, d):
                raise ValueError(f"{who}: output_padding {self.output_padding} must be smaller than the stride "
                                 f"{self.stride} or the dilation {self.dilation} (as PyTorch).")
        self.padding_mode = padding_mode
        self.dtype = np.dtype(tg.get_default_dtype() if dtype is None else dtype)
        shape = (self.in_channels, self.out_channels // self.groups) + self.kernel_size
        self.weight = Parameter(np.empty(shape, self.dtype))
        self.bias: Parameter | None = Parameter(np.empty(self.out_channels, self.dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's initialisation: weight by kaiming_uniform_(a=√5), i.e. U(±1/√fan_in), and bias from
        U(±1/√fan_in), where PyTorch's fan_in of an (in, out/groups, *k) weight is out/groups·Πk."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.out_channels // self.groups * math.prod(self.kernel_size))
            init.uniform_(self.bias, -bound, bound)

    def _output_padding(self, spatial: tuple[int, ...], output_size: Sequence[int] | None,
                        batched: bool) -> tuple[int, ...]:
        """PyTorch's rule: the module's output_padding, or the one that gives ``output_size`` (its last
        ``rank`` entries), which must lie within [smallest, smallest + stride - 1] per axis."""
        if output_size is None:
            return self.output_padding
        who, sizes = type(self).__name__, tuple(output_size)
        if len(sizes) == self.rank + (2 if batched else 1):
            sizes = sizes[-self.rank:]
        if len(sizes) != self.rank or not all(isinstance(v, (int, np.integer)) for v in sizes):
            raise ValueError(f"{who}: output_size must be {self.rank} integers (or the full output shape), got "
                             f"{output_size!r}.")
        smallest = tuple((n - 1) * s - 2 * p + d * (k - 1) + 1 for n, s, p, d, k in
                         zip(spatial, self.stride, self.padding, self.dilation, self.kernel_size))
        largest = tuple(m + s - 1 for m, s in zip(smallest, self.stride))
        if any(not lo <= v <= hi for v, lo, hi in zip(sizes, smallest, largest)):
            raise ValueError(f"{who}: requested an output size of {tuple(int(v) for v in sizes)}, but valid sizes "
                             f"range from {smallest} to {largest} (for an input of {spatial}); change output_size or "
                             f"the stride/padding.")
        return tuple(int(v) - m for v, m in zip(sizes, smallest))

    def forward(self, input: Any, output_size: Sequence[int] | None = None) -> Tensor:
        """The transposed convolution of ``input`` (N, C_in, *spatial), or unbatched (C_in, *spatial)."""
        x = input if type(input) is Tensor and input.dtype is self.dtype else as_tensor(input, self.dtype)
        if x.ndim not in (self.rank + 1, self.rank + 2):
            raise ValueError(f"{type(self).__name__}: expects input (batch, channels, {self._axes}) or unbatched "
                             f"(channels, {self._axes}), got shape {x.shape}.")
        batched = x.ndim == self.rank + 2
        extra = self._output_padding(x.shape[-self.rank:], output_size, batched)
        y = self._spread(x if batched else x.reshape((1,) + x.shape), extra)
        return y if batched else y.reshape(y.shape[1:])

    def extra_repr(self) -> str:
        """PyTorch's: channels, kernel_size and stride, then whatever differs from the defaults."""
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        for name, default in (("padding", 0), ("dilation", 1), ("output_padding", 0)):
            value = getattr(self, name)
            if value != (default,) * self.rank:
                s += f", {name}={value}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        return s + (", bias=False" if self.bias is None else "")


class ConvTranspose2d(_TorchConvTranspose):
    """PyTorch's transposed 2-d convolution on (N, C, H, W): weight (in, out/groups, kh, kw), bias (out,);
    output (H - 1)·s - 2·padding + d·(kh - 1) + output_padding + 1 rows (and so for the columns)."""
    rank, _axes = 2, "height, width"

    def _spread(self, x: Tensor, output_padding: tuple[int, ...]) -> Tensor:
        return tg.conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding, output_padding, self.groups,
                                   self.dilation)


class ConvTranspose1d(_TorchConvTranspose):
    """PyTorch's transposed 1-d convolution on (N, C, L): weight (in, out/groups, k), bias (out,)."""
    rank, _axes = 1, "length"

    def _spread(self, x: Tensor, output_padding: tuple[int, ...]) -> Tensor:
        return tg.conv_transpose1d(x, self.weight, self.bias, self.stride, self.padding, output_padding, self.groups,
                                   self.dilation)
