"""Each loss against its formula (value and gradient, every reduction), gradcheck in float64,
the fused softmax cross-entropy (gradient a - y), and Keras's numerics next to PyTorch's."""
import numpy as np
import pytest

import nn
import tensorgrad as tg
from nn import losses

rng = np.random.default_rng(0)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


N, C = 6, 4
DIFF_PRED, DIFF_TARGET = rng.normal(size=(N, 3)), rng.normal(size=(N, 3)) * 2
PROB, BIN_TARGET = rng.uniform(0.05, 0.95, size=(N, 3)), rng.integers(0, 2, size=(N, 3)).astype(float)
LOGITS, LABELS = rng.normal(size=(N, C)) * 2, rng.integers(0, C, size=N)
ONE_HOT = np.eye(C)[LABELS]
SOFT_TARGET = _softmax(rng.normal(size=(N, C)))
HUBER_D = DIFF_PRED - DIFF_TARGET

# (loss class, pred, target, elementwise loss, elementwise d loss / d pred); losses with one value
# per sample (CE, NLL) give the per-sample loss and the per-row gradient.
CASES = {
    "mse": (nn.MSELoss, DIFF_PRED, DIFF_TARGET, HUBER_D ** 2, 2 * HUBER_D),
    "l1": (nn.L1Loss, DIFF_PRED, DIFF_TARGET, np.abs(HUBER_D), np.sign(HUBER_D)),
    "huber": (nn.HuberLoss, DIFF_PRED, DIFF_TARGET,
              np.where(np.abs(HUBER_D) <= 1, 0.5 * HUBER_D ** 2, np.abs(HUBER_D) - 0.5),
              np.where(np.abs(HUBER_D) <= 1, HUBER_D, np.sign(HUBER_D))),
    "bce": (nn.BCELoss, PROB, BIN_TARGET, -(BIN_TARGET * np.log(PROB) + (1 - BIN_TARGET) * np.log(1 - PROB)),
            (PROB - BIN_TARGET) / (PROB * (1 - PROB))),
    "bce_logits": (nn.BCEWithLogitsLoss, DIFF_PRED, BIN_TARGET,
                   np.log1p(np.exp(DIFF_PRED)) - BIN_TARGET * DIFF_PRED, _sigmoid(DIFF_PRED) - BIN_TARGET),
    "ce_labels": (nn.CrossEntropyLoss, LOGITS, LABELS, -np.log(_softmax(LOGITS))[np.arange(N), LABELS],
                  _softmax(LOGITS) - ONE_HOT),
    "ce_probs": (nn.CrossEntropyLoss, LOGITS, SOFT_TARGET, -(SOFT_TARGET * np.log(_softmax(LOGITS))).sum(-1),
                 _softmax(LOGITS) - SOFT_TARGET),
    "nll": (nn.NLLLoss, LOGITS, LABELS, -LOGITS[np.arange(N), LABELS], -ONE_HOT),
}


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_loss_value_and_gradient_match_the_formula(case, reduction):
    cls, pred, target, value, grad = CASES[case]
    x = tg.tensor(pred, requires_grad=True)
    loss = cls(reduction=reduction)(x, target)
    if reduction == "none":
        np.testing.assert_allclose(loss.data, value, rtol=1e-10)
        loss.backward(np.ones(loss.shape))
        expected_grad = grad
    else:
        scale = 1 / value.size if reduction == "mean" else 1.0
        np.testing.assert_allclose(loss.item(), value.sum() * scale, rtol=1e-10)
        loss.backward()
        expected_grad = grad * scale
    np.testing.assert_allclose(x.grad.data, expected_grad, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("case", sorted(CASES))
def test_loss_passes_gradcheck_in_float64(case):
    cls, pred, target, _, _ = CASES[case]
    assert tg.gradcheck(lambda p: cls()(p, target), [tg.tensor(pred, requires_grad=True)])


@pytest.mark.parametrize("name", ["binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"])
def test_keras_cross_entropies_pass_gradcheck_on_probabilities(name):
    pred = _softmax(LOGITS)
    target = LABELS if name.startswith("sparse") else ONE_HOT
    assert tg.gradcheck(lambda p: losses.get(name)(target, p), [tg.tensor(pred, requires_grad=True)])


def test_fused_cross_entropy_gradcheck_on_logits_and_targets():
    assert tg.gradcheck(lambda z, y: tg.softmax_cross_entropy(z, y),
                        [tg.tensor(LOGITS, requires_grad=True), tg.tensor(SOFT_TARGET, requires_grad=True)])
    assert tg.gradcheck(lambda p, y: tg.binary_cross_entropy(p, y),
                        [tg.tensor(PROB, requires_grad=True), tg.tensor(BIN_TARGET * 0.8 + 0.1, requires_grad=True)])


def test_fused_cross_entropy_has_second_derivatives():
    z = tg.tensor(LOGITS[:1], requires_grad=True)
    (g,) = tg.grad(tg.softmax_cross_entropy(z, ONE_HOT[:1]).sum(), z, create_graph=True)
    (h0,) = tg.grad(g[0, 0], z)
    a = _softmax(LOGITS[:1])[0]
    np.testing.assert_allclose(h0.data[0], a[0] * (np.eye(C)[0] - a), rtol=1e-10)   # ∂²L/∂z0∂zj = a0(δ0j - aj)


# --------------------------------------------------------------------------- the seeds' worked example
@pytest.mark.parametrize("z, rounded", [([2.20, 1.39, 0.85], [0.59, 0.26, 0.15]),
                                        ([0.0, -1.39, -2.20], [0.74, 0.18, 0.08])])
def test_softmax_crossentropy_grad_is_a_minus_y(z, rounded):
    logits = tg.tensor(np.array([z]), requires_grad=True)
    y = np.array([[1.0, 0.0, 0.0]])
    a = nn.Softmax()(logits)
    np.testing.assert_allclose(a.data[0], rounded, atol=0.005)
    loss = losses.get("categorical_crossentropy")(y, a)
    loss.backward()
    np.testing.assert_array_equal(logits.grad.data, a.data - y)     # exactly, through the fused op
    np.testing.assert_allclose(loss.item(), -np.log(a.data[0, 0]), rtol=1e-6)


def test_crossentropy_from_logits_labels_and_onehot_agree():
    z = tg.tensor(LOGITS)
    by_labels = nn.CrossEntropyLoss()(z, LABELS).item()
    assert by_labels == pytest.approx(nn.CrossEntropyLoss()(z, ONE_HOT).item(), rel=1e-12)
    assert by_labels == pytest.approx(losses.get("sparse_categorical_crossentropy", from_logits=True)(LABELS, z).item(),
                                      rel=1e-12)
    assert by_labels == pytest.approx(losses.get("categorical_crossentropy", from_logits=True)(ONE_HOT, z).item(),
                                      rel=1e-12)
    assert by_labels == pytest.approx(nn.NLLLoss()(tg.log_softmax(z), LABELS).item(), rel=1e-12)


def test_seed_002_categorical_crossentropy_is_the_mean_over_samples():
    probs = _softmax(LOGITS)
    expected = -(ONE_HOT * np.log(probs)).sum() / N                 # L = -(1/N) Σ_j Σ_i t_ij log y_ij
    assert losses.get("categorical_crossentropy")(ONE_HOT, probs).item() == pytest.approx(expected, rel=1e-12)


# --------------------------------------------------------------------------- Keras vs PyTorch numerics
def test_bceloss_clamps_the_log_at_minus_100_as_pytorch():
    p = tg.tensor(np.array([0.0, 1.0]), requires_grad=True)
    loss = nn.BCELoss(reduction="sum")(p, [1.0, 0.0])
    assert loss.item() == pytest.approx(200.0)
    loss.backward()
    np.testing.assert_allclose(p.grad.data, [-1e12, 1e12])          # (p - y) / max(p(1-p), 1e-12): finite


def test_keras_binary_crossentropy_clips_probabilities_to_1e_7():
    p = tg.tensor(np.array([[0.0], [1.0]]), requires_grad=True)
    loss = losses.get("binary_crossentropy")([[1.0], [0.0]], p)
    assert loss.item() == pytest.approx(-np.log(1e-7), rel=1e-6)     # ≈ 16.12, not 100
    loss.backward()
    np.testing.assert_array_equal(p.grad.data, 0.0)                  # clipped: no gradient


def test_keras_categorical_crossentropy_clips_a_zero_probability():
    p = np.array([[0.0, 0.5, 0.5]])
    assert losses.get("categorical_crossentropy")([[1.0, 0.0, 0.0]], p).item() == pytest.approx(-np.log(1e-7), rel=1e-6)
    assert losses.get("sparse_categorical_crossentropy")([0], p).item() == pytest.approx(-np.log(1e-7), rel=1e-5)


def test_keras_binary_crossentropy_on_a_sigmoid_output_uses_its_logits_with_keras_clip():
    """Keras (3, documented formula): -(y log clip(p) + (1-y) log clip(1-p)), clip to [1e-7, 1 - 1e-7]. From the
    logits the value is the same: z = 40, y = 0 gives -log(1e-7) ≈ 16.12 (not 40) and no gradient; z = -3,
    y = 1 is unclipped: log(1 + e³), gradient (sigmoid(z) - y) / 2 (the mean over 2 samples)."""
    z = tg.tensor(np.array([[40.0], [-3.0]]), requires_grad=True)
    y = np.array([[0.0], [1.0]])
    out = nn.activations.sigmoid(z)
    assert out._keras_logits is z and out._keras_activation == "sigmoid"       # the documented contract
    loss = losses.get("binary_crossentropy")(y, out)
    assert loss.item() == pytest.approx(np.mean([-np.log(1e-7), np.log1p(np.exp(3.0))]), rel=1e-9)
    loss.backward()
    np.testing.assert_allclose(z.grad.data, [[0.0], [(_sigmoid(-3.0) - 1.0) / 2]], rtol=1e-12)


@pytest.mark.parametrize("make_probabilities", [nn.activations.softmax, lambda z: nn.Softmax()(z),
                                                lambda z: nn.Activation("softmax")(z)])
def test_keras_cross_entropies_give_the_same_value_with_or_without_a_graph(make_probabilities):
    """A saturated softmax (logit gap 30): Keras's value -log clip(p, 1e-7, 1 - 1e-7) = -log(1e-7), from the
    logits with a graph or without one (fit and evaluate agree); from_logits=True is the unclipped 30."""
    z = tg.tensor(np.array([[0.0, 30.0]]), requires_grad=True)
    with tg.no_grad():
        without_graph = make_probabilities(z)
    with_graph = make_probabilities(z)
    for name, target in (("categorical_crossentropy", [[1.0, 0.0]]), ("sparse_categorical_crossentropy", [0])):
        for a in (without_graph, with_graph):
            assert losses.get(name)(target, a).item() == pytest.approx(-np.log(1e-7), rel=1e-9)
        assert losses.get(name, from_logits=True)(target, z).item() == pytest.approx(30.0, rel=1e-9)


def test_sparse_categorical_crossentropy_normalises_probabilities_before_clipping():
    """Keras 3's documented order: p / Σp, then clip to [1e-7, 1 - 1e-7], then -log p[label]. Rows summing to 2:
    p = [1.2, 0.8] normalises to [0.6, 0.4] (clipping first would cap 1.2 at 1 - 1e-7 and renormalise to 1/1.8)."""
    p = np.array([[1.2, 0.8], [0.0, 2.0]])
    loss = losses.get("sparse_categorical_crossentropy", reduction="none")([0, 0], p)
    np.testing.assert_allclose(loss.data, [-np.log(0.6), -np.log(1e-7)], rtol=1e-12)
    categorical = losses.get("categorical_crossentropy", reduction="none")([[1.0, 0.0], [1.0, 0.0]], p)
    np.testing.assert_allclose(categorical.data, loss.data, rtol=1e-12)


@pytest.mark.parametrize("name, elementwise", [("mse", lambda d: d ** 2), ("mae", np.abs),
                                               ("huber", lambda d: np.where(np.abs(d) <= 1, 0.5 * d ** 2, np.abs(d) - 0.5))])
def test_keras_regression_losses_reduce_one_value_per_sample(name, elementwise):
    """Keras: a sample's loss is the mean over the last axis; reduction='none' gives shape (batch,), as
    keras.losses.MeanSquaredError(reduction='none') does for (16, 3) predictions; 'sum' sums the 16 values."""
    pred, target = rng.normal(size=(16, 3)), rng.normal(size=(16, 3)) * 2
    per_sample = elementwise(pred - target).mean(axis=-1)
    none = losses.get(name, reduction="none")(target, pred)
    assert none.shape == (16,)
    np.testing.assert_allclose(none.data, per_sample, rtol=1e-12)
    assert losses.get(name, reduction="sum")(target, pred).item() == pytest.approx(per_sample.sum(), rel=1e-12)
    assert losses.get(name, reduction="sum_over_batch_size")(target, pred).item() == pytest.approx(per_sample.mean())
    assert type(nn.losses.get(name)) is {"mse": nn.MeanSquaredError, "mae": nn.MeanAbsoluteError,
                                         "huber": nn.Huber}[name]


def test_target_of_shape_n_against_pred_n_by_1_is_reshaped_not_broadcast():
    pred = np.zeros((4, 1))
    assert nn.MSELoss()(pred, np.ones(4)).item() == pytest.approx(1.0)
    with pytest.raises(ValueError, match=r"mse_loss: target shape \(3,\) does not match prediction shape \(4, 1\)"):
        nn.MSELoss()(pred, np.ones(3))


def test_target_of_shape_n_by_1_is_shared_by_every_output_column():
    """Keras broadcasts y (N, 1) over a (N, k) prediction; seed 003 fits Dense(2) to y = 10x + 2 that way."""
    pred = tg.tensor(np.array([[1.0, 3.0], [0.0, 4.0]]), requires_grad=True)
    y = np.array([[2.0], [1.0]])
    loss = nn.MSELoss()(pred, y)
    assert loss.item() == pytest.approx(np.mean((pred.data - y) ** 2))
    loss.backward()
    np.testing.assert_allclose(pred.grad.data, 2 * (pred.data - y) / 4)
    with pytest.raises(ValueError, match=r"targets have 2 columns but the predictions have 1 \(shapes \(2, 2\) and \(2, 1\)\)"):
        nn.MSELoss()(pred[:, :1], np.ones((2, 2)))


def test_bad_labels_and_reductions_are_named():
    with pytest.raises(ValueError, match="label 4 is outside the 4 classes 0..3"):
        nn.CrossEntropyLoss()(LOGITS, np.full(N, 4))
    with pytest.raises(ValueError, match=r"reduction must be one of \('mean', 'sum', 'none'\), got 'avg'"):
        nn.MSELoss(reduction="avg")


def test_losses_get_resolves_keras_names_and_lists_them_on_error():
    """nn.losses.get gives a loss object (Keras's class, y_true first) for every Keras name; PyTorch's
    modules are not what Keras names resolve to (their argument order is PyTorch's)."""
    assert isinstance(losses.get("mse"), nn.MeanSquaredError) and not isinstance(losses.get("mse"), nn.MSELoss)
    assert isinstance(losses.get("mae"), nn.MeanAbsoluteError) and isinstance(losses.get("huber"), nn.Huber)
    assert losses.get("sparse_categorical_crossentropy", from_logits=True).from_logits
    custom = nn.BCELoss()
    assert losses.get(custom) is custom
    with pytest.raises(ValueError, match="valid names are .*'binary_crossentropy'.*'sparse_categorical_crossentropy'"):
        losses.get("crossentropy")


def test_every_keras_name_resolves_to_a_class_whose_default_name_is_keras_canonical_one():
    canonical = {"mse": "mean_squared_error", "MSE": "mean_squared_error", "mae": "mean_absolute_error",
                 "MAE": "mean_absolute_error", "huber": "huber_loss", "mape": "mean_absolute_percentage_error",
                 "MAPE": "mean_absolute_percentage_error", "msle": "mean_squared_logarithmic_error",
                 "MSLE": "mean_squared_logarithmic_error", "kld": "kl_divergence", "KLD": "kl_divergence",
                 "kullback_leibler_divergence": "kl_divergence", "logcosh": "log_cosh", "bce": "binary_crossentropy",
                 "BCE": "binary_crossentropy"}
    for name in losses.KERAS_LOSS_NAMES:
        assert losses.get(name).name == canonical.get(name, name)
    assert nn.BCELoss.keras_name == "binary_crossentropy" and nn.CrossEntropyLoss.keras_name is None


@pytest.mark.parametrize("dtype", ["i1", "i2", "i4", "i8", ">i8", "u1", "u8", ">u4"])
def test_labels_out_of_range_are_found_in_every_integer_dtype(dtype):
    """The range check is one max over the labels seen as unsigned, so a negative label must be caught too."""
    ok = np.array([0, 3, 1, 2, 3, 0], dtype=dtype)
    expected = -np.log(_softmax(LOGITS))[np.arange(N), ok.astype(np.int64)].mean()
    assert nn.CrossEntropyLoss()(LOGITS, ok).item() == pytest.approx(expected, rel=1e-12)
    bad = [4] if np.dtype(dtype).kind == "u" else [4, -1, -128]
    for label in bad:
        y = ok.copy()
        y[2] = label
        with pytest.raises(ValueError, match=f"cross_entropy: label {label} is outside the 4 classes 0..3"):
            nn.CrossEntropyLoss()(LOGITS, y)
        with pytest.raises(ValueError, match=rf"nll_loss: (label {label} is out of range for num_classes=4|"
                                             rf"labels must be >= 0, got {label})"):
            nn.NLLLoss()(LOGITS, y)


def test_cross_entropy_on_labels_is_one_fused_node_and_scalar_logits_are_named():
    z = tg.tensor(LOGITS, requires_grad=True)
    for reduction in ("mean", "sum"):
        loss = nn.CrossEntropyLoss(reduction=reduction)(z, LABELS)
        node = loss._node if reduction == "mean" else loss._node.parents[0]
        assert node.name == "softmax_cross_entropy" and node.parents == (z,)
    with pytest.raises(ValueError, match=r"cross_entropy: the input is a scalar; give it a class axis"):
        nn.CrossEntropyLoss()(tg.tensor(1.0), np.array([0]))
