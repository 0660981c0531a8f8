"""``keras.layers``: nn's layers under their Keras names (``Layer`` is nn.Module, the base of all)."""
from nn.activations import ELU, Activation, LeakyReLU, ReLU, Softmax
from nn.layers import Concatenate, Dense, Dropout, Flatten, Input, InputLayer, concatenate
from nn.module import Module as Layer

from . import core, merge

__all__ = ["Layer", "Dense", "Activation", "Dropout", "Flatten", "Input", "InputLayer", "Concatenate",
           "concatenate", "ReLU", "LeakyReLU", "ELU", "Softmax", "core", "merge"]
