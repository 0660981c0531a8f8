"""Seed 001's MLP regressor: Dense 30 relu -> Dense 1, MSE, SGD (lr 0.01), 20 epochs of batch 32,
inputs standardized with the training statistics, split as the seed (train_test_split twice:
test 25%, then validation 25% of the rest).

The seed fits California housing (test MSE 0.3500). scikit-learn downloads that set on first use; the
demo only reads a cached copy (no network wait) and otherwise falls back to scikit-learn's bundled
diabetes set (442 patients, 10 features), whose target (disease progression, 25-346) is standardized
too so SGD at lr 0.01 is stable. The output says which data set ran; --download lets scikit-learn fetch
California housing.

    python -m demos.regression [--epochs 20] [--download]
"""
from __future__ import annotations

import numpy as np

import nn
import optim
import tensorgrad as tg
from demos.common import compare, parser

SEED_TEST_MSE = 0.3500
CALIFORNIA_TARGET_VARIANCE = 1.3316     # of the 20 640 median house values (in $100 000)
SEED_R2 = 1 - SEED_TEST_MSE / CALIFORNIA_TARGET_VARIANCE


def load(download: bool) -> tuple[str, np.ndarray, np.ndarray]:
    """(name, x, y): California housing when cached (or ``download``), else diabetes with y standardized."""
    from sklearn import datasets
    try:
        housing = datasets.fetch_california_housing(download_if_missing=download)
        return "California housing", housing.data, housing.target
    except OSError as err:                       # not cached, download not allowed (or no network)
        print(f"California housing is not available ({err}); using scikit-learn's diabetes set instead.")
    diabetes = datasets.load_diabetes()
    y = diabetes.target
    return "diabetes (target standardized)", diabetes.data, (y - y.mean()) / y.std()


def main(argv: list[str] | None = None) -> dict:
    """Train and evaluate; returns the data set's name, the test MSE and R² and the loss history."""
    ap = parser("regression", __doc__)
    ap.add_argument("--epochs", type=int, default=20, help="epochs (default 20, the seed's)")
    ap.add_argument("--download", action="store_true", help="let scikit-learn download California housing")
    ap.add_argument("--seed", type=int, default=42, help="seed of the splits, the weights and the shuffling")
    args = ap.parse_args(argv)
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    name, x, y = load(args.download)
    x_train_full, x_test, y_train_full, y_test = train_test_split(x, y, random_state=args.seed)
    x_train, x_valid, y_train, y_valid = train_test_split(x_train_full, y_train_full, random_state=args.seed)
    scaler = StandardScaler()
    x_train = scaler.fit_transform(x_train)
    x_valid, x_test = scaler.transform(x_valid), scaler.transform(x_test)
    print(f"data: {name}; train {x_train.shape}, valid {x_valid.shape}, test {x_test.shape}")

    tg.manual_seed(args.seed)
    model = nn.Sequential([nn.Dense(30, activation="relu", input_shape=x_train.shape[1:]), nn.Dense(1)])
    model.compile(loss="mean_squared_error", optimizer=optim.SGD(lr=0.01))
    history = model.fit(x_train, y_train, epochs=args.epochs, validation_data=(x_valid, y_valid), verbose=2)
    mse_test = float(model.evaluate(x_test, y_test, verbose=0))
    r2 = 1 - mse_test / float(np.var(y_test))
    print(f"\n{name}:")
    note = "" if name == "California housing" else " (seed: California)"
    compare("test MSE" + note, mse_test, SEED_TEST_MSE)
    compare("test R²" + note, r2, SEED_R2)
    print(f"  predictions for the first three test rows: {model.predict(x_test[:3]).ravel().round(3)}, "
          f"true {np.round(y_test[:3], 3)}")
    return {"dataset": name, "test_mse": mse_test, "r2": r2, "loss": history.history["loss"]}


if __name__ == "__main__":
    main()
