"""Keras's optimizers follow Keras 2.15's update rules: each trajectory equals a numpy reference written here
from the formulas in Keras's documentation and source (keras/optimizers/<name>.py, ``update_step``), which
differ from PyTorch's where the docstrings say (ε inside the root, Adam's ε̂, η inside SGD's velocity).
"""
import math

import numpy as np
import pytest

import nn
import optim
import tensorgrad as tg
from nn import keras
from optim import keras_optimizers as K
from optim.keras_schedules import CosineDecay, ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, PolynomialDecay
from test_optim_rules import MLP_INIT, PROBLEMS, make_params, mlp_loss_tg, train_step


# --------------------------------------------------------------------------- references (Keras's formulas)
# Each takes (θ, g, state dict, t = iterations + 1) and Keras's argument names, and returns the new θ.
def ref_sgd(theta, g, s, t, learning_rate=0.01, momentum=0.0, nesterov=False):
    if not momentum:
        return theta - learning_rate * g
    s["v"] = momentum * s.get("v", 0.0) - learning_rate * g                    # m = μm - ηg
    return theta + (momentum * s["v"] - learning_rate * g if nesterov else s["v"])


def ref_rmsprop(theta, g, s, t, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    s["v"] = rho * s.get("v", 0.0) + (1 - rho) * g * g
    denominator = s["v"] + epsilon
    if centered:
        s["a"] = rho * s.get("a", 0.0) + (1 - rho) * g
        denominator = s["v"] - s["a"] ** 2 + epsilon
    increment = g * learning_rate / np.sqrt(denominator)                        # lr · g · rsqrt(denominator)
    if momentum > 0:
        s["m"] = momentum * s.get("m", 0.0) + increment
        return theta - s["m"]
    return theta - increment


def ref_adam(theta, g, s, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
             weight_decay=None):
    if weight_decay:
        theta = theta - theta * weight_decay * learning_rate                    # base optimizer's decay, first
    alpha = learning_rate * math.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
    s["m"] = s.get("m", 0.0) + (g - s.get("m", 0.0)) * (1 - beta_1)
    s["v"] = s.get("v", 0.0) + (g * g - s.get("v", 0.0)) * (1 - beta_2)
    v = s["v"]
    if amsgrad:
        v = s["vhat"] = np.maximum(s.get("vhat", 0.0), s["v"])
    return theta - s["m"] * alpha / (np.sqrt(v) + epsilon)


def ref_adamw(theta, g, s, t, learning_rate=0.001, weight_decay=0.004, **kwargs):
    return ref_adam(theta, g, s, t, learning_rate, weight_decay=weight_decay, **kwargs)


def ref_adagrad(theta, g, s, t, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
    s["acc"] = s.get("acc", initial_accumulator_value) + g * g
    return theta - learning_rate * g / np.sqrt(s["acc"] + epsilon)


def ref_adadelta(theta, g, s, t, learning_rate=0.001, rho=0.95, epsilon=1e-7):
    s["g2"] = rho * s.get("g2", 0.0) + (1 - rho) * g * g
    delta = -np.sqrt(s.get("d2", 0.0) + epsilon) * g / np.sqrt(s["g2"] + epsilon)
    s["d2"] = rho * s.get("d2", 0.0) + (1 - rho) * delta * delta
    return theta + learning_rate * delta


def ref_adamax(theta, g, s, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    s["m"] = s.get("m", 0.0) + (g - s.get("m", 0.0)) * (1 - beta_1)
    s["u"] = np.maximum(beta_2 * s.get("u", 0.0), np.abs(g))
    return theta - learning_rate * s["m"] / ((1 - beta_1 ** t) * (s["u"] + epsilon))


def ref_nadam(theta, g, s, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    u_t = beta_1 * (1 - 0.5 * 0.96 ** t)
    u_t_1 = beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
    s["u_product"] = s.get("u_product", 1.0) * u_t                             # updated once per step, first
    u_product_t_1 = s["u_product"] * u_t_1
    s["m"] = s.get("m", 0.0) + (g - s.get("m", 0.0)) * (1 - beta_1)
    s["v"] = s.get("v", 0.0) + (g * g - s.get("v", 0.0)) * (1 - beta_2)
    m_hat = u_t_1 * s["m"] / (1 - u_product_t_1) + (1 - u_t) * g / (1 - s["u_product"])
    v_hat = s["v"] / (1 - beta_2 ** t)
    return theta - m_hat * learning_rate / (np.sqrt(v_hat) + epsilon)


def ref_ftrl(theta, g, s, t, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
             l1_regularization_strength=0.0, l2_regularization_strength=0.0,
             l2_shrinkage_regularization_strength=0.0, beta=0.0):
    accum = s.get("accum", np.full_like(theta, initial_accumulator_value))
    l2 = l2_regularization_strength + beta / (2.0 * learning_rate)
    grad_to_use = g + 2 * l2_shrinkage_regularization_strength * theta
    new_accum = accum + g ** 2
    s["linear"] = s.get("linear", 0.0) + grad_to_use - (new_accum ** -learning_rate_power
                                                        - accum ** -learning_rate_power) / learning_rate * theta
    quadratic = new_accum ** -learning_rate_power / learning_rate + 2 * l2
    clipped = np.clip(s["linear"], -l1_regularization_strength, l1_regularization_strength)
    s["accum"] = new_accum
    return (clipped - s["linear"]) / quadratic


CONFIGS = [
    (K.SGD, {}, ref_sgd),
    (K.SGD, dict(learning_rate=0.05, momentum=0.9), ref_sgd),
    (K.SGD, dict(learning_rate=0.05, momentum=0.8, nesterov=True), ref_sgd),
    (K.RMSprop, {}, ref_rmsprop),
    (K.RMSprop, dict(learning_rate=0.01, rho=0.8, momentum=0.5, epsilon=1e-3), ref_rmsprop),
    (K.RMSprop, dict(learning_rate=0.01, centered=True, epsilon=1e-2), ref_rmsprop),
    (K.RMSprop, dict(learning_rate=0.01, centered=True, momentum=0.9), ref_rmsprop),
    (K.Adam, {}, ref_adam),
    (K.Adam, dict(learning_rate=0.05, beta_1=0.8, beta_2=0.99, epsilon=1e-2), ref_adam),
    (K.Adam, dict(learning_rate=0.05, amsgrad=True), ref_adam),
    (K.AdamW, {}, ref_adamw),
    (K.AdamW, dict(learning_rate=0.05, weight_decay=0.1, amsgrad=True), ref_adamw),
    (K.Adagrad, {}, ref_adagrad),
    (K.Adagrad, dict(learning_rate=0.1, initial_accumulator_value=0.5, epsilon=1e-2), ref_adagrad),
    (K.Adadelta, {}, ref_adadelta),
    (K.Adadelta, dict(learning_rate=1.0, rho=0.9, epsilon=1e-4), ref_adadelta),
    (K.Adamax, {}, ref_adamax),
    (K.Adamax, dict(learning_rate=0.05, beta_1=0.8, beta_2=0.9, epsilon=1e-3), ref_adamax),
    (K.Nadam, {}, ref_nadam),
    (K.Nadam, dict(learning_rate=0.05, beta_1=0.8, beta_2=0.99, epsilon=1e-3), ref_nadam),
    (K.Ftrl, {}, ref_ftrl),
    (K.Ftrl, dict(learning_rate=0.1, learning_rate_power=-0.7, l1_regularization_strength=0.01,
                  l2_regularization_strength=0.02, l2_shrinkage_regularization_strength=0.03, beta=0.5), ref_ftrl),
]
IDS = [f"{cls.__name__}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'defaults'}" for cls, kw, _ in CONFIGS]


def bound(cls, params, **kwargs):
    return cls(**kwargs).bind(params)


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("cls,kwargs,ref", CONFIGS, ids=IDS)
def test_trajectory_equals_keras_reference_step_for_step(cls, kwargs, ref, problem):
    init, loss_fn, grads_np = PROBLEMS[problem]
    params = make_params(init)
    opt = bound(cls, params, **kwargs)
    thetas = [np.array(a, dtype=np.float64) for a in init]
    states = [{} for _ in thetas]
    for t in range(1, 9):
        train_step(opt, params, loss_fn)
        grads = grads_np(*thetas)
        thetas = [ref(th, g, s, t, **kwargs) for th, g, s in zip(thetas, grads, states)]
        for p, th in zip(params, thetas):
            np.testing.assert_allclose(p.data, th, rtol=1e-12, atol=1e-12, err_msg=f"step {t}")
    assert opt.iterations == 8
    assert not np.allclose(params[0].data, init[0])


@pytest.mark.parametrize("cls,kwargs,ref", CONFIGS, ids=IDS)
def test_keras_optimizers_lower_the_mlp_loss_and_keep_float32(cls, kwargs, ref):
    params = make_params(MLP_INIT, dtype=np.float32)
    opt = bound(cls, params, **{**kwargs, "learning_rate": 0.05})
    before = mlp_loss_tg(*params).item()
    for _ in range(30):
        train_step(opt, params, mlp_loss_tg)
    assert mlp_loss_tg(*params).item() < before
    assert all(p.dtype == np.float32 for p in params)
    assert all(v.dtype == np.float32 for s in opt.state.values() for v in s.values() if isinstance(v, np.ndarray))


@pytest.mark.parametrize("cls,kwargs,ref", CONFIGS, ids=IDS)
def test_state_dict_round_trip_continues_identically_with_the_iteration_count(cls, kwargs, ref):
    params_a = make_params(MLP_INIT)
    opt_a = bound(cls, params_a, **kwargs)
    for _ in range(3):
        train_step(opt_a, params_a, mlp_loss_tg)
    params_b = make_params([p.data for p in params_a])
    opt_b = bound(cls, params_b, **kwargs)      # as in Keras: the same optimizer, then its variables loaded
    opt_b.load_state_dict(opt_a.state_dict())
    assert opt_b.iterations == 3
    for _ in range(3):
        train_step(opt_a, params_a, mlp_loss_tg)
        train_step(opt_b, params_b, mlp_loss_tg)
    for pa, pb in zip(params_a, params_b):
        np.testing.assert_array_equal(pa.data, pb.data)


# --------------------------------------------------------------------------- where Keras and PyTorch differ
def one_coordinate(value=1.0):
    return tg.tensor(np.array([value]), requires_grad=True)


def step_with_gradient(opt, w, g):
    opt.zero_grad()
    (w * g).sum().backward()
    opt.step()


def test_rmsprop_epsilon_sits_inside_the_root_in_keras_and_outside_in_pytorch():
    """First step, g = 1, ρ = 0.9, ε = 0.01: v = 0.1; Keras moves η/√(0.1 + ε), PyTorch η/(√0.1 + ε)."""
    wk, wt = one_coordinate(), one_coordinate()
    step_with_gradient(K.RMSprop(learning_rate=0.1, epsilon=0.01).bind([wk]), wk, 1.0)
    step_with_gradient(optim.RMSprop([wt], lr=0.1, alpha=0.9, eps=0.01), wt, 1.0)
    np.testing.assert_allclose(wk.data, [1 - 0.1 / math.sqrt(0.11)], rtol=1e-14)
    np.testing.assert_allclose(wt.data, [1 - 0.1 / (math.sqrt(0.1) + 0.01)], rtol=1e-14)


def test_adam_epsilon_is_keras_epsilon_hat():
    """First step, g = 2, ε = 0.1: Keras θ -= η·√(1-β₂)/(1-β₁)·m/(√v + ε) = η·2/(2 + ε/√0.001)·..."""
    wk, wt = one_coordinate(), one_coordinate()
    step_with_gradient(K.Adam(learning_rate=0.1, epsilon=0.1).bind([wk]), wk, 2.0)
    step_with_gradient(optim.Adam([wt], lr=0.1, eps=0.1), wt, 2.0)
    m, v = 0.1 * 2.0, 0.001 * 4.0
    np.testing.assert_allclose(wk.data, [1 - 0.1 * math.sqrt(0.001) / 0.1 * m / (math.sqrt(v) + 0.1)], rtol=1e-14)
    np.testing.assert_allclose(wt.data, [1 - 0.1 / 0.1 * m / (math.sqrt(v) / math.sqrt(0.001) + 0.1)], rtol=1e-14)


def test_sgd_momentum_keeps_the_old_learning_rate_in_its_velocity():
    """g = 1, μ = 0.9, η = 0.1 for two steps, then η = 1: Keras v = 0.9·(-0.19) - 1 = -1.171 (PyTorch would
    step η·b = 1·2.71)."""
    w = one_coordinate(0.0)
    opt = K.SGD(learning_rate=0.1, momentum=0.9).bind([w])
    for _ in range(2):
        step_with_gradient(opt, w, 1.0)
    np.testing.assert_allclose(w.data, [-0.1 - 0.19], atol=1e-15)
    opt.learning_rate = 1.0
    step_with_gradient(opt, w, 1.0)
    np.testing.assert_allclose(w.data, [-0.29 - 1.171], atol=1e-15)


def test_learning_rate_scheduler_changes_keras_sgd_as_keras_does():
    """fit with LearningRateScheduler(η_e = 0.1 / (e + 1)) on one weight whose gradient is 1 at every step
    (MAE of w·1 against a target far below: d/dw |w - y| = 1)."""
    model = nn.Sequential([nn.Dense(1, input_dim=1, use_bias=False, kernel_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.5), loss="mae")
    x = np.ones((4, 1))
    scheduler = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    model.fit(x, np.full((4, 1), -1000.0), batch_size=2, epochs=3, shuffle=False, verbose=0, callbacks=[scheduler])
    w, v = 0.0, 0.0
    for epoch in range(3):
        for _ in range(2):                                  # two batches an epoch
            v = 0.5 * v - 0.1 / (epoch + 1) * 1.0
            w += v
    np.testing.assert_allclose(model.get_weights()[0], [[w]], rtol=1e-6)


# --------------------------------------------------------------------------- learning rate, clipping, decay
def test_learning_rate_and_lr_read_and_write_every_group():
    a, b = one_coordinate(), one_coordinate()
    opt = K.Adam(learning_rate=0.01).bind([a, b])
    assert opt.learning_rate == opt.lr == 0.01
    opt.lr = 0.5
    assert opt.learning_rate == 0.5 and opt.param_groups[0]["lr"] == 0.5
    opt.param_groups[0]["lr"] = 0.25                       # PyTorch's way works too
    assert opt.learning_rate == 0.25
    with pytest.raises(ValueError, match="invalid lr=-1"):
        opt.learning_rate = -1
    with pytest.raises(TypeError, match="lr must be a number, got str '0.1'"):
        opt.learning_rate = "0.1"


@pytest.mark.parametrize("schedule,expected", [
    (ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5), lambda s: 0.1 * 0.5 ** (s / 2)),
    (ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5, staircase=True), lambda s: 0.1 * 0.5 ** (s // 2)),
    (InverseTimeDecay(0.1, decay_steps=2, decay_rate=0.5), lambda s: 0.1 / (1 + 0.5 * s / 2)),
    (InverseTimeDecay(0.1, decay_steps=2, decay_rate=0.5, staircase=True), lambda s: 0.1 / (1 + 0.5 * (s // 2))),
    (PiecewiseConstantDecay([2, 4], [0.1, 0.05, 0.01]), lambda s: 0.1 if s <= 2 else 0.05 if s <= 4 else 0.01),
    (CosineDecay(0.1, decay_steps=4, alpha=0.1),
     lambda s: 0.1 * (0.9 * 0.5 * (1 + math.cos(math.pi * min(s, 4) / 4)) + 0.1)),
    (CosineDecay(0.0, decay_steps=4, warmup_target=0.2, warmup_steps=2),
     lambda s: 0.2 * s / 2 if s < 2 else 0.2 * 0.5 * (1 + math.cos(math.pi * min(s - 2, 4) / 4))),
    (PolynomialDecay(0.1, decay_steps=4, end_learning_rate=0.01, power=2.0),
     lambda s: 0.09 * (1 - min(s, 4) / 4) ** 2 + 0.01),
], ids=["exponential", "exponential-staircase", "inverse-time", "inverse-time-staircase", "piecewise", "cosine",
        "cosine-warmup", "polynomial"])
def test_schedules_follow_kerass_formulas_and_drive_the_step(schedule, expected):
    """Formulas from Keras's schedule docstrings; the optimizer's step t uses schedule(iterations = t - 1)."""
    for step in range(9):
        assert schedule(step) == pytest.approx(expected(step), rel=1e-12, abs=1e-15)
    w = one_coordinate(0.0)
    opt = K.SGD(learning_rate=schedule).bind([w])
    total = 0.0
    for step in range(7):
        assert opt.learning_rate == pytest.approx(expected(step), rel=1e-12, abs=1e-15)
        step_with_gradient(opt, w, 1.0)
        total -= expected(step)
        np.testing.assert_allclose(w.data, [total], rtol=1e-12, atol=1e-15)
    with pytest.raises(TypeError, match="made with a LearningRateSchedule.*not settable"):
        opt.learning_rate = 0.1
    again = type(schedule).from_config(schedule.get_config())
    assert [again(s) for s in range(9)] == [schedule(s) for s in range(9)]


def test_schedules_are_reachable_the_keras_way_and_reject_bad_arguments():
    assert keras.optimizers.schedules.ExponentialDecay is ExponentialDecay
    from nn.keras.optimizers.schedules import CosineDecay as imported
    assert imported is CosineDecay
    with pytest.raises(ValueError, match=r"length of values \(2\) must be the length of boundaries \(2\) \+ 1"):
        PiecewiseConstantDecay([1, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="decay_steps must be a number > 0, got 0"):
        ExponentialDecay(0.1, decay_steps=0, decay_rate=0.9)


def test_clipnorm_scales_each_gradient_to_the_norm():
    """g = (3, 4), ‖g‖ = 5: clipnorm=1 gives (0.6, 0.8); a gradient shorter than clipnorm is unchanged."""
    w, small = tg.tensor(np.zeros(2), requires_grad=True), one_coordinate(0.0)
    opt = K.SGD(learning_rate=1.0, clipnorm=1.0).bind([w, small])
    opt.zero_grad()
    ((w * tg.tensor(np.array([3.0, 4.0]))).sum() + small.sum() * 0.5).backward()
    opt.step()
    np.testing.assert_allclose(w.data, [-0.6, -0.8], rtol=1e-14)
    np.testing.assert_allclose(small.data, [-0.5], rtol=1e-14)


def test_global_clipnorm_scales_all_gradients_by_their_joint_norm():
    """Gradients (3,) and (4,): joint norm 5, global_clipnorm=2.5 halves both."""
    a, b = one_coordinate(0.0), one_coordinate(0.0)
    opt = K.SGD(learning_rate=1.0, global_clipnorm=2.5).bind([a, b])
    opt.zero_grad()
    (a.sum() * 3.0 + b.sum() * 4.0).backward()
    opt.step()
    np.testing.assert_allclose([a.item(), b.item()], [-1.5, -2.0], rtol=1e-14)


def test_clipvalue_clips_each_element():
    w = tg.tensor(np.zeros(3), requires_grad=True)
    opt = K.SGD(learning_rate=1.0, clipvalue=0.5).bind([w])
    opt.zero_grad()
    (w * tg.tensor(np.array([-2.0, 0.25, 7.0]))).sum().backward()
    opt.step()
    np.testing.assert_allclose(w.data, [0.5, -0.25, -0.5])


def test_clipping_options_are_checked():
    with pytest.raises(ValueError, match="at most one of clipnorm and global_clipnorm"):
        K.Adam(clipnorm=1.0, global_clipnorm=1.0)
    with pytest.raises(ValueError, match="invalid clipvalue=-1"):
        K.SGD(clipvalue=-1)


def test_weight_decay_is_decoupled_and_applied_before_the_rule_for_every_keras_optimizer():
    """With a zero gradient, SGD(weight_decay=wd) only shrinks: θ ← θ - η·wd·θ each step."""
    w = one_coordinate(2.0)
    opt = K.SGD(learning_rate=0.1, weight_decay=0.5).bind([w])
    for _ in range(3):
        step_with_gradient(opt, w, 0.0)
    np.testing.assert_allclose(w.data, [2.0 * (1 - 0.05) ** 3], rtol=1e-14)


def test_keras_constructor_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"SGD: `decay` is deprecated.*InverseTimeDecay\(0.01, decay_steps=1, "
                                         r"decay_rate=1e-06\)"):
        K.SGD(learning_rate=0.01, decay=1e-6)
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        K.Adam(betas=(0.9, 0.99))
    with pytest.raises(ValueError, match=r"SGD: invalid momentum=1.5; it must be in \[0, 1\]"):
        K.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="AdamW: weight_decay must be a number"):
        K.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="use_ema=True .* not supported"):
        K.Adam(use_ema=True)
    with pytest.raises(TypeError, match="lr must be a number, got str '0.1'. Write lr=0.1"):
        K.SGD(learning_rate="0.1")


def test_compile_with_keras_strings_uses_keras_rules():
    """compile(optimizer='rmsprop') then one fit step equals Keras's RMSprop step on the same gradient."""
    tg.manual_seed(0)
    model = nn.Sequential([nn.Dense(1, input_dim=2)])
    w0, b0 = (a.copy() for a in model.get_weights())
    x, y = np.array([[1.0, 2.0], [0.5, -1.0]], np.float32), np.array([[1.0], [0.0]], np.float32)
    model.compile(optimizer="rmsprop", loss="mse")
    assert isinstance(model.optimizer, K.RMSprop)
    model.fit(x, y, batch_size=2, epochs=1, verbose=0, shuffle=False)
    r = x @ w0 + b0 - y
    grads = [x.T @ (2 * r / r.size), (2 * r / r.size).sum(0)]
    expected = [ref_rmsprop(p.astype(np.float64), g.astype(np.float64), {}, 1) for p, g in zip((w0, b0), grads)]
    for got, want in zip(model.get_weights(), expected):
        np.testing.assert_allclose(got, want, rtol=1e-5)
