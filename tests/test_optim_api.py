"""The Optimizer surface: parameter groups, zero_grad, skipping, validation, Keras-style binding and names."""
import re

import numpy as np
import pytest

import optim
import tensorgrad as tg


def param(*values):
    return tg.tensor(np.array(values, dtype=np.float64), requires_grad=True)


def backward_of_sum(*params):
    """Each parameter gets gradient 1 everywhere."""
    sum(p.sum() for p in params).backward()


# --------------------------------------------------------------------------- groups, skipping, zero_grad
def test_parameter_groups_have_their_own_lr_and_it_is_writable():
    a, b = param(0.0), param(0.0)
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1)
    backward_of_sum(a, b)
    opt.step()
    np.testing.assert_allclose([a.item(), b.item()], [-0.1, -0.5])
    opt.param_groups[0]["lr"] = 2.0
    opt.step()                                   # the same gradients again
    np.testing.assert_allclose([a.item(), b.item()], [-2.1, -1.0])


def test_param_groups_hold_pytorchs_keys_and_any_hyperparameter_written_takes_effect():
    w = param(0.0)
    opt = optim.SGD([w], lr=1.0)
    assert {k: v for k, v in opt.param_groups[0].items() if k != "params"} == dict(
        lr=1.0, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False)
    opt.param_groups[0]["momentum"] = 0.5           # switched on between steps: the buffer starts at g
    opt.param_groups[0]["dampening"] = 0.5
    for _ in range(2):
        backward_of_sum(w)
        opt.step()
        opt.zero_grad()
    np.testing.assert_allclose(w.numpy(force=True), [-1.0 - (0.5 * 1.0 + 0.5 * 1.0)])    # b = 1, then 0.5·1 + (1 - 0.5)·1
    opt.param_groups[0]["maximize"] = True
    backward_of_sum(w)
    opt.step()
    np.testing.assert_allclose(w.numpy(force=True), [-2.0 + (0.5 * 1.0 - 0.5)])          # b = 0.5·1 + 0.5·(-1) = 0


def test_add_param_group_trains_the_new_group_with_its_own_options():
    a, b = param(0.0), param(0.0)
    opt = optim.Adam([a], lr=0.1)
    opt.add_param_group({"params": [b], "lr": 0.5, "name": "head"})    # extra keys are kept, as in PyTorch
    backward_of_sum(a, b)
    opt.step()
    np.testing.assert_allclose([a.item(), b.item()], [-0.1, -0.5], rtol=1e-6)   # Adam's first step is η·sign(g)
    assert opt.param_groups[1]["name"] == "head" and opt.param_groups[1]["betas"] == (0.9, 0.999)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})


def test_zero_grad_sets_none_by_default_as_pytorch_2():
    w = param(1.0)
    opt = optim.SGD([w], lr=0.1)
    w.sum().backward()
    opt.zero_grad()
    assert w.grad is None


@pytest.mark.parametrize("make", [lambda ps, lr: optim.SGD(ps, lr=lr, momentum=np.float64(0.9), nesterov=True),
                                  lambda ps, lr: optim.Adam(ps, lr=lr, betas=(np.float64(0.9), 0.999)),
                                  lambda ps, lr: optim.RMSprop(ps, lr=lr, alpha=np.float64(0.9), momentum=0.5),
                                  lambda ps, lr: optim.Adagrad(ps, lr=lr, eps=np.float64(1e-10))],
                         ids=["sgd", "adam", "rmsprop", "adagrad"])
def test_numpy_scalar_hyperparameters_keep_a_float32_parameter_float32_and_bit_identical(make):
    """Options are turned into Python floats once per group and step: a float64 numpy scalar must
    neither promote the float32 update nor change its result."""
    results = []
    for lr in (0.01, np.float64(0.01)):
        w = tg.tensor(np.linspace(-1, 1, 1000, dtype=np.float32), requires_grad=True)
        opt = make([w], lr)
        for _ in range(3):
            opt.zero_grad()
            (w * w * w).sum().backward()
            opt.step()
        assert w.dtype == np.float32
        results.append(w.numpy(force=True).copy())
    np.testing.assert_array_equal(results[0], results[1])


def test_parameters_without_grad_are_skipped_and_get_no_state():
    used, unused = param(1.0), param(1.0)
    opt = optim.Adam([used, unused], lr=0.1)
    used.sum().backward()
    opt.step()
    assert unused.item() == 1.0 and unused._version == 0 and unused not in opt.state
    assert used.item() != 1.0 and used._version == 1


@pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.1), lambda ps: optim.Adam(ps, lr=0.1)], ids=["sgd", "adam"])
@pytest.mark.parametrize("before", [np.array([1.0, 2.0]), np.array([1.0, 2.0, 3.0], np.float32)], ids=["shape", "dtype"])
def test_a_parameter_whose_data_is_replaced_gets_scratch_of_its_new_shape_and_dtype(make, before):
    """Each rule's scratch array is kept per parameter; giving the parameter new data (another shape, or
    only another dtype) must not reuse the old one (a float32 scratch would silently round a float64 update)."""
    w = tg.tensor(before, requires_grad=True)
    opt = make([w])
    backward_of_sum(w)
    opt.step()
    w.data = np.full(3, 1.0 + 1e-12)               # float64, shape (3,)
    if isinstance(opt, optim.Adam):
        opt.state.clear()
    opt.zero_grad()
    backward_of_sum(w)
    opt.step()
    fresh = tg.tensor(np.full(3, 1.0 + 1e-12), requires_grad=True)   # the same step on a new optimizer
    backward_of_sum(fresh)
    make([fresh]).step()
    assert w.shape == (3,) and w.dtype == np.float64 and w.numpy(force=True)[0] != 0.9
    np.testing.assert_array_equal(w.numpy(force=True), fresh.numpy(force=True))


def test_zero_grad_sets_none_or_fresh_zeros():
    w = param(1.0, 2.0)
    opt = optim.SGD([w], lr=0.1)
    w.sum().backward()
    opt.zero_grad(set_to_none=False)
    assert w.grad.shape == (2,) and w.grad.dtype == np.float64 and not w.grad.numpy(force=True).any()
    opt.zero_grad()
    assert w.grad is None


def test_step_runs_the_closure_and_returns_its_loss():
    w = param(3.0)
    opt = optim.SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()                     # d/dw = 2w = 6
        loss.backward()
        return loss

    assert opt.step(closure).item() == 9.0
    assert w.item() == 3.0 - 0.25 * 6.0


def test_params_must_be_leaf_float_tensors_given_once():
    w = param(1.0)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([])
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([w * 2])
    with pytest.raises(TypeError, match="floating point, got dtype int64"):
        optim.SGD([tg.tensor(np.array([1, 2]))])
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [w]}, {"params": [w]}])
    with pytest.raises(TypeError, match="Tensors, got ndarray"):
        optim.SGD([np.zeros(3)])


def test_gradient_of_the_wrong_shape_is_reported():
    w = param(1.0, 2.0)
    w.grad = tg.tensor(np.ones(3))
    with pytest.raises(ValueError, match=r"parameter 0 of param_groups\[0\] \(shape \(2,\)\) has a gradient of "
                                         r"shape \(3,\)"):
        optim.SGD([w]).step()


@pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9), lambda ps: optim.Adam(ps),
                                  lambda ps: optim.RMSprop(ps, centered=True), lambda ps: optim.Adagrad(ps)],
                         ids=["sgd-momentum", "adam", "rmsprop", "adagrad"])
@pytest.mark.parametrize("new_shape", [(1, 3), (4,)], ids=["reshaped", "replaced"])
def test_a_parameter_given_data_of_another_shape_between_steps_is_a_clear_error(make, new_shape):
    """Its buffers were made for the old shape: (3,) state against a (1, 3) weight would broadcast silently."""
    a, w = param(5.0), param(1.0, 2.0, 3.0)
    opt = make([a, w])
    backward_of_sum(a, w)
    opt.step()
    w.data = np.ones(new_shape)
    opt.zero_grad()
    backward_of_sum(a, w)
    with pytest.raises(ValueError, match=re.escape(f"parameter 1 of param_groups[0] (shape {new_shape}) has optimizer "
                                                   "state '") + r"\w+' of shape \(3,\).*optimizer.state.pop\(param\)"):
        opt.step()
    opt.state.pop(w)                             # what the message says: the parameter starts afresh
    opt.step()
    assert opt.state[w] is not None


def test_plain_sgd_keeps_no_state_so_a_reshaped_parameter_just_trains():
    w = param(1.0, 2.0)
    opt = optim.SGD([w], lr=0.5)
    backward_of_sum(w)
    opt.step()
    w.data = np.zeros((2, 2))
    opt.zero_grad()
    backward_of_sum(w)
    opt.step()
    np.testing.assert_array_equal(w.numpy(force=True), np.full((2, 2), -0.5))


def test_state_of_another_optimizer_class_is_refused_by_name():
    w = param(1.0, 2.0)
    sgd = optim.SGD([w], lr=0.1, momentum=0.9)
    backward_of_sum(w)
    sgd.step()
    with pytest.raises(ValueError, match=r"Adam.load_state_dict: saved param_groups\[0\] has no 'betas', 'eps' "
                                         r"\(it has 'lr', 'momentum'.*saved by another kind of optimizer"):
        optim.Adam([param(1.0, 2.0)]).load_state_dict(sgd.state_dict())
    with pytest.raises(ValueError, match=r"SGD.load_state_dict: .*has no 'momentum', 'dampening'"):
        optim.SGD([param(1.0, 2.0)]).load_state_dict(optim.Adam([param(1.0, 2.0)]).state_dict())


def test_state_saved_without_a_later_flag_loads_with_its_default():
    w = param(1.0, 2.0)
    saved = optim.Adam([w], lr=0.1).state_dict()
    del saved["param_groups"][0]["maximize"]
    opt = optim.Adam([param(1.0, 2.0)])
    opt.load_state_dict(saved)
    assert opt.param_groups[0]["maximize"] is False and opt.param_groups[0]["lr"] == 0.1


# --------------------------------------------------------------------------- bad hyperparameters
BAD = [
    (optim.SGD, dict(lr=-0.1), "lr=-0.1"),
    (optim.SGD, dict(lr=float("nan")), "lr=nan"),
    (optim.SGD, dict(momentum=-0.5), "momentum=-0.5"),
    (optim.SGD, dict(weight_decay=-0.0001), "weight_decay=-0.0001"),
    (optim.SGD, dict(nesterov=True), "momentum=0.0; nesterov=True needs momentum > 0"),
    (optim.SGD, dict(nesterov=True, momentum=0.9, dampening=0.1), "dampening=0.1"),
    (optim.Adagrad, dict(lr_decay=-1.0), "lr_decay=-1.0"),
    (optim.Adagrad, dict(initial_accumulator_value=-0.1), "initial_accumulator_value=-0.1"),
    (optim.Adagrad, dict(eps=-1e-10), "eps=-1e-10"),
    (optim.Adadelta, dict(rho=1.5), "rho=1.5"),
    (optim.Adadelta, dict(eps=-1e-6), "eps=-1e-06"),
    (optim.RMSprop, dict(alpha=1.5), "alpha=1.5"),
    (optim.RMSprop, dict(momentum=-0.1), "momentum=-0.1"),
    (optim.RMSprop, dict(eps=-1.0), "eps=-1.0"),
    (optim.Adam, dict(betas=(1.0, 0.999)), r"betas=(1.0, 0.999); beta1"),
    (optim.Adam, dict(betas=(0.9, -0.1)), r"betas=(0.9, -0.1); beta2"),
    (optim.Adam, dict(eps=-1e-8), "eps=-1e-08"),
    (optim.AdamW, dict(weight_decay=-0.01), "weight_decay=-0.01"),
    (optim.AdamW, dict(learning_rate=-3.0), "lr=-3.0"),
    (optim.Adam, dict(betas=(0.9, "0.999")), r"betas=(0.9, '0.999'); beta1 and beta2 must be numbers"),
]


@pytest.mark.parametrize("cls,name", [(optim.SGD, "lr"), (optim.SGD, "momentum"), (optim.Adam, "eps"),
                                      (optim.RMSprop, "alpha"), (optim.Adagrad, "lr_decay")])
def test_a_hyperparameter_given_as_a_string_is_a_type_error_naming_it(cls, name):
    with pytest.raises(TypeError, match=rf"{cls.__name__}: {name} must be a number, got str '0.1'. Write {name}=0.1."):
        cls([param(1.0)], **{name: "0.1"})
    with pytest.raises(TypeError, match=rf"{name} must be a number, got str"):
        cls(**{name: "0.1"})


@pytest.mark.parametrize("cls,kwargs,shown", BAD, ids=[f"{c.__name__}-{s}" for c, _, s in BAD])
def test_bad_hyperparameters_raise_value_error_naming_the_value(cls, kwargs, shown):
    with pytest.raises(ValueError) as bound:
        cls([param(1.0)], **kwargs)
    assert shown in str(bound.value) and cls.__name__ in str(bound.value)
    with pytest.raises(ValueError, match="invalid"):
        cls(**kwargs)                            # unbound: checked at once, not at bind time


def test_bad_hyperparameter_in_a_group_or_set_later_is_rejected():
    with pytest.raises(ValueError, match="lr=-1"):
        optim.SGD([{"params": [param(1.0)], "lr": -1}], lr=0.1)
    opt = optim.Adam([param(1.0)])
    with pytest.raises(ValueError, match="lr=-0.5"):
        opt.learning_rate = -0.5


# --------------------------------------------------------------------------- Keras: unbound, bind, names
def test_unbound_optimizer_refuses_to_step_then_binds_later():
    opt = optim.SGD(lr=0.01)
    assert not opt.is_bound
    with pytest.raises(RuntimeError, match=r"no parameters.*\.bind\(model\.parameters\(\)\)"):
        opt.step()
    w = param(1.0)
    assert opt.bind([w]) is opt and opt.is_bound
    w.sum().backward()
    opt.step()
    assert w.item() == pytest.approx(0.99)


def test_binding_again_is_a_no_op_for_the_same_parameters_and_refused_for_others():
    w = param(1.0)
    opt = optim.Adam(learning_rate=0.1).bind([w])
    w.sum().backward()
    opt.step()
    opt.bind([w])                                # compile twice: state kept
    assert opt.state[w]["step"] == 1 and len(opt.param_groups) == 1
    with pytest.raises(ValueError, match="already bound to 1 parameters"):
        opt.bind([param(2.0)])


def test_add_param_group_binds_an_unbound_optimizer_with_the_defaults():
    opt = optim.RMSprop(lr=0.02, momentum=0.5)
    opt.add_param_group({"params": [param(1.0)], "alpha": 0.9})
    assert opt.param_groups[0]["lr"] == 0.02 and opt.param_groups[0]["alpha"] == 0.9


def test_learning_rate_is_a_synonym_of_lr():
    assert optim.SGD(learning_rate=0.3).defaults["lr"] == 0.3
    assert optim.Adagrad(lr=0.3, learning_rate=0.3).defaults["lr"] == 0.3
    with pytest.raises(ValueError, match="lr=0.2 and learning_rate=0.3"):
        optim.RMSprop(lr=0.2, learning_rate=0.3)
    with pytest.raises(TypeError, match=r"SGD\(lr=0.01\)"):
        optim.SGD(0.01)                          # Keras's positional learning rate


def test_learning_rate_property_reads_and_sets_every_group():
    a, b = param(1.0), param(1.0)
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    assert opt.learning_rate == 0.1
    opt.learning_rate = 0.02
    assert [g["lr"] for g in opt.param_groups] == [0.02, 0.02]
    unbound = optim.Adam()
    unbound.learning_rate = 0.004
    unbound.bind([param(1.0)])
    assert unbound.param_groups[0]["lr"] == 0.004


K = optim.keras_optimizers


@pytest.mark.parametrize("name,cls,expected", [
    ("sgd", K.SGD, dict(lr=0.01, momentum=0.0, nesterov=False)),
    ("SGD", K.SGD, dict(lr=0.01)),
    ("momentum", K.SGD, dict(lr=0.01, momentum=0.9, nesterov=False)),
    ("nesterov", K.SGD, dict(lr=0.01, momentum=0.9, nesterov=True)),
    ("adam", K.Adam, dict(lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False)),
    ("Adam", K.Adam, dict(lr=0.001, epsilon=1e-7)),
    ("RMSprop", K.RMSprop, dict(lr=0.001, rho=0.9, epsilon=1e-7, momentum=0.0, centered=False)),
    ("adagrad", K.Adagrad, dict(lr=0.001, initial_accumulator_value=0.1, epsilon=1e-7)),
    ("adamw", K.AdamW, dict(lr=0.001, epsilon=1e-7)),
    ("adadelta", K.Adadelta, dict(lr=0.001, rho=0.95, epsilon=1e-7)),
    ("Adamax", K.Adamax, dict(lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)),
    ("nadam", K.Nadam, dict(lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)),
    ("ftrl", K.Ftrl, dict(lr=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1, beta=0.0)),
])
def test_get_builds_an_unbound_keras_optimizer_with_keras_defaults(name, cls, expected):
    """Defaults from the Keras 2.15 API reference of each class (keras.io/2.15/api/optimizers)."""
    opt = optim.get(name)
    assert type(opt) is cls and not opt.is_bound
    assert {k: opt.defaults[k] for k in expected} == expected
    assert optim.get("adamw").weight_decay == 0.004 and optim.get("adam").weight_decay is None


def test_classes_keep_pytorch_defaults():
    assert optim.Adam().defaults["eps"] == 1e-8 and optim.SGD().defaults["lr"] == 1e-3
    assert optim.RMSprop().defaults["alpha"] == 0.99 and optim.Adagrad().defaults["eps"] == 1e-10
    assert optim.AdamW().defaults["weight_decay"] == 1e-2


def test_get_accepts_overrides_configs_and_optimizer_objects():
    assert optim.get("sgd", learning_rate=0.1).defaults["lr"] == 0.1
    assert optim.get("adam", lr=0.01).defaults == K.Adam(learning_rate=0.01).defaults
    config = K.Adam(learning_rate=0.02, beta_1=0.8, clipnorm=1.0).get_config()
    again = optim.get({"class_name": "Adam", "config": config})
    assert type(again) is K.Adam and again.get_config() == config
    opt = optim.Adam()
    assert optim.get(opt) is opt
    with pytest.raises(ValueError, match="give one of them"):
        optim.get("sgd", lr=0.1, learning_rate=0.2)
    with pytest.raises(TypeError, match="set the options on the object"):
        optim.get(opt, lr=0.1)


def test_get_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError) as err:
        optim.get("adamx")
    message = str(err.value)
    assert "'adamx'" in message
    for name in ("'sgd'", "'adam'", "'rmsprop'", "'adagrad'", "'adamw'", "'adadelta'", "'adamax'", "'nadam'",
                 "'ftrl'", "'momentum'", "'nesterov'"):
        assert name in message
