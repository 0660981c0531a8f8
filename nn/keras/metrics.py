"""``keras.metrics``: per-sample metric functions ``f(y_true, y_pred)`` (nn.metrics), and ``get``."""
from nn.metrics import (binary_accuracy, categorical_accuracy, get, mean_absolute_error, mean_squared_error,
                        sparse_categorical_accuracy)

__all__ = ["binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy", "mean_squared_error",
           "mean_absolute_error", "get"]
