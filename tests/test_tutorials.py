"""PyTorch's beginner tutorials, translated only in their imports (tests/tutorials/), run as scripts; each
test checks what the tutorial shows: the loss falls, gradients equal their closed forms, numbers equal a
numpy reference, files round-trip."""
from __future__ import annotations

import math
import random
import runpy
import warnings
from pathlib import Path

import numpy as np
import pytest

import tensorgrad as tg

TUTORIALS = Path(__file__).parent / "tutorials"


def run(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """Run tests/tutorials/<name>.py in an empty directory with fixed seeds; its globals afterwards."""
    monkeypatch.chdir(tmp_path)
    tg.manual_seed(0)
    random.seed(0)
    np.random.seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return runpy.run_path(str(TUTORIALS / f"{name}.py"), run_name="__main__")


def polynomial_descent(start: list[float], steps: int = 2000, lr: float = 1e-6) -> tuple[np.ndarray, list[float]]:
    """The warm-up's gradient descent on a + bx + cx² + dx³ in float64 numpy: the reference trajectory."""
    x = np.linspace(-math.pi, math.pi, 2000)
    y = np.sin(x)
    w = np.array(start, dtype=np.float64)
    powers = np.stack([x ** k for k in range(4)])
    losses = []
    for _ in range(steps):
        err = w @ powers - y
        losses.append(float(err @ err))
        w -= lr * (powers @ (2 * err))
    return w, losses


def test_numpy_warmup_fits_the_sine(tmp_path, monkeypatch):
    g = run("examples_numpy_warmup", tmp_path, monkeypatch)
    assert g["losses"][-1] < 20 < g["losses"][0]


@pytest.mark.parametrize("name", ["examples_tensors", "examples_autograd"])
def test_tensor_and_autograd_examples_follow_the_numpy_trajectory(name, tmp_path, monkeypatch):
    g = run(name, tmp_path, monkeypatch)
    coefficients, losses = polynomial_descent(g["start"])
    np.testing.assert_allclose(g["losses"], losses, rtol=2e-3)
    np.testing.assert_allclose([g[k].item() for k in "abcd"], coefficients, rtol=2e-3, atol=1e-5)
    assert g["losses"][-1] < g["losses"][0]


def test_custom_autograd_function_legendre_fit(tmp_path, monkeypatch):
    g = run("examples_custom_function", tmp_path, monkeypatch)
    assert g["losses"][-1] < 10 < g["losses"][0]           # the tutorial prints about 8.9 at step 1999
    P3 = g["LegendrePolynomial3"].apply
    x = tg.tensor([0.3, -0.7], dtype=tg.float64, requires_grad=True)
    P3(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1.5 * (5 * np.array([0.3, -0.7]) ** 2 - 1))


@pytest.mark.parametrize("name, final", [("examples_nn", 20), ("examples_optim", 15), ("examples_custom_module", 50)])
def test_nn_optim_and_custom_module_examples_fit(name, final, tmp_path, monkeypatch):
    g = run(name, tmp_path, monkeypatch)
    assert g["losses"][-1] < final and g["losses"][-1] < g["losses"][0] / 10


def test_dynamic_net_loss_falls(tmp_path, monkeypatch):
    g = run("examples_dynamic_net", tmp_path, monkeypatch)
    assert np.mean(g["losses"][-100:]) < np.mean(g["losses"][:100])


def test_tensors_tutorial(tmp_path, monkeypatch):
    g = run("tensors_basics", tmp_path, monkeypatch)
    assert g["x_data"].dtype == tg.int64 and g["x_rand"].dtype == tg.float32
    assert g["t1"].shape == (4, 12)
    np.testing.assert_array_equal(g["y1"].numpy(), g["y3"].numpy())
    np.testing.assert_array_equal(g["z1"].numpy(), g["z3"].numpy())
    assert g["agg_item"] == 12.0 and isinstance(g["agg_item"], float)
    np.testing.assert_array_equal(g["tensor"].numpy()[:, 1], 5.0)       # column 1 zeroed, then add_(5)
    np.testing.assert_array_equal(g["n"], 2.0)                          # np.add(n, 1, out=n) seen by t
    np.testing.assert_array_equal(g["t"].numpy(), 2.0)


def test_autograd_tutorial_gradients_equal_closed_forms(tmp_path, monkeypatch):
    g = run("autograd_tutorial", tmp_path, monkeypatch)
    x, w, b, y = (np.asarray(g[k].detach().numpy(), np.float64) for k in "xwby")
    z = x @ w + b
    dz = (1 / (1 + np.exp(-z)) - y) / 3                                  # d mean BCE-with-logits / dz
    np.testing.assert_allclose(g["w"].grad.numpy(), np.outer(x, dz), rtol=1e-5)
    np.testing.assert_allclose(g["b"].grad.numpy(), dz, rtol=1e-5)
    assert not g["z_no_grad"].requires_grad and not g["z_det"].requires_grad
    expected = 2 * (np.eye(4, 5) + 1)                                   # d Σ (inp + 1)² / d inp
    np.testing.assert_allclose(g["first_call"].numpy(), expected)
    np.testing.assert_allclose(g["second_call"].numpy(), 2 * expected)  # gradients accumulate
    np.testing.assert_allclose(g["inp"].grad.numpy(), expected)         # after zero_()


def test_autograd_blitz(tmp_path, monkeypatch):
    g = run("autograd_blitz", tmp_path, monkeypatch)
    assert g["a_matches"] and g["b_matches"]
    assert (g["a_requires"], g["b_requires"]) == (False, True)
    assert g["trainable"] == ["2.weight", "2.bias"]
    np.testing.assert_allclose(g["x_grad"].numpy(), 4.5)               # d mean(3 (x + 2)²) / dx at 1
    scale = (g["vjp_y"].detach().numpy() / g["vjp_x"].detach().numpy())[0]
    np.testing.assert_allclose(g["vjp_grad"].numpy(), scale * np.array([0.1, 1.0, 0.0001]), rtol=1e-6)
    assert g["no_grad_requires"] is False


def test_build_model_tutorial(tmp_path, monkeypatch):
    g = run("build_model", tmp_path, monkeypatch)
    assert g["device"] == "cpu"
    assert g["logits"].shape == (3, 10)
    np.testing.assert_allclose(g["pred_probab"].detach().numpy().sum(1), 1.0, rtol=1e-6)
    names = [name for name, _ in g["model"].named_parameters()]
    assert names == [f"linear_relu_stack.{i}.{p}" for i in (0, 2, 4) for p in ("weight", "bias")]
    assert g["model"].linear_relu_stack[0].weight.shape == (512, 784)
    assert "Linear(in_features=784, out_features=512, bias=True)" in repr(g["model"])


def test_optimization_loop_learns(tmp_path, monkeypatch):
    g = run("optimization_loop", tmp_path, monkeypatch)
    losses, accuracies = zip(*g["history"])
    assert losses[-1] < losses[0] and accuracies[-1] > 0.6


def test_save_and_load_round_trips(tmp_path, monkeypatch):
    g = run("save_load", tmp_path, monkeypatch)
    assert g["same_output"] is True
    assert "state_dict" in g["whole_model_error"]
    for p, q in zip(g["model"].parameters(), g["model3"].parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    assert g["epoch"] == 5 and g["loss"] == 0.4
    assert g["optimizer3"].state_dict()["state"].keys() == g["optimizer"].state_dict()["state"].keys()


def test_what_is_torch_nn_really(tmp_path, monkeypatch):
    g = run("nn_really", tmp_path, monkeypatch)
    assert g["scratch_end_loss"] < g["scratch_start_loss"] / 10
    assert g["functional_loss"] == pytest.approx(g["scratch_end_loss"], rel=1e-4)   # F.cross_entropy = nll(log_softmax)
    for key in ("module_loss", "linear_loss", "optim_loss", "dataset_loss", "dataloader_loss"):
        assert g[key] < 0.5, key
    assert g["validation_losses"][-1] < g["validation_losses"][0]
    for key in ("fit_history", "cnn_history", "sequential_history", "wrapped_history"):
        assert g[key][-1] < g[key][0], key


def test_defining_a_neural_network(tmp_path, monkeypatch):
    g = run("defining_network", tmp_path, monkeypatch)
    assert g["result"].shape == (1, 10)
    np.testing.assert_allclose(np.exp(g["result"].detach().numpy()).sum(), 1.0, rtol=1e-5)


def test_zeroing_gradients_recipe_trains(tmp_path, monkeypatch):
    g = run("zeroing_gradients", tmp_path, monkeypatch)
    assert g["epoch_losses"][1] < g["epoch_losses"][0]


def test_warmstarting_loads_the_shared_layers(tmp_path, monkeypatch):
    g = run("warmstarting", tmp_path, monkeypatch)
    assert g["result"].missing_keys == [] and g["result"].unexpected_keys == []
    for p, q in zip(g["netA"].parameters(), g["netB"].parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    assert g["partial"].missing_keys == ["fc4.weight", "fc4.bias"]
    np.testing.assert_array_equal(g["netC"].conv1.weight.detach().numpy(), g["netA"].conv1.weight.detach().numpy())


def test_custom_dataset_and_dataloader(tmp_path, monkeypatch):
    g = run("custom_dataset", tmp_path, monkeypatch)
    features, labels = g["train_features"], g["train_labels"]
    assert features.shape == (8, 1, 28, 28) and features.dtype == tg.float32 and labels.dtype == tg.int64
    np.testing.assert_allclose(features.numpy()[:, 0, 0, 0], labels.numpy() / 255, rtol=1e-6)
    assert g["img"].shape == (28, 28)


def test_neural_networks_blitz_manual_update_through_data(tmp_path, monkeypatch):
    g = run("neural_networks_blitz", tmp_path, monkeypatch)
    assert g["out"].shape == (1, 10) and len(g["params"]) == 10 and g["params"][0].shape == (6, 1, 5, 5)
    # f.data.sub_(f.grad.data * lr) updated every parameter in place, outside the graph (before the SGD step)
    for before, grad, after in zip(g["before"], g["grads"], g["after_manual"]):
        np.testing.assert_allclose(after.numpy(), before.numpy() - grad.numpy() * np.float32(0.01), rtol=1e-6, atol=1e-8)
        assert not after.requires_grad
    assert all(p.requires_grad and p.is_leaf for p in g["net"].parameters())
    assert g["bias_grad"].shape == (6,)
    assert g["final_loss"] < g["manual_loss"]                       # the optimizer's step lowers the loss too
    assert g["loss"].grad_fn.name() == "MeanBackward0"


def _fashion_mnist_present() -> bool:
    from nn.datasets import IDX_FILES, fashion_mnist
    return any(d is not None and all((d / f).is_file() for f in IDX_FILES) for d, _ in fashion_mnist.search_dirs())


@pytest.mark.skipif(not _fashion_mnist_present(), reason="Fashion-MNIST not installed (apt-get install "
                                                          "dataset-fashion-mnist); tests never download")
def test_quickstart_on_fashion_mnist(tmp_path, monkeypatch):
    g = run("quickstart", tmp_path, monkeypatch)
    X, y = g["first_batch"]
    assert X.shape == (64, 1, 28, 28) and X.dtype == tg.float32 and y.dtype == tg.int64
    (loss_before, accuracy_before), (loss_after, accuracy_after) = g["history"]
    assert loss_after < loss_before and accuracy_after > 0.4
    assert g["predicted"] in g["classes"] and g["actual"] == g["classes"][int(g["y"])]
    assert (tmp_path / "model.pth").is_file()


@pytest.mark.skipif(not _fashion_mnist_present(), reason="Fashion-MNIST not installed (apt-get install "
                                                          "dataset-fashion-mnist); tests never download")
def test_datasets_and_transforms_on_fashion_mnist(tmp_path, monkeypatch):
    g = run("datasets_and_transforms", tmp_path, monkeypatch)
    assert g["train_features"].shape == (64, 1, 28, 28) and g["train_labels"].shape == (64,)
    assert 0.0 <= g["train_features"].numpy().min() and g["train_features"].numpy().max() <= 1.0   # ToTensor scales
    assert g["img"].shape == (28, 28) and isinstance(g["label"].item(), int)
    raw_label = g["training_data"][0][1]
    np.testing.assert_array_equal(g["first_target"].numpy(), np.eye(10)[raw_label])              # one-hot by scatter_
    np.testing.assert_array_equal(g["first_image"].numpy(), g["training_data"][0][0].numpy())
