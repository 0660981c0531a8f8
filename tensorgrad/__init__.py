"""tensorgrad: reverse-mode automatic differentiation on numpy.

    >>> import tensorgrad as tg
    >>> w = tg.tensor([0.5, -0.3], requires_grad=True)
    >>> loss = (w * w).sum()
    >>> loss.backward()
    >>> w.grad                      # d/dw Σ w² = 2w
    tensor([ 1. , -0.6])
"""
from .tensor import Tensor, as_tensor, from_numpy, tensor  # first: the engine's modules build on Tensor
from .anomaly import detect_anomaly
from . import autograd
from .autograd import (Function, apply, enable_grad, grad, increment_version, inference_mode,
                       is_grad_enabled, no_grad, set_grad_enabled, toposort)
from .gradcheck import GradcheckError, gradcheck
from .graph import Graph, render, to_dot
from .ops import *  # noqa: F401,F403 - every primitive as tensorgrad.<name>
from .ops import __all__ as _ops_all
from .random import Generator, manual_seed
from .serialization import load, save
from . import utils  # tensorgrad.utils.data, as torch.utils.data
from .torch_functions import *  # noqa: F401,F403 - add, sub, mul, ... with PyTorch's out=, alpha=, rounding_mode=
from .torch_functions import __all__ as _torch_functions_all
from .creation import (BoolTensor, ByteTensor, DoubleTensor, FloatTensor, HalfTensor, IntTensor, LongTensor, arange, empty, empty_like, eye, full, full_like, is_tensor, linspace, logspace, normal, numel,
                       ones, ones_like, rand, rand_like, randint, randint_like, randn, randn_like, randperm, zeros,
                       zeros_like)
from .dtypes import (accelerator, backends, bool, get_default_device, set_default_device, byte, cuda, device, double, float, float16, float32, float64,  # noqa: A004
                     get_default_dtype, half, int, int8, int16, int32, int64, long, set_default_dtype, short, uint8)
from .size import Size
from .determinism import (are_deterministic_algorithms_enabled, is_deterministic_algorithms_warn_only_enabled,
                          use_deterministic_algorithms)
import sys as _sys
from numpy import dtype  # tensorgrad's dtypes are numpy's: isinstance(tg.float32, tg.dtype)
from . import aliases as _aliases, autograd_functional as _autograd_functional

autograd.functional = _autograd_functional   # torch.autograd.functional.jacobian ...
_sys.modules["tensorgrad.autograd.functional"] = _autograd_functional

_aliases.install()


def __getattr__(name: str):
    """``tensorgrad.nn`` and ``tensorgrad.optim`` (PyTorch's ``torch.nn``, ``torch.optim``), loaded on first use."""
    if name in ("nn", "optim"):
        import importlib
        return importlib.import_module(f"tensorgrad.{name}")
    if name in _NOT_HERE:
        raise AttributeError(f"module 'tensorgrad' has no attribute '{name}': {_NOT_HERE[name]}")
    raise AttributeError(f"module 'tensorgrad' has no attribute '{name}'")


_LINALG = ("tensorgrad has no matrix decompositions or inverses (torch.linalg, svd, det, inverse ...); for values "
           "without a gradient use numpy.linalg on t.detach().numpy(), norms are tensorgrad.norm")
_NOT_HERE = {"linalg": _LINALG, "svd": _LINALG, "det": _LINALG, "inverse": _LINALG, "qr": _LINALG, "cholesky": _LINALG,
             "fft": "tensorgrad has no FFT; use numpy.fft on t.detach().numpy() (no gradient)",
             "jit": "tensorgrad has no TorchScript: run the model as Python (torch.jit.script/trace are not needed)",
             "compile": "tensorgrad has no compiler: call the model directly (torch.compile's result is the model)"}

__version__ = "0.1.0"

__all__ = ["Tensor", "tensor", "as_tensor", "from_numpy", "Function", "apply", "grad", "no_grad", "enable_grad",
           "inference_mode", "set_grad_enabled", "increment_version", "autograd", "is_grad_enabled", "toposort",
           "gradcheck", "GradcheckError",
           "detect_anomaly", "manual_seed", "to_dot", "render", "Graph", "save", "load", *_ops_all,
           *_torch_functions_all,
           "Generator", "zeros", "ones", "full", "empty", "eye", "arange", "linspace", "logspace", "rand", "randn",
           "randint", "randperm", "normal", "zeros_like", "ones_like", "full_like", "empty_like", "rand_like",
           "randn_like", "randint_like", "FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor",
           "BoolTensor", "ByteTensor", "is_tensor", "numel", "use_deterministic_algorithms",
           "are_deterministic_algorithms_enabled", "is_deterministic_algorithms_warn_only_enabled", "device", "cuda", "backends", "accelerator", "get_default_device", "set_default_device", "get_default_dtype",
           "set_default_dtype", "Size", "dtype", "float32", "float64", "double", "float16", "half", "int8", "int16",
           "short", "int32", "int64", "long", "uint8", "byte"]   # (float, int, bool: not star-exported, they shadow builtins)
