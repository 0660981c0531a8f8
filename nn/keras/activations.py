"""``keras.activations``: the activation functions (tensorgrad ops) by their Keras names, and ``get``."""
from nn.activations import get, sigmoid, softmax   # these keep their logits for the Keras losses
from nn.activations import leaky_relu               # Keras's default slope, 0.2
from tensorgrad import elu, relu, softplus, tanh

__all__ = ["relu", "sigmoid", "tanh", "softmax", "softplus", "elu", "leaky_relu", "get"]
