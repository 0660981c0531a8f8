"""``keras.layers``: nn's layers under their Keras names (``Layer``: nn.Layer, Keras's subclassing protocol on nn.Module)."""
from nn.activations import ELU, Activation, LeakyReLU, ReLU, Softmax
from nn.layers import Concatenate, Dense, Dropout, Flatten, Input, InputLayer, concatenate
from nn.layer import Layer

from . import core, merge

__all__ = ["Layer", "Dense", "Activation", "Dropout", "Flatten", "Input", "InputLayer", "Concatenate",
           "concatenate", "ReLU", "LeakyReLU", "ELU", "Softmax", "core", "merge"]
