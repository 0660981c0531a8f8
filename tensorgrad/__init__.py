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
from .random import manual_seed
from .serialization import load, save
from . import utils  # tensorgrad.utils.data, as torch.utils.data

__version__ = "0.1.0"

__all__ = ["Tensor", "tensor", "as_tensor", "from_numpy", "Function", "apply", "grad", "no_grad", "enable_grad",
           "inference_mode", "set_grad_enabled", "increment_version", "autograd", "is_grad_enabled", "toposort",
           "gradcheck", "GradcheckError",
           "detect_anomaly", "manual_seed", "to_dot", "render", "Graph", "save", "load", *_ops_all]
