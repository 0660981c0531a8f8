"""Keras's stateful metric classes (nn.metrics / keras.metrics) and how compile, fit and evaluate use them.

Numbers marked "keras.io" are the examples in the docstrings of tf.keras 2.15's metric classes (the
"Standalone usage" sections of keras.io/api/metrics); "Keras's tests" are hand-worked cases from the
comments of keras-team/keras's confusion_metrics_test.py; the others are worked out in the comments.
"""
import math

import numpy as np
import pytest

import nn
import nn as tf
import optim
from nn import keras
from nn.callbacks import Callback

M = keras.metrics


# ----------------------------------------------------------------------------- keras.io examples
DOC_EXAMPLES = [   # (metric, args of update_state, expected result, then with sample weights, expected)
    (M.Accuracy, ([[1], [2], [3], [4]], [[0], [2], [3], [4]]), 0.75, [1, 1, 0, 0], 0.5),
    (M.BinaryAccuracy, ([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]), 0.75, [1, 0, 0, 1], 0.5),
    (M.CategoricalAccuracy, ([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]), 0.5, [0.7, 0.3], 0.3),
    (M.SparseCategoricalAccuracy, ([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]), 0.5, [0.7, 0.3], 0.3),
    (lambda: M.TopKCategoricalAccuracy(k=1), ([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]),
     0.5, [0.7, 0.3], 0.3),
    (lambda: M.SparseTopKCategoricalAccuracy(k=1), ([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]), 0.5, [0.7, 0.3], 0.3),
    (M.MeanSquaredError, ([[0, 1], [0, 0]], [[1, 1], [0, 0]]), 0.25, [1, 0], 0.5),
    (M.RootMeanSquaredError, ([[0, 1], [0, 0]], [[1, 1], [0, 0]]), 0.5, [1, 0], 0.70710677),
    (M.MeanAbsoluteError, ([[0, 1], [0, 0]], [[1, 1], [0, 0]]), 0.25, [1, 0], 0.5),
    (M.MeanAbsolutePercentageError, ([[0, 1], [0, 0]], [[1, 1], [0, 0]]), 250000000.0, [1, 0], 500000000.0),
    (M.MeanSquaredLogarithmicError, ([[0, 1], [0, 0]], [[1, 1], [0, 0]]), 0.12011322, [1, 0], 0.24022643),
    (M.BinaryCrossentropy, ([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]), 0.81492424, [1, 0], 0.9162905),
    (M.CategoricalCrossentropy, ([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]), 1.1769392,
     [0.3, 0.7], 1.6271976),
    (M.SparseCategoricalCrossentropy, ([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]), 1.1769392, [0.3, 0.7], 1.6271976),
    (M.KLDivergence, ([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]), 0.45814306, [1, 0], 0.9162892),
    (lambda: M.CosineSimilarity(axis=1), ([[0., 1.], [1., 1.]], [[1., 0.], [1., 1.]]), 0.49999997, [0.3, 0.7],
     0.6999999),
    (M.LogCoshError, ([[0, 1], [0, 0]], [[1, 1], [0, 0]]), 0.10844523, [1, 0], 0.21689045),
    (M.Hinge, ([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]), 1.3, [1, 0], 1.1),
    (M.SquaredHinge, ([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]), 1.86, [1, 0], 1.46),
    (M.CategoricalHinge, ([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]), 1.4000001, [1, 0], 1.2),
    (M.Poisson, ([[0, 1], [0, 0]], [[1, 1], [0, 0]]), 0.49999997, [1, 0], 0.99999994),
    (M.Precision, ([0, 1, 1, 1], [1, 0, 1, 1]), 0.6666667, [0, 0, 1, 0], 1.0),
    (M.Recall, ([0, 1, 1, 1], [1, 0, 1, 1]), 0.6666667, [0, 0, 1, 0], 1.0),
    (M.TruePositives, ([0, 1, 1, 1], [1, 0, 1, 1]), 2.0, [0, 0, 1, 0], 1.0),
    (M.FalsePositives, ([0, 1, 0, 0], [0, 0, 1, 1]), 2.0, [0, 0, 1, 0], 1.0),
    (M.TrueNegatives, ([0, 1, 0, 0], [1, 1, 0, 0]), 2.0, [0, 0, 1, 0], 1.0),
    (M.FalseNegatives, ([0, 1, 1, 1], [0, 1, 0, 0]), 2.0, [0, 0, 1, 0], 1.0),
    (lambda: M.AUC(num_thresholds=3), ([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]), 0.75, [1, 0, 0, 1], 1.0),
]


@pytest.mark.parametrize("make, args, expected, weights, weighted", DOC_EXAMPLES)
def test_each_metric_gives_the_keras_io_example_values_and_reset_state_starts_afresh(make, args, expected, weights,
                                                                                       weighted):
    m = make()
    m.update_state(*args)
    assert m.result().numpy() == pytest.approx(expected, rel=1e-6)
    m.reset_state()
    m.update_state(*args, sample_weight=weights)
    assert float(m.result()) == pytest.approx(weighted, rel=1e-6)


def test_mean_and_sum_keras_io_examples():
    m = M.Mean()
    m.update_state([1, 3, 5, 7])
    assert m.result().numpy() == 4.0
    m.reset_state()
    m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert m.result().numpy() == 2.0
    s = M.Sum()
    s.update_state([1, 3, 5, 7])
    assert s.result().numpy() == 16.0


def test_default_names_are_keras_names_and_results_are_float32_tensors():
    names = {M.Accuracy: "accuracy", M.BinaryAccuracy: "binary_accuracy",
             M.SparseCategoricalAccuracy: "sparse_categorical_accuracy", M.Precision: "precision",
             M.Recall: "recall", M.AUC: "auc", M.TruePositives: "true_positives",
             M.FalseNegatives: "false_negatives", M.RootMeanSquaredError: "root_mean_squared_error",
             M.MeanSquaredError: "mean_squared_error", M.MeanAbsolutePercentageError: "mean_absolute_percentage_error",
             M.TopKCategoricalAccuracy: "top_k_categorical_accuracy", M.KLDivergence: "kullback_leibler_divergence",
             M.LogCoshError: "logcosh", M.Mean: "mean", M.Sum: "sum"}
    for cls, name in names.items():
        metric = cls()
        assert metric.name == name and metric.dtype == "float32"
        assert metric.result().dtype == np.float32
    assert M.AUC(name="roc").name == "roc"


# ----------------------------------------------------------------------------- accumulation and weights
def test_a_mean_metric_accumulates_sample_weighted_values_across_batches():
    """Σ wᵢ vᵢ / Σ wᵢ over every batch since the reset, not a mean of per-batch means."""
    m = M.MeanAbsoluteError()
    m.update_state([[1.0], [2.0], [3.0]], [[1.5], [2.0], [5.0]], sample_weight=[1.0, 2.0, 3.0])
    m.update_state([[0.0]], [[4.0]], sample_weight=[0.5])
    assert m.result().numpy() == pytest.approx((0.5 * 1 + 0 * 2 + 2 * 3 + 4 * 0.5) / 6.5, rel=1e-6)


def test_root_mean_squared_error_is_the_root_of_the_running_mean():
    m = M.RootMeanSquaredError()
    m.update_state([[0.0], [0.0]], [[1.0], [3.0]])      # squared errors 1, 9
    m.update_state([[0.0]], [[2.0]])                     # 4
    assert m.result().numpy() == pytest.approx(math.sqrt(14 / 3), rel=1e-6)


def test_per_sample_weights_weigh_every_output_of_the_sample():
    m = M.MeanSquaredError()
    m.update_state([[0, 0], [0, 0]], [[1, 3], [2, 2]], sample_weight=[3, 1])   # per-sample 5 and 4
    assert m.result().numpy() == pytest.approx((3 * 5 + 1 * 4) / 4, rel=1e-6)
    a = M.Accuracy()                        # elementwise values (2, 2): a (2,) weight weighs both of a row
    a.update_state([[1, 2], [3, 4]], [[1, 0], [3, 4]], sample_weight=[1, 3])
    assert a.result().numpy() == pytest.approx((1 + 0 + 3 + 3) / 8, rel=1e-6)


def test_one_dimensional_inputs_count_each_batch_once_as_keras_functions_reduce_the_last_axis():
    """Keras's binary_accuracy takes the mean over the last axis: of 1-D inputs that is the batch."""
    m = M.BinaryAccuracy()
    m.update_state([1, 1, 0, 0], [0.98, 1, 0, 0.6])     # 0.75
    m.update_state([1], [0.0])                          # 0
    assert m.result().numpy() == pytest.approx(0.375, rel=1e-6)
    assert nn.metrics.binary_accuracy(np.array([1, 0]), np.array([0.7, 0.7])) == 0.5


def test_precision_and_recall_accumulate_counts_not_per_batch_ratios():
    p, r = M.Precision(), M.Recall()
    for y_true, y_pred in (([1, 0, 0], [0.9, 0.8, 0.7]), ([1, 1, 1, 1], [0.9, 0.9, 0.1, 0.1])):
        p.update_state(y_true, y_pred)
        r.update_state(y_true, y_pred)
    # batch 1: TP 1, FP 2; batch 2: TP 2, FN 2 -> precision 3/5 (the batch ratios 1/3 and 1 average 2/3)
    assert p.result().numpy() == pytest.approx(3 / 5, rel=1e-6)
    assert r.result().numpy() == pytest.approx(3 / 5, rel=1e-6)


def test_thresholds_top_k_and_class_id():
    y_true, y_pred = [0, 1, 1, 1], [0.2, 0.4, 0.6, 0.8]
    p = M.Precision(thresholds=[0.3, 0.5, 0.7])
    p.update_state(y_true, y_pred)
    np.testing.assert_allclose(p.result().numpy(), [1.0, 1.0, 1.0])
    tp = M.TruePositives(thresholds=[0.0, 0.5, 1.0])         # evenly spaced: Keras's bucketing path
    tp.update_state(y_true, y_pred)
    np.testing.assert_allclose(tp.result().numpy(), [3.0, 2.0, 0.0])
    fp = M.FalsePositives(thresholds=[0.1, 0.5])
    fp.update_state(y_true, y_pred)
    np.testing.assert_allclose(fp.result().numpy(), [1.0, 0.0])
    # keras.io: top_k=2 looks at the two highest scores (ties: first ones), top_k=4 at all four
    top2, top4 = M.Precision(top_k=2), M.Precision(top_k=4)
    top2.update_state([0, 0, 1, 1], [1, 1, 1, 1])
    top4.update_state([0, 0, 1, 1], [1, 1, 1, 1])
    assert top2.result().numpy() == 0.0 and top4.result().numpy() == 0.5
    # class_id: only column 1 counts; predictions > 0.5 there are rows 0 and 2, labels 1 and 0
    r = M.Recall(class_id=1)
    p = M.Precision(class_id=1)
    for m in (r, p):
        m.update_state([[0, 1], [0, 1], [1, 0]], [[0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    assert r.result().numpy() == 0.5 and p.result().numpy() == 0.5


def test_a_prediction_equal_to_the_threshold_is_negative():
    tp = M.TruePositives(thresholds=0.3)
    tp.update_state([1, 1], np.array([0.3, 0.31], np.float32))
    assert tp.result().numpy() == 1.0


# ----------------------------------------------------------------------------- AUC
def test_auc_roc_and_pr_by_the_cases_worked_in_keras_tests():
    """Keras's tests: y_true [0,0,1,1], y_pred [0,0.5,0.3,0.9], weights [1,2,3,4], 3 thresholds give
    tp [7,4,0], fp [3,0,0], fn [0,3,7], tn [0,3,3]."""
    y_true, y_pred, w = [0, 0, 1, 1], [0, 0.5, 0.3, 0.9], [1, 2, 3, 4]
    cases = {("ROC", "interpolation"): 0.7855 * 1, ("ROC", "majoring"): 1.0, ("ROC", "minoring"): 0.571,
             ("PR", "majoring"): 1 * 0.429 + 1 * 0.571, ("PR", "minoring"): 0.7 * 0.429,
             ("PR", "interpolation"): (0.5 * (3 + 2 * math.log(2.5))) / 7 + 4 / 7}   # Davis & Goadrich
    for (curve, method), expected in cases.items():
        auc = M.AUC(num_thresholds=3, curve=curve, summation_method=method)
        assert float(auc(y_true, y_pred, sample_weight=w)) == pytest.approx(expected, abs=1e-3), (curve, method)
        np.testing.assert_allclose(auc.true_positives.numpy(), [7, 4, 0])
        np.testing.assert_allclose(auc.true_negatives.numpy(), [0, 3, 3])


def test_auc_with_many_thresholds_approaches_the_exact_roc_auc():
    """The exact ROC AUC is the probability that a positive outscores a negative (ties count ½)."""
    rng = np.random.default_rng(1)
    y_true = (rng.random(400) < 0.4).astype(np.float32)
    y_pred = np.clip(rng.normal(0.4 + 0.2 * y_true, 0.2), 0, 1).astype(np.float32)
    pos, neg = y_pred[y_true == 1], y_pred[y_true == 0]
    exact = np.mean((pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :]))
    auc = M.AUC(num_thresholds=2000)
    for rows in np.array_split(np.arange(400), 7):       # batches accumulate
        auc.update_state(y_true[rows], y_pred[rows])
    assert auc.result().numpy() == pytest.approx(exact, abs=2e-3)
    assert M.AUC()(y_true, y_pred).numpy() == pytest.approx(exact, abs=1e-2)


def test_auc_multi_label_label_weights_and_from_logits_match_keras_tests():
    y_pred = np.array([[0, 0.5, 0.3, 0.9], [0.1, 0.2, 0.3, 0.4]], np.float32).T
    y_true = np.array([[0, 0, 1, 1], [0, 0, 1, 1]]).T
    assert M.AUC(num_thresholds=5, multi_label=True)(y_true, y_pred).numpy() == pytest.approx((0.875 + 1) / 2, abs=1e-3)
    weighted = M.AUC(num_thresholds=5, multi_label=True, label_weights=[0.75, 0.25])(y_true, y_pred)
    assert weighted.numpy() == pytest.approx(0.875 * 0.75 + 1.0 * 0.25, abs=1e-3)
    assert M.AUC(num_thresholds=5)(y_true, y_pred).numpy() == pytest.approx(1 - 3 / 32, abs=1e-3)   # flat
    logits = -np.log(1.0 / (y_pred.astype(np.float64) + 1e-12) - 1.0)
    assert M.AUC(num_thresholds=5, from_logits=True)(y_true, logits).numpy() == pytest.approx(1 - 3 / 32, abs=1e-3)
    manual = M.AUC(num_thresholds=2, thresholds=[0.5], multi_label=True)
    assert manual.num_thresholds == 3
    np.testing.assert_allclose(manual.thresholds, [0.0, 0.5, 1.0], atol=1e-6)
    assert manual(y_true, y_pred).numpy() == pytest.approx((0.75 + 0.5) / 2, abs=1e-3)


def test_auc_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match=r"num_thresholds` must be an integer > 1"):
        M.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match=r'Invalid AUC curve value: "Invalid"'):
        M.AUC(curve="Invalid")
    with pytest.raises(ValueError, match=r'Invalid AUC summation method value: "x"'):
        M.AUC(summation_method="x")
    with pytest.raises(ValueError, match=r"AUC: predictions must be probabilities in \[0, 1\].*from_logits=True"):
        M.AUC().update_state([0, 1], [-2.0, 3.0])
    with pytest.raises(ValueError, match=r"Precision: threshold values must be in \[0, 1\], got \[1.5\]"):
        M.Precision(thresholds=[0.5, 1.5])
    with pytest.raises(ValueError, match=r"y_true of shape \(3,\) and y_pred of shape \(2,\)"):
        M.Recall().update_state([0, 1, 1], [0.2, 0.9])


# ----------------------------------------------------------------------------- the Metric protocol
class BinaryTruePositives(keras.metrics.Metric):
    """The custom metric of the Keras guide, written with TensorFlow's functions."""

    def __init__(self, name="binary_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_weight(name="tp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = tf.cast(tf.cast(y_true, tf.bool) & (y_pred > 0.5), self.dtype)
        if sample_weight is not None:
            values = tf.multiply(values, tf.cast(sample_weight, self.dtype))
        self.true_positives.assign_add(tf.reduce_sum(values))

    def result(self):
        return self.true_positives


def test_call_updates_then_returns_the_result_and_reset_states_is_an_alias():
    m = BinaryTruePositives()
    assert float(m(tf.constant([1, 1, 0]), tf.constant([0.9, 0.2, 0.8]))) == 1.0
    assert float(m(np.array([1]), np.array([0.7]))) == 2.0
    m.reset_states()
    assert float(m.result()) == 0.0 and [v.name for v in m.variables] == ["tp"]


def test_get_config_round_trips():
    for metric in (M.AUC(num_thresholds=7, curve="PR", multi_label=True, name="pr"), M.Precision(thresholds=[0.2, 0.4],
                   class_id=1), M.BinaryAccuracy(threshold=0.7), M.SparseTopKCategoricalAccuracy(k=3),
                   M.TruePositives(thresholds=0.6), M.Mean(name="m", dtype="float64"),
                   M.FBetaScore(average="macro", beta=0.5, threshold=0.4), M.F1Score(), M.R2Score(num_regressors=2)):
        clone = type(metric).from_config(metric.get_config())
        assert clone.get_config() == metric.get_config()
    assert M.AUC(thresholds=[0.3, 0.6]).get_config()["thresholds"] == pytest.approx([0.3, 0.6])


def test_keras3_add_weight_spelling_and_unknown_arguments():
    class Count(M.Metric):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.n = self.add_weight((2,), "ones")        # Keras 3: add_weight(shape, initializer)
            self.m = self.add_variable(shape=(), initializer="zeros", name="m")

        def update_state(self, values):
            self.n.assign_add([1.0, 1.0])

        def result(self):
            return self.n

    c = Count(name="count")
    assert c.name == "count" and c.n.shape == (2,) and list(c.n.numpy()) == [1.0, 1.0]
    c.update_state(None)
    c.reset_state()
    assert list(c.n.numpy()) == [0.0, 0.0]
    with pytest.raises(TypeError, match=r"Count: unexpected keyword argument\(s\) \['nmae'\]"):
        Count(nmae="x")


def test_the_metrics_are_reachable_under_every_keras_import():
    import nn.keras.metrics as km
    assert tf.keras.metrics.AUC is nn.metrics.AUC is km.AUC
    assert keras.metrics.Metric is nn.metrics.Metric
    for name in ("Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
                 "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "Precision", "Recall", "AUC",
                 "TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives", "MeanSquaredError",
                 "RootMeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError", "Mean", "Sum",
                 "MeanMetricWrapper", "BinaryCrossentropy", "CategoricalCrossentropy",
                 "SparseCategoricalCrossentropy", "KLDivergence", "CosineSimilarity", "LogCoshError",
                 "MeanSquaredLogarithmicError", "Hinge", "SquaredHinge", "CategoricalHinge", "Poisson", "F1Score",
                 "FBetaScore", "R2Score"):
        assert issubclass(getattr(tf.keras.metrics, name), nn.metrics.Metric), name


def test_mean_metric_wrapper_names_a_function_metric_by_its_name():
    def within_one(y_true, y_pred):
        return (np.abs(y_true - y_pred) <= 1).mean(axis=-1)
    m = M.MeanMetricWrapper(within_one)
    m.update_state([[0.0], [5.0]], [[0.5], [2.0]])
    assert m.name == "within_one" and m.result().numpy() == 0.5


# ----------------------------------------------------------------------------- compile, fit and evaluate
def _binary_data(n=90, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = (x[:, 0] + 0.5 * rng.normal(size=n) > 0).astype(np.float32)
    return x, y


def _binary_model():
    tf.random.set_seed(0)
    return keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=(3,)),
                             keras.layers.Dense(1, activation="sigmoid")])


class BatchLogs(Callback):
    def __init__(self):
        super().__init__()
        self.logs = []

    def on_train_batch_end(self, batch, logs=None):
        self.logs.append(dict(logs))


def test_fit_logs_equal_a_separate_update_state_over_the_same_batches():
    """The running value after each batch is the metric's state over the epoch so far (AUC and
    Precision accumulate counts), reset at each epoch; checked with frozen weights (lr 0)."""
    x, y = _binary_data()
    model = _binary_model()
    model.compile(optimizer=optim.SGD(lr=0.0), loss="binary_crossentropy",
                  metrics=[M.AUC(), M.Precision(), M.RootMeanSquaredError(), "acc"])
    batches = BatchLogs()
    history = model.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0, callbacks=[batches])
    probs = model.predict(x)
    for epoch in range(2):
        separate = [M.AUC(), M.Precision(), M.RootMeanSquaredError(), M.BinaryAccuracy()]
        for step, start in enumerate(range(0, 90, 32)):
            for m in separate:
                m.update_state(y[start:start + 32, None], probs[start:start + 32])
            logs = batches.logs[epoch * 3 + step]
            for key, m in zip(("auc", "precision", "root_mean_squared_error", "acc"), separate):
                assert logs[key] == pytest.approx(float(m.result()), rel=1e-5), (epoch, step, key)
        assert history.history["auc"][epoch] == pytest.approx(float(separate[0].result()), rel=1e-5)


def test_history_keys_metrics_names_and_evaluate_as_keras():
    x, y = _binary_data()
    model = _binary_model()
    assert model.metrics == [] and model.metrics_names == []
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=["acc", "mse", M.AUC(name="my_auc"), M.TruePositives, "Precision", BinaryTruePositives()])
    assert model.metrics_names == []                      # Keras 2.15: known once trained or evaluated
    history = model.fit(x, y, epochs=1, batch_size=30, validation_split=0.2, verbose=0)
    names = ["loss", "acc", "mse", "my_auc", "true_positives", "precision", "binary_true_positives"]
    assert model.metrics_names == names
    assert list(history.history) == names + [f"val_{k}" for k in names]
    assert [type(m).__name__ for m in model.metrics][0] == "Mean"
    as_dict = model.evaluate(x, y, verbose=0, return_dict=True)
    as_list = model.evaluate(x, y, verbose=0)
    assert list(as_dict) == names and as_list == [as_dict[k] for k in names]
    assert model.metrics[3].result().numpy() == pytest.approx(as_dict["my_auc"], rel=1e-6)   # state of evaluate
    tp = model.metrics[6].result().numpy()      # the custom metric counted the positives predicted > 0.5
    assert tp == np.sum((model.predict(x)[:, 0] > 0.5) & (y == 1))
    plain = _binary_model()
    plain.compile(optimizer="adam", loss="binary_crossentropy")
    assert isinstance(plain.evaluate(x, y, verbose=0), float)


def test_weighted_metrics_objects_use_the_sample_weights_and_get_the_weighted_prefix_when_names_clash():
    x, y = _binary_data()
    w = np.linspace(0.1, 2.0, len(y)).astype(np.float32)
    model = _binary_model()
    model.compile(optimizer=optim.SGD(lr=0.0), loss="binary_crossentropy", metrics=[M.Precision()],
                  weighted_metrics=[M.Precision(), M.AUC()])
    logs = model.evaluate(x, y, sample_weight=w, verbose=0, return_dict=True, batch_size=16)
    probs = model.predict(x)
    unweighted, weighted, auc = M.Precision(), M.Precision(), M.AUC()
    unweighted.update_state(y, probs)
    weighted.update_state(y[:, None], probs, sample_weight=w)
    auc.update_state(y[:, None], probs, sample_weight=w)
    assert list(logs) == ["loss", "precision", "weighted_precision", "auc"]
    assert logs["precision"] == pytest.approx(float(unweighted.result()), rel=1e-6)
    assert logs["weighted_precision"] == pytest.approx(float(weighted.result()), rel=1e-6)
    assert logs["auc"] == pytest.approx(float(auc.result()), rel=1e-6)
    assert logs["precision"] != pytest.approx(logs["weighted_precision"], rel=1e-4)


def test_two_metrics_of_one_name_are_an_error_at_compile():
    model = _binary_model()
    with pytest.raises(ValueError, match=r"Found two metrics with the same name: 'auc'"):
        model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=[M.AUC(), "AUC"])
    with pytest.raises(ValueError, match=r"unknown metric 'Precison'"):
        model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["Precison"])


def test_an_evaluate_inside_an_epoch_does_not_disturb_the_epochs_metrics():
    x, y = _binary_data()

    class EvaluateEachBatch(Callback):
        def on_train_batch_end(self, batch, logs=None):
            self.model.evaluate(x[:10], 1 - y[:10], verbose=0)

    runs = []
    for callbacks in ([], [EvaluateEachBatch()]):
        model = _binary_model()
        model.compile(optimizer=optim.SGD(lr=0.0), loss="binary_crossentropy", metrics=[M.AUC(), M.Recall()])
        runs.append(model.fit(x, y, batch_size=16, shuffle=False, verbose=0, callbacks=callbacks).history)
    assert runs[0] == runs[1]


def test_string_metrics_keep_their_spelling_and_loss_functions_are_metrics():
    x = np.linspace(-1, 1, 40, dtype=np.float32).reshape(-1, 1)
    y = (2 * x + 0.1).astype(np.float32)
    tf.random.set_seed(0)
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(1,))])
    model.compile(optimizer="sgd", loss="mse", metrics=["mse", "MAE", "mean_squared_logarithmic_error", "logcosh",
                                                        "RootMeanSquaredError", "cosine_similarity"])
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    pred = model.predict(x)
    assert list(logs) == ["loss", "mse", "MAE", "mean_squared_logarithmic_error", "logcosh",
                          "root_mean_squared_error", "cosine_similarity"]
    assert logs["mse"] == pytest.approx(logs["loss"], rel=1e-6)
    assert logs["root_mean_squared_error"] == pytest.approx(math.sqrt(logs["loss"]), rel=1e-5)
    assert logs["MAE"] == pytest.approx(np.mean(np.abs(pred - y)), rel=1e-5)
    assert logs["cosine_similarity"] == pytest.approx(np.mean(np.sign(pred * y)), rel=1e-5)   # 1-D rows: ±1


def test_crossentropy_string_follows_the_shapes_as_accuracy_does():
    x, y = _binary_data()
    model = _binary_model()
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["crossentropy"])
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert logs["crossentropy"] == pytest.approx(logs["loss"], rel=1e-5)


def test_loss_objects_as_metrics_and_several_thresholds_in_fit():
    """A loss object logs the mean of its batch losses under its Keras name; Precision at several
    thresholds logs an array (History keeps it; the progress bar shows the mean, as Keras's)."""
    x, y = _binary_data()
    model = _binary_model()
    model.compile(optimizer=optim.SGD(lr=0.0), loss="binary_crossentropy",
                  metrics=[keras.losses.BinaryCrossentropy(), M.Precision(thresholds=[0.3, 0.7])])
    history = model.fit(x, y, batch_size=45, shuffle=False, verbose=0).history
    probs = model.predict(x)
    separate = M.Precision(thresholds=[0.3, 0.7])
    separate.update_state(y, probs)
    np.testing.assert_allclose(history["precision"][0], separate.result().numpy(), rtol=1e-6)
    assert history["binary_crossentropy"][0] == pytest.approx(history["loss"][0], rel=1e-5)   # two equal batches
    from nn.progress import format_logs
    assert format_logs({"precision": np.array([0.25, 0.75])}) == " - precision: 0.5000"


def test_keras_metrics_get_as_keras():
    assert isinstance(keras.metrics.get("AUC"), M.AUC) and isinstance(keras.metrics.get(M.Recall), M.Recall)
    assert keras.metrics.get("mse") is nn.metrics.mean_squared_error
    assert keras.metrics.get("accuracy") is nn.metrics.accuracy
    np.testing.assert_array_equal(keras.metrics.get("acc")(np.array([1, 2]), np.array([1, 3])), [1.0, 0.0])
    with pytest.raises(ValueError, match=r"unknown metric 'nope'"):
        keras.metrics.get("nope")


# ----------------------------------------------------------------------------- the helpers
def test_helpers_names_division_top_k_and_even_thresholds():
    from nn.confusion_metrics import evenly_distributed, filter_top_k, parse_thresholds
    from nn.metric_base import divide_no_nan, to_snake_case, weighted_sum_and_count
    assert to_snake_case("SparseTopKCategoricalAccuracy") == "sparse_top_k_categorical_accuracy"
    assert to_snake_case("AUC") == "auc" and to_snake_case("KLDivergence") == "kl_divergence"
    np.testing.assert_array_equal(divide_no_nan([1.0, 2.0], [0.0, 4.0]), [0.0, 0.5])
    assert divide_no_nan(3.0, 0.0) == 0.0
    np.testing.assert_array_equal(filter_top_k(np.array([[0.1, 0.7, 0.7, 0.2]]), 2), [[-1e10, 0.7, 0.7, -1e10]])
    assert evenly_distributed([0.0, 0.5, 1.0]) and not evenly_distributed([0.0, 0.4, 1.0])
    assert not evenly_distributed([0.5]) and parse_thresholds(0.3, 0.5, "x") == [0.3]
    # (n, k) values with (n,) weights: each weight weighs its row's k values (Keras broadcasts)
    assert weighted_sum_and_count(np.array([[1.0, 3.0], [5.0, 7.0]]), [1.0, 0.0], "m") == (4.0, 2.0)
    # weights that cannot be broadcast: the values are first averaged over their extra axes (Keras's fallback)
    values = np.arange(24.0).reshape(2, 3, 4)        # per-sample means 5.5 and 17.5
    assert weighted_sum_and_count(values, [1.0, 3.0], "m") == (1 * 5.5 + 3 * 17.5, 4.0)
    with pytest.raises(ValueError, match=r"m: sample_weight of shape \(3,\) cannot weigh values of shape \(2,\)"):
        weighted_sum_and_count(np.ones(2), np.ones(3), "m")


def test_metric_functions_cosine_similarity_and_crossentropy_resolution():
    np.testing.assert_allclose(nn.metrics.cosine_similarity(np.array([[0.0, 1.0], [1.0, 1.0]]),
                                                            np.array([[1.0, 0.0], [2.0, 2.0]])), [0.0, 1.0])
    assert nn.metrics.crossentropy_for(np.zeros(4), np.zeros((4, 1))) is nn.loss_functions.binary_crossentropy
    assert nn.metrics.crossentropy_for(np.zeros(4), np.zeros((4, 3))) is nn.loss_functions.sparse_categorical_crossentropy
    assert nn.metrics.crossentropy_for(np.zeros((4, 3)), np.zeros((4, 3))) is nn.loss_functions.categorical_crossentropy


def test_reset_metrics_and_get_metrics_result():
    x, y = _binary_data()
    model = _binary_model()
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=[M.Recall()])
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    result = model.get_metrics_result()
    assert list(result) == ["loss", "recall"] and float(result["recall"]) == pytest.approx(logs["recall"], rel=1e-6)
    model.reset_metrics()
    assert all(float(m.result()) == 0.0 for m in model.metrics)


def test_a_metric_whose_result_is_a_dict_logs_each_entry():
    class MinMax(M.Metric):
        def __init__(self, **kwargs):
            super().__init__(name="min_max", **kwargs)
            self.low, self.high = self.add_weight("low"), self.add_weight("high")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.low.assign(float(np.min(y_pred.numpy())))
            self.high.assign(float(np.max(y_pred.numpy())))

        def result(self):
            return {"low": self.low, "high": self.high}

    x, y = _binary_data()
    model = _binary_model()
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=[MinMax()])
    logs = model.evaluate(x, y, verbose=0, return_dict=True, batch_size=len(x))
    probs = model.predict(x)
    assert list(logs) == ["loss", "low", "high"]
    assert logs["low"] == pytest.approx(probs.min(), rel=1e-6) and logs["high"] == pytest.approx(probs.max(), rel=1e-6)


def test_a_custom_loop_formats_results_as_tensorflows_quickstart():
    """TensorFlow's advanced quickstart: metric objects called in a loop, printed with f"{...:0.2f}"."""
    train_loss = tf.keras.metrics.Mean(name="train_loss")
    train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="train_accuracy")
    for loss, labels, predictions in ((0.5, [1, 0], [[0.2, 0.8], [0.3, 0.7]]), (0.25, [0], [[0.9, 0.1]])):
        train_loss(loss)
        train_accuracy(labels, predictions)
    line = f"Loss: {train_loss.result():0.2f}, Accuracy: {train_accuracy.result() * 100:0.2f}"
    assert line == "Loss: 0.38, Accuracy: 66.67"
    train_loss.reset_states()
    assert f"{train_loss.result()}" == "0.0"


# ----------------------------------------------------------------------------- F-scores and R²
F_TRUE = [[1, 1, 1], [1, 0, 0], [1, 1, 0]]
F_PRED = [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]]


def test_f_scores_give_the_keras_io_example_values():
    np.testing.assert_allclose(M.F1Score(threshold=0.5)(F_TRUE, F_PRED).numpy(), [0.5, 0.8, 0.6666667], rtol=1e-6)
    np.testing.assert_allclose(M.FBetaScore(beta=2.0, threshold=0.5)(F_TRUE, F_PRED).numpy(),
                               [0.3846154, 0.90909094, 0.8333334], rtol=1e-6)


def test_f1_averages_and_argmax_threshold_by_hand():
    # threshold 0.5 counts per class: TP [1, 2, 1], FP [0, 1, 0], FN [2, 0, 1]
    micro = M.F1Score(average="micro", threshold=0.5)(F_TRUE, F_PRED).numpy()
    assert micro == pytest.approx(2 * 4 / (2 * 4 + 1 + 3), rel=1e-6)                  # 2TP / (2TP + FP + FN)
    assert M.F1Score(average="macro", threshold=0.5)(F_TRUE, F_PRED).numpy() == pytest.approx(
        (0.5 + 0.8 + 2 / 3) / 3, rel=1e-6)
    assert M.F1Score(average="weighted", threshold=0.5)(F_TRUE, F_PRED).numpy() == pytest.approx(
        (3 * 0.5 + 2 * 0.8 + 1 * 2 / 3) / 6, rel=1e-6)                                 # supports 3, 2, 1
    # threshold None: each row's maximum is the prediction -> rows predict classes 2, 1 and 2 (ties: both)
    f1 = M.F1Score()
    f1.update_state(F_TRUE[:2], F_PRED[:2])             # accumulates over batches
    f1.update_state(F_TRUE[2:], F_PRED[2:])
    # predicted: [0,0,1], [0,1,1], [0,1,0] -> TP [0, 1, 1], FP [0, 1, 1], FN [3, 1, 0]
    np.testing.assert_allclose(f1.result().numpy(), [0.0, 0.5, 2 / 3], rtol=1e-6)
    with pytest.raises(ValueError, match=r"F1Score: invalid `average` argument value 'mean'"):
        M.F1Score(average="mean")


def test_r2_score_keras_io_example_weights_aggregation_and_adjustment():
    assert M.R2Score()([[1], [4], [3]], [[2], [4], [4]]).numpy() == pytest.approx(0.57142854, rel=1e-6)   # keras.io
    y_true = np.array([[1.0, 10.0], [2.0, 20.0], [4.0, 20.0], [5.0, 50.0]])
    y_pred = np.array([[1.5, 12.0], [2.0, 18.0], [3.0, 25.0], [5.5, 45.0]])
    w = np.array([1.0, 2.0, 1.0, 3.0])

    def r2(t, p, weights):
        mean = np.sum(weights * t) / np.sum(weights)
        return 1 - np.sum(weights * (t - p) ** 2) / np.sum(weights * (t - mean) ** 2)
    per_output = [r2(y_true[:, j], y_pred[:, j], w) for j in range(2)]
    m = M.R2Score(class_aggregation=None)
    m.update_state(y_true[:2], y_pred[:2], sample_weight=w[:2])
    m.update_state(y_true[2:], y_pred[2:], sample_weight=w[2:])
    np.testing.assert_allclose(m.result().numpy(), per_output, rtol=1e-5)
    variances = [np.sum(w * (y_true[:, j] - np.sum(w * y_true[:, j]) / w.sum()) ** 2) for j in range(2)]
    weighted = M.R2Score(class_aggregation="variance_weighted_average")(y_true, y_pred, sample_weight=w)
    assert weighted.numpy() == pytest.approx(np.dot(per_output, variances) / np.sum(variances), rel=1e-5)
    plain = r2(y_true[:, 0], y_pred[:, 0], np.ones(4))
    adjusted = M.R2Score(num_regressors=1)(y_true[:, :1], y_pred[:, :1]).numpy()
    assert adjusted == pytest.approx(1 - (1 - plain) * 3 / 2, rel=1e-5)              # n = 4, p = 1
    with pytest.raises(ValueError, match=r"R2Score: y_true and y_pred must both have shape \(samples, outputs\)"):
        M.R2Score().update_state([1.0, 2.0], [1.0, 2.0])


def test_a_model_listing_its_own_metrics_gets_them_reset_each_epoch_as_the_keras_guide():
    """Keras's guide: a subclass lists its trackers in a ``metrics`` property so fit resets them."""
    class Tracked(keras.Sequential):
        def __init__(self, layers):
            super().__init__(layers)
            self.seen = M.Sum(name="seen")

        def train_step(self, data):
            x, y = data
            self.seen.update_state(np.ones(len(x)))
            return {"seen": self.seen.result()}

        @property
        def metrics(self):
            return [self.seen]

    model = Tracked([keras.layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.zeros((10, 2)), np.zeros(10), batch_size=4, epochs=3, verbose=0).history
    assert history["seen"] == [10.0, 10.0, 10.0]


def test_one_object_given_twice_is_an_error_and_a_weighted_loss_metric_uses_the_weights():
    model = _binary_model()
    auc = M.AUC()
    with pytest.raises(ValueError, match=r"one metric object is given twice"):
        model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=[auc], weighted_metrics=[auc])
    x, y = _binary_data()
    w = np.linspace(0.0, 1.0, len(y)).astype(np.float32)
    model.compile(optimizer="sgd", loss="binary_crossentropy", weighted_metrics=[keras.losses.BinaryCrossentropy()])
    logs = model.evaluate(x, y, sample_weight=w, verbose=0, return_dict=True, batch_size=len(y))
    p = np.clip(model.predict(x)[:, 0].astype(np.float64), 1e-7, 1 - 1e-7)
    per_sample = -(y * np.log(p + 1e-7) + (1 - y) * np.log(1 - p + 1e-7))
    assert logs["binary_crossentropy"] == pytest.approx(np.sum(w * per_sample) / np.sum(w), rel=1e-5)


def test_a_keras_style_loss_object_is_a_metric_through_its_call():
    class AbsoluteLoss:                        # Keras's Loss protocol: call(y_true, y_pred) per sample, a reduction
        reduction, name = "sum_over_batch_size", "absolute"

        def call(self, y_true, y_pred):
            return tf.reduce_mean(tf.abs(y_pred - y_true), axis=-1)

        def __call__(self, y_true, y_pred, sample_weight=None):
            return tf.reduce_mean(self.call(y_true, y_pred))

    m = nn.metrics.get_metric(AbsoluteLoss())
    m.update_state([[1.0], [2.0]], [[2.0], [2.0]])            # batch mean 0.5, counted once
    m.update_state([[0.0]], [[3.0]])                          # 3
    assert m.name == "absolute" and m.result().numpy() == pytest.approx(1.75, rel=1e-6)
    m.reset_state()
    m.update_state([[1.0], [2.0]], [[2.0], [2.0]], sample_weight=[3.0, 1.0])
    assert m.result().numpy() == pytest.approx(0.75, rel=1e-6)
