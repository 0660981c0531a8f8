"""``keras.losses``: the loss classes under Keras's names, and ``get``.

Unlike Keras, a loss object is called ``loss(y_pred, y_true)`` (nn's PyTorch order); inside
``compile(loss=...)``, where Keras programs use them, the order does not show.
"""
from nn.losses import (BinaryCrossentropy, CategoricalCrossentropy, Huber, MeanAbsoluteError, MeanSquaredError,
                       SparseCategoricalCrossentropy, get)

__all__ = ["BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "MeanSquaredError",
           "MeanAbsoluteError", "Huber", "get"]

# Keras's loss functions f(y_true, y_pred) -> one loss per sample (nn.loss_functions)
from nn.loss_functions import (KLD, MAE, MAPE, MSE, MSLE, binary_crossentropy, categorical_crossentropy,  # noqa: E402
                               categorical_hinge, cosine_similarity, hinge, huber, kl_divergence, kld,
                               kullback_leibler_divergence, log_cosh, logcosh, mae, mape, mean_absolute_error,
                               mean_absolute_percentage_error, mean_squared_error, mean_squared_logarithmic_error,
                               mse, msle, poisson, sparse_categorical_crossentropy, squared_hinge)
from nn.loss_functions import __all__ as _function_names  # noqa: E402

__all__ += _function_names
