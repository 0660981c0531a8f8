"""nn.metrics: per-sample values equal to their definitions; 'accuracy' resolved as Keras does."""
import numpy as np
import pytest

from nn import metrics


def test_binary_accuracy_thresholds_predictions_at_half_and_compares_per_sample():
    y_true = np.array([1, 0, 1, 0])
    y_pred = np.array([[0.9], [0.6], [0.5], [0.1]])
    np.testing.assert_array_equal(metrics.binary_accuracy(y_true, y_pred), [1, 0, 0, 1])


def test_binary_accuracy_averages_over_each_samples_outputs():
    y_true = np.array([[1, 0], [1, 1]])
    y_pred = np.array([[0.9, 0.9], [0.8, 0.7]])
    np.testing.assert_array_equal(metrics.binary_accuracy(y_true, y_pred), [0.5, 1.0])


def test_categorical_and_sparse_accuracy_compare_argmaxes():
    y_pred = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.2, 0.6]])
    labels = np.array([1, 2, 2])
    np.testing.assert_array_equal(metrics.sparse_categorical_accuracy(labels, y_pred), [1, 0, 1])
    np.testing.assert_array_equal(metrics.sparse_categorical_accuracy(labels.reshape(-1, 1), y_pred), [1, 0, 1])
    np.testing.assert_array_equal(metrics.categorical_accuracy(np.eye(3)[labels], y_pred), [1, 0, 1])


def test_top_k_accuracy_counts_the_label_among_the_k_best():
    y_pred = np.array([[0.5, 0.3, 0.2], [0.5, 0.3, 0.2]])
    np.testing.assert_array_equal(metrics.sparse_top_k_categorical_accuracy([1, 2], y_pred, k=2), [1, 0])
    np.testing.assert_array_equal(metrics.top_k_categorical_accuracy(np.eye(3)[[1, 2]], y_pred, k=2), [1, 0])


def test_regression_metrics_per_sample():
    y_true = np.array([[1.0, 2.0], [0.0, 4.0]])
    y_pred = np.array([[2.0, 2.0], [1.0, 2.0]])
    np.testing.assert_allclose(metrics.mean_squared_error(y_true, y_pred), [0.5, 2.5])
    np.testing.assert_allclose(metrics.mean_absolute_error(y_true, y_pred), [0.5, 1.5])
    np.testing.assert_allclose(metrics.mean_absolute_percentage_error(np.array([2.0, 4.0]), np.array([[1.0], [5.0]])),
                               [50.0, 25.0])


def test_column_targets_never_broadcast_to_n_by_n():
    y_true = np.array([1.0, 2.0, 3.0])
    y_pred = np.array([[1.0], [2.0], [5.0]])
    np.testing.assert_allclose(metrics.mean_squared_error(y_true, y_pred), [0.0, 0.0, 4.0])


@pytest.mark.parametrize("loss, y_true, y_pred, expected", [
    ("binary_crossentropy", np.zeros((4, 3)), np.zeros((4, 3)), metrics.binary_accuracy),     # multi-label
    ("categorical_crossentropy", np.zeros((4, 3)), np.zeros((4, 3)), metrics.categorical_accuracy),
    ("sparse_categorical_crossentropy", np.zeros(4), np.zeros((4, 3)), metrics.sparse_categorical_accuracy),
    ("mean_squared_error", np.zeros(4), np.zeros((4, 1)), metrics.binary_accuracy),          # XOR with mse (seed 003)
    (None, np.zeros(4), np.zeros((4, 3)), metrics.sparse_categorical_accuracy),             # labels: lower rank
    (None, np.zeros((4, 1)), np.zeros((4, 3)), metrics.sparse_categorical_accuracy),        # labels in a column
    (None, np.zeros((4, 3)), np.zeros((4, 3)), metrics.categorical_accuracy),                # one-hot
])
def test_accuracy_follows_the_loss_then_the_shapes(loss, y_true, y_pred, expected):
    assert metrics.get("accuracy", loss, y_true, y_pred) == ("accuracy", expected)
    assert metrics.get("acc", loss, y_true, y_pred) == ("acc", expected)


def test_callable_metric_keeps_its_name():
    def my_metric(y_true, y_pred):
        return np.zeros(len(y_true))
    assert metrics.get(my_metric) == ("my_metric", my_metric)


def test_unknown_metric_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"unknown metric 'acuracy'.*accuracy.*binary_accuracy.*mse"):
        metrics.get("acuracy")
    with pytest.raises(TypeError, match="expected a name or a function, got 3"):
        metrics.get(3)
