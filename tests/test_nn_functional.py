"""nn.functional against numpy references of PyTorch's documented formulas, gradients against closed
forms and finite differences (tg.gradcheck, float64); the PyTorch-argument losses (weight,
ignore_index, label_smoothing, pos_weight, class axis 1, legacy size_average/reduce)."""
import numpy as np
import pytest

import nn
import nn.functional as F
import tensorgrad as tg

rng = np.random.default_rng(0)
X = rng.normal(size=(4, 5)) * 2


def _t(a):
    return tg.tensor(np.array(a, dtype=np.float64), requires_grad=True)


def _log_softmax(z, axis):
    m = z.max(axis, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis, keepdims=True))


# --------------------------------------------------------------------------- activations: values and gradients
ACTIVATIONS = [
    ("relu", lambda x: F.relu(x), lambda x: np.maximum(x, 0), lambda x: (x > 0) * 1.0),
    ("leaky_relu", lambda x: F.leaky_relu(x, 0.2), lambda x: np.where(x > 0, x, 0.2 * x),
     lambda x: np.where(x > 0, 1.0, 0.2)),
    ("elu", lambda x: F.elu(x, 0.7), lambda x: np.where(x > 0, x, 0.7 * np.expm1(x)),
     lambda x: np.where(x > 0, 1.0, 0.7 * np.exp(x))),
    ("sigmoid", F.sigmoid, lambda x: 1 / (1 + np.exp(-x)), lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2),
    ("tanh", F.tanh, np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    ("softplus", F.softplus, lambda x: np.log1p(np.exp(x)), lambda x: 1 / (1 + np.exp(-x))),
    ("softplus-beta", lambda x: F.softplus(x, beta=2.0), lambda x: np.log1p(np.exp(2 * x)) / 2,
     lambda x: 1 / (1 + np.exp(-2 * x))),
    ("logsigmoid", F.logsigmoid, lambda x: -np.log1p(np.exp(-x)), lambda x: 1 / (1 + np.exp(x))),
    ("softsign", F.softsign, lambda x: x / (1 + np.abs(x)), lambda x: 1 / (1 + np.abs(x)) ** 2),
]


@pytest.mark.parametrize("name,fn,ref,dref", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activation_value_and_gradient_match_the_formula(name, fn, ref, dref):
    x = _t(X)
    y = fn(x)
    np.testing.assert_allclose(y.numpy(force=True), ref(X), rtol=1e-10, atol=1e-12)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(force=True), dref(X), rtol=1e-8, atol=1e-12)
    assert tg.gradcheck(fn, [_t(X)])


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_and_log_softmax_along_dim(dim):
    x = _t(X)
    log_p = F.log_softmax(x, dim=dim)
    np.testing.assert_allclose(log_p.numpy(force=True), _log_softmax(X, dim), rtol=1e-12)
    np.testing.assert_allclose(F.softmax(x, dim=dim).numpy(force=True), np.exp(_log_softmax(X, dim)), rtol=1e-12)
    np.testing.assert_allclose(F.softmin(x, dim=dim).numpy(force=True), np.exp(_log_softmax(-X, dim)), rtol=1e-12)
    g = rng.normal(size=X.shape)
    (log_p * g).sum().backward()    # closed form: g - softmax · Σ g along dim
    np.testing.assert_allclose(x.grad.numpy(force=True), g - np.exp(_log_softmax(X, dim)) * g.sum(dim, keepdims=True),
                               rtol=1e-10)
    assert tg.gradcheck(lambda t: F.softmax(t, dim=dim), [_t(X)])


def test_softmax_without_dim_warns_and_picks_pytorchs_implicit_axis():
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        out = F.softmax(tg.tensor(X))
    np.testing.assert_allclose(out.numpy(force=True).sum(axis=1), 1, rtol=1e-6)   # 2-d: dim 1
    with pytest.warns(UserWarning):
        out3 = F.log_softmax(tg.tensor(np.zeros((2, 3, 4))))       # 3-d: dim 0
    np.testing.assert_allclose(out3.numpy(force=True), np.log(0.5))


def test_softmax_casts_to_the_dtype_argument():
    assert F.softmax(tg.tensor(np.ones((2, 3), np.float32)), dim=1, dtype=np.float64).dtype == np.float64


def test_ops_the_engine_lacks_raise_a_clear_not_implemented_error():
    x = tg.tensor(X)
    for name, call in [("gelu", lambda: F.gelu(x)), ("silu", lambda: F.silu(x)), ("hardtanh", lambda: F.hardtanh(x)),
                       ("pad", lambda: F.pad(x, (1, 1))), ("hardtanh", lambda: F.relu6(x))]:
        if hasattr(tg, name):
            continue
        with pytest.raises(NotImplementedError, match=f"F.{name}: tensorgrad has no '{name}' op yet"):
            call()
    with pytest.raises(ValueError, match="gelu: approximate must be"):
        F.gelu(x, approximate="fast")
    with pytest.raises(ValueError, match="pad: the padding must have an even length"):
        F.pad(x, (1, 2, 3))


# --------------------------------------------------------------------------- linear, dropout, one_hot, normalize
def test_linear_uses_pytorchs_weight_layout_and_is_one_node():
    W, b = rng.normal(size=(3, 5)), rng.normal(size=3)
    x, w, bias = _t(X), _t(W), _t(b)
    y = F.linear(x, w, bias)
    np.testing.assert_allclose(y.numpy(force=True), X @ W.T + b, rtol=1e-12)
    assert y._node.name == "linear" and y._node.parents == (x, w, bias)
    g = rng.normal(size=(4, 3))
    (y * g).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(force=True), g.T @ X, rtol=1e-12)    # dL/dW = gᵀ x, in W's (out, in) layout
    np.testing.assert_allclose(x.grad.numpy(force=True), g @ W, rtol=1e-12)
    np.testing.assert_allclose(bias.grad.numpy(force=True), g.sum(0), rtol=1e-12)
    assert tg.gradcheck(lambda a, c, d: F.linear(a, c, d), [_t(X), _t(W), _t(b)])
    assert tg.gradcheck(lambda a, c: F.linear(a, c), [_t(rng.normal(size=(2, 3, 5))), _t(W)])   # batched, no bias


def test_linear_gradients_are_differentiable_again():
    x, w = _t(X), _t(rng.normal(size=(3, 5)))
    (gw,) = tg.grad((F.linear(x, w) ** 2).sum(), [w], create_graph=True)
    gw.sum().backward()    # d/dx Σ_ij 2 (x Wᵀ)_i· x  — checked against finite differences below
    assert tg.gradcheck(lambda a: tg.grad((F.linear(a, w.detach()) ** 2).sum(), [a], create_graph=True)[0], [_t(X)])


def test_linear_shape_errors_name_the_layout():
    with pytest.raises(ValueError, match=r"weight \(out_features, in_features\) = \(3, 4\) expects 4"):
        F.linear(tg.tensor(X), tg.tensor(np.zeros((3, 4))))
    with pytest.raises(ValueError, match=r"bias must have shape \(3,\)"):
        F.linear(tg.tensor(X), tg.tensor(np.zeros((3, 5))), tg.tensor(np.zeros(5)))


def test_dropout_keeps_the_expected_value_and_is_the_identity_when_not_training():
    x = tg.tensor(np.ones((200, 100)))
    assert F.dropout(x, 0.3, training=False) is x
    gen = np.random.default_rng(1)
    out = F.dropout(x, 0.3, generator=gen).numpy(force=True)
    assert set(np.unique(out)) <= {0.0, 1 / 0.7}
    assert abs((out == 0).mean() - 0.3) < 0.02 and abs(out.mean() - 1) < 0.03
    np.testing.assert_array_equal(F.dropout(x, 1.0).numpy(force=True), 0)
    tg.manual_seed(5)
    a = F.dropout(x, 0.5).numpy(force=True)
    tg.manual_seed(5)
    np.testing.assert_array_equal(F.dropout(x, 0.5).numpy(force=True), a)      # drawn from the generator manual_seed seeds
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        F.dropout(x, 1.5)


def test_one_hot_as_pytorch():
    out = F.one_hot(tg.tensor(np.array([[0, 2], [1, 0]])), num_classes=3)
    assert out.dtype == np.int64 and out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out.numpy(force=True)[0, 1], [0, 0, 1])
    assert F.one_hot(np.array([3, 1])).shape == (2, 4)
    with pytest.raises(ValueError, match="class value 3 is too large for num_classes=3"):
        F.one_hot(np.array([3]), 3)
    with pytest.raises(TypeError, match="integer tensor"):
        F.one_hot(np.array([1.0]))


def test_normalize_divides_by_the_clamped_p_norm_and_a_zero_row_has_a_finite_gradient():
    for p in (2.0, 1.0, 3.0):
        ref = X / np.maximum((np.abs(X) ** p).sum(1, keepdims=True) ** (1 / p), 1e-12)
        np.testing.assert_allclose(F.normalize(tg.tensor(X), p=p, dim=1).numpy(force=True), ref, rtol=1e-10)
        assert tg.gradcheck(lambda t: F.normalize(t, p=p, dim=1), [_t(X)])
    np.testing.assert_allclose(F.normalize(tg.tensor(X), dim=0).numpy(force=True), X / np.linalg.norm(X, axis=0), rtol=1e-10)
    z = _t(np.zeros((2, 3)))
    F.normalize(z).sum().backward()
    np.testing.assert_allclose(z.grad.numpy(force=True), 1e12)       # d(x / eps)/dx = 1/eps: finite, not NaN (as PyTorch)


# --------------------------------------------------------------------------- losses with PyTorch's arguments
N, C = 6, 4
LOGITS, LABELS = rng.normal(size=(N, C)) * 2, rng.integers(0, C, size=N)
WEIGHT = np.array([0.5, 2.0, 1.0, 3.0])


def _nll_reference(log_p, labels, weight=None, ignore=None):
    """PyTorch's documented nll: l_n = -w_{y_n} x_{n,y_n}; mean = Σ l_n / Σ w_{y_n} over kept n."""
    w = np.ones(log_p.shape[-1]) if weight is None else weight
    keep = np.ones(len(labels), bool) if ignore is None else labels != ignore
    safe = np.where(keep, labels, 0)
    wn = w[safe] * keep
    losses = -wn * log_p[np.arange(len(labels)), safe]
    return losses, losses.sum() / wn.sum()


def test_cross_entropy_with_class_weights_is_the_weighted_mean():
    log_p = _log_softmax(LOGITS, -1)
    losses, mean = _nll_reference(log_p, LABELS, WEIGHT)
    np.testing.assert_allclose(F.cross_entropy(tg.tensor(LOGITS), LABELS, weight=WEIGHT).item(), mean, rtol=1e-10)
    np.testing.assert_allclose(F.cross_entropy(tg.tensor(LOGITS), LABELS, weight=WEIGHT, reduction="none").numpy(force=True),
                               losses, rtol=1e-10)
    np.testing.assert_allclose(F.cross_entropy(tg.tensor(LOGITS), LABELS, weight=WEIGHT, reduction="sum").item(),
                               losses.sum(), rtol=1e-10)
    z = _t(LOGITS)
    F.cross_entropy(z, LABELS, weight=WEIGHT).backward()    # closed form: w_y (softmax - onehot) / Σ w_y
    wn = WEIGHT[LABELS]
    np.testing.assert_allclose(z.grad.numpy(force=True), wn[:, None] * (np.exp(log_p) - np.eye(C)[LABELS]) / wn.sum(), rtol=1e-9)
    assert tg.gradcheck(lambda t: F.cross_entropy(t, LABELS, weight=WEIGHT), [_t(LOGITS)])


def test_cross_entropy_ignore_index_skips_those_samples():
    labels = LABELS.copy()
    labels[[1, 4]] = -100
    log_p = _log_softmax(LOGITS, -1)
    _, mean = _nll_reference(log_p, labels, ignore=-100)
    loss = F.cross_entropy(tg.tensor(LOGITS), labels)
    np.testing.assert_allclose(loss.item(), mean, rtol=1e-10)
    per = F.cross_entropy(tg.tensor(LOGITS), labels, reduction="none").numpy(force=True)
    assert per[1] == per[4] == 0
    z = _t(LOGITS)
    F.cross_entropy(z, labels).backward()
    np.testing.assert_array_equal(z.grad.numpy(force=True)[[1, 4]], 0)
    custom = np.where(labels == -100, 2, labels)            # a class index as ignore_index
    _, mean2 = _nll_reference(log_p, custom, WEIGHT, ignore=2)
    np.testing.assert_allclose(nn.CrossEntropyLoss(weight=WEIGHT, ignore_index=2)(tg.tensor(LOGITS), custom).item(),
                               mean2, rtol=1e-10)
    assert np.isnan(F.cross_entropy(tg.tensor(LOGITS), np.full(N, -100)).item())   # nothing kept: 0/0, as PyTorch


def test_cross_entropy_label_smoothing_mixes_in_the_uniform_target():
    eps = 0.2
    log_p = _log_softmax(LOGITS, -1)
    nll = -log_p[np.arange(N), LABELS]
    smooth = -log_p.sum(-1)
    expected = ((1 - eps) * nll + eps / C * smooth).mean()
    np.testing.assert_allclose(F.cross_entropy(tg.tensor(LOGITS), LABELS, label_smoothing=eps).item(), expected,
                               rtol=1e-10)
    soft = np.eye(C)[LABELS] * (1 - eps) + eps / C                # the same as a smoothed probability target
    np.testing.assert_allclose(F.cross_entropy(tg.tensor(LOGITS), np.eye(C)[LABELS], label_smoothing=eps).item(),
                               -(soft * log_p).sum(-1).mean(), rtol=1e-10)
    wn = WEIGHT[LABELS]                                           # with weights: both parts over Σ w_y
    expected_w = (1 - eps) * (wn * nll).sum() / wn.sum() + eps / C * (-(log_p * WEIGHT).sum(-1)).sum() / wn.sum()
    np.testing.assert_allclose(F.cross_entropy(tg.tensor(LOGITS), LABELS, weight=WEIGHT, label_smoothing=eps).item(),
                               expected_w, rtol=1e-10)
    assert tg.gradcheck(lambda t: F.cross_entropy(t, LABELS, weight=WEIGHT, label_smoothing=eps), [_t(LOGITS)])
    with pytest.raises(ValueError, match="label_smoothing must be between 0.0 and 1.0"):
        F.cross_entropy(tg.tensor(LOGITS), LABELS, label_smoothing=1.5)


def test_cross_entropy_probability_targets_with_weight():
    target = np.exp(_log_softmax(rng.normal(size=(N, C)), -1))
    log_p = _log_softmax(LOGITS, -1)
    np.testing.assert_allclose(F.cross_entropy(tg.tensor(LOGITS), target, weight=WEIGHT).item(),
                               -(log_p * target * WEIGHT).sum(-1).mean(), rtol=1e-10)
    assert tg.gradcheck(lambda t: F.cross_entropy(t, target, weight=WEIGHT), [_t(LOGITS)])


def test_cross_entropy_class_axis_is_1_for_n_c_d_inputs():
    z = rng.normal(size=(2, C, 3, 5))
    labels = rng.integers(0, C, size=(2, 3, 5))
    log_p = _log_softmax(z, 1)
    picked = np.take_along_axis(log_p, labels[:, None], axis=1)[:, 0]
    np.testing.assert_allclose(F.cross_entropy(tg.tensor(z), labels).item(), -picked.mean(), rtol=1e-10)
    np.testing.assert_allclose(F.nll_loss(tg.tensor(log_p), labels, reduction="none").numpy(force=True), -picked, rtol=1e-10)
    probs = np.exp(_log_softmax(rng.normal(size=z.shape), 1))
    np.testing.assert_allclose(F.cross_entropy(tg.tensor(z), probs).item(), -(probs * log_p).sum(1).mean(), rtol=1e-10)
    assert tg.gradcheck(lambda t: F.cross_entropy(t, labels, weight=WEIGHT), [_t(z)])
    single = F.cross_entropy(tg.tensor(LOGITS[0]), np.int64(LABELS[0]))            # one (C,) sample
    np.testing.assert_allclose(single.item(), -_log_softmax(LOGITS[0], 0)[LABELS[0]], rtol=1e-10)


def test_nll_loss_with_weight_and_ignore_index():
    log_p = _log_softmax(LOGITS, -1)
    labels = LABELS.copy()
    labels[0] = -1
    losses, mean = _nll_reference(log_p, labels, WEIGHT, ignore=-1)
    np.testing.assert_allclose(F.nll_loss(tg.tensor(log_p), labels, weight=WEIGHT, ignore_index=-1).item(), mean,
                               rtol=1e-10)
    np.testing.assert_allclose(nn.NLLLoss(weight=WEIGHT, ignore_index=-1, reduction="sum")(tg.tensor(log_p), labels)
                               .item(), losses.sum(), rtol=1e-10)
    assert tg.gradcheck(lambda t: F.nll_loss(t, labels, weight=WEIGHT, ignore_index=-1), [_t(log_p)])


def test_binary_cross_entropy_with_logits_pos_weight_and_weight():
    z, y = rng.normal(size=(N, 3)) * 2, rng.integers(0, 2, size=(N, 3)).astype(float)
    pw, w = np.array([1.0, 3.0, 0.5]), rng.uniform(0.5, 2, size=(N, 3))
    sig = 1 / (1 + np.exp(-z))
    ref = -w * (pw * y * np.log(sig) + (1 - y) * np.log(1 - sig))    # PyTorch's documented formula
    np.testing.assert_allclose(F.binary_cross_entropy_with_logits(tg.tensor(z), y, weight=w, pos_weight=pw,
                                                                  reduction="none").numpy(force=True), ref, rtol=1e-9)
    zt = _t(z)
    F.binary_cross_entropy_with_logits(zt, y, pos_weight=pw, reduction="sum").backward()
    np.testing.assert_allclose(zt.grad.numpy(force=True), (1 - y) * sig - pw * y * (1 - sig), rtol=1e-9)   # closed form
    assert tg.gradcheck(lambda t: F.binary_cross_entropy_with_logits(t, y, weight=w, pos_weight=pw), [_t(z)])
    loss = nn.BCEWithLogitsLoss(pos_weight=tg.tensor(pw))
    np.testing.assert_allclose(loss(tg.tensor(z), y).item(), (ref / w).mean(), rtol=1e-9)
    assert "pos_weight" in loss.state_dict()                      # a buffer, as PyTorch's


def test_binary_cross_entropy_weight_rescales_each_element():
    p, y = rng.uniform(0.05, 0.95, size=(N, 3)), rng.integers(0, 2, size=(N, 3)).astype(float)
    w = rng.uniform(0.5, 2, size=3)
    ref = -w * (y * np.log(p) + (1 - y) * np.log(1 - p))
    np.testing.assert_allclose(nn.BCELoss(weight=w)(tg.tensor(p), y).item(), ref.mean(), rtol=1e-10)
    assert tg.gradcheck(lambda t: F.binary_cross_entropy(t, y, weight=w), [_t(p)])


@pytest.mark.parametrize("beta", [0.5, 1.0, 2.0])
def test_smooth_l1_is_huber_over_beta(beta):
    a, b = rng.normal(size=(N, 3)) * 2, rng.normal(size=(N, 3))
    d = a - b
    ref = np.where(np.abs(d) < beta, 0.5 * d ** 2 / beta, np.abs(d) - 0.5 * beta)
    np.testing.assert_allclose(F.smooth_l1_loss(tg.tensor(a), b, beta=beta).item(), ref.mean(), rtol=1e-10)
    np.testing.assert_allclose(nn.SmoothL1Loss(beta=beta, reduction="sum")(tg.tensor(a), b).item(), ref.sum(),
                               rtol=1e-10)
    np.testing.assert_allclose(F.huber_loss(tg.tensor(a), b, delta=beta).item(), (ref * beta).mean(), rtol=1e-10)
    t = _t(a)
    F.smooth_l1_loss(t, b, beta=beta, reduction="sum").backward()
    np.testing.assert_allclose(t.grad.numpy(force=True), np.clip(d / beta, -1, 1), rtol=1e-10)
    assert tg.gradcheck(lambda x: F.smooth_l1_loss(x, b, beta=beta), [_t(a)])
    np.testing.assert_allclose(F.smooth_l1_loss(tg.tensor(a), b, beta=0.0).item(), np.abs(d).mean(), rtol=1e-10)


def test_huber_loss_takes_pytorchs_argument_order():
    a, b = rng.normal(size=5) * 3, rng.normal(size=5)
    assert F.huber_loss(tg.tensor(a), b, "sum", 0.5).item() == pytest.approx(
        F.huber_loss(tg.tensor(a), b, reduction="sum", delta=0.5).item())
    assert nn.HuberLoss("none", 2.0).delta == 2.0


def test_legacy_size_average_and_reduce_map_as_in_pytorch():
    a, b = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    assert F.mse_loss(tg.tensor(a), b, False).item() == pytest.approx(((a - b) ** 2).sum())
    assert F.mse_loss(tg.tensor(a), b, reduce=False).shape == (3, 2)
    assert nn.L1Loss(size_average=False).reduction == "sum"
    assert nn.CrossEntropyLoss(reduce=False).reduction == "none"


def test_losses_accept_pytorchs_keywords_and_reject_bad_weights():
    with pytest.raises(ValueError, match=r"weight must hold one value per class, shape \(4,\), got \(3,\)"):
        F.cross_entropy(tg.tensor(LOGITS), LABELS, weight=np.ones(3))
    loss = nn.CrossEntropyLoss(weight=tg.tensor(WEIGHT), label_smoothing=0.1)
    assert list(loss.state_dict()) == ["weight"] and repr(loss) == "CrossEntropyLoss()"
    assert repr(nn.MSELoss(reduction="sum")) == "MSELoss()"
