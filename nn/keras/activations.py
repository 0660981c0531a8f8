"""``keras.activations``: the activation functions (tensorgrad ops) by their Keras names, and ``get``."""
from nn.activations import get, sigmoid, softmax   # these keep their logits for the Keras losses
from tensorgrad import elu, relu, softplus, tanh

__all__ = ["relu", "sigmoid", "tanh", "softmax", "softplus", "elu", "get"]
