"""The PyTorch-spelled nn side compared with PyTorch itself (skipped without torch): nn.functional values
and gradients, the losses with every PyTorch argument, Linear's state_dict both ways and its
initialisation distribution, repr, the data loader's batches."""
import math

import numpy as np
import pytest

import nn
import nn.functional as F
import tensorgrad as tg
from tensorgrad.utils.data import DataLoader, TensorDataset, random_split

torch = pytest.importorskip("torch")
TF = torch.nn.functional

rng = np.random.default_rng(0)


def _both(fn_tg, fn_torch, *arrays, grad=True, rtol=1e-9, atol=1e-12):
    """Run one function in both libraries on float64 copies of ``arrays`` (the first one differentiated);
    compare the values and the gradient of Σ out·g."""
    x = tg.tensor(arrays[0], requires_grad=grad)
    xt = torch.tensor(arrays[0], requires_grad=grad)
    out, out_t = fn_tg(x, *arrays[1:]), fn_torch(xt, *[torch.as_tensor(a) for a in arrays[1:]])
    np.testing.assert_allclose(out.numpy(force=True), out_t.detach().numpy(), rtol=rtol, atol=atol)
    if grad:
        g = rng.normal(size=out.shape)
        (out * g).sum().backward()
        (out_t * torch.tensor(g)).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(force=True), xt.grad.numpy(), rtol=1e-7, atol=1e-10)


X = rng.normal(size=(5, 4)) * 3


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "softplus", "logsigmoid", "softsign", "elu",
                                  "leaky_relu"])
def test_activations_match_torch(name):
    _both(getattr(F, name), getattr(TF, name), X)


@pytest.mark.parametrize("dim", [0, 1])
def test_softmax_family_matches_torch(dim):
    for name in ("softmax", "log_softmax", "softmin"):
        _both(lambda t: getattr(F, name)(t, dim=dim), lambda t: getattr(TF, name)(t, dim=dim), X)
    _both(lambda t: F.softplus(t, beta=3.0), lambda t: TF.softplus(t, beta=3.0), X)


def test_linear_normalize_one_hot_match_torch():
    W, b = rng.normal(size=(3, 4)), rng.normal(size=3)
    _both(lambda t: F.linear(t, W, b), lambda t: TF.linear(t, torch.tensor(W), torch.tensor(b)), X)
    for p, dim in ((2.0, 1), (1.0, 0), (3.0, 1)):
        _both(lambda t: F.normalize(t, p=p, dim=dim), lambda t: TF.normalize(t, p=p, dim=dim), X)
    labels = rng.integers(0, 5, size=(2, 3))
    np.testing.assert_array_equal(F.one_hot(labels, 6).numpy(force=True), TF.one_hot(torch.tensor(labels), 6).numpy())


LOGITS = rng.normal(size=(6, 4)) * 2
LABELS = rng.integers(0, 4, size=6)
WEIGHT = np.array([0.5, 2.0, 1.0, 3.0])


@pytest.mark.parametrize("kwargs", [{}, {"weight": WEIGHT}, {"ignore_index": 1}, {"label_smoothing": 0.15},
                                    {"weight": WEIGHT, "label_smoothing": 0.3, "ignore_index": 2},
                                    {"reduction": "sum", "weight": WEIGHT}, {"reduction": "none", "label_smoothing": 0.1}])
def test_cross_entropy_and_nll_match_torch(kwargs):
    torch_kwargs = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    _both(lambda t: F.cross_entropy(t, LABELS, **kwargs),
          lambda t: TF.cross_entropy(t, torch.tensor(LABELS), **torch_kwargs), LOGITS)
    nll_kwargs = {k: v for k, v in kwargs.items() if k != "label_smoothing"}
    nll_torch = {k: v for k, v in torch_kwargs.items() if k != "label_smoothing"}
    _both(lambda t: F.nll_loss(F.log_softmax(t, dim=1), LABELS, **nll_kwargs),
          lambda t: TF.nll_loss(TF.log_softmax(t, dim=1), torch.tensor(LABELS), **nll_torch), LOGITS)


def test_cross_entropy_on_n_c_d_inputs_and_probabilities_matches_torch():
    z = rng.normal(size=(2, 4, 3, 2))
    labels = rng.integers(0, 4, size=(2, 3, 2))
    _both(lambda t: F.cross_entropy(t, labels, weight=WEIGHT, label_smoothing=0.2),
          lambda t: TF.cross_entropy(t, torch.tensor(labels), weight=torch.tensor(WEIGHT), label_smoothing=0.2), z)
    probs = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    _both(lambda t: F.cross_entropy(t, probs, weight=WEIGHT, label_smoothing=0.1),
          lambda t: TF.cross_entropy(t, torch.tensor(probs), weight=torch.tensor(WEIGHT), label_smoothing=0.1), z)


def test_regression_and_binary_losses_match_torch():
    a, b = rng.normal(size=(6, 3)) * 2, rng.normal(size=(6, 3))
    for reduction in ("mean", "sum", "none"):
        for name in ("mse_loss", "l1_loss"):
            _both(lambda t: getattr(F, name)(t, b, reduction=reduction),
                  lambda t: getattr(TF, name)(t, torch.tensor(b), reduction=reduction), a)
        for beta in (0.5, 1.0, 2.5):
            _both(lambda t: F.smooth_l1_loss(t, b, reduction=reduction, beta=beta),
                  lambda t: TF.smooth_l1_loss(t, torch.tensor(b), reduction=reduction, beta=beta), a)
            _both(lambda t: F.huber_loss(t, b, reduction=reduction, delta=beta),
                  lambda t: TF.huber_loss(t, torch.tensor(b), reduction=reduction, delta=beta), a)
    y = rng.integers(0, 2, size=(6, 3)).astype(float)
    w, pw = rng.uniform(0.5, 2, size=(6, 3)), np.array([0.5, 1.0, 4.0])
    _both(lambda t: F.binary_cross_entropy_with_logits(t, y, weight=w, pos_weight=pw),
          lambda t: TF.binary_cross_entropy_with_logits(t, torch.tensor(y), weight=torch.tensor(w),
                                                        pos_weight=torch.tensor(pw)), a)
    p = rng.uniform(0.02, 0.98, size=(6, 3))
    _both(lambda t: F.binary_cross_entropy(t, y, weight=w, reduction="sum"),
          lambda t: TF.binary_cross_entropy(t, torch.tensor(y), weight=torch.tensor(w), reduction="sum"), p)


def test_a_torch_state_dict_loads_into_tensorgrad_and_gives_the_same_outputs():
    torch_model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    model.load_state_dict({k: v.numpy() for k, v in torch_model.state_dict().items()})
    x = rng.normal(size=(5, 4)).astype(np.float32)
    np.testing.assert_allclose(model(x).numpy(force=True), torch_model(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)
    torch_model.load_state_dict({k: torch.tensor(v) for k, v in model.state_dict().items()})   # and back
    assert repr(model).replace("\n", "") == repr(torch_model).replace("\n", "")


def test_linear_initialisation_has_torchs_distribution():
    tg.manual_seed(0)
    torch.manual_seed(0)
    ours, theirs = nn.Linear(256, 512), torch.nn.Linear(256, 512)
    expected_std = 1 / math.sqrt(256) / math.sqrt(3)          # U(±1/√fan_in) for both
    for a, b, tol in ((ours.weight.numpy(force=True), theirs.weight.detach().numpy(), 0.01),
                      (ours.bias.numpy(force=True), theirs.bias.detach().numpy(), 0.1)):     # (512 bias draws: a wider band)
        assert abs(np.abs(a).max() - np.abs(b).max()) < 0.02 / math.sqrt(256)
        assert a.std() == pytest.approx(expected_std, rel=tol) and b.std() == pytest.approx(expected_std, rel=tol)


def test_init_functions_have_torchs_bounds_and_stds():
    shape = (64, 32, 3, 3)
    for name, kwargs in (("kaiming_uniform_", {"a": math.sqrt(5)}), ("kaiming_normal_", {"mode": "fan_out"}),
                         ("xavier_uniform_", {"gain": 2.0}), ("xavier_normal_", {})):
        ours = getattr(nn.init, name)(tg.tensor(np.zeros(shape)), **kwargs).numpy(force=True)
        theirs = getattr(torch.nn.init, name)(torch.zeros(shape, dtype=torch.float64), **kwargs).numpy()
        assert ours.std() == pytest.approx(theirs.std(), rel=0.03)
    for nonlinearity, param in (("tanh", None), ("relu", None), ("leaky_relu", 0.3), ("selu", None)):
        assert nn.init.calculate_gain(nonlinearity, param) == pytest.approx(
            torch.nn.init.calculate_gain(nonlinearity, param))


def test_clip_grad_norm_matches_torch():
    grads = [rng.normal(size=(3, 4)), rng.normal(size=5)]
    for norm_type in (2.0, 1.0, float("inf")):
        ours = [nn.Parameter(np.zeros_like(g)) for g in grads]
        theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
        for p, q, g in zip(ours, theirs, grads):
            p.grad, q.grad = tg.tensor(g.copy()), torch.tensor(g.copy())
        total = nn.utils.clip_grad_norm_(ours, 0.5, norm_type=norm_type)
        total_t = torch.nn.utils.clip_grad_norm_(theirs, 0.5, norm_type=norm_type)
        assert total.item() == pytest.approx(total_t.item())
        for p, q in zip(ours, theirs):
            np.testing.assert_allclose(p.grad.numpy(force=True), q.grad.numpy(), rtol=1e-6)


def test_dataloader_batches_as_torchs():
    x, y = rng.normal(size=(11, 2)).astype(np.float32), np.arange(11)
    ours = [(a.numpy(force=True), b.numpy(force=True)) for a, b in DataLoader(TensorDataset(x, y), batch_size=4, drop_last=False)]
    theirs = [(a.numpy(), b.numpy()) for a, b in torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=4)]
    assert len(ours) == len(theirs)
    for (a, b), (c, d) in zip(ours, theirs):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)
    sizes = [len(s) for s in random_split(range(10), [0.34, 0.33, 0.33])]
    assert sizes == [len(s) for s in torch.utils.data.random_split(range(10), [0.34, 0.33, 0.33])]
