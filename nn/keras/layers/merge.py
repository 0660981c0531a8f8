"""``keras.layers.merge``: the old (Keras 2.x standalone) module path of Concatenate/concatenate."""
from nn.layers import Concatenate, concatenate

__all__ = ["Concatenate", "concatenate"]
