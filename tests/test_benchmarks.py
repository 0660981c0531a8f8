"""Every benchmark runs on a tiny size and reports its table (benchmarks are never timed tests)."""
from benchmarks import run_all


def test_every_benchmark_runs_quick_and_the_report_has_each_table(tmp_path):
    text = run_all.main(["--quick", "--out", str(tmp_path / "RESULTS.md")]).read_text()
    assert text.startswith("# Benchmark results") and text.count("\n## ") == 6
    for expected in ("| numpy |", "| numpy-as-allocated |", "| tensorgrad |", "| fit |", "fit / tensorgrad loop",
                     "backward per node", "RSS after 120 steps", "peak allocation of one step",
                     "## Keras convnet training steps", "Keras MNIST convnet", "## LSTM training steps",
                     "peak allocation of one tensorgrad step"):
        assert expected in text


def test_the_mlp_benchmark_candidates_do_the_same_arithmetic():
    """The numpy reference and tensorgrad's loop and fit walk the same batches to the same weights, so the
    timing compares like with like."""
    import numpy as np

    from benchmarks import mlp_epoch
    x, y = mlp_epoch.data(256)
    weights = mlp_epoch.initial_weights()
    reference = [w.copy() for w in weights]
    mlp_epoch.numpy_epoch(reference, x, y, batch_size=32)
    loop_model = mlp_epoch.tensorgrad_model(weights)
    mlp_epoch.tensorgrad_loop(weights, x, y, 32, model=loop_model)()
    assert any(not np.allclose(a, b) for a, b in zip(reference, weights))      # training moved the weights
    for got, want in zip(loop_model.get_weights(), reference):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
