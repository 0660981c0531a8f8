"""Write tests/fixtures/keras_conv_transpose.safetensors with Keras itself: for each configuration of
Conv1DTranspose/Conv2DTranspose below (the 'same' crops odd and even, strides above the kernel,
output_padding, dilation), an input, Keras's kernel and bias, and Keras's output, so the test compares
tensorgrad's layers with a real Keras without needing Keras.

Run once with Keras 3 installed (any backend; ``pip install keras``, KERAS_BACKEND=torch uses PyTorch):
    python scripts/make_keras_conv_transpose_fixture.py
"""
import json
import os
from pathlib import Path

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras  # noqa: E402
from safetensors.numpy import save_file  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"

# (rank, filters, kernel_size, strides, padding, output_padding, dilation_rate, input spatial shape)
CASES = [
    (2, 3, 3, 2, "same", None, 1, (4, 5)),
    (2, 3, 4, 2, "same", None, 1, (3, 4)),
    (2, 2, (3, 2), (2, 3), "same", None, 1, (3, 4)),
    (2, 2, 2, 3, "same", None, 1, (3, 3)),
    (2, 2, 3, 2, "valid", None, 1, (4, 3)),
    (2, 2, 2, 3, "valid", None, 1, (3, 2)),
    (2, 2, 3, (3, 2), "valid", (2, 1), 1, (3, 4)),
    (2, 2, 3, 3, "same", (1, 2), 1, (3, 4)),
    (2, 2, 4, 2, "same", 1, 1, (3, 3)),
    (2, 2, 3, 1, "same", None, 2, (5, 4)),
    (1, 3, 3, 2, "same", None, 1, (6,)),
    (1, 2, 5, 3, "valid", 2, 1, (4,)),
    (1, 2, 4, 1, "same", None, 2, (7,)),
    (1, 2, 4, 2, "same", 0, 1, (5,)),
]


def main() -> None:
    rng = np.random.default_rng(19)
    arrays = {}
    for i, (rank, filters, kernel, strides, padding, output_padding, dilation, spatial) in enumerate(CASES):
        cls = keras.layers.Conv2DTranspose if rank == 2 else keras.layers.Conv1DTranspose
        layer = cls(filters, kernel, strides=strides, padding=padding, output_padding=output_padding,
                    dilation_rate=dilation, bias_initializer="random_normal")
        x = rng.standard_normal((2, *spatial, 3)).astype(np.float32)
        y = keras.ops.convert_to_numpy(layer(x))
        kernel_array, bias = (np.asarray(w) for w in layer.get_weights())
        arrays.update({f"{i}/input": x, f"{i}/kernel": kernel_array, f"{i}/bias": bias, f"{i}/output": y})
    arrays = {key: np.ascontiguousarray(value) for key, value in arrays.items()}   # (a backend may give views)
    metadata = {"written_by": f"keras {keras.__version__} ({keras.backend.backend()} backend), "
                              f"scripts/make_keras_conv_transpose_fixture.py", "cases": json.dumps(CASES)}
    save_file(arrays, FIXTURES / "keras_conv_transpose.safetensors", metadata=metadata)


if __name__ == "__main__":
    main()
