"""The closed-form demo runs and autograd agrees with the notes' formulas to float64 precision."""
from demos import closed_form


def test_closed_form_demo_agrees_to_1e_12(capsys):
    worst = closed_form.main(["--samples", "40"])
    out = capsys.readouterr().out
    assert worst < 1e-12
    for name in ("W1", "b1", "W2", "b2", "logistic unit", "softmax"):
        assert name in out
