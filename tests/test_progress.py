"""nn.progress: Keras's progress lines, exactly; live redraws only on a terminal."""
import io
import re

import pytest

from nn import progress
from nn.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("value, text", [(0.71428, "0.7143"), (12.0, "12.0000"), (-0.5, "-0.5000"),
                                         (0.001, "1.0000e-03"), (2.5e-5, "2.5000e-05"), (0.0, "0.0000e+00")])
def test_values_print_like_keras(value, text):
    assert progress.format_value(value) == text


@pytest.mark.parametrize("seconds, text", [(2.4, "2s/step"), (0.0123, "12ms/step"), (0.00025, "250us/step"),
                                           (0.0, "0s/step")])
def test_step_time_units(seconds, text):
    assert progress.format_step_time(seconds) == text


@pytest.mark.parametrize("seconds, text", [(42.9, "42s"), (185, "3:05"), (3723, "1:02:03")])
def test_eta_format(seconds, text):
    assert progress.format_eta(seconds) == text


def test_finished_bar_verbose_1_off_a_terminal_is_one_clean_line():
    out = io.StringIO()
    bar = ProgressBar(1719, verbose=1, stream=out)
    for step in range(1, 1720):
        bar.update(step, {"loss": 0.5})
    bar.finish({"loss": 0.71428, "accuracy": 0.76333})
    text = out.getvalue()
    assert "\r" not in text and text.count("\n") == 1
    assert re.fullmatch(r"1719/1719 \[={30}\] - \d+s \d+(s|ms|us)/step - loss: 0\.7143 - accuracy: 0\.7633\n", text)


def test_verbose_2_line_and_verbose_0_silence():
    out = io.StringIO()
    ProgressBar(55, verbose=2, stream=out).finish({"loss": 0.25})
    assert re.fullmatch(r"55/55 - \d+s - loss: 0\.2500\n", out.getvalue())
    silent = io.StringIO()
    bar = ProgressBar(5, verbose=0, stream=silent)
    bar.update(3, {"loss": 1.0})
    bar.finish({"loss": 1.0})
    assert silent.getvalue() == ""


def test_live_bar_on_a_terminal_redraws_in_place_and_pads_leftovers(monkeypatch):
    out = Terminal()
    bar = ProgressBar(10, verbose=1, stream=out)
    monkeypatch.setattr(progress, "REDRAW_SECONDS", 0.0)
    bar.update(5, {"loss": 0.5, "a_very_long_metric_name": 0.5})
    bar.finish({"loss": 0.25})
    first, final = out.getvalue().split("\r")[1:]
    assert first.startswith(" 5/10 [==============>...............] - ETA: ")
    assert final.startswith("10/10 [==============================] - ")
    assert final.endswith("\n") and len(final) - 1 >= len(first)   # spaces cover the longer first draw


def test_bar_shapes_match_keras():
    bar = ProgressBar(100, verbose=1, stream=io.StringIO())
    assert bar._bar(0) == "  0/100 [..............................]"
    assert bar._bar(1) == "  1/100 [..............................]"
    assert bar._bar(50) == " 50/100 [==============>...............]"
    assert bar._bar(100) == "100/100 [==============================]"


def test_interrupt_ends_a_half_drawn_line(monkeypatch):
    out = Terminal()
    monkeypatch.setattr(progress, "REDRAW_SECONDS", 0.0)
    bar = ProgressBar(10, verbose=1, stream=out)
    bar.update(3, {"loss": 1.0})
    bar.interrupt()
    assert out.getvalue().endswith("\n")
    quiet = io.StringIO()
    ProgressBar(10, verbose=1, stream=quiet).interrupt()
    assert quiet.getvalue() == ""
