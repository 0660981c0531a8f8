"""Keras's progress output (tf.keras 2's Progbar).

verbose=1: a bar redrawn in place on a terminal (``1719/1719 [======] - 2s 1ms/step - loss: 0.7143``);
on a pipe or CI log only the finished line is written, so logs carry no carriage returns and no
partial bars. verbose=2: one line per epoch (``1719/1719 - 2s - loss: 0.7143``). verbose=0: nothing.
"""
from __future__ import annotations

import sys
import time
from typing import IO, Mapping

import numpy as np

BAR_WIDTH = 30
REDRAW_SECONDS = 0.05   # a terminal redraw at most this often (Keras's interval), so printing never slows training


def format_value(value: float) -> str:
    """'0.7143', or '1.2340e-04' for magnitudes up to 1e-3 (Keras's rule, zero included); a metric with
    several values (one per threshold) shows their mean, as Keras's progress bar."""
    value = float(np.mean(value))
    return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"


def format_logs(logs: Mapping[str, float]) -> str:
    """' - loss: 0.7143 - accuracy: 0.7633', in the order of ``logs``."""
    return "".join(f" - {k}: {format_value(v)}" for k, v in logs.items())


def format_step_time(seconds: float) -> str:
    """Time per step as Keras prints it: '2s/step', '15ms/step' or '250us/step'."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/step"
    return f"{seconds * 1e3:.0f}ms/step" if seconds >= 1e-3 else f"{seconds * 1e6:.0f}us/step"


def format_eta(seconds: float) -> str:
    """'42s', '3:05' or '1:02:03', as Keras's ETA."""
    if seconds > 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds > 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(seconds)}s"


def is_live(stream: IO[str]) -> bool:
    """True when ``stream`` redraws a line on '\\r': a terminal, or a Jupyter kernel's output."""
    return bool(getattr(stream, "isatty", lambda: False)()) or "ipykernel" in sys.modules


class ProgressBar:
    """Progress of one epoch (or one evaluation) of ``total`` steps (None: not known until the end, when
    the caller sets it), written to ``stream`` (stdout)."""

    def __init__(self, total: int | None, verbose: int = 1, stream: IO[str] | None = None) -> None:
        self.total = total
        self.verbose = verbose
        self.stream = stream or sys.stdout
        self.live = verbose == 1 and is_live(self.stream)
        self.start = time.perf_counter()
        self._last_draw = 0.0
        self._drawn_width = 0   # width of the line currently on screen (0: none)

    def update(self, step: int, logs: Mapping[str, float]) -> None:
        """Redraw the bar after ``step`` steps (only when live, at most every REDRAW_SECONDS)."""
        if not self.live:
            return
        now = time.perf_counter()
        if now - self._last_draw < REDRAW_SECONDS:
            return
        self._last_draw = now
        if self.total is None:     # a generator of unknown length: Keras's "12/Unknown"
            self._draw(f"{step}/Unknown{format_logs(logs)}", end="")
            return
        eta = (now - self.start) / max(step, 1) * (self.total - step)
        self._draw(f"{self._bar(step)} - ETA: {format_eta(eta)}{format_logs(logs)}", end="")

    def finish(self, logs: Mapping[str, float]) -> None:
        """Write the final line: the time, the time per step (verbose=1) and every log."""
        if self.verbose == 0:
            return
        elapsed = time.perf_counter() - self.start
        if self.verbose == 1:
            timing = f"{elapsed:.0f}s {format_step_time(elapsed / max(self.total, 1))}"
            self._draw(f"{self._bar(self.total)} - {timing}{format_logs(logs)}", end="\n")
        else:
            self._draw(f"{self._count(self.total)} - {elapsed:.0f}s{format_logs(logs)}", end="\n")

    def interrupt(self) -> None:
        """End a half-drawn live line (training was interrupted), so the next output starts clean."""
        if self._drawn_width:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn_width = 0

    def _draw(self, line: str, end: str) -> None:
        if self.live:   # overwrite the previous draw, padding over any longer leftover
            line = "\r" + line + " " * max(0, self._drawn_width - len(line))
        self.stream.write(line + end)
        self.stream.flush()
        self._drawn_width = 0 if end else len(line.lstrip("\r"))

    def _count(self, step: int) -> str:
        return f"{step:>{len(str(self.total))}}/{self.total}"

    def _bar(self, step: int) -> str:
        done = int(BAR_WIDTH * step / max(self.total, 1))
        bar = ("=" * (done - 1) + (">" if step < self.total else "=")) if done > 0 else ""
        return f"{self._count(step)} [{bar:.<{BAR_WIDTH}}]"
