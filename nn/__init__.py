"""nn: layers, losses and models on tensorgrad — PyTorch's Module style with the Keras vocabulary
of the lecture notes (Dense, Sequential, summary, get_weights, functional Model).

    >>> import nn
    >>> model = nn.Sequential([nn.Flatten(input_shape=[28, 28]), nn.Dense(300, activation="relu"),
    ...                        nn.Dense(100, activation="relu"), nn.Dense(10, activation="softmax")])
    >>> model.count_params()
    266610
"""
from . import activations, callbacks, data, datasets, functional, init, losses, metrics, regularizers, transforms, utils
from .callbacks import History
from .data import DataLoader
from .activations import (ELU, GELU, Activation, Hardtanh, LeakyReLU, LogSigmoid, LogSoftmax, ReLU, ReLU6, Sigmoid,
                          SiLU, Softmax, Softmin, Softplus, Step, Tanh)
from .containers import ModuleDict, ModuleList
from . import parallel
from .parallel import DataParallel
from .layers import (Concatenate, Dense, Dropout, Dropout2d, Flatten, Identity, Input, InputLayer, Linear, Maxout, Unflatten,
                     concatenate)
from .conv import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AveragePooling1D, AveragePooling2D, AvgPool1d, AvgPool2d, Conv1D, Conv1d, Conv2D,
                   Conv2d, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D,
                   MaxPool1d, MaxPool2d, MaxPooling1D, MaxPooling2D, MaxUnpool1d, MaxUnpool2d, UpSampling2D,
                   ZeroPadding2D)
from .conv_transpose import Conv1DTranspose, Conv2DTranspose, ConvTranspose1d, ConvTranspose2d
from .normalization import BatchNorm1d, BatchNorm2d, BatchNormalization, LayerNorm, LayerNormalization
from .recurrent import Bidirectional, SimpleRNN, TimeDistributed
from .rnn import GRU, LSTM, RNN, Embedding
from . import functional_conv   # PyTorch's F.conv2d, F.max_pool2d ... (for nn.functional to re-export)
from .losses import (BCELoss, BCEWithLogitsLoss, BinaryCrossentropy, CategoricalCrossentropy, CrossEntropyLoss,
                     Huber, HuberLoss, L1Loss, MeanAbsoluteError, MeanSquaredError, MSELoss, NLLLoss, SmoothL1Loss,
                     SparseCategoricalCrossentropy)
from .layer import Layer
from .models import Model, Sequential
from .module import Module, RemovableHandle, clear_session
from .parameter import Parameter
from .plotting import plot_history
from .serialization import load_state, save
from .symbolic import SymbolicTensor
from .utils import to_categorical
from .keras.version import __version__
from . import onnx  # after models: nn.onnx.export reads Sequential and Model graphs (onnx itself loads lazily)

from . import random
from .tf_namespaces import function, math, nn   # tf.function, tf.math, tf.nn under `import nn as tf`
from .tensor_api import (GradientTape, Variable, abs, argmax, argmin, cast, clip_by_value, concat, constant,  # noqa: A004
                         convert_to_tensor, exp, expand_dims, fill, float16, float32, float64, int8, int16, int32,
                         int64, log, matmul, maximum, minimum, one_hot, ones, ones_like, pow, reduce_max, reduce_mean,
                         reduce_min, reduce_std, reduce_sum, reduce_variance, reshape, shape, sqrt, square, squeeze,
                         stack, transpose, uint8, where, zeros, zeros_like)

from . import keras  # last: nn.keras re-exports the modules above (`import nn as tf; tf.keras...`)
from .keras import version  # tf.version.VERSION

globals()["bool"] = tensor_api.bool_   # tf.bool (set this way so this file's own bool() stays the builtin)

__all__ = [
    "__version__", "keras", "onnx", "activations", "callbacks", "data", "datasets", "functional", "init", "losses", "transforms",
    "metrics", "utils", "DataLoader", "History", "to_categorical",
    "Module", "Layer", "ModuleList", "ModuleDict", "DataParallel", "parallel", "RemovableHandle", "Parameter", "clear_session",
    "regularizers",
    "Dense", "Linear", "Identity", "Flatten", "Unflatten", "Dropout", "Dropout2d", "Concatenate", "concatenate", "Maxout",
    "Input", "InputLayer",
    "Activation", "Sigmoid", "Tanh", "ReLU", "ReLU6", "LeakyReLU", "ELU", "Softplus", "Step", "Softmax", "LogSoftmax",
    "Softmin", "LogSigmoid", "GELU", "SiLU", "Hardtanh",
    "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss",
    "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "MeanSquaredError",
    "MeanAbsoluteError", "Huber",
    "Model", "Sequential", "SymbolicTensor", "save", "load_state", "plot_history",
    # TensorFlow's tensor functions, for `import nn as tf` (nn.tensor_api)
    "random", "version", "math", "nn", "function", "GradientTape", "Variable", "constant", "convert_to_tensor", "zeros", "ones", "fill",
    "zeros_like", "ones_like", "one_hot", "cast", "matmul", "reduce_sum", "reduce_mean", "reduce_max",
    "reduce_min", "reduce_variance", "reduce_std", "square", "sqrt", "exp", "log", "abs", "pow", "maximum",
    "minimum", "clip_by_value", "reshape", "transpose", "concat", "stack", "expand_dims", "squeeze", "argmax",
    "argmin", "where", "shape", "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
    # convolutional and recurrent layers: Keras's spellings (channels last) ...
    "Conv1D", "Conv2D", "Conv1DTranspose", "Conv2DTranspose", "MaxPooling1D", "MaxPooling2D",
    "AveragePooling1D", "AveragePooling2D",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
    "ZeroPadding2D", "UpSampling2D", "BatchNormalization", "LayerNormalization", "SimpleRNN", "Bidirectional",
    "TimeDistributed",
    # ... and PyTorch's (channels first; nn.Embedding/LSTM/GRU are PyTorch's, keras.layers has Keras's)
    "Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d", "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d",
    "AdaptiveAvgPool2d", "AdaptiveAvgPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool1d", "MaxUnpool2d", "MaxUnpool1d",
    "BatchNorm1d", "BatchNorm2d", "LayerNorm", "Embedding", "RNN", "LSTM", "GRU",
]
