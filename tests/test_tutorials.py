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


def run_dcgan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The DCGAN tutorial's globals; the determinism switch it sets is checked, then put back."""
    before = tg.are_deterministic_algorithms_enabled()
    g = run("dcgan_faces", tmp_path, monkeypatch)
    assert tg.are_deterministic_algorithms_enabled()
    tg.use_deterministic_algorithms(before)
    return g


def test_dcgan_trains_its_discriminator_and_generator(tmp_path, monkeypatch):
    g = run_dcgan(tmp_path, monkeypatch)
    real = g["real_batch"][0].numpy()
    assert real.shape == (16, 3, 64, 64) and real.min() >= -1 and real.max() <= 1     # Normalize((0.5,)*3, (0.5,)*3)
    fakes = g["img_list"][-1].numpy()
    assert fakes.shape == (64, 3, 64, 64) and np.abs(fakes).max() <= 1 and fakes.std() > 0   # Tanh's range
    # weights_init: N(0, 0.02) for every conv weight, N(1, 0.02) and 0 for batch norm's weight and bias
    for net, initial in ((g["netG"], g["initial_G"]), (g["netD"], g["initial_D"])):
        names = [name for name, _ in net.named_parameters()]
        value = {name: p.numpy() for name, p in zip(names, initial)}
        conv = np.concatenate([value[n].ravel() for n in names if value[n].ndim == 4])
        assert abs(conv.mean()) < 2e-3 and abs(conv.std() - 0.02) < 2e-3
        bn_weight = np.concatenate([value[n] for n in names if value[n].ndim == 1 and n.endswith("weight")])
        assert abs(bn_weight.mean() - 1) < 5e-3 and abs(bn_weight.std() - 0.02) < 5e-3
        assert all((value[n] == 0).all() for n in names if n.endswith("bias"))
        for p, p0 in zip(net.parameters(), initial):                     # every parameter was trained
            assert not np.allclose(p.detach().numpy(), p0.numpy())
    assert len(g["G_losses"]) == len(g["D_losses"]) == 8 and np.isfinite(g["G_losses"] + g["D_losses"]).all()
    D_x, D_G_z = g["D_xs"], g["D_G_z1s"]
    assert D_x[0] < D_x[1] < D_x[2] and D_x[-1] > D_x[0] + 0.2 and np.mean(D_x[4:]) > np.mean(D_x[:4])         # D learns the real images
    assert D_G_z[-1] < D_G_z[0] and g["D_losses"][-1] < g["D_losses"][0]          # and to reject G's


def _torch_copy(net, torch):
    """The same layers in PyTorch (the tutorial's Sequential, rebuilt from each layer's settings), same weights."""
    def layer(m):
        kind = type(m).__name__
        if kind in ("Conv2d", "ConvTranspose2d"):
            return getattr(torch.nn, kind)(m.in_channels, m.out_channels, m.kernel_size, m.stride, m.padding,
                                           bias=m.bias is not None)
        if kind == "BatchNorm2d":
            return torch.nn.BatchNorm2d(m.num_features)
        if kind == "LeakyReLU":
            return torch.nn.LeakyReLU(m.negative_slope, inplace=m.inplace)
        return torch.nn.ReLU(inplace=m.inplace) if kind == "ReLU" else getattr(torch.nn, kind)()
    copy = torch.nn.Sequential(*[layer(m) for m in net.main])
    copy.load_state_dict({k: torch.tensor(np.asarray(v)) for k, v in net.main.state_dict().items()})
    return copy


def _dcgan_iteration(lib, netD, netG, optimizerD, optimizerG, real, noise):
    """One iteration of the tutorial's training loop, written once for tensorgrad and PyTorch alike."""
    criterion = lib.nn.BCELoss()
    netD.zero_grad()
    label = lib.full((real.shape[0],), 1., dtype=lib.float)
    output = netD(real).view(-1)
    errD_real = criterion(output, label)
    errD_real.backward()
    fake = netG(noise)
    label.fill_(0.)
    output_fake = netD(fake.detach()).view(-1)
    errD_fake = criterion(output_fake, label)
    errD_fake.backward()
    D_grads = [p.grad.numpy().copy() for p in netD.parameters()]
    optimizerD.step()
    netG.zero_grad()
    label.fill_(1.)
    output_G = netD(fake).view(-1)
    errG = criterion(output_G, label)
    errG.backward()
    G_grads = [p.grad.numpy().copy() for p in netG.parameters()]
    optimizerG.step()
    values = [x.item() for x in (errD_real, errD_fake, errG, output.mean(), output_fake.mean(), output_G.mean())]
    return values, D_grads, G_grads


def test_dcgan_iterations_match_pytorch(tmp_path, monkeypatch):
    """Two iterations of the tutorial's loop from its trained networks, against PyTorch with the same weights,
    images and noise: the losses, D(x), D(G(z)), every gradient, Adam's first step and the running statistics."""
    torch = pytest.importorskip("torch")
    g = run_dcgan(tmp_path, monkeypatch)
    nets = {"tg": (g["netD"].main, g["netG"].main)}
    nets["torch"] = tuple(_torch_copy(net, torch) for net in (g["netD"], g["netG"]))
    assert [repr(net) for net in nets["tg"]] == [repr(net) for net in nets["torch"]]     # print(netD), print(netG)
    rng = np.random.default_rng(1)
    batches = [(g["dataset"][i][0].numpy()[None].repeat(4, 0) * rng.uniform(0.5, 1, (4, 1, 1, 1)),
                rng.normal(size=(4, g["nz"], 1, 1))) for i in range(2)]
    results, before, after = {}, {}, {}
    for name, lib in (("tg", tg), ("torch", torch)):
        netD, netG = nets[name]
        optimizers = [lib.optim.Adam(net.parameters(), lr=0.0002, betas=(0.5, 0.999)) for net in (netD, netG)]
        weights = lambda: [np.array(p.detach().numpy()) for net in (netD, netG) for p in net.parameters()]
        results[name], before[name] = [], weights()
        for real, noise in batches:
            results[name].append(_dcgan_iteration(lib, netD, netG, *optimizers, lib.tensor(real.astype(np.float32)),
                                                  lib.tensor(noise.astype(np.float32))))
            after.setdefault(name, weights())                                        # after the first step
    (values, D_grads, G_grads), (values2, _, _) = results["tg"]
    (ref_values, ref_D_grads, ref_G_grads), (ref_values2, _, _) = results["torch"]
    np.testing.assert_allclose(values, ref_values, rtol=1e-4, atol=1e-6)                 # losses, D(x), D(G(z))
    for a, b in zip(D_grads + G_grads, ref_D_grads + ref_G_grads):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-4 * np.abs(b).max())
    # Adam's first step is lr·sign(gradient): equal wherever the gradient is clearly not zero
    for p0, p1, q1, b in zip(before["tg"], after["tg"], after["torch"], ref_D_grads + ref_G_grads):
        clear = np.abs(b) > 1e-3 * np.abs(b).max()
        np.testing.assert_allclose((p1 - p0)[clear], (q1 - p0)[clear], rtol=1e-3, atol=1e-8)
    np.testing.assert_allclose(values2, ref_values2, rtol=2e-3, atol=1e-5)               # the second iteration
    for net, copy in zip(nets["tg"], nets["torch"]):                                 # running statistics
        for key, value in net.state_dict().items():
            if "running" in key or "num_batches" in key:
                np.testing.assert_allclose(np.asarray(value), copy.state_dict()[key].numpy(), rtol=1e-3, atol=1e-5,
                                           err_msg=key)


def test_cifar10_classifier_learns_and_round_trips(tmp_path, monkeypatch):
    g = run("cifar10_classifier", tmp_path, monkeypatch)
    history = g["history"]
    assert len(history) == 10 and history[-1] < history[0] / 2                 # the running loss falls
    assert g["total"] == 400 and g["correct"] / g["total"] > 0.5                # chance is 0.1
    assert sum(g["total_pred"].values()) == 400 and set(g["total_pred"].values()) == {40}
    assert sum(g["correct_pred"].values()) == g["correct"]                      # the two evaluations agree
    assert g["predictions"].dtype == tg.int64 and g["predictions"].shape == (4,)
    assert (tmp_path / "cifar_net.pth").is_file()                               # torch.save, then load_state_dict
    for p, q in zip(g["trained_net"].parameters(), g["net"].parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    images = tg.tensor(np.stack([g["testset"][i][0].numpy() for i in range(8)]))
    np.testing.assert_array_equal(g["net"](images).detach().numpy(), g["trained_net"](images).detach().numpy())


def test_tensorflow_dcgan_trains_with_two_tapes(tmp_path, monkeypatch):
    g = run("tf_dcgan", tmp_path, monkeypatch)
    generator, discriminator = g["generator"], g["discriminator"]
    # the tutorial's model summaries: 2,330,944 parameters (2,305,472 trainable) and 212,865
    assert generator.count_params() == 2330944 and discriminator.count_params() == 212865
    assert sum(int(np.prod(v.shape)) for v in generator.trainable_variables) == 2305472
    leaky = [m for model in (generator, discriminator) for m in model.layers if type(m).__name__ == "LeakyReLU"]
    assert len(leaky) == 5 and all(m.negative_slope == pytest.approx(0.3) for m in leaky)      # Keras's default
    assert g["generated_image"].shape == (1, 28, 28, 1) and g["decision"].shape == (1, 1)
    gen_losses, disc_losses, D_real = (list(column) for column in zip(*g["history"]))
    assert len(D_real) == 8 and np.isfinite(gen_losses + disc_losses).all()
    assert D_real[0] < D_real[1] < D_real[2] and D_real[-1] > D_real[0] + 0.1   # D learns the real strokes
    assert disc_losses[-1] < disc_losses[0]
    for model, initial in ((generator, g["initial_generator"]), (discriminator, g["initial_discriminator"])):
        for v, v0 in zip(model.trainable_variables, initial):                   # both tapes' updates landed
            assert not np.allclose(np.asarray(v.detach()), v0)
    import matplotlib.image
    for epoch in (1, 2):
        assert matplotlib.image.imread(tmp_path / f"image_at_epoch_{epoch:04d}.png").ndim == 3
