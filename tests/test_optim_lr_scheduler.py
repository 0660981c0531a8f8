"""Learning-rate schedules: each lr sequence equals its closed form, set in the optimizer's groups."""
import math

import numpy as np
import pytest

import optim
import tensorgrad as tg
from optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, ReduceLROnPlateau, StepLR


def two_group_sgd(lr0=0.1, lr1=1.0):
    a = tg.tensor(np.zeros(2), requires_grad=True)
    b = tg.tensor(np.zeros(1), requires_grad=True)
    return optim.SGD([{"params": [a], "lr": lr0}, {"params": [b], "lr": lr1}])


def lrs_over_epochs(scheduler, epochs):
    """lr of every group at epochs 0..epochs-1 (step() at each epoch's end)."""
    seen = []
    for _ in range(epochs):
        seen.append([g["lr"] for g in scheduler.optimizer.param_groups])
        scheduler.step()
    return np.array(seen)


def test_step_lr_multiplies_by_gamma_every_step_size_epochs():
    sched = StepLR(two_group_sgd(), step_size=3, gamma=0.5)
    got = lrs_over_epochs(sched, 8)
    np.testing.assert_allclose(got[:, 0], [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025])
    np.testing.assert_allclose(got[:, 1], got[:, 0] * 10)
    assert sched.get_last_lr() == pytest.approx([0.025, 0.25])       # after 8 steps: epoch 8


def test_exponential_lr_is_base_times_gamma_to_the_epoch():
    got = lrs_over_epochs(ExponentialLR(two_group_sgd(), gamma=0.9), 6)
    np.testing.assert_allclose(got[:, 0], 0.1 * 0.9 ** np.arange(6))


def test_cosine_annealing_goes_from_base_to_eta_min_in_t_max_epochs():
    got = lrs_over_epochs(CosineAnnealingLR(two_group_sgd(), T_max=4, eta_min=0.01), 9)[:, 0]
    expected = [0.01 + 0.09 * (1 + math.cos(math.pi * e / 4)) / 2 for e in range(9)]
    np.testing.assert_allclose(got, expected)
    assert got[0] == pytest.approx(0.1) and got[4] == pytest.approx(0.01) and got[8] == pytest.approx(0.1)


def test_scheduled_lr_is_the_one_the_optimizer_steps_with():
    w = tg.tensor(np.array([0.0]), requires_grad=True)
    opt = optim.SGD([w], lr=1.0)
    sched = StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(3):                          # gradient 1: moves 1, 0.5, 0.25
        opt.zero_grad()
        w.sum().backward()
        opt.step()
        sched.step()
    np.testing.assert_allclose(w.numpy(force=True), [-1.75])


def test_reduce_on_plateau_waits_patience_bad_epochs_then_cooldown():
    opt = two_group_sgd()
    sched = ReduceLROnPlateau(opt, factor=0.5, patience=2, cooldown=1, min_lr=[0.02, 0.0])
    losses = [1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]
    seen = []
    for loss in losses:
        sched.step(loss)
        seen.append(opt.param_groups[0]["lr"])
    # bad epochs 1, 2, 3 > patience -> halve at epoch 5; one cooldown epoch, then 3 more bad -> epoch 9
    np.testing.assert_allclose(seen, [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025])
    for _ in range(40):                         # 4 epochs per halving: group 1 goes 1.0 -> 1/2**10
        sched.step(0.9)
    assert opt.param_groups[0]["lr"] == 0.02                      # floored at min_lr
    assert opt.param_groups[1]["lr"] < 0.02


def test_reduce_on_plateau_mode_max_and_threshold():
    opt = two_group_sgd()
    sched = ReduceLROnPlateau(opt, mode="max", patience=0, threshold=0.1, threshold_mode="abs")
    sched.step(0.5)
    sched.step(0.55)                            # not better than 0.5 + 0.1: reduce (patience 0)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.01)
    sched.step(0.7)                             # better
    assert opt.param_groups[0]["lr"] == pytest.approx(0.01) and sched.best == 0.7


@pytest.mark.parametrize("make", [
    lambda opt: StepLR(opt, step_size=2, gamma=0.3),
    lambda opt: CosineAnnealingLR(opt, T_max=5),
])
def test_schedule_state_dict_resumes_the_same_sequence(make):
    first = make(two_group_sgd())
    lrs_over_epochs(first, 3)
    resumed_opt = two_group_sgd(*[g["lr"] for g in first.optimizer.param_groups])
    resumed = make(resumed_opt)
    resumed.load_state_dict(first.state_dict())
    np.testing.assert_allclose(lrs_over_epochs(resumed, 4), lrs_over_epochs(first, 4))


def test_plateau_state_dict_keeps_best_and_counters():
    sched = ReduceLROnPlateau(two_group_sgd(), patience=1)
    for loss in (1.0, 2.0):
        sched.step(loss)
    other = ReduceLROnPlateau(two_group_sgd(), patience=5)
    other.load_state_dict(sched.state_dict())
    assert (other.best, other.num_bad_epochs, other.patience) == (1.0, 1, 1)
    other.step(2.0)
    assert other.optimizer.param_groups[0]["lr"] == pytest.approx(0.01)


@pytest.mark.parametrize("make,shown", [
    (lambda opt: StepLR(opt, step_size=0), "step_size=0"),
    (lambda opt: StepLR(opt, step_size=2, gamma=-1.0), "gamma=-1.0"),
    (lambda opt: ExponentialLR(opt, gamma=0.0), "gamma=0.0"),
    (lambda opt: CosineAnnealingLR(opt, T_max=2.5), "T_max=2.5"),
    (lambda opt: ReduceLROnPlateau(opt, factor=1.5), "factor=1.5"),
    (lambda opt: ReduceLROnPlateau(opt, mode="low"), "mode='low'"),
    (lambda opt: ReduceLROnPlateau(opt, min_lr=[0.1]), "min_lr has 1 values for 2"),
])
def test_bad_schedule_arguments_name_the_value(make, shown):
    with pytest.raises(ValueError) as err:
        make(two_group_sgd())
    assert shown in str(err.value)


def test_schedule_needs_a_bound_optimizer():
    with pytest.raises(RuntimeError, match="no parameters yet"):
        StepLR(optim.SGD(lr=0.1), step_size=1)


# --------------------------------------------------------------------------- PyTorch's other schedulers
# Expected values below come from the formulas in PyTorch's documentation of each scheduler.
from optim.lr_scheduler import LambdaLR, LinearLR, MultiStepLR, OneCycleLR, SequentialLR  # noqa: E402


def test_lambda_lr_multiplies_the_initial_lr_by_the_function_of_the_epoch():
    opt = two_group_sgd()
    got = lrs_over_epochs(LambdaLR(opt, lr_lambda=lambda e: 0.95 ** e), 5)
    np.testing.assert_allclose(got[:, 0], 0.1 * 0.95 ** np.arange(5))
    np.testing.assert_allclose(got[:, 1], 1.0 * 0.95 ** np.arange(5))
    per_group = lrs_over_epochs(LambdaLR(two_group_sgd(), [lambda e: e + 1, lambda e: 1 / (e + 1)]), 3)
    np.testing.assert_allclose(per_group, [[0.1, 1.0], [0.2, 0.5], [0.3, 1 / 3]])
    with pytest.raises(ValueError, match="expected 2 lr_lambdas"):
        LambdaLR(two_group_sgd(), [lambda e: 1.0])


def test_lambda_lr_applies_epoch_zero_at_once():
    opt = two_group_sgd()
    LambdaLR(opt, lambda e: 0.5)
    assert [g["lr"] for g in opt.param_groups] == [0.05, 0.5]


def test_multistep_lr_multiplies_at_each_milestone():
    got = lrs_over_epochs(MultiStepLR(two_group_sgd(), milestones=[4, 2], gamma=0.1), 6)[:, 0]
    np.testing.assert_allclose(got, [0.1, 0.1, 0.01, 0.01, 0.001, 0.001])


def test_linear_lr_ramps_from_start_factor_then_holds():
    got = lrs_over_epochs(LinearLR(two_group_sgd(), start_factor=0.25, end_factor=1.0, total_iters=3), 6)[:, 0]
    np.testing.assert_allclose(got, [0.025, 0.05, 0.075, 0.1, 0.1, 0.1])
    defaults = lrs_over_epochs(LinearLR(two_group_sgd()), 7)[:, 0]       # start 1/3, 5 iterations
    np.testing.assert_allclose(defaults, 0.1 * (1 / 3 + (2 / 3) * np.minimum(np.arange(7), 5) / 5))


def one_cycle_reference(step, total, max_lr, pct_start=0.3, div=25.0, final_div=1e4, anneal_strategy="cos",
                        three_phase=False):
    """PyTorch's documented 1cycle: phases end at pct·total - 1 (2·pct·total - 2) and total - 1."""
    initial, low, pct = max_lr / div, max_lr / div / final_div, pct_start
    if three_phase:
        phases = [(pct * total - 1, initial, max_lr), (2 * pct * total - 2, max_lr, initial), (total - 1, initial, low)]
    else:
        phases = [(pct * total - 1, initial, max_lr), (total - 1, max_lr, low)]
    start = 0.0
    for i, (end, a, b) in enumerate(phases):
        if step <= end or i == len(phases) - 1:
            p = (step - start) / (end - start)
            return b + (a - b) / 2 * (math.cos(math.pi * p) + 1) if anneal_strategy == "cos" else a + (b - a) * p
        start = end


@pytest.mark.parametrize("kwargs", [{}, {"anneal_strategy": "linear"}, {"three_phase": True}, {"pct_start": 0.5}],
                         ids=["cos", "linear", "three-phase", "half"])
def test_one_cycle_lr_follows_the_documented_phases(kwargs):
    opt = two_group_sgd()
    sched = OneCycleLR(opt, max_lr=[1.0, 2.0], total_steps=20, **kwargs)
    got = lrs_over_epochs(sched, 20)
    for step in range(20):
        assert got[step, 0] == pytest.approx(one_cycle_reference(step, 20, 1.0, **kwargs))
        assert got[step, 1] == pytest.approx(one_cycle_reference(step, 20, 2.0, **kwargs))
    assert got[0, 0] == pytest.approx(1.0 / 25) and got[:, 0].max() <= 1.0
    with pytest.raises(ValueError, match="tried to step 21 times; the schedule has total_steps=20"):
        sched.step()


def test_one_cycle_lr_cycles_sgd_momentum_and_adam_beta1_opposite_to_the_lr():
    sgd = optim.SGD([tg.tensor(np.zeros(1), requires_grad=True)], lr=0.1)
    sched = OneCycleLR(sgd, max_lr=1.0, epochs=2, steps_per_epoch=5)
    momenta = []
    for _ in range(10):
        momenta.append(sgd.param_groups[0]["momentum"])
        sched.step()
    assert momenta[0] == pytest.approx(0.95) and min(momenta) == pytest.approx(0.85)
    assert np.argmin(momenta) == np.argmax([one_cycle_reference(s, 10, 1.0) for s in range(10)]) == 2
    adam = optim.Adam([tg.tensor(np.zeros(1), requires_grad=True)])
    OneCycleLR(adam, max_lr=0.01, total_steps=10)
    assert adam.param_groups[0]["betas"] == (0.95, 0.999)
    with pytest.raises(ValueError, match="cycle_momentum=True needs an optimizer with momentum or betas"):
        OneCycleLR(optim.Adagrad([tg.tensor(np.zeros(1), requires_grad=True)]), max_lr=0.1, total_steps=10)
    with pytest.raises(ValueError, match="give total_steps, or epochs and steps_per_epoch"):
        OneCycleLR(two_group_sgd(), max_lr=0.1)


def test_sequential_lr_restarts_each_scheduler_at_its_milestone():
    """Warm-up LinearLR for 2 epochs, then ExponentialLR from the initial lr (PyTorch's SequentialLR)."""
    opt = two_group_sgd()
    warmup = LinearLR(opt, start_factor=0.1, total_iters=2)
    decay = ExponentialLR(opt, gamma=0.5)
    got = lrs_over_epochs(SequentialLR(opt, [warmup, decay], milestones=[2]), 6)[:, 0]
    np.testing.assert_allclose(got, [0.01, 0.055, 0.1, 0.05, 0.025, 0.0125])


def test_sequential_lr_checks_its_arguments():
    opt = two_group_sgd()
    with pytest.raises(ValueError, match="2 schedulers need 1 milestones, got 2"):
        SequentialLR(opt, [StepLR(opt, 1), StepLR(opt, 1)], milestones=[1, 2])
    with pytest.raises(ValueError, match=r"schedulers\[0\] belongs to another optimizer"):
        SequentialLR(opt, [StepLR(two_group_sgd(), 1)], milestones=[])
    with pytest.raises(TypeError, match="ReduceLROnPlateau watches a metric"):
        SequentialLR(opt, [ReduceLROnPlateau(opt)], milestones=[])


def test_a_second_scheduler_reads_the_initial_lr_not_the_first_ones_value():
    opt = two_group_sgd()
    LinearLR(opt, start_factor=0.5, total_iters=4)           # sets lr to 0.05 at once
    second = StepLR(opt, step_size=1, gamma=1.0)
    assert second.base_lrs == [0.1, 1.0]


def test_resuming_with_last_epoch_needs_initial_lr():
    with pytest.raises(ValueError, match=r"last_epoch=3 resumes a schedule, but param_groups\[0\] has no 'initial_lr'"):
        StepLR(two_group_sgd(), step_size=2, last_epoch=3)
    opt = two_group_sgd()
    StepLR(opt, step_size=2, gamma=0.5)
    resumed = StepLR(opt, step_size=2, gamma=0.5, last_epoch=3)            # continues at epoch 4
    assert resumed.get_last_lr() == pytest.approx([0.025, 0.25])


@pytest.mark.parametrize("name", ["LambdaLR", "MultiStepLR", "LinearLR", "OneCycleLR", "SequentialLR", "StepLR",
                                  "ExponentialLR", "CosineAnnealingLR"])
def test_schedulers_match_pytorch_when_it_is_installed(name):
    torch = pytest.importorskip("torch")
    makers = {
        "LambdaLR": lambda lr_s, o: lr_s.LambdaLR(o, lambda e: 1 / (e + 1)),
        "MultiStepLR": lambda lr_s, o: lr_s.MultiStepLR(o, milestones=[2, 5], gamma=0.3),
        "LinearLR": lambda lr_s, o: lr_s.LinearLR(o, start_factor=0.2, total_iters=4),
        "OneCycleLR": lambda lr_s, o: lr_s.OneCycleLR(o, max_lr=[0.5, 2.0], total_steps=12, three_phase=True),
        "SequentialLR": lambda lr_s, o: lr_s.SequentialLR(o, [lr_s.LinearLR(o, start_factor=0.5, total_iters=3),
                                                               lr_s.CosineAnnealingLR(o, T_max=5)], milestones=[3]),
        "StepLR": lambda lr_s, o: lr_s.StepLR(o, step_size=3, gamma=0.5),
        "ExponentialLR": lambda lr_s, o: lr_s.ExponentialLR(o, gamma=0.8),
        "CosineAnnealingLR": lambda lr_s, o: lr_s.CosineAnnealingLR(o, T_max=4, eta_min=0.01),
    }
    ours = two_group_sgd()
    ours.param_groups[0]["momentum"] = ours.param_groups[1]["momentum"] = 0.9
    theirs = torch.optim.SGD([{"params": [torch.zeros(2, requires_grad=True)], "lr": 0.1},
                              {"params": [torch.zeros(1, requires_grad=True)], "lr": 1.0}], momentum=0.9)
    mine, ref = makers[name](optim.lr_scheduler, ours), makers[name](torch.optim.lr_scheduler, theirs)
    for epoch in range(12):
        np.testing.assert_allclose([g["lr"] for g in ours.param_groups], [g["lr"] for g in theirs.param_groups],
                                   rtol=1e-12, err_msg=f"epoch {epoch}")
        np.testing.assert_allclose([g["momentum"] for g in ours.param_groups],
                                   [g["momentum"] for g in theirs.param_groups], rtol=1e-12)
        theirs.step()
        mine.step()
        ref.step()
