"""Every primitive of tensorgrad as a function: ``tensorgrad.ops.mul(x, y)`` or ``tensorgrad.mul``.

Grouped by family: arith (add ... matmul), unary (exp, log, ...), elementwise (sin ... erf, floor ...,
remainder, isnan ...), activations (sigmoid ... log_softmax, gelu, silu, hardtanh), reduce (sum, mean,
max, min), statistics (var, std, prod, logsumexp, norm, cumsum, cumprod), shape (reshape ... stack),
layout (cat, split, flip, roll, pad, tile, squeeze ...), select (where ... clip), indexing (gather,
scatter, sort, topk, argmax ...), linalg (einsum, tensordot, mm, bmm, diag, tril ...), linear (the
fused affine layer f(x W + b)), fused (the cross-entropies: one op each, stable, closed-form gradients), conv (conv2d, conv1d and their transposes), pool
(max/avg pooling, adaptive average pooling), pool_indexed (max unpooling, adaptive max pooling), embedding, norm (normalize, batch_norm, layer_norm), recurrent
(the RNN, LSTM and GRU cells).
"""
from .activations import elu, gelu, hardtanh, leaky_relu, log_softmax, relu, sigmoid, silu, softmax, softplus, tanh
from .conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d
from .embedding import embedding
from .norm import batch_norm, layer_norm, normalize
from .pool import (adaptive_avg_pool1d, adaptive_avg_pool2d, avg_pool1d, avg_pool2d, max_pool1d, max_pool1d_with_indices,
                   max_pool2d, max_pool2d_with_indices)
from .pool_indexed import adaptive_max_pool1d, adaptive_max_pool2d, max_unpool1d, max_unpool2d
from .recurrent import gru_cell, lstm_cell, rnn_relu_cell, rnn_tanh_cell
from .arith import add, div, matmul, mul, neg, pow, sub
from .elementwise import (acos, acosh, allclose, arctan2, atan2, arccos, arccosh, arcsin, arcsinh, arctan, arctanh, asin, asinh, atan, atanh, ceil, cos, cosh, erf, exp2, expm1, fix,
                          floor, floor_divide, isclose, isfinite, isinf, isnan, log1p, log2, log10, remainder, round,
                          sin, sinh, tan, trunc)
from .fused import binary_cross_entropy, softmax_cross_entropy, sparse_softmax_cross_entropy
from .indexing import (argmax, argmin, argsort, gather, index_add, index_fill, index_select, masked_fill, scatter,
                       scatter_add, sort, topk)
from .layout import (cat, chunk, clone, concat, expand, flatten, flip, hstack, movedim, pad, permute, repeat,
                     repeat_interleave, roll, split,
                     squeeze, tile, unsqueeze, vstack)
from .linalg import bmm, diag, dot, einsum, mm, outer, tensordot, trace, tril, triu
from .linear import linear
from .reduce import amax, amin, max, mean, min, sum
from .select import clip, compare, inplace_update, maximum, minimum, where
from .shape import add_at, broadcast_to, concatenate, getitem, reshape, stack, transpose
from .statistics import cumprod, cumsum, logsumexp, norm, prod, std, var
from .unary import abs, cast, exp, heaviside, log, sign, sqrt, step

__all__ = [
    "add", "sub", "mul", "div", "neg", "pow", "matmul",
    "exp", "log", "sqrt", "abs", "sign", "step", "heaviside", "cast",
    "sin", "cos", "tan", "sinh", "cosh", "asin", "acos", "atan", "arcsin", "arccos", "arctan",
    "asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh", "atan2", "arctan2",
    "exp2", "log2", "log10", "log1p", "expm1", "erf", "floor", "ceil", "round", "trunc", "fix",
    "remainder", "floor_divide", "isnan", "isinf", "isfinite", "isclose", "allclose",
    "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "softmax", "log_softmax", "gelu", "silu", "hardtanh",
    "sum", "mean", "max", "min", "amax", "amin",
    "var", "std", "prod", "logsumexp", "norm", "cumsum", "cumprod",
    "reshape", "transpose", "broadcast_to", "getitem", "add_at", "scatter_add", "index_add", "index_fill", "concatenate", "stack",
    "cat", "concat", "clone", "split", "chunk", "vstack", "hstack", "flip", "roll", "pad", "tile", "repeat", "repeat_interleave",
    "unsqueeze", "squeeze", "flatten", "permute", "movedim", "expand",
    "gather", "scatter", "index_select", "masked_fill", "argmax", "argmin", "argsort", "sort", "topk",
    "einsum", "tensordot", "outer", "dot", "mm", "bmm", "trace", "diag", "tril", "triu",
    "where", "maximum", "minimum", "clip", "compare", "inplace_update",
    "softmax_cross_entropy", "sparse_softmax_cross_entropy", "binary_cross_entropy", "linear",
    "conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "max_pool2d", "avg_pool2d", "max_pool1d", "avg_pool1d", "adaptive_avg_pool2d",
    "max_pool2d_with_indices", "max_pool1d_with_indices", "max_unpool2d", "max_unpool1d", "adaptive_max_pool2d",
    "adaptive_max_pool1d", "adaptive_avg_pool1d",
    "embedding", "normalize", "batch_norm", "layer_norm", "rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell",
]
