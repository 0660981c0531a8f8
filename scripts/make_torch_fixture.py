"""Write tests/fixtures/torch_mlp.safetensors and torch_mlp_io.safetensors with PyTorch itself, for the
round-trip test that runs without torch: the state dict of a trained-looking
``torch.nn.Sequential(Linear(4, 8), ReLU(), Linear(8, 3))`` saved by ``safetensors.torch.save_file``,
and an input batch with PyTorch's outputs on it.

Run once with torch installed (``pip install torch==2.13.0 safetensors``):
    python scripts/make_torch_fixture.py
"""
from pathlib import Path

import torch
from safetensors.torch import save_file

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def main() -> None:
    torch.manual_seed(18)
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    x = torch.randn(5, 4)
    with torch.no_grad():
        y = net(x)
    metadata = {"written_by": f"torch {torch.__version__}, scripts/make_torch_fixture.py"}
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, FIXTURES / "torch_mlp.safetensors",
              metadata=metadata)
    save_file({"input": x.contiguous(), "output": y.contiguous()}, FIXTURES / "torch_mlp_io.safetensors",
              metadata=metadata)


if __name__ == "__main__":
    main()
