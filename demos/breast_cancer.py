"""Seed 000's networks on the Wisconsin breast-cancer data (30 features, malignant or benign):
SingleLayer, one sigmoid unit (30 weights + 1 bias = 31 parameters), and DualLayer, 30 -> 10 sigmoid
-> 1 sigmoid, both trained with mini-batches (seed 000, 06-3) of logistic loss by SGD.

Before training, the first mini-batch's autograd gradients are printed beside the notes' closed
forms (with the mean over m samples that the loss takes):
    output layer: dL/dW = Aᵀ err, dL/db = 1ᵀ err, err = -(Y - A_out) / m
    hidden layer: err_to_hidden = err W_outᵀ ⊙ A1 ⊙ (1 - A1), dL/dW1 = Xᵀ err_to_hidden
Then both are trained and evaluated on a held-out 20% (standardized with the training statistics).

    python -m demos.breast_cancer [--epochs 100] [--batch-size 32] [--lr 0.1]
"""
from __future__ import annotations

import numpy as np

import nn
import optim
import tensorgrad as tg
from demos.closed_form import report
from demos.common import compare, parser


def split(test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A stratified train/test split in float64, standardized with the training mean and std."""
    from sklearn.model_selection import train_test_split
    x, y = nn.datasets.breast_cancer(dtype=np.float64)
    x_train, x_test, y_train, y_test = train_test_split(x, y.reshape(-1, 1), test_size=test_fraction,
                                                        stratify=y, random_state=seed)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    return (x_train - mean) / std, (x_test - mean) / std, y_train, y_test


def single_layer() -> nn.Sequential:
    return nn.Sequential([nn.Dense(1, activation="sigmoid", input_dim=30, dtype=np.float64)], name="single_layer")


def dual_layer(hidden: int = 10) -> nn.Sequential:
    return nn.Sequential([nn.Dense(hidden, activation="sigmoid", input_dim=30, dtype=np.float64),
                          nn.Dense(1, activation="sigmoid", dtype=np.float64)], name="dual_layer")


def closed_form_gradients(model: nn.Sequential, x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """The notes' gradients (keys W1, b1, W2, ...) of the mean logistic loss for a stack of sigmoid Dense
    layers, last layer first: err = -(Y - A_L)/m; each layer dW = A_inᵀ err, db = 1ᵀ err;
    then err <- err Wᵀ ⊙ A_in ⊙ (1 - A_in) for the layer below."""
    activations = [x]
    for layer in model.layers:
        z = activations[-1] @ layer.weight.numpy(force=True) + layer.bias.numpy(force=True)
        activations.append(1 / (1 + np.exp(-z)))
    err = -(y - activations[-1]) / len(x)
    grads = {}
    for i in reversed(range(len(model.layers))):
        a_in, weight = activations[i], model.layers[i].weight.numpy(force=True)
        grads[f"W{i + 1}"], grads[f"b{i + 1}"] = a_in.T @ err, err.sum(axis=0)
        err = err @ weight.T * a_in * (1 - a_in)
    return grads


def check_first_step(model: nn.Sequential, x: np.ndarray, y: np.ndarray) -> float:
    """Autograd's gradients of the compiled loss on (x, y) beside the closed forms; the largest difference."""
    model.zero_grad()
    model.loss(y, model(x)).backward()
    closed = closed_form_gradients(model, x, y)
    grads = {}
    for i, layer in enumerate(model.layers, start=1):
        grads[f"W{i}"] = (layer.weight.grad.numpy(), closed[f"W{i}"])
        grads[f"b{i}"] = (layer.bias.grad.numpy(), closed[f"b{i}"])
    model.zero_grad()
    return report(f"{model.name}: first mini-batch ({len(x)} samples), autograd vs closed form", grads)


def main(argv: list[str] | None = None) -> dict:
    """Gradient check, training and held-out accuracy of both models; returns their figures."""
    ap = parser("breast_cancer", __doc__)
    ap.add_argument("--epochs", type=int, default=100, help="epochs (default 100)")
    ap.add_argument("--batch-size", type=int, default=32, help="mini-batch size (default 32)")
    ap.add_argument("--lr", type=float, default=0.1, help="SGD learning rate (default 0.1)")
    ap.add_argument("--seed", type=int, default=42, help="seed of the split, the weights and the shuffling")
    args = ap.parse_args(argv)

    x_train, x_test, y_train, y_test = split(0.2, args.seed)
    print(f"breast cancer: train {x_train.shape}, test {x_test.shape}, standardized with training statistics")
    results = {}
    for build in (single_layer, dual_layer):
        tg.manual_seed(args.seed)
        model = build()
        model.compile(optimizer=optim.SGD(lr=args.lr), loss="binary_crossentropy", metrics=["accuracy"])
        worst = check_first_step(model, x_train[:args.batch_size], y_train[:args.batch_size])
        history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=args.batch_size, verbose=0)
        loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
        print(f"  {model.count_params()} parameters; after {args.epochs} epochs: train loss "
              f"{history.history['loss'][-1]:.4f}, test loss {loss:.4f}")
        compare(f"{model.name} test accuracy", accuracy, "— (none)")
        results[model.name] = {"params": model.count_params(), "max_grad_diff": worst,
                               "test_accuracy": float(accuracy), "test_loss": float(loss),
                               "first_loss": history.history["loss"][0], "last_loss": history.history["loss"][-1]}
    return results


if __name__ == "__main__":
    main()
