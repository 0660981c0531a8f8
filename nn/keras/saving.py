"""``keras.saving`` (Keras 3): load_model, save_model, register_keras_serializable (nn.saving)."""
from nn.saving import get_registered_name, load_model, register_keras_serializable, save_model

__all__ = ["load_model", "save_model", "register_keras_serializable", "get_registered_name"]
