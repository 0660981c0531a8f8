"""tensorgrad: reverse-mode automatic differentiation on numpy.

    >>> import tensorgrad as tg
    >>> w = tg.tensor([0.5, -0.3], requires_grad=True)
    >>> loss = (w * w).sum()
    >>> loss.backward()
    >>> w.grad                      # d/dw Σ w² = 2w
    tensor([ 1. , -0.6])
"""
from .anomaly import detect_anomaly
from .autograd import Op, apply, enable_grad, grad, is_grad_enabled, no_grad, set_grad_enabled, toposort
from .gradcheck import GradcheckError, gradcheck
from .graph import Graph, render, to_dot
from .ops import *  # noqa: F401,F403 - every primitive as tensorgrad.<name>
from .ops import __all__ as _ops_all
from .random import manual_seed
from .tensor import Tensor, as_tensor, tensor
from . import utils  # tensorgrad.utils.data, as torch.utils.data

__version__ = "0.1.0"

__all__ = ["Tensor", "tensor", "as_tensor", "Op", "apply", "grad", "no_grad", "enable_grad",
           "set_grad_enabled", "is_grad_enabled", "toposort", "gradcheck", "GradcheckError",
           "detect_anomaly", "manual_seed", "to_dot", "render", "Graph", *_ops_all]
