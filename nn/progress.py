"""Keras's per-epoch progress output.

verbose=1: a bar redrawn in place on a terminal (``1719/1719 [======] - 2s 1ms/step - loss: 0.71``);
on a pipe or CI log only the finished line is written, so logs carry no carriage-return garbage.
verbose=2: one line per epoch (``1719/1719 - 2s - loss: 0.71``). verbose=0: nothing.
"""
from __future__ import annotations

import sys
import time
from typing import IO, Mapping

BAR_WIDTH = 30
REDRAW_SECONDS = 0.1   # a terminal redraw at most this often, so printing never slows training


def format_logs(logs: Mapping[str, float]) -> str:
    """' - loss: 0.7143 - accuracy: 0.7633' in Keras's style (4 significant decimals)."""
    return "".join(f" - {k}: {v:.4f}" if abs(v) >= 1e-3 or v == 0 else f" - {k}: {v:.4e}" for k, v in logs.items())


def format_duration(seconds: float) -> str:
    """'2s', '15ms' or '250us', as Keras prints times."""
    if seconds >= 1:
        return f"{seconds:.0f}s"
    return f"{seconds * 1e3:.0f}ms" if seconds >= 1e-3 else f"{seconds * 1e6:.0f}us"


class ProgressBar:
    """Progress of one epoch of ``total`` steps, written to ``stream`` (stdout by default)."""

    def __init__(self, total: int, verbose: int = 1, stream: IO[str] | None = None) -> None:
        self.total = total
        self.verbose = verbose
        self.stream = stream or sys.stdout
        self.live = verbose == 1 and getattr(self.stream, "isatty", lambda: False)()
        self.start = time.perf_counter()
        self._last_draw = 0.0

    def update(self, step: int, logs: Mapping[str, float]) -> None:
        """Redraw the bar after ``step`` steps (only on a terminal, at most every REDRAW_SECONDS)."""
        if not self.live:
            return
        now = time.perf_counter()
        if now - self._last_draw < REDRAW_SECONDS and step < self.total:
            return
        self._last_draw = now
        elapsed = now - self.start
        eta = elapsed / max(step, 1) * (self.total - step)
        self.stream.write(f"\r{self._bar(step)} - ETA: {format_duration(eta)}{format_logs(logs)}")
        self.stream.flush()

    def finish(self, logs: Mapping[str, float]) -> None:
        """Write the epoch's final line with its time, time per step and all logs."""
        if self.verbose == 0:
            return
        elapsed = time.perf_counter() - self.start
        if self.verbose == 1:
            per_step = format_duration(elapsed / max(self.total, 1)).replace("s", "s/step", 1)
            line = f"{self._bar(self.total)} - {format_duration(elapsed)} {per_step}{format_logs(logs)}"
        else:
            width = len(str(self.total))
            line = f"{self.total:>{width}}/{self.total} - {format_duration(elapsed)}{format_logs(logs)}"
        prefix = "\r" if self.live else ""
        self.stream.write(prefix + line + "\n")
        self.stream.flush()

    def _bar(self, step: int) -> str:
        width = len(str(self.total))
        done = int(BAR_WIDTH * step / max(self.total, 1))
        arrow = ">" if step < self.total and done < BAR_WIDTH else ""
        bar = "=" * (done - (1 if arrow else 0)) + arrow
        return f"{step:>{width}}/{self.total} [{bar:.<{BAR_WIDTH}}]"
