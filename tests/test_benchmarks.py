"""Every benchmark runs on a tiny size and reports its table (benchmarks are never timed tests)."""
from benchmarks import run_all


def test_every_benchmark_runs_quick_and_the_report_has_each_table(tmp_path):
    text = run_all.main(["--quick", "--out", str(tmp_path / "RESULTS.md")]).read_text()
    assert text.startswith("# Benchmark results") and text.count("\n## ") == 4
    for expected in ("| numpy |", "| tensorgrad |", "| fit |", "fit / tensorgrad loop",
                     "backward per node", "RSS after 120 steps", "peak allocation of one step"):
        assert expected in text
