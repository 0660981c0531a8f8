"""Nothing silently becomes float64: a float32 model fed float64 numpy data stays float32 throughout."""
import numpy as np

import nn
import optim


def test_float32_model_keeps_float32_data_grads_and_optimizer_state():
    rng = np.random.default_rng(0)
    x = rng.random((64, 20))                      # float64, as x / 255.0 gives
    y = rng.integers(0, 3, 64)
    model = nn.Sequential([nn.Dense(16, activation="relu", input_dim=20), nn.Dense(8, activation="tanh"),
                           nn.Dense(3, activation="softmax")])
    model.compile(optimizer=optim.Adam(lr=0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    loss = nn.losses.get("sparse_categorical_crossentropy")(y, model(x))
    assert loss.dtype == np.float32
    loss.backward()
    for name, p in model.named_parameters():
        assert p.dtype == np.float32 and p.grad.dtype == np.float32, name
        for key, state in model.optimizer.state[p].items():
            if isinstance(state, np.ndarray):
                assert state.dtype == np.float32, (name, key)
    assert model.predict(x).dtype == np.float32
