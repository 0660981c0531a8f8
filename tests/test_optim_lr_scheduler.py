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
    np.testing.assert_allclose(w.data, [-1.75])


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
