"""``keras.layers.core``: the old (Keras 2.x standalone) module path of the core layers, used by seed 003."""
from nn.activations import Activation
from nn.layers import Dense, Dropout, Flatten

__all__ = ["Dense", "Activation", "Dropout", "Flatten"]
