"""nn.LSTM training steps, tensorgrad beside PyTorch's torch.nn.LSTM (CPU eager) with the same weights.

    python -m benchmarks.lstm_epoch [--steps 10] [--seq-len 30] [--batch-size 64] [--hidden 64] [--quick]

A one-layer LSTM over (seq_len, batch, 16) inputs, a linear read-out of the last hidden state, mean squared
error, SGD lr 0.01; each round runs ``--steps`` steps (forward, backward, update). tensorgrad's LSTM runs
one ``tg.lstm_cell`` per time step (composed from ops); PyTorch's runs its fused kernel. Reports min/median
round times, the ratio and the peak traced allocation of one tensorgrad step.
"""
from __future__ import annotations

import argparse
import tracemalloc

import numpy as np

from .common import interleaved, machine, summary, torch_or_none

INPUTS, LR = 16, 0.01


def data(steps: int, seq_len: int, batch: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((seq_len, batch, INPUTS)).astype(np.float32),
             rng.standard_normal((batch, 1)).astype(np.float32)) for _ in range(steps)]


def tensorgrad_steps(hidden: int, batches: list):
    import nn
    import optim
    lstm, head = nn.LSTM(INPUTS, hidden), nn.Linear(hidden, 1)
    opt = optim.SGD(list(lstm.parameters()) + list(head.parameters()), lr=LR)
    loss_fn = nn.MSELoss()

    def run() -> None:
        for x, y in batches:
            opt.zero_grad()
            out, _ = lstm(x)
            loss_fn(head(out[-1]), y).backward()
            opt.step()
    return run, lstm


def pytorch_steps(torch, hidden: int, batches: list, weights: dict):
    lstm, head = torch.nn.LSTM(INPUTS, hidden), torch.nn.Linear(hidden, 1)
    lstm.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()})
    opt = torch.optim.SGD(list(lstm.parameters()) + list(head.parameters()), lr=LR)
    loss_fn = torch.nn.MSELoss()
    tensors = [(torch.from_numpy(x), torch.from_numpy(y)) for x, y in batches]

    def run() -> None:
        for x, y in tensors:
            opt.zero_grad()
            out, _ = lstm(x)
            loss_fn(head(out[-1]), y).backward()
            opt.step()
    return run


def main(argv: list[str] | None = None) -> str:
    p = argparse.ArgumentParser(prog="python -m benchmarks.lstm_epoch", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--seq-len", type=int, default=30)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--quick", action="store_true", help="2 steps of a short sequence, 1 round: checks the script runs")
    args = p.parse_args(argv)
    if args.quick:
        args.steps, args.seq_len, args.batch_size, args.hidden, args.repeats = 2, 4, 8, 8, 1
    import tensorgrad as tg
    tg.manual_seed(0)
    batches = data(args.steps, args.seq_len, args.batch_size)
    ours, lstm = tensorgrad_steps(args.hidden, batches)
    candidates = {}
    torch = torch_or_none()
    if torch is not None:
        candidates["pytorch"] = pytorch_steps(torch, args.hidden, batches, lstm.state_dict())
    candidates["tensorgrad"] = ours
    for run in candidates.values():     # warm-up round
        run()
    times = interleaved(candidates, args.repeats)
    reference = "pytorch" if torch is not None else "tensorgrad"
    text = (f"LSTM({INPUTS}, {args.hidden}), sequences of {args.seq_len}, batch {args.batch_size}, {args.steps} steps per "
            f"round, {args.repeats} rounds; {machine()}\n\n" + summary(times, reference))
    if torch is not None:
        text += f"\n\ntensorgrad / pytorch: {min(times['tensorgrad']) / min(times['pytorch']):.3f}"
    step, _ = tensorgrad_steps(args.hidden, batches[:1])
    step()
    tracemalloc.start()
    step()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    text += f"\npeak allocation of one tensorgrad step: {peak:.1f} MB"
    print(text)
    return text


if __name__ == "__main__":
    main()
