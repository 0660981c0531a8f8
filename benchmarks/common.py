"""Shared helpers for the benchmarks: interleaved repetitions, min/median, the machine's BLAS."""
from __future__ import annotations

import platform
import statistics
import sys
import time
from typing import Callable

import numpy as np

from optim._update import axpy_available


def interleaved(candidates: dict[str, Callable[[], None]], repeats: int) -> dict[str, list[float]]:
    """Time each candidate once per round, round after round, so drift on a shared machine hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(repeats):
        for name, fn in candidates.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def summary(times: dict[str, list[float]], reference: str, unit: str = "s", scale: float = 1.0) -> str:
    """A Markdown table: min and median per candidate and the ratio of mins to ``reference``."""
    ref = min(times[reference])
    rows = [f"| candidate | min {unit} | median {unit} | min / {reference} |", "|---|---|---|---|"]
    for name, ts in times.items():
        rows.append(f"| {name} | {min(ts) * scale:.4g} | {statistics.median(ts) * scale:.4g} | {min(ts) / ref:.3f} |")
    return "\n".join(rows)


def machine() -> str:
    """CPU, Python, numpy, the BLAS library with its thread count (threadpoolctl when installed), and
    whether tensorgrad's optimizers update through that BLAS's axpy (else numpy's two passes)."""
    blas = "unknown BLAS"
    try:
        from threadpoolctl import threadpool_info
        infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        if infos:
            blas = ", ".join(f"{i['internal_api']} {i.get('version')} ({i['num_threads']} threads)" for i in infos)
    except ImportError:
        pass
    updates = "one-pass BLAS axpy" if axpy_available(np.float32) else "numpy multiply+add"
    torch = sys.modules.get("torch")
    peer = f" | pytorch {torch.__version__} ({torch.get_num_threads()} threads)" if torch is not None else ""
    return (f"{platform.machine()} {platform.processor() or ''} | Python {platform.python_version()} | "
            f"numpy {np.__version__} | {blas}{peer} | optimizer updates: {updates}")


def blas_threads() -> int | None:
    """Threads of numpy's BLAS (threadpoolctl when installed; OPENBLAS_NUM_THREADS sets it), else None."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    counts = [i["num_threads"] for i in threadpool_info() if i.get("user_api") == "blas"]
    return counts[0] if counts else None


def torch_or_none():
    """PyTorch when installed (the optional `bench` extra), else None; it runs on as many threads as numpy's
    BLAS, so a one-thread run compares one thread with one (PyTorch ignores OPENBLAS_NUM_THREADS)."""
    try:
        import torch
    except ImportError:
        return None
    threads = blas_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    return torch


def cache_line_aligned_copy(array: np.ndarray) -> np.ndarray:
    """A C-contiguous copy of ``array`` starting on a 64-byte boundary (a cache line): the hand-written
    numpy reference's best case, so its time does not depend on where the allocator put its weights."""
    raw = np.empty(array.nbytes + 64, dtype=np.uint8)
    start = -raw.ctypes.data % 64
    out = raw[start:start + array.nbytes].view(array.dtype).reshape(array.shape)
    out[...] = array
    return out
