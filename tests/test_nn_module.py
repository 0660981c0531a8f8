"""Module: attribute-walk discovery, modes, state dicts (strictness, lazy loading), weights, lazy Dense."""
import numpy as np
import pytest

import nn
import tensorgrad as tg


class Block(nn.Module):
    """A hand-written module: parameters in a plain attribute, a list, a dict and a shared sub-module."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(np.ones(2))
        self.stack = [nn.Dense(2, input_dim=2), nn.Dense(2, input_dim=2)]
        self.heads = {"left": nn.Dense(1, input_dim=2)}
        self.shared = self.stack[0]          # the same layer reachable twice
        self._cache = nn.Dense(5, input_dim=2)  # private: not walked

    def forward(self, x):
        for layer in self.stack:
            x = layer(x)
        return self.heads["left"](x * self.scale)


def test_named_parameters_are_attribute_paths_without_duplicates():
    block = Block()
    names = [n for n, _ in block.named_parameters()]
    assert names == ["scale", "stack.0.weight", "stack.0.bias", "stack.1.weight", "stack.1.bias",
                     "heads.left.weight", "heads.left.bias"]
    assert len(list(block.parameters())) == 7
    assert block.count_params() == 2 + 6 + 6 + 3


def test_children_and_modules_each_once_in_order():
    block = Block()
    assert list(block.children()) == [block.stack[0], block.stack[1], block.heads["left"]]
    assert [n for n, _ in block.named_modules()] == ["", "stack.0", "stack.1", "heads.left"]


def test_train_eval_reach_every_submodule():
    model = nn.Sequential([nn.Dense(3, input_dim=2), nn.Dropout(0.5), nn.Sequential([nn.Dropout(0.1)])])
    assert model.eval() is model
    assert all(not m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_zero_grad_clears_every_gradient():
    block = Block()
    block(np.ones((3, 2))).sum().backward()
    assert all(p.grad is not None for p in block.parameters())
    block.zero_grad()
    assert all(p.grad is None for p in block.parameters())


def _two_layer(**kwargs):
    return nn.Sequential([nn.Dense(3, input_dim=4, **kwargs), nn.Dense(2, activation="sigmoid")])


def test_state_dict_keys_ignore_display_names_so_a_fresh_model_loads_a_checkpoint():
    a, b = _two_layer(), _two_layer()
    assert a.layers[0].name != b.layers[0].name
    assert list(a.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    b.load_state_dict(a.state_dict())
    x = np.random.default_rng(0).normal(size=(5, 4))
    np.testing.assert_array_equal(a(x).numpy(force=True), b(x).numpy(force=True))


def test_state_dict_is_a_copy():
    model = _two_layer()
    state = model.state_dict()
    state["0.bias"][:] = 7
    assert not np.any(model.layers[0].bias.numpy(force=True) == 7)


def test_load_state_dict_reports_every_problem_in_one_error():
    model = _two_layer()
    state = model.state_dict()
    del state["0.bias"]
    state["9.weight"] = np.zeros(3)
    state["1.weight"] = np.zeros((5, 2))
    before = model.state_dict()
    with pytest.raises(RuntimeError) as err:
        model.load_state_dict(state)
    message = str(err.value)
    assert "missing keys: 0.bias" in message
    assert "unexpected keys: 9.weight" in message
    assert "1.weight: checkpoint (5, 2), model (3, 2)" in message
    for k, v in model.state_dict().items():      # nothing was half-loaded
        np.testing.assert_array_equal(v, before[k])


def test_load_state_dict_non_strict_skips_keys_but_not_shape_mismatches():
    model = _two_layer()
    state = model.state_dict()
    del state["0.bias"]
    state["extra"] = np.zeros(1)
    result = model.load_state_dict(state, strict=False)
    assert result.missing_keys == ["0.bias"] and result.unexpected_keys == ["extra"]
    state["0.weight"] = np.zeros((2, 2))
    with pytest.raises(RuntimeError, match="shape mismatches"):
        model.load_state_dict(state, strict=False)


def test_load_state_dict_keeps_parameter_identity_and_dtype():
    model = _two_layer()
    weight = model.layers[0].weight
    model.load_state_dict({k: v.astype(np.float64) + 1 for k, v in model.state_dict().items()})
    assert model.layers[0].weight is weight and weight.dtype == np.float32


def test_get_and_set_weights_in_keras_order():
    model = _two_layer()
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(4, 3), (3,), (3, 2), (2,)]
    layer_weights, layer_biases = model.layers[1].get_weights()
    np.testing.assert_array_equal(layer_weights, weights[2])
    model.set_weights([w + 1 for w in weights])
    np.testing.assert_array_equal(model.layers[0].bias.numpy(force=True), weights[1] + 1)
    with pytest.raises(ValueError, match="has 4 weight arrays"):
        model.set_weights(weights[:3])


# --------------------------------------------------------------------------- lazy Dense
def test_lazy_dense_owns_its_parameters_before_the_first_call():
    model = nn.Sequential([nn.Dense(4, activation="relu"), nn.Dense(2)])
    params = list(model.parameters())           # what an optimizer made now would hold
    assert len(params) == 4 and all(not p.initialized for p in params)
    model(np.ones((3, 5))).sum().backward()
    after = list(model.parameters())
    assert all(a is b for a, b in zip(params, after))
    assert [p.shape for p in params] == [(5, 4), (4,), (4, 2), (2,)]
    assert all(isinstance(p, nn.Parameter) and p.grad is not None for p in params)


def test_touching_an_uninitialized_parameter_is_a_clear_error():
    layer = nn.Dense(3, name="hidden")
    with pytest.raises(RuntimeError, match="parameter 'kernel' of Dense 'hidden' is not initialized yet"):
        layer.weight.shape
    with pytest.raises(RuntimeError, match="not initialized yet"):
        tg.matmul(np.ones((1, 2)), layer.weight)
    with pytest.raises(RuntimeError, match=r"not initialized yet \(weight, bias\)"):
        layer.state_dict()
    with pytest.raises(RuntimeError, match="not initialized"):
        layer.count_params()


def test_lazy_model_materializes_from_a_checkpoint():
    trained = _two_layer()
    lazy = nn.Sequential([nn.Dense(3), nn.Dense(2, activation="sigmoid")])
    lazy.load_state_dict(trained.state_dict())
    x = np.random.default_rng(1).normal(size=(2, 4))
    np.testing.assert_array_equal(lazy(x).numpy(force=True), trained(x).numpy(force=True))


def test_lazy_parameter_rejects_a_checkpoint_with_the_wrong_known_size():
    lazy = nn.Sequential([nn.Dense(3)])
    with pytest.raises(RuntimeError, match=r"0.weight: checkpoint \(4, 5\), model \(None, 3\)"):
        lazy.load_state_dict({"0.weight": np.zeros((4, 5)), "0.bias": np.zeros(3)})


def test_dense_built_at_construction_with_input_dim_or_input_shape():
    assert nn.Dense(8, input_dim=4).count_params() == 40
    assert nn.Dense(2, input_shape=(1,)).weight.shape == (1, 2)


def test_dense_keeps_float32_models_float32_and_float64_on_request():
    x = np.random.default_rng(0).normal(size=(3, 4))          # float64 data
    out = nn.Dense(2, input_dim=4)(x)
    assert out.dtype == np.float32
    assert nn.Dense(2, input_dim=4, dtype=np.float64)(x).dtype == np.float64


def test_dense_input_size_error_names_the_layer():
    with pytest.raises(ValueError, match="Dense 'd': expects inputs with 4 features"):
        nn.Dense(2, input_dim=4, name="d")(np.ones((2, 3)))


def test_default_names_count_up_per_class_and_restart_after_clear_session():
    nn.clear_session()
    names = [nn.Dense(1).name, nn.Dense(1).name, nn.Flatten().name, nn.LeakyReLU().name]
    assert names == ["dense", "dense_1", "flatten", "leaky_re_lu"]
    nn.clear_session()
    assert nn.Dense(1).name == "dense"


def test_a_lazy_model_can_be_deep_copied_and_the_copy_builds_on_its_own():
    import copy
    lazy = nn.Sequential([nn.Dense(3)])
    clone = copy.deepcopy(lazy)
    clone(np.ones((1, 4)))
    assert clone.layers[0].weight.shape == (4, 3)
    assert not lazy.layers[0].weight.initialized


def test_set_weights_and_load_state_dict_copy_into_the_parameters_own_arrays():
    """Optimizers hold the parameters (and their arrays): loading weights must keep both, lazy or not."""
    model = nn.Sequential([nn.Dense(30, activation="relu", input_dim=17), nn.Dense(3)])
    buffers = [p.numpy(force=True) for p in model.parameters()]
    weights = [np.random.default_rng(0).normal(size=w.shape) for w in model.get_weights()]
    model.set_weights(weights)
    for p, buf, w in zip(model.parameters(), buffers, weights):
        assert p.numpy(force=True) is buf
        np.testing.assert_array_equal(p.numpy(force=True), w.astype(np.float32))
    lazy = nn.Sequential([nn.Dense(30, activation="relu"), nn.Dense(3)])
    params = list(lazy.parameters())
    lazy.load_state_dict(model.state_dict())      # gives the lazy parameters their data, in place
    assert all(p is q and p.initialized for p, q in zip(lazy.parameters(), params))
    np.testing.assert_array_equal(lazy(np.ones((2, 17))).numpy(force=True), model(np.ones((2, 17))).numpy(force=True))
