"""dtypes under PyTorch's names, the default floating dtype, and the CPU device.

tensorgrad's dtypes are numpy's, so ``tg.float32`` *is* ``np.dtype('float32')``: ``t.dtype == tg.float32``
holds, numpy accepts them anywhere, and ``np.float32``, ``'float32'`` or Python's ``float`` work wherever
a dtype is asked for (Python's ``float`` meaning float64, as in numpy and PyTorch).

tensorgrad computes on the CPU only: ``tg.device('cpu')`` is the one device, ``tg.cuda.is_available()``
and ``tg.backends.mps.is_available()`` are False (so the usual ``"cuda" if torch.cuda.is_available()
else "cpu"`` picks the CPU), and putting a tensor on another device is an error that says so.
"""
from __future__ import annotations

import builtins
import sys
from types import ModuleType, SimpleNamespace
from typing import Any

import numpy as np

from . import tensor as _tensor

float32 = float = np.dtype(np.float32)          # noqa: A001 - PyTorch's names
float64 = double = np.dtype(np.float64)
float16 = half = np.dtype(np.float16)
int8 = np.dtype(np.int8)
int16 = short = np.dtype(np.int16)
int32 = int = np.dtype(np.int32)                # noqa: A001
int64 = long = np.dtype(np.int64)
uint8 = byte = np.dtype(np.uint8)
bool = np.dtype(np.bool_)                       # noqa: A001

DTYPE_NAMES = ("float32", "float", "float64", "double", "float16", "half", "int8", "int16", "short", "int32",
               "int", "int64", "long", "uint8", "byte", "bool")


def to_dtype(dtype: Any, who: str = "dtype") -> np.dtype:
    """``dtype`` (a tensorgrad/numpy dtype, a numpy type, a name, or Python's float/int/bool) as a numpy dtype."""
    if dtype is None:
        return get_default_dtype()
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{who}: {dtype!r} is not a dtype; use tensorgrad.float32, tensorgrad.int64, ... "
                        f"(or numpy's dtypes).") from None
    if dt.kind not in "biuf":
        raise TypeError(f"{who}: tensors hold numbers (bool, int, float), not dtype {dt}.")
    return dt


def get_default_dtype() -> np.dtype:
    """The floating dtype Python floats and the factories (zeros, rand, ...) get: float32 unless changed."""
    return _tensor.DEFAULT_DTYPE


def set_default_dtype(dtype: Any) -> None:
    """Make ``dtype`` (float32 or float64; float16 allowed) the default floating dtype, as torch.set_default_dtype."""
    dt = to_dtype(dtype, "set_default_dtype")
    if dt.kind != "f":
        raise TypeError(f"set_default_dtype: only floating dtypes can be the default, got {dt}.")
    _tensor.DEFAULT_DTYPE = dt


class device:  # noqa: N801 - PyTorch's name
    """A device, as ``torch.device``: ``device('cpu')``, ``device('cuda', 0)``, ``device('cuda:0')``.

    Any device can be named (code builds ``device('cuda' if available else 'cpu')``), but only the CPU
    can hold tensors: using another one raises an error saying tensorgrad runs on the CPU.
    """

    __slots__ = ("type", "index")

    def __init__(self, type: Any, index: builtins.int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index
        if not isinstance(type, str):
            raise TypeError(f"device: expected a string like 'cpu', got {type!r}.")
        kind, _, number = type.partition(":")
        if number:
            if index is not None:
                raise ValueError(f"device: the index is given twice ({type!r} and index={index}).")
            if not number.isdigit():
                raise ValueError(f"device: {type!r} is not a device string like 'cpu' or 'cuda:0'.")
            index = builtins.int(number)
        self.type, self.index = kind, index

    def __repr__(self) -> str:
        return f"device(type={self.type!r}" + ("" if self.index is None else f", index={self.index}") + ")"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: Any) -> builtins.bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> builtins.int:
        return hash((self.type, self.index))


CPU = device("cpu")
_Device = device          # (functions below take a parameter named device, as PyTorch's do)


def check_device(where: Any, who: str) -> device:
    """``where`` (None, a string or a device) as the CPU device; any other device is refused."""
    if where is None:
        return CPU
    if isinstance(where, builtins.int) and not isinstance(where, builtins.bool):
        where = device("cuda", where)             # torch: an integer means that CUDA device
    d = device(where)
    if d.type != "cpu":
        raise RuntimeError(f"{who}: tensorgrad runs on the CPU only, so a tensor cannot go to {str(d)!r}. "
                           f"Use 'cpu' (torch.cuda.is_available() is False here: write "
                           f"device = 'cuda' if tg.cuda.is_available() else 'cpu').")
    return CPU


def set_default_device(where: Any) -> None:
    """torch.set_default_device: the CPU is accepted (the only device; nothing changes), others refused."""
    check_device(where, "set_default_device")


def get_default_device() -> device:
    """torch.get_default_device: always the CPU."""
    return CPU


def _module(name: str, doc: str, **attrs: Any) -> ModuleType:
    """A module object registered in sys.modules, so ``import torch.backends.cudnn as cudnn`` imports it."""
    module = ModuleType(name, doc)
    module.__dict__.update(attrs)
    sys.modules[name] = module
    return module


cuda = _module(
    "tensorgrad.cuda", "PyTorch's torch.cuda as seen from a CPU-only library: no device available.",
    is_available=lambda: False, device_count=lambda: 0,
    manual_seed=lambda seed: None, manual_seed_all=lambda seed: None, synchronize=lambda device=None: None,
)
backends = _module(
    "tensorgrad.backends",
    "PyTorch's torch.backends: no MPS, CUDA or cuDNN (the flags exist so code setting them runs).",
    mps=_module("tensorgrad.backends.mps", "No MPS.", is_available=lambda: False, is_built=lambda: False),
    cuda=_module("tensorgrad.backends.cuda", "No CUDA.", is_built=lambda: False),
    cudnn=_module("tensorgrad.backends.cudnn", "No cuDNN (its flags can be set; they change nothing).",
                  is_available=lambda: False, deterministic=False, benchmark=False, enabled=False),
)
accelerator = SimpleNamespace(
    is_available=lambda: False, current_accelerator=lambda check_available=False: None, device_count=lambda: 0,
)
accelerator.__doc__ = "PyTorch's torch.accelerator: none here (current_accelerator() is None), so the tutorials pick 'cpu'."


def convert(t: Any, *args: Any, dtype: Any = None, device: Any = None, copy: builtins.bool = False,
            non_blocking: builtins.bool = False, memory_format: Any = None) -> Any:
    """``Tensor.to``: a device (string or :class:`device`), a dtype, another tensor (its dtype), in any of
    PyTorch's orders; the tensor itself when nothing changes (unless ``copy=True``)."""
    from .ops import cast, clone
    for a in args:
        if isinstance(a, _tensor.Tensor):
            dtype = a.dtype if dtype is None else dtype
        elif isinstance(a, (str, _Device)) or isinstance(a, builtins.int) and not isinstance(a, builtins.bool):
            device = a
        else:
            dtype = a
    check_device(device, "to()")
    out = t if dtype is None else cast(t, to_dtype(dtype, "to()"))
    return clone(out) if copy and out is t else out


_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor", "int64": "LongTensor",
               "int32": "IntTensor", "int16": "ShortTensor", "int8": "CharTensor", "uint8": "ByteTensor",
               "bool": "BoolTensor"}


def tensor_type(t: Any, dtype: Any = None) -> Any:
    """``Tensor.type``: the type name ('tensorgrad.FloatTensor') with no argument, else the tensor cast to
    ``dtype`` (a dtype, or a name like 'torch.LongTensor')."""
    if dtype is None:
        return "tensorgrad." + _TYPE_NAMES.get(t.dtype.name, t.dtype.name)
    if isinstance(dtype, str) and dtype.endswith("Tensor"):
        by_name = {v: k for k, v in _TYPE_NAMES.items()}
        name = dtype.rpartition(".")[2]
        if name not in by_name:
            raise TypeError(f"type(): unknown tensor type {dtype!r}; use one of {sorted(by_name)} or a dtype.")
        dtype = by_name[name]
    return convert(t, to_dtype(dtype, "type()"))
