"""nn.metrics: per-sample values equal to their definitions; 'accuracy' resolved as Keras does."""
import numpy as np
import pytest

import nn
import tensorgrad as tg
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


@pytest.mark.parametrize("y_true, y_pred, expected", [
    # Keras (tf.keras 2 compile_utils and Keras 3 trainers/compile_utils.get_metric) picks from the shapes
    # alone: binary when the output has one column, sparse when the targets have lower rank or one
    # column beside several, else categorical — whatever the loss. So binary_crossentropy on a 3-unit
    # sigmoid output with (n, 3) multi-hot targets gets categorical_accuracy in Keras, and here.
    (np.zeros((4, 3)), np.zeros((4, 3)), metrics.categorical_accuracy),          # multi-label or one-hot
    (np.zeros(4), np.zeros((4, 3)), metrics.sparse_categorical_accuracy),        # labels: lower rank
    (np.zeros((4, 1)), np.zeros((4, 3)), metrics.sparse_categorical_accuracy),   # labels in a column
    (np.zeros(4), np.zeros((4, 1)), metrics.binary_accuracy),                    # one output (XOR with mse)
    (np.zeros((4, 1)), np.zeros((4, 1)), metrics.binary_accuracy),
])
def test_accuracy_follows_the_shapes_as_keras(y_true, y_pred, expected):
    assert metrics.get("accuracy", y_true, y_pred) == ("accuracy", expected)
    assert metrics.get("acc", y_true, y_pred) == ("acc", expected)


def test_accuracy_with_binary_crossentropy_on_three_sigmoid_units_is_categorical_in_fit():
    """Issue 15: tensorgrad picked binary accuracy from the loss; Keras picks categorical from the shapes."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 4)).astype(np.float32)
    y = (rng.random((20, 3)) < 0.5).astype(np.float32)
    tg.manual_seed(0)
    model = nn.Sequential([nn.Dense(3, activation="sigmoid", input_dim=4)])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    acc = model.evaluate(x, y, verbose=0, return_dict=True)["accuracy"]
    p = model.predict(x)
    assert acc == pytest.approx(np.mean(p.argmax(axis=1) == y.argmax(axis=1)), rel=1e-6)


def test_callable_metric_keeps_its_name():
    def my_metric(y_true, y_pred):
        return np.zeros(len(y_true))
    assert metrics.get(my_metric) == ("my_metric", my_metric)


def test_unknown_metric_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"unknown metric 'acuracy'.*accuracy.*binary_accuracy.*mse"):
        metrics.get("acuracy")
    with pytest.raises(TypeError, match="expected a name or a function, got 3"):
        metrics.get(3)
