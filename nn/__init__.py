"""nn: layers, losses and models on tensorgrad — PyTorch's Module style with the Keras vocabulary
of the lecture notes (Dense, Sequential, summary, get_weights, functional Model).

    >>> import nn
    >>> model = nn.Sequential([nn.Flatten(input_shape=[28, 28]), nn.Dense(300, activation="relu"),
    ...                        nn.Dense(100, activation="relu"), nn.Dense(10, activation="softmax")])
    >>> model.count_params()
    266610
"""
from . import activations, callbacks, data, datasets, functional, init, losses, metrics, transforms, utils
from .callbacks import History
from .data import DataLoader
from .activations import (ELU, GELU, Activation, Hardtanh, LeakyReLU, LogSigmoid, LogSoftmax, ReLU, ReLU6, Sigmoid,
                          SiLU, Softmax, Softmin, Softplus, Step, Tanh)
from .containers import ModuleDict, ModuleList
from .layers import (Concatenate, Dense, Dropout, Flatten, Identity, Input, InputLayer, Linear, Maxout, Unflatten,
                     concatenate)
from .losses import (BCELoss, BCEWithLogitsLoss, BinaryCrossentropy, CategoricalCrossentropy, CrossEntropyLoss,
                     Huber, HuberLoss, L1Loss, MeanAbsoluteError, MeanSquaredError, MSELoss, NLLLoss, SmoothL1Loss,
                     SparseCategoricalCrossentropy)
from .models import Model, Sequential
from .module import Module, RemovableHandle, clear_session
from .parameter import Parameter
from .plotting import plot_history
from .serialization import load_state, save
from .symbolic import SymbolicTensor
from .utils import to_categorical
from .keras.version import __version__
from . import onnx  # after models: nn.onnx.export reads Sequential and Model graphs (onnx itself loads lazily)

from . import keras  # last: nn.keras re-exports the modules above (`import nn as tf; tf.keras...`)

__all__ = [
    "__version__", "keras", "onnx", "activations", "callbacks", "data", "datasets", "functional", "init", "losses", "transforms",
    "metrics", "utils", "DataLoader", "History", "to_categorical",
    "Module", "ModuleList", "ModuleDict", "RemovableHandle", "Parameter", "clear_session",
    "Dense", "Linear", "Identity", "Flatten", "Unflatten", "Dropout", "Concatenate", "concatenate", "Maxout",
    "Input", "InputLayer",
    "Activation", "Sigmoid", "Tanh", "ReLU", "ReLU6", "LeakyReLU", "ELU", "Softplus", "Step", "Softmax", "LogSoftmax",
    "Softmin", "LogSigmoid", "GELU", "SiLU", "Hardtanh",
    "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss",
    "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "MeanSquaredError",
    "MeanAbsoluteError", "Huber",
    "Model", "Sequential", "SymbolicTensor", "save", "load_state", "plot_history",
]
