"""The convnet and LSTM benchmarks run on a tiny size and report their tables (never timed tests)."""
from benchmarks import cnn_epoch, lstm_epoch


def test_cnn_benchmark_runs_quick_and_reports_ratio_and_memory():
    text = cnn_epoch.main(["--quick"])
    assert "| tensorgrad |" in text and "peak allocation of one tensorgrad step" in text


def test_lstm_benchmark_runs_quick_and_reports_ratio_and_memory():
    text = lstm_epoch.main(["--quick"])
    assert "| tensorgrad |" in text and "peak allocation of one tensorgrad step" in text


def test_cnn_benchmark_models_compute_the_same_function():
    """The PyTorch model starts from the Keras model's weights: same outputs in eval mode (softmax of logits)."""
    import numpy as np
    import pytest
    torch = pytest.importorskip("torch")
    model = cnn_epoch.keras_convnet()
    x, _ = cnn_epoch.data(4)
    theirs = cnn_epoch.pytorch_model(torch, model).eval()
    model.eval()
    expected = torch.softmax(theirs(torch.from_numpy(x.transpose(0, 3, 1, 2).copy())), dim=-1).detach().numpy()
    np.testing.assert_allclose(model(x).numpy(force=True), expected, rtol=1e-4, atol=1e-5)
