"""The convolutional and recurrent demos (issue 19) in their fast modes: each reaches the outcome it reports."""
import shutil

import pytest

from demos import digits_cnn, fashion_mnist_cnn, sequence_memory
from test_demos import PNG_SIGNATURE, needs_fashion_mnist


@pytest.mark.parametrize("demo", [fashion_mnist_cnn, digits_cnn, sequence_memory])
def test_demo_has_help(demo, capsys):
    with pytest.raises(SystemExit) as done:
        demo.main(["--help"])
    assert done.value.code == 0
    assert f"python -m demos.{demo.__name__.split('.')[-1]}" in capsys.readouterr().out


@needs_fashion_mnist
def test_fashion_mnist_cnn_learns_on_a_subset_and_draws_its_layers(tmp_path, capsys):
    result = fashion_mnist_cnn.main(["--train-samples", "1024", "--test-samples", "500", "--out", str(tmp_path),
                                     "--verbose", "0"])
    out = capsys.readouterr().out
    assert "Total params: 34,826" in out
    assert result["test_accuracy"] > 0.25                         # 8 steps from chance (0.1)
    assert result["history"]["loss"][0] < 2.3026                  # below log(10), the loss of a uniform guess
    assert result["learning_curve"].read_bytes().startswith(PNG_SIGNATURE)
    if shutil.which("dot"):
        assert "conv2d 3x3" in result["loss_graph"].read_text()


def test_digits_convnet_beats_090(capsys):
    assert digits_cnn.main([])["test_accuracy"] > 0.9


def test_sequence_memory_lstm_carries_the_first_symbol_across_20_steps_where_simple_rnn_stays_at_chance(capsys):
    """The demo's default run (fixed seed): the LSTM classifies the test sequences, the SimpleRNN guesses."""
    result = sequence_memory.main([])
    assert result["LSTM"] >= 0.9 and result["SimpleRNN"] <= 0.4
    assert result["LSTM"] - result["SimpleRNN"] >= 0.5
    assert min(result["history"]["SimpleRNN"]["loss"]) > 1.3          # stuck near log 4 = 1.386
    assert result["history"]["LSTM"]["loss"][-1] < 0.1


def test_sequence_memory_both_recurrent_layers_learn_a_short_memory(capsys):
    """At 4 steps the first symbol is within reach of both layers: each classifies every test sequence,
    so the SimpleRNN's failure above is the length of the dependency, not the task."""
    result = sequence_memory.main(["--steps", "4", "--epochs", "5"])
    assert result["SimpleRNN"] > 0.95 and result["LSTM"] > 0.95


def test_fashion_mnist_cnn_full_recipe_is_the_batch_normalized_convnet_with_a_decaying_adam():
    model = fashion_mnist_cnn.build_bn_model()
    assert model.count_params() == 422_026 and len(model.non_trainable_weights) == 4      # moving mean, variance
    adam = fashion_mnist_cnn.optimizer_for("bn", steps_per_epoch=430)
    rate = adam.defaults["lr"]
    assert rate(0) == 0.001 and abs(rate(430 * 4) - 0.001 * fashion_mnist_cnn.DECAY_PER_EPOCH ** 4) < 1e-12
    assert fashion_mnist_cnn.optimizer_for("classic", 430).defaults["lr"] == 0.001
