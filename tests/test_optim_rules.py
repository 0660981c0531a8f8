"""Every optimizer's trajectory equals a plain-numpy reference written here from its docstring maths.

Models: a fixed quadratic (a vector and a 0-d parameter) and a small tanh MLP with MSE, both in
float64. The references get their gradients from closed forms in numpy, not from tensorgrad.
"""
import numpy as np
import pytest

import optim
import tensorgrad as tg


# --------------------------------------------------------------------------- references (docstring maths)
def ref_sgd(theta, g, s, t, lr=1e-3, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
    g = g + weight_decay * theta
    if momentum:
        s["b"] = g.copy() if t == 1 else momentum * s["b"] + (1 - dampening) * g
        g = g + momentum * s["b"] if nesterov else s["b"]
    return theta - lr * g


def ref_adagrad(theta, g, s, t, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
    g = g + weight_decay * theta
    s["s"] = s.get("s", np.full_like(theta, initial_accumulator_value)) + g * g
    return theta - lr / (1 + (t - 1) * lr_decay) * g / (np.sqrt(s["s"]) + eps)


def ref_adadelta(theta, g, s, t, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0):
    g = g + weight_decay * theta
    s["v"] = rho * s.get("v", 0.0) + (1 - rho) * g * g
    delta = np.sqrt(s.get("u", 0.0) + eps) / np.sqrt(s["v"] + eps) * g
    s["u"] = rho * s.get("u", 0.0) + (1 - rho) * delta * delta
    return theta - lr * delta


def ref_rmsprop(theta, g, s, t, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    g = g + weight_decay * theta
    s["v"] = alpha * s.get("v", 0.0) + (1 - alpha) * g * g
    if centered:
        s["gbar"] = alpha * s.get("gbar", 0.0) + (1 - alpha) * g
        r = np.sqrt(s["v"] - s["gbar"] ** 2) + eps
    else:
        r = np.sqrt(s["v"]) + eps
    if momentum > 0:
        s["b"] = momentum * s.get("b", 0.0) + g / r
        return theta - lr * s["b"]
    return theta - lr * g / r


def ref_adam(theta, g, s, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, decoupled=False):
    if decoupled:
        theta = theta * (1 - lr * weight_decay)
    else:
        g = g + weight_decay * theta
    b1, b2 = betas
    s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
    s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
    vhat = s["v"]
    if amsgrad:
        vhat = s["vmax"] = np.maximum(s.get("vmax", 0.0), s["v"])
    return theta - lr / (1 - b1 ** t) * s["m"] / (np.sqrt(vhat) / np.sqrt(1 - b2 ** t) + eps)


def ref_adamw(theta, g, s, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
    return ref_adam(theta, g, s, t, lr, betas, eps, weight_decay, amsgrad, decoupled=True)


CONFIGS = [
    (optim.SGD, {}, ref_sgd),
    (optim.SGD, dict(lr=0.05), ref_sgd),
    (optim.SGD, dict(lr=0.05, momentum=0.9), ref_sgd),
    (optim.SGD, dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01), ref_sgd),
    (optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True), ref_sgd),
    (optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.02), ref_sgd),
    (optim.Adagrad, {}, ref_adagrad),
    (optim.Adagrad, dict(lr=0.1, lr_decay=0.05, weight_decay=0.01, initial_accumulator_value=0.1, eps=1e-6),
     ref_adagrad),
    (optim.Adadelta, {}, ref_adadelta),
    (optim.Adadelta, dict(lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.01), ref_adadelta),
    (optim.RMSprop, {}, ref_rmsprop),
    (optim.RMSprop, dict(lr=0.01, alpha=0.9, momentum=0.5, weight_decay=0.01), ref_rmsprop),
    (optim.RMSprop, dict(lr=0.01, centered=True), ref_rmsprop),
    (optim.RMSprop, dict(lr=0.01, centered=True, momentum=0.9, eps=1e-4), ref_rmsprop),
    (optim.Adam, {}, ref_adam),
    (optim.Adam, dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.01), ref_adam),
    (optim.Adam, dict(lr=0.05, amsgrad=True), ref_adam),
    (optim.AdamW, {}, ref_adamw),
    (optim.AdamW, dict(lr=0.05, weight_decay=0.1, amsgrad=True), ref_adamw),
]
IDS = [f"{cls.__name__}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'defaults'}" for cls, kw, _ in CONFIGS]


# --------------------------------------------------------------------------- the two problems
RNG = np.random.default_rng(0)
A = np.array([[3.0, 0.5, 0.0], [0.5, 2.0, -0.3], [0.0, -0.3, 1.0]])
B_VEC = np.array([1.0, -2.0, 0.5])
QUAD_INIT = [np.array([0.3, 0.8, -1.2]), np.array(2.0)]          # a vector and a 0-d parameter

X = RNG.normal(size=(8, 3))
Y = np.sin(X.sum(axis=1, keepdims=True))
MLP_INIT = [RNG.normal(size=(3, 4)) * 0.5, np.zeros(4) + 0.1, RNG.normal(size=(4, 1)) * 0.5, np.zeros(1)]


def quad_loss_tg(x, s):
    """f(x, s) = ½ xᵀAx - bᵀx + 1.5 (s - 1)²."""
    return 0.5 * (x * (tg.tensor(A) @ x)).sum() - (tg.tensor(B_VEC) * x).sum() + 1.5 * (s - 1.0) ** 2


def quad_grads_np(x, s):
    return [A @ x - B_VEC, 3.0 * (s - 1.0)]


def mlp_loss_tg(w1, b1, w2, b2):
    out = (tg.tensor(X) @ w1 + b1).tanh() @ w2 + b2
    return ((out - tg.tensor(Y)) ** 2).mean()


def mlp_grads_np(w1, b1, w2, b2):
    h = np.tanh(X @ w1 + b1)
    d_out = 2 * (h @ w2 + b2 - Y) / Y.size
    d_z = (d_out @ w2.T) * (1 - h ** 2)
    return [X.T @ d_z, d_z.sum(0), h.T @ d_out, d_out.sum(0)]


# A diagonal quadratic over 10,000 coordinates: wide enough that updates take the one-pass BLAS axpy.
WIDE_CURVATURE = RNG.uniform(0.5, 3.0, size=10_000)
WIDE_TARGET = RNG.normal(size=10_000)
WIDE_INIT = [RNG.normal(size=(100, 100))]


def wide_loss_tg(w):
    """f(w) = ½ Σ a w² - bᵀw over a (100, 100) weight."""
    return (0.5 * tg.tensor(WIDE_CURVATURE.reshape(100, 100)) * w * w - tg.tensor(WIDE_TARGET.reshape(100, 100)) * w).sum()


def wide_grads_np(w):
    return [WIDE_CURVATURE.reshape(100, 100) * w - WIDE_TARGET.reshape(100, 100)]


PROBLEMS = {"quadratic": (QUAD_INIT, quad_loss_tg, quad_grads_np), "mlp": (MLP_INIT, mlp_loss_tg, mlp_grads_np),
            "wide": (WIDE_INIT, wide_loss_tg, wide_grads_np)}


def make_params(init, dtype=np.float64):
    return [tg.tensor(np.array(a, dtype=dtype), requires_grad=True) for a in init]


def train_step(opt, params, loss_fn):
    opt.zero_grad()
    loss_fn(*params).backward()
    opt.step()


# --------------------------------------------------------------------------- trajectories
@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("cls,kwargs,ref", CONFIGS, ids=IDS)
def test_trajectory_equals_numpy_reference_step_for_step(cls, kwargs, ref, problem):
    init, loss_fn, grads_np = PROBLEMS[problem]
    params = make_params(init)
    opt = cls(params, **kwargs)
    thetas = [np.array(a, dtype=np.float64) for a in init]
    states = [{} for _ in thetas]
    for t in range(1, 9):
        train_step(opt, params, loss_fn)
        grads = grads_np(*thetas)
        thetas = [ref(th, g, s, t, **kwargs) for th, g, s in zip(thetas, grads, states)]
        for p, th in zip(params, thetas):
            np.testing.assert_allclose(p.numpy(force=True), th, rtol=0, atol=1e-9, err_msg=f"step {t}")
    assert not np.allclose(params[0].numpy(force=True), init[0])      # it moved


@pytest.mark.parametrize("cls,kwargs,ref", CONFIGS, ids=IDS)
def test_training_lowers_the_mlp_loss(cls, kwargs, ref):
    params = make_params(MLP_INIT)
    opt = cls(params, **{**kwargs, "lr": 0.05})
    before = mlp_loss_tg(*params).item()
    for _ in range(30):
        train_step(opt, params, mlp_loss_tg)
    assert mlp_loss_tg(*params).item() < before


@pytest.mark.parametrize("cls,kwargs,ref", CONFIGS, ids=IDS)
def test_state_dict_round_trip_continues_identically(cls, kwargs, ref):
    params_a = make_params(MLP_INIT)
    opt_a = cls(params_a, **kwargs)
    for _ in range(3):
        train_step(opt_a, params_a, mlp_loss_tg)
    saved = opt_a.state_dict()
    params_b = make_params([p.numpy(force=True) for p in params_a])
    opt_b = cls(params_b)                     # default hyperparameters: they must come from `saved`
    opt_b.load_state_dict(saved)
    assert opt_b.param_groups[0]["lr"] == opt_a.param_groups[0]["lr"]
    for _ in range(4):
        train_step(opt_a, params_a, mlp_loss_tg)
        train_step(opt_b, params_b, mlp_loss_tg)
    for pa, pb in zip(params_a, params_b):
        np.testing.assert_array_equal(pa.numpy(force=True), pb.numpy(force=True))


def test_state_dict_is_a_snapshot_not_a_view():
    params = make_params(QUAD_INIT)
    opt = optim.Adam(params, lr=0.1)
    train_step(opt, params, quad_loss_tg)
    saved = opt.state_dict()
    m_then = saved["state"][0]["exp_avg"].copy()
    train_step(opt, params, quad_loss_tg)
    np.testing.assert_array_equal(saved["state"][0]["exp_avg"], m_then)
    assert saved["state"][0]["step"] == 1 and opt.state[params[0]]["step"] == 2
    assert saved["param_groups"] == [{"lr": 0.1, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0,
                                      "amsgrad": False, "maximize": False, "decoupled_weight_decay": False,
                                      "params": [0, 1]}]
    again = optim.Adam(make_params(QUAD_INIT))
    again.load_state_dict(saved)                 # loading copies in: the saved dict stays a snapshot
    loaded = next(iter(again.state.values()))["exp_avg"]
    assert not np.shares_memory(loaded, saved["state"][0]["exp_avg"])


def test_load_state_dict_rejects_other_parameter_layouts():
    params = make_params(QUAD_INIT)
    opt = optim.SGD(params, lr=0.1, momentum=0.9)
    train_step(opt, params, quad_loss_tg)
    with pytest.raises(ValueError, match=r"sizes \[2\], this one \[4\]"):
        optim.SGD(make_params(MLP_INIT)).load_state_dict(opt.state_dict())
    other = optim.SGD([tg.tensor(np.zeros(5), requires_grad=True), tg.tensor(0.0, requires_grad=True)])
    with pytest.raises(ValueError, match=r"'momentum_buffer' of parameter 0 has shape \(3,\).*shape \(5,\)"):
        other.load_state_dict(opt.state_dict())


# --------------------------------------------------------------------------- conventions
def test_momentum_convention_is_pytorchs_lr_outside_the_buffer():
    """buf = μ·buf + g; θ -= η·buf. With g = 1, μ = 0.9: buf = 1, 1.9, 2.71; and a changed η scales the whole buffer."""
    w = tg.tensor(np.array([0.0]), requires_grad=True)
    opt = optim.SGD([w], lr=0.1, momentum=0.9)
    expected = [-0.1, -0.29, -0.561]
    for want in expected:
        opt.zero_grad()
        w.sum().backward()                          # gradient 1
        opt.step()
        np.testing.assert_allclose(w.numpy(force=True), [want], atol=1e-12)
    np.testing.assert_allclose(opt.state[w]["momentum_buffer"], [2.71], atol=1e-12)
    opt.param_groups[0]["lr"] = 1.0                 # Keras's v = μv - ηg would move by 0.9·0.271 + 1 = 1.2439
    opt.zero_grad()
    w.sum().backward()
    opt.step()
    np.testing.assert_allclose(w.numpy(force=True), [-0.561 - 3.439], atol=1e-12)


def test_nesterov_looks_ahead_by_one_more_momentum_step():
    """Nesterov: θ -= η (g + μ·buf); with g = 1, μ = 0.5 the steps are η·1.5, then η·(1 + 0.5·1.5)."""
    w = tg.tensor(np.array([0.0]), requires_grad=True)
    opt = optim.SGD([w], lr=1.0, momentum=0.5, nesterov=True)
    for want in (-1.5, -1.5 - 1.75):
        opt.zero_grad()
        w.sum().backward()
        opt.step()
        np.testing.assert_allclose(w.numpy(force=True), [want], atol=1e-12)


def test_batch_stochastic_and_minibatch_gd_are_one_optimizer_with_different_batch_sizes():
    """θ ← θ - η ∇J_batch(θ): the same SGD object, fed the gradient of all m samples, of one, or of k."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(12, 2))
    y = x @ np.array([2.0, -1.0]) + 0.5

    def run_optim(batch_size):
        w = tg.tensor(np.zeros(2), requires_grad=True)
        b = tg.tensor(np.array(0.0), requires_grad=True)
        opt = optim.SGD([w, b], lr=0.05)
        for _ in range(5):
            for start in range(0, len(x), batch_size):
                xb, yb = tg.tensor(x[start:start + batch_size]), tg.tensor(y[start:start + batch_size])
                opt.zero_grad()
                (((xb @ w + b) - yb) ** 2).mean().backward()
                opt.step()
        return np.append(w.numpy(force=True), b.numpy(force=True))

    def run_reference(batch_size):
        w, b = np.zeros(2), 0.0
        for _ in range(5):
            for start in range(0, len(x), batch_size):
                xb, yb = x[start:start + batch_size], y[start:start + batch_size]
                r = 2 * (xb @ w + b - yb) / len(xb)
                w, b = w - 0.05 * xb.T @ r, b - 0.05 * r.sum()
        return np.append(w, b)

    results = {}
    for name, size in (("batch", 12), ("stochastic", 1), ("mini-batch", 4)):
        results[name] = run_optim(size)
        np.testing.assert_allclose(results[name], run_reference(size), atol=1e-12, err_msg=name)
    # more, smaller steps per epoch get further in 5 epochs
    dist = {k: np.linalg.norm(v - [2.0, -1.0, 0.5]) for k, v in results.items()}
    assert dist["stochastic"] < dist["mini-batch"] < dist["batch"]


# --------------------------------------------------------------------------- dtype, in place, versions
@pytest.mark.parametrize("problem", ["mlp", "wide"])
@pytest.mark.parametrize("cls,kwargs,ref", CONFIGS, ids=IDS)
def test_float32_model_keeps_float32_state_updated_in_place(cls, kwargs, ref, problem):
    init, loss_fn, _ = PROBLEMS[problem]
    params = make_params(init, dtype=np.float32)
    buffers = [p.numpy(force=True) for p in params]
    opt = cls(params, **kwargs)
    train_step(opt, params, loss_fn)
    state_arrays = {id(v) for s in opt.state.values() for v in s.values() if isinstance(v, np.ndarray)}
    for _ in range(2):
        train_step(opt, params, loss_fn)
    for p, buf in zip(params, buffers):
        assert p.numpy(force=True) is buf and p.dtype == np.float32
        assert p._version == 3
    for s in opt.state.values():
        for v in s.values():
            if isinstance(v, np.ndarray):
                assert v.dtype == np.float32
    assert {id(v) for s in opt.state.values() for v in s.values() if isinstance(v, np.ndarray)} == state_arrays


# --------------------------------------------------------------------------- against PyTorch itself (optional)
TORCH_CONFIGS = CONFIGS + [
    (optim.SGD, dict(lr=0.05, momentum=0.9, maximize=True), None),
    (optim.Adam, dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True), None),
    (optim.RMSprop, dict(lr=0.01, maximize=True, momentum=0.3), None),
    (optim.Adagrad, dict(lr=0.1, maximize=True), None),
    (optim.Adadelta, dict(maximize=True, weight_decay=0.1), None),
]


@pytest.mark.parametrize("cls,kwargs,ref", TORCH_CONFIGS,
                         ids=[f"{c.__name__}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'defaults'}"
                              for c, kw, _ in TORCH_CONFIGS])
def test_trajectory_equals_pytorch_when_it_is_installed(cls, kwargs, ref):
    torch = pytest.importorskip("torch")
    if "decoupled_weight_decay" in kwargs and "decoupled_weight_decay" not in torch.optim.Adam.__init__.__code__.co_varnames:
        pytest.skip("this torch's Adam has no decoupled_weight_decay")
    params = make_params(MLP_INIT)
    opt = cls(params, **kwargs)
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in MLP_INIT]
    torch_opt = getattr(torch.optim, cls.__name__)(theirs, **kwargs)
    x, y = torch.tensor(X), torch.tensor(Y)
    for t in range(8):
        train_step(opt, params, mlp_loss_tg)
        torch_opt.zero_grad()
        w1, b1, w2, b2 = theirs
        (((torch.tanh(x @ w1 + b1) @ w2 + b2) - y) ** 2).mean().backward()
        torch_opt.step()
        for p, q in zip(params, theirs):
            np.testing.assert_allclose(p.numpy(force=True), q.detach().numpy(), rtol=1e-10, atol=1e-12, err_msg=f"step {t}")
