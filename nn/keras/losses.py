"""``keras.losses``: Keras's loss classes, functions and ``get``, called Keras's way ``(y_true, y_pred)``
(nn.keras_losses and nn.loss_functions)."""
from nn.keras_losses import (BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
                             CategoricalFocalCrossentropy, CategoricalHinge, CosineSimilarity, Hinge, Huber,
                             KLDivergence, LogCosh, Loss, LossFunctionWrapper, MeanAbsoluteError,
                             MeanAbsolutePercentageError, MeanSquaredError, MeanSquaredLogarithmicError, Poisson,
                             Reduction, SparseCategoricalCrossentropy, SquaredHinge, deserialize, get, serialize)
from nn.keras_losses import LOSS_CLASSES as _classes

__all__ = ["Loss", "LossFunctionWrapper", "Reduction", "get", "serialize", "deserialize", *_classes]

# Keras's loss functions f(y_true, y_pred) -> one loss per sample (nn.loss_functions)
from nn.loss_functions import (BCE, KLD, MAE, MAPE, MSE, MSLE, bce, binary_crossentropy,  # noqa: E402
                               binary_focal_crossentropy, categorical_crossentropy, categorical_focal_crossentropy,
                               categorical_hinge, cosine_similarity, hinge, huber, huber_loss, kl_divergence, kld,
                               kullback_leibler_divergence, log_cosh, logcosh, mae, mape, mean_absolute_error,
                               mean_absolute_percentage_error, mean_squared_error, mean_squared_logarithmic_error,
                               mse, msle, poisson, sparse_categorical_crossentropy, squared_hinge)
from nn.loss_functions import __all__ as _function_names  # noqa: E402

__all__ += _function_names
