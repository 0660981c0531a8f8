"""Run the reliability tests and write their counts into RELIABILITY.md.

    python scripts/reliability_report.py                 # CI profile (a few hundred fuzz programs)
    python scripts/reliability_report.py --hypothesis-profile=long

Each guarantee is shown by the tests whose node ids start with one of its selectors. Counted per
guarantee: test cases run (parametrized rows count one each), hypothesis examples and faults
injected (which tests report with pytest's ``record_property``). The table between the markers in
RELIABILITY.md is replaced; the rest of the file is left as written.
"""
from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "RELIABILITY.md"
BEGIN, END = "<!-- counts:begin -->", "<!-- counts:end -->"

# (guarantee, selectors: node-id prefixes of the tests that show it)
GUARANTEES: list[tuple[str, list[str]]] = [
    ("Random programs (5-30 ops, DAGs, broadcasting): gradients = finite differences (float64)",
     ["tests/test_fuzz.py::test_random_programs_have_gradients"]),
    ("Random programs: second derivatives = finite differences",
     ["tests/test_fuzz.py::test_random_programs_have_second_derivatives",
      "tests/test_higher_order.py"]),
    ("Random programs in float32: float32 gradients, equal to float64 ones",
     ["tests/test_fuzz.py::test_float32_program"]),
    ("Every op alone = finite differences (broadcast shapes drawn by hypothesis)",
     ["tests/test_ops_gradcheck.py"]),
    ("In-place changes (optimizer step, `+=`, set_weights) are caught at backward, naming op and versions",
     ["tests/test_safety.py::test_backward_after", "tests/test_safety.py::test_optimizer_step",
      "tests/test_safety.py::test_step_after", "tests/test_safety.py::test_set_weights",
      "tests/test_safety.py::test_plus_equals", "tests/test_safety.py::test_in_place",
      "tests/test_tensor.py::test_in_place"]),
    ("Anomaly mode names the op and the user's line; grad and anomaly modes are per thread",
     ["tests/test_safety.py::test_anomaly", "tests/test_tape.py::test_grad_mode_is_per_thread"]),
    ("Bad inputs raise a specific error naming the op/argument, shapes or value",
     ["tests/test_bad_inputs.py", "tests/test_optim_api.py::test_bad_hyperparameters",
      "tests/test_datasets.py::test_read_idx_names", "tests/test_datasets.py::test_read_idx_reports",
      "tests/test_nn_module.py::test_load_state_dict_reports", "tests/test_tape.py::test_shape_errors",
      "tests/test_tape.py::test_graph_is_freed_and_a_second_backward",
      "tests/test_tape.py::test_backward_on_a_non_scalar", "tests/test_safety.py::test_manual_seed_rejects"]),
    ("Checkpoints are atomic: a failed save keeps the previous file, leaves no partial one",
     ["tests/test_persistence.py::test_failed", "tests/test_persistence.py::test_model_checkpoint",
      "tests/test_persistence.py::test_save_load", "tests/test_persistence.py::test_checkpoint_file_mode"]),
    ("Special paths as torch.save treats them: symlinks written through; read-only, directory, FIFO and "
     "device paths refused and left unchanged; a replaced file keeps its mode; render never replaces your .dot",
     ["tests/test_persistence.py::test_save_writes_through", "tests/test_persistence.py::test_a_read_only",
      "tests/test_persistence.py::test_replacing", "tests/test_persistence.py::test_a_fifo",
      "tests/test_persistence.py::test_a_device", "tests/test_persistence.py::test_a_directory",
      "tests/test_persistence.py::test_a_regular_file", "tests/test_graph.py::test_render_writes_through",
      "tests/test_graph.py::test_render_without_dot_never", "tests/test_graph.py::test_render_without_dot_replaces",
      "tests/test_graph.py::test_a_lone_surrogate"]),
    ("Parameter and checkpoint names are unique or refused; load_state_dict is all or nothing and names the key",
     ["tests/test_state_dict.py", "tests/test_persistence.py::test_state_keys_named",
      "tests/test_serialization.py::test_what_cannot_be_saved"]),
    ("Hostile files (truncated, corrupt, oversized headers, gzip bombs, pickles): a clear error naming the "
     "file, memory bounded, never unpickled",
     ["tests/test_serialization.py::test_truncated", "tests/test_serialization.py::test_any_truncation",
      "tests/test_serialization.py::test_an_npz", "tests/test_serialization.py::test_a_pickle",
      "tests/test_serialization.py::test_real_torch", "tests/test_serialization.py::test_a_pytorch_zip",
      "tests/test_serialization.py::test_other_files", "tests/test_serialization.py::test_a_bfloat16",
      "tests/test_serialization.py::test_a_directory", "tests/test_datasets.py::test_a_gzip",
      "tests/test_datasets.py::test_read_idx_does_not_allocate"]),
    ("tg.save/tg.load round trips: every dtype, nested structures, safetensors and npz, file objects, "
     "PyTorch's layout, resumed training bit for bit",
     ["tests/test_serialization.py::test_everything", "tests/test_serialization.py::test_save_then",
      "tests/test_serialization.py::test_a_flat", "tests/test_serialization.py::test_nested",
      "tests/test_serialization.py::test_format", "tests/test_serialization.py::test_file_objects",
      "tests/test_serialization.py::test_big_endian", "tests/test_serialization.py::test_a_compressed",
      "tests/test_serialization.py::test_a_safetensors_file", "tests/test_serialization.py::test_following",
      "tests/test_serialization.py::test_a_pytorch_spelled", "tests/test_serialization.py::test_training_resumed",
      "tests/test_persistence.py::test_checkpoint_callback"]),
    ("Ctrl-C during fit leaves a usable model and whole epochs in History",
     ["tests/test_persistence.py::test_ctrl_c"]),
    ("manual_seed makes every random choice repeat, in one process and across processes",
     ["tests/test_determinism.py", "tests/test_safety.py::test_manual_seed_makes",
      "tests/test_safety.py::test_manual_seed_repeats"]),
    ("Stable at +-1e3, +-1e30 and tiny probabilities, float32 and float64: finite, correct values and gradients",
     ["tests/test_stability.py", "tests/test_tape.py::test_stable_at"]),
    ("No leaks: 2,000 steps hold memory flat; graphs freed by refcount; History holds floats",
     ["tests/test_leaks.py"]),
    ("numpy functions on Tensors run as tensorgrad ops (gradients = finite differences) or refuse clearly; "
     "never a silent detach; np.array(t) copies as numpy's copy= asks",
     ["tests/test_numpy_dispatch.py"]),
    ("Edge values as PyTorch: x ** p at 0, 0-d and empty reductions, one-way broadcast_to, transpose(0, 1) "
     "swaps, lists of tensors, numpy scalars keep the tensor's dtype, pickling keeps data not graph",
     ["tests/test_pow.py", "tests/test_torch_edge_cases.py", "tests/test_transpose.py"]),
    ("tg.tensor copies (an optimizer step never reaches the caller's array); from_numpy/as_tensor share",
     ["tests/test_memory_sharing.py"]),
    ("Custom ops are Functions as PyTorch writes them: one backward rule serves both passes (higher order "
     "for free), saved values are version-checked, backward passes in several threads accumulate exactly",
     ["tests/test_function.py"]),
    ("Training follows Keras's documented semantics; every argument checked before a weight changes; "
     "training mode per call and thread",
     ["tests/test_training_keras.py"]),
]


class Collector:
    """pytest plugin: outcome and recorded properties of every test that ran."""

    def __init__(self) -> None:
        self.outcomes: dict[str, str] = {}
        self.properties: dict[str, dict[str, float]] = defaultdict(dict)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or report.outcome != "passed":     # a setup/teardown error fails the test
            self.outcomes[report.nodeid] = report.outcome
        if report.when == "call":                                   # properties are recorded during the call
            for name, value in report.user_properties:
                self.properties[report.nodeid][name] = self.properties[report.nodeid].get(name, 0) + value


def _shown_by(selector: str) -> str:
    """`test_x.py` for a whole file, `test_x.py::test_prefix*` for the tests starting so."""
    name = selector.removeprefix("tests/")
    return f"`{name}*`" if "::" in name else f"`{name}`"


def _rows(collector: Collector) -> list[dict]:
    rows = []
    for guarantee, selectors in GUARANTEES:
        ids = [n for n in collector.outcomes if any(n.startswith(s) for s in selectors)]
        rows.append({
            "guarantee": guarantee,
            "tests": ", ".join(_shown_by(s) for s in selectors),
            "cases": len(ids),
            "passed": sum(collector.outcomes[n] == "passed" for n in ids),
            "examples": int(sum(collector.properties[n].get("hypothesis examples", 0) for n in ids)),
            "faults": int(sum(collector.properties[n].get("faults injected", 0) for n in ids)),
        })
    return rows


def _table(rows: list[dict], profile: str) -> str:
    lines = [f"Counts from the last run of `scripts/reliability_report.py` (hypothesis profile `{profile}`).", "",
             "| Guarantee | Shown by | Cases | Hypothesis examples | Faults injected | Passed |",
             "|---|---|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['guarantee']} | {r['tests']} | {r['cases']} | {r['examples'] or ''} | "
                     f"{r['faults'] or ''} | {r['passed']}/{r['cases']} |")
    total = {k: sum(r[k] for r in rows) for k in ("cases", "examples", "faults", "passed")}
    lines.append(f"| **Total** | | {total['cases']} | {total['examples']} | {total['faults']} | "
                 f"{total['passed']}/{total['cases']} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))          # this checkout's packages, not an installed copy
    profile = next((a.split("=", 1)[1] for a in argv if a.startswith("--hypothesis-profile=")), "ci")
    files = sorted({s.split("::")[0] for _, selectors in GUARANTEES for s in selectors})
    collector = Collector()
    code = pytest.main(["-q", "-p", "no:cacheprovider", f"--rootdir={ROOT}", *argv,
                        *[str(ROOT / f) for f in files]], plugins=[collector])
    table = _table(_rows(collector), profile)
    text = REPORT.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    REPORT.write_text(text[:start] + "\n" + table + "\n" + text[end:], encoding="utf-8")
    print(table)
    return int(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
