"""Wrong gradients never pass silently: version counters, anomaly mode, seeding."""
import subprocess
import sys
import threading

import numpy as np
import pytest

import nn
import optim
import tensorgrad as tg


def test_backward_after_an_in_place_change_of_a_saved_input_names_op_and_versions():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    x = tg.tensor([3.0, 4.0], requires_grad=True)
    loss = (w * x).sum()
    with tg.no_grad():
        w -= 0.1                           # e.g. an optimizer step before backward
    with pytest.raises(RuntimeError, match=r"mul: input 0 .*version is 1, it was 0"):
        loss.backward()


def _dense_and_batch():
    layer = nn.Dense(1, input_dim=2, use_bias=False)      # one op (Dense's fused linear) saves the weight
    x = tg.tensor(np.array([[1.0, 2.0], [-3.0, -1.0]], dtype=np.float32))
    return layer, x


def test_optimizer_step_between_forward_and_backward_names_the_op_and_versions():
    layer, x = _dense_and_batch()
    opt = optim.SGD(layer.parameters(), lr=0.1)
    layer(x).sum().backward()               # gradients for a first step
    loss = layer(x).sum()                   # the graph saves the weight at version 0
    opt.step()                              # ... which the step changes in place (version 1)
    assert layer.weight._version == 1
    with pytest.raises(RuntimeError, match=r"linear: input 1 \(shape \(2, 1\)\).*version is 1, it was 0"):
        loss.backward()


def test_step_after_backward_is_the_right_order_and_counts_one_version_per_step():
    layer, x = _dense_and_batch()
    opt = optim.Adam(layer.parameters(), lr=0.1)
    for step in range(1, 4):
        opt.zero_grad()
        layer(x).sum().backward()
        opt.step()
        assert layer.weight._version == step


def test_set_weights_between_forward_and_backward_is_caught():
    layer, x = _dense_and_batch()
    loss = layer(x).sum()
    layer.set_weights([np.zeros((2, 1))])   # Parameter.load writes in place
    with pytest.raises(RuntimeError, match=r"linear: input 1 .*version is 1, it was 0"):
        loss.backward()


def test_plus_equals_while_recording_is_out_of_place_and_keeps_gradients_right():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    before = y
    y += 1.0                                # recording: a new tensor, the saved one is untouched
    assert y is not before and before._version == 0
    (y * y).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * (3 * x.data + 1) * 3)


def test_in_place_change_of_a_saved_output_is_caught():
    x = tg.tensor([0.5], requires_grad=True)
    y = x.exp()
    z = (y * 1.0).sum()
    with tg.no_grad():
        y += 1.0
    with pytest.raises(RuntimeError, match=r"exp: its output .* modified in place: its version is 1, it was 0"):
        (y * 2).sum().backward()
    del z


@pytest.mark.parametrize("make_view", [lambda t: t[:], lambda t: t.reshape(-1), lambda t: t.detach(),
                                       lambda t: t.T])
def test_in_place_change_through_a_view_is_caught(make_view):
    w = tg.tensor([0.5, 1.0], requires_grad=True)
    z = (w * 1.0).exp()                  # exp saves its output z
    v = make_view(z)
    with tg.no_grad():
        v += 10.0                        # changes z's memory through the view
    with pytest.raises(RuntimeError, match=r"exp: its output .* modified in place"):
        z.sum().backward()


def test_a_copy_made_by_advanced_indexing_does_not_share_the_version():
    w = tg.tensor([0.5, 1.0], requires_grad=True)
    z = (w * 1.0).exp()
    c = z[[0, 1]]                        # a copy: changing it cannot affect z
    with tg.no_grad():
        c += 10.0
    z.sum().backward()
    np.testing.assert_allclose(w.grad.data, np.exp([0.5, 1.0]), rtol=1e-6)


def test_in_place_change_of_an_output_not_used_by_its_derivative_is_fine():
    x = tg.tensor([0.5], requires_grad=True)
    y = x + 1.0
    with tg.no_grad():
        y *= 2.0
    (y * 3.0).sum().backward()
    assert x.grad.item() == 3.0


def test_anomaly_mode_names_the_op_and_the_user_line_for_a_forward_nan():
    x = tg.tensor([-1.0, 4.0], requires_grad=True)
    with tg.detect_anomaly():
        with np.errstate(invalid="ignore"):
            with pytest.raises(FloatingPointError, match=r"sqrt produced NaN .*test_safety.py:\d+ .*x.sqrt\(\)"):
                x.sqrt()
    with np.errstate(invalid="ignore"):
        assert np.isnan(x.sqrt().data[0])   # outside anomaly mode: numpy semantics


def test_anomaly_mode_catches_a_backward_inf():
    x = tg.tensor([0.0, 4.0], requires_grad=True)
    with tg.detect_anomaly():
        y = x.sqrt()                       # finite forward, infinite derivative at 0
        with np.errstate(divide="ignore"):
            with pytest.raises(FloatingPointError, match=r"backward of sqrt produced Inf .*y = x.sqrt\(\)"):
                y.sum().backward()


def test_anomaly_mode_is_per_thread_and_restored_after_an_error():
    x = tg.tensor([-1.0], requires_grad=True)
    seen = {}

    def worker():
        with np.errstate(invalid="ignore"):
            seen["worker"] = np.isnan(x.sqrt().data[0])   # main thread's anomaly mode does not apply here

    with tg.detect_anomaly():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        with np.errstate(invalid="ignore"), pytest.raises(FloatingPointError, match="sqrt"):
            x.sqrt()
    assert seen == {"worker": True}
    with np.errstate(invalid="ignore"):
        assert np.isnan(x.sqrt().data[0])                 # the error did not leave anomaly mode on


def test_anomaly_mode_in_a_model_names_the_op_and_the_user_line():
    layer, x = _dense_and_batch()
    layer.set_weights([np.array([[1.0], [1.0]])])
    with tg.detect_anomaly(), np.errstate(invalid="ignore"):
        z = layer(x)                        # [3, -4]
        with pytest.raises(FloatingPointError, match=r"log produced NaN .*test_safety.py:\d+ .*z.log\(\)"):
            z.log()


def _weights_after_seed(seed):
    tg.manual_seed(seed)
    return tg.random.spawn().normal(size=5), tg.random.default_rng().random(3)


def test_manual_seed_makes_random_choices_repeat_in_process():
    a = _weights_after_seed(7)
    b = _weights_after_seed(7)
    c = _weights_after_seed(8)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])


def test_manual_seed_repeats_across_processes():
    code = "import tensorgrad as tg; tg.manual_seed(3); print(tg.random.spawn().normal(size=3).tolist())"
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs[0] == runs[1] and runs[0].startswith("[")


def test_manual_seed_rejects_bad_seeds():
    with pytest.raises(ValueError, match="-1"):
        tg.manual_seed(-1)
