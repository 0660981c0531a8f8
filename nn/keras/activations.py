"""``keras.activations``: the activation functions (tensorgrad ops) by their Keras names, and ``get``."""
from nn.activations import get
from tensorgrad import elu, relu, sigmoid, softmax, softplus, tanh

__all__ = ["relu", "sigmoid", "tanh", "softmax", "softplus", "elu", "get"]
