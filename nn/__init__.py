"""nn: layers, losses and models on tensorgrad — PyTorch's Module style with the Keras vocabulary
of the lecture notes (Dense, Sequential, summary, get_weights, functional Model).

    >>> import nn
    >>> model = nn.Sequential([nn.Flatten(input_shape=[28, 28]), nn.Dense(300, activation="relu"),
    ...                        nn.Dense(100, activation="relu"), nn.Dense(10, activation="softmax")])
    >>> model.count_params()
    266610
"""
from . import activations, callbacks, data, datasets, init, losses, metrics, utils
from .callbacks import History
from .data import DataLoader
from .activations import ELU, Activation, LeakyReLU, ReLU, Sigmoid, Softmax, Softplus, Step, Tanh
from .conv import (AdaptiveAvgPool2d, AveragePooling1D, AveragePooling2D, AvgPool1d, AvgPool2d, Conv1D, Conv1d, Conv2D,
                   Conv2d, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D,
                   MaxPool1d, MaxPool2d, MaxPooling1D, MaxPooling2D, UpSampling2D, ZeroPadding2D)
from .normalization import BatchNorm1d, BatchNorm2d, BatchNormalization, LayerNorm, LayerNormalization
from .recurrent import Bidirectional, SimpleRNN, TimeDistributed
from .rnn import GRU, LSTM, RNN, Embedding
from . import functional_conv   # PyTorch's F.conv2d, F.max_pool2d ... (for nn.functional to re-export)
from .layers import Concatenate, Dense, Dropout, Flatten, Input, InputLayer, Linear, Maxout, concatenate
from .losses import (BCELoss, BCEWithLogitsLoss, BinaryCrossentropy, CategoricalCrossentropy, CrossEntropyLoss,
                     HuberLoss, L1Loss, MSELoss, NLLLoss, SparseCategoricalCrossentropy)
from .models import Model, Sequential
from .module import Module, clear_session
from .parameter import Parameter, UninitializedParameter
from .plotting import plot_history
from .serialization import load_state, save
from .symbolic import SymbolicTensor
from .utils import to_categorical
from .keras.version import __version__

from . import keras  # last: nn.keras re-exports the modules above (`import nn as tf; tf.keras...`)

__all__ = [
    "__version__", "keras", "activations", "callbacks", "data", "datasets", "init", "losses", "metrics", "utils",
    "DataLoader", "History", "to_categorical",
    "Module", "Parameter", "UninitializedParameter", "clear_session",
    "Dense", "Linear", "Flatten", "Dropout", "Concatenate", "concatenate", "Maxout", "Input", "InputLayer",
    "Activation", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "Softplus", "Step", "Softmax",
    "MSELoss", "L1Loss", "HuberLoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss",
    "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
    "Model", "Sequential", "SymbolicTensor", "save", "load_state", "plot_history",
    # convolutional and recurrent layers: Keras's spellings (channels last) ...
    "Conv1D", "Conv2D", "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
    "ZeroPadding2D", "UpSampling2D", "BatchNormalization", "LayerNormalization", "SimpleRNN", "Bidirectional",
    "TimeDistributed",
    # ... and PyTorch's (channels first; nn.Embedding/LSTM/GRU are PyTorch's, keras.layers has Keras's)
    "Conv1d", "Conv2d", "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool2d",
    "BatchNorm1d", "BatchNorm2d", "LayerNorm", "Embedding", "RNN", "LSTM", "GRU",
]
