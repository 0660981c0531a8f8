"""``keras.models``: Sequential and the functional Model (nn.models); whole-model saving (load_model,
model_from_json, clone_model: nn.saving) and nn's weight checkpoints (save, load_state)."""
from nn.models import Model, Sequential
from nn.saving import clone_model, load_model, model_from_json, save_model
from nn.serialization import load_state, save

__all__ = ["Model", "Sequential", "load_model", "save_model", "model_from_json", "clone_model", "save", "load_state"]
