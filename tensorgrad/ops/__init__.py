"""Every primitive of tensorgrad as a function: ``tensorgrad.ops.mul(x, y)`` or ``tensorgrad.mul``.

Grouped by family: arith (add ... matmul), unary (exp, log, ...), activations (sigmoid ...
log_softmax), reduce (sum, mean, max, min), shape (reshape ... stack), select (where ... clip),
linear (the fused affine layer f(x W + b)), fused (the cross-entropies: one op each, stable,
closed-form gradients), conv (conv2d, conv1d), pool (max/avg pooling, adaptive average pooling),
embedding, norm (normalize, batch_norm, layer_norm), recurrent (the RNN, LSTM and GRU cells).
"""
from .activations import elu, leaky_relu, log_softmax, relu, sigmoid, softmax, softplus, tanh
from .conv import conv1d, conv2d
from .embedding import embedding
from .norm import batch_norm, layer_norm, normalize
from .pool import adaptive_avg_pool2d, avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from .recurrent import gru_cell, lstm_cell, rnn_relu_cell, rnn_tanh_cell
from .arith import add, div, matmul, mul, neg, pow, sub
from .fused import binary_cross_entropy, softmax_cross_entropy, sparse_softmax_cross_entropy
from .linear import linear
from .reduce import max, mean, min, sum
from .select import clip, compare, inplace_update, maximum, minimum, where
from .shape import broadcast_to, concatenate, getitem, reshape, scatter_add, stack, transpose
from .unary import abs, cast, exp, heaviside, log, sign, sqrt, step

__all__ = [
    "add", "sub", "mul", "div", "neg", "pow", "matmul",
    "exp", "log", "sqrt", "abs", "sign", "step", "heaviside", "cast",
    "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "softmax", "log_softmax",
    "sum", "mean", "max", "min",
    "reshape", "transpose", "broadcast_to", "getitem", "scatter_add", "concatenate", "stack",
    "where", "maximum", "minimum", "clip", "compare", "inplace_update",
    "softmax_cross_entropy", "sparse_softmax_cross_entropy", "binary_cross_entropy", "linear",
    "conv1d", "conv2d", "max_pool2d", "avg_pool2d", "max_pool1d", "avg_pool1d", "adaptive_avg_pool2d",
    "embedding", "normalize", "batch_norm", "layer_norm", "rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell",
]
