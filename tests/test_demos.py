"""Every demo runs in its fast mode and reaches the outcome it reports; nn.plot_history draws and writes
the learning curve. Each demo seeds tensorgrad itself (--seed), so every outcome here is deterministic."""
import shutil
import sys

import numpy as np
import pytest

import nn
from demos import (breast_cancer, fashion_mnist, linear_regression, mnist, perceptron, regression, train_loop,
                   two_inputs, xor)
from nn import plotting

HISTORY = {"loss": [1.2, 0.5, 0.4], "accuracy": [0.6, 0.8, 0.85], "val_loss": [0.8, 0.5, 0.45],
           "val_accuracy": [0.7, 0.8, 0.84]}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _fashion_mnist_available():
    try:
        nn.datasets.fashion_mnist.load_data(download=False)
    except nn.datasets.DatasetNotFoundError:
        return False
    return True


needs_fashion_mnist = pytest.mark.skipif(not _fashion_mnist_available(),
                                         reason="Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")


# ---------------------------------------------------------------------------------------- plot_history
def test_history_figure_draws_one_line_per_metric_against_epochs_from_1():
    figure = plotting.history_figure(HISTORY)
    lines = figure.axes[0].get_lines()
    assert [line.get_label() for line in lines] == list(HISTORY)
    for line, values in zip(lines, HISTORY.values()):
        np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
        np.testing.assert_array_equal(line.get_ydata(), values)
    assert figure.axes[0].get_ylim() == (0.0, pytest.approx(1.26))         # max(1, 1.05 * largest)


def test_plot_history_writes_a_png_atomically_from_a_history(tmp_path):
    history = nn.History()
    for epoch, logs in enumerate(zip(*HISTORY.values())):
        history.on_epoch_end(epoch, dict(zip(HISTORY, logs)))
    path = nn.plot_history(history, tmp_path / "curves" / "learning_curve")
    assert path == tmp_path / "curves" / "learning_curve.png"
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (800, 500)  # 8x5 in, 100 dpi
    assert [p.name for p in path.parent.iterdir()] == ["learning_curve.png"]   # no temporary file left


def test_plot_history_svg_is_deterministic(tmp_path):
    first = nn.plot_history(HISTORY, tmp_path / "a.svg").read_bytes()
    second = nn.plot_history(HISTORY, tmp_path / "b.svg").read_bytes()
    assert first.startswith(b"<?xml") and first == second


def test_plot_history_errors_name_the_problem(tmp_path):
    with pytest.raises(ValueError, match=r"plot_history: cannot write 'c.jpg'; give a path ending in .png"):
        nn.plot_history(HISTORY, tmp_path / "c.jpg")
    with pytest.raises(ValueError, match="nothing to draw"):
        nn.plot_history({"loss": []}, tmp_path / "c.png")
    with pytest.raises(ValueError, match=r"different numbers of epochs \{'loss': 2, 'accuracy': 1\}"):
        nn.plot_history({"loss": [1, 2], "accuracy": [0.5]}, tmp_path / "c.png")
    with pytest.raises(TypeError, match="the History that fit\\(\\) returns"):
        nn.plot_history([1, 2], tmp_path / "c.png")


def test_plot_history_without_matplotlib_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)           # makes the import fail
    with pytest.raises(ImportError, match=r"pip install tensorgrad\[demos\]"):
        nn.plot_history(HISTORY, tmp_path / "c.png")


# ---------------------------------------------------------------------------------------- demos
def test_every_demo_has_help(capsys):
    for demo in (fashion_mnist, train_loop, xor, linear_regression, perceptron, breast_cancer, two_inputs,
                 regression, mnist):
        with pytest.raises(SystemExit) as done:
            demo.main(["--help"])
        assert done.value.code == 0
        assert f"python -m demos.{demo.__name__.split('.')[-1]}" in capsys.readouterr().out


@needs_fashion_mnist
def test_fashion_mnist_one_epoch_beats_075_and_writes_its_pictures(tmp_path, capsys):
    result = fashion_mnist.main(["--epochs", "1", "--out", str(tmp_path), "--verbose", "0"])
    out = capsys.readouterr().out
    assert result["test_accuracy"] > 0.75
    assert "Total params: 266,610" in out and "0.8977" in out
    assert result["learning_curve"].read_bytes().startswith(PNG_SIGNATURE)
    if shutil.which("dot"):
        svg = result["loss_graph"].read_text()
        assert "<svg" in svg and "1.weight" in svg
    else:
        assert result["loss_graph"] is None and "skipped the loss graph" in out


@needs_fashion_mnist
def test_train_loop_loss_falls_and_classifies(capsys):
    result = train_loop.main(["--epochs", "2", "--train-samples", "10000"])
    assert result["train_loss"][1] < result["train_loss"][0]
    assert result["test_accuracy"] > 0.7


def test_xor_2_32_1_reaches_accuracy_1_and_the_deep_net_has_vanishing_gradients(capsys):
    result = xor.main(["--runs", "1", "--seed", "1"])
    assert result["shallow_accuracy"] == 1.0
    norms = result["deep_grad_norms"]
    assert len(norms) == 7 and norms[0] / norms[-1] < 1e-2
    assert norms == sorted(norms)                       # smaller at every layer further from the output


def test_linear_regression_is_under_trained_as_written_and_recovers_10_and_2(capsys):
    result = linear_regression.main([])
    assert all(9 < p < 13 for p in result["first_predictions"])
    np.testing.assert_allclose(result["w"], 10, atol=0.1)
    np.testing.assert_allclose(result["b"], 2, atol=0.1)
    np.testing.assert_allclose(result["predictions"], 22, atol=0.1)


def test_perceptron_separates_setosa(capsys):
    result = perceptron.main([])
    assert result["accuracy"] == 1.0 and result["epochs"] < 100


def test_breast_cancer_gradients_are_the_closed_forms_and_both_models_classify(capsys):
    result = breast_cancer.main(["--epochs", "20"])
    assert result["single_layer"]["params"] == 31 and result["dual_layer"]["params"] == 321
    for model in result.values():
        assert model["max_grad_diff"] < 1e-12
        assert model["last_loss"] < model["first_loss"]
        assert model["test_accuracy"] > 0.9


def test_two_input_model_loss_falls_and_it_uses_both_inputs(capsys):
    result = two_inputs.main(["--epochs", "10", "--samples", "3000"])
    loss = result["loss"]
    assert loss[-1] < 0.5 * loss[0]
    held_out = result["held_out"]
    assert held_out["both"] < min(held_out["a zeroed"], held_out["b zeroed"])


def test_regression_says_which_data_set_and_beats_the_mean(capsys):
    result = regression.main(["--epochs", "5"])
    assert result["dataset"] in capsys.readouterr().out
    assert result["r2"] > 0.2                           # better than predicting the mean (R² = 0)


def test_mnist_on_the_8x8_digits_beats_090(capsys):
    result = mnist.main(["--digits"])
    assert result["dataset"] == "8x8 digits" and result["test_accuracy"] > 0.9


def test_mnist_without_the_files_says_how_to_get_them(tmp_path, capsys):
    assert mnist.main(["--data-dir", str(tmp_path)]) == {"available": False}
    out = capsys.readouterr().out
    assert "--download" in out and "--digits" in out and str(tmp_path) in out
