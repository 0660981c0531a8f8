"""``keras.models``: Sequential and the functional Model (nn.models), and saving (nn.serialization)."""
from nn.models import Model, Sequential
from nn.serialization import load_state, save

__all__ = ["Model", "Sequential", "save", "load_state"]
