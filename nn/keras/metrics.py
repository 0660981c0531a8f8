"""``keras.metrics``: the stateful metric classes (``Precision``, ``AUC``, ``Mean`` ... and the ``Metric``
base to subclass) and the metric functions ``f(y_true, y_pred)`` (nn.metrics), and Keras's ``get``."""
from typing import Any

from nn import metrics as _metrics
from nn.metrics import (AUC, Accuracy, F1Score, FBetaScore, R2Score, accuracy, BinaryAccuracy, BinaryCrossentropy, CategoricalAccuracy,
                        CategoricalCrossentropy, CategoricalHinge, CosineSimilarity, FalseNegatives, FalsePositives,
                        Hinge, KLDivergence, LogCoshError, Mean, MeanAbsoluteError, MeanAbsolutePercentageError,
                        MeanMetricWrapper, MeanSquaredError, MeanSquaredLogarithmicError, Metric, Poisson, Precision,
                        Recall, RootMeanSquaredError, SparseCategoricalAccuracy, SparseCategoricalCrossentropy,
                        SparseTopKCategoricalAccuracy, SquaredHinge, Sum, TopKCategoricalAccuracy, TrueNegatives,
                        TruePositives, binary_accuracy, categorical_accuracy, cosine_similarity,
                        mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
                        sparse_categorical_accuracy, sparse_top_k_categorical_accuracy, top_k_categorical_accuracy)
from nn.loss_functions import (KLD, MAE, MAPE, MSE, MSLE, binary_crossentropy, categorical_crossentropy,
                               categorical_hinge, hinge, kl_divergence, kld, kullback_leibler_divergence, log_cosh,
                               logcosh, mae, mape, mean_squared_logarithmic_error, mse, msle, poisson,
                               sparse_categorical_crossentropy, squared_hinge)

__all__ = ["Metric", "Mean", "Sum", "MeanMetricWrapper", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy",
           "SparseCategoricalAccuracy", "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "Precision",
           "Recall", "AUC", "TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives", "MeanSquaredError",
           "RootMeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError",
           "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "KLDivergence",
           "CosineSimilarity", "LogCoshError", "Hinge", "SquaredHinge", "CategoricalHinge", "Poisson",
           "F1Score", "FBetaScore", "R2Score",
           "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
           "top_k_categorical_accuracy",
           "sparse_top_k_categorical_accuracy", "mean_squared_error", "mean_absolute_error",
           "mean_absolute_percentage_error", "mean_squared_logarithmic_error", "cosine_similarity",
           "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "kl_divergence",
           "kld", "KLD", "kullback_leibler_divergence", "hinge", "squared_hinge", "categorical_hinge", "poisson",
           "log_cosh", "logcosh", "mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "get"]


def get(identifier: Any) -> Any:
    """Keras's ``keras.metrics.get``: a metric class name gives an instance ('AUC' -> AUC()), a function
    name the function ('mse' -> mean_squared_error), an object or function itself, a class an instance."""
    if identifier in _metrics.ACCURACY_NAMES:
        return _metrics.accuracy
    if isinstance(identifier, str) and identifier not in _metrics.CROSSENTROPY_NAMES:
        try:
            return _metrics.get(identifier)[1]
        except ValueError:
            return _metrics.get_metric(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier) or isinstance(identifier, Metric):
        return identifier
    raise ValueError(f"keras.metrics.get: could not interpret metric identifier {identifier!r}; give a metric name "
                     f"('mse', 'AUC'), a Metric object or a function f(y_true, y_pred).")
