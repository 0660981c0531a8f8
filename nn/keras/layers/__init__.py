"""``keras.layers``: nn's layers under their Keras names (``Layer``: nn.Layer, Keras's subclassing protocol
on nn.Module)."""
from nn.activations import ELU, Activation, LeakyReLU, ReLU, Softmax
from nn.keras_layers import (ActivityRegularization, Add, Average, Dot, GaussianNoise, Lambda, Maximum, Minimum,
                             Multiply, Normalization, Permute, RepeatVector, Rescaling, Reshape, Subtract, add,
                             average, dot, maximum, minimum, multiply, subtract)
from nn.layer import Layer
from nn.layers import Concatenate, Dense, Dropout, Flatten, Input, InputLayer, concatenate

from . import core, merge

__all__ = ["Layer", "Dense", "Activation", "Dropout", "Flatten", "Input", "InputLayer", "Concatenate",
           "concatenate", "ReLU", "LeakyReLU", "ELU", "Softmax", "Lambda", "Reshape", "Permute", "RepeatVector",
           "Rescaling", "Normalization", "GaussianNoise", "ActivityRegularization", "Add", "Subtract", "Multiply",
           "Average", "Maximum", "Minimum", "Dot", "add", "subtract", "multiply", "average", "maximum", "minimum",
           "dot", "core", "merge"]
