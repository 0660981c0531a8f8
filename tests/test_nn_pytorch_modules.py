"""PyTorch-spelled modules: Linear's layout and initialisation, Sequential's keys, containers, the Module
tree (repr, named_modules, apply, buffers, hooks, zero_grad, requires_grad_), nn.init's formulas and
nn.utils' gradient clipping."""
import math
from collections import OrderedDict

import numpy as np
import pytest

import nn
import optim
import tensorgrad as tg

rng = np.random.default_rng(0)


# --------------------------------------------------------------------------- Linear
def test_linear_weight_is_out_by_in_and_computes_x_wt_plus_b():
    layer = nn.Linear(5, 3)
    assert layer.weight.shape == (3, 5) and layer.bias.shape == (3,) and layer.weight.dtype == np.float32
    x = rng.normal(size=(4, 5)).astype(np.float32)
    out = layer(x)
    np.testing.assert_allclose(out.numpy(force=True), x @ layer.weight.numpy(force=True).T + layer.bias.numpy(force=True), rtol=1e-6)
    assert out._node.name == "linear"                  # one fused node
    assert nn.Linear(5, 3, bias=False).bias is None
    assert nn.Linear(2, 2, dtype=np.float64).weight.dtype == np.float64
    assert nn.Linear(5, 3)(rng.normal(size=(2, 6, 5))).shape == (2, 6, 3)


def test_linear_initialisation_is_pytorchs_uniform_bound_one_over_sqrt_fan_in():
    tg.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (layer.weight.numpy(force=True), layer.bias.numpy(force=True)):
        assert np.abs(p).max() <= bound and np.abs(p).max() > 0.97 * bound
    var = layer.weight.numpy(force=True).var()
    assert abs(var - bound ** 2 / 3) < 0.02 * bound ** 2 / 3       # U(-a, a) has variance a²/3
    assert abs(layer.bias.numpy(force=True).mean()) < 0.1 * bound


def test_linear_is_reproducible_from_manual_seed():
    tg.manual_seed(3)
    a = nn.Linear(4, 2).weight.numpy(force=True).copy()
    tg.manual_seed(3)
    np.testing.assert_array_equal(nn.Linear(4, 2).weight.numpy(force=True), a)


def test_a_pytorch_style_state_dict_loads_into_linear_and_back():
    state = {"weight": rng.normal(size=(3, 5)).astype(np.float32), "bias": rng.normal(size=3).astype(np.float32)}
    layer = nn.Linear(5, 3)
    layer.load_state_dict(state)
    for k, v in layer.state_dict().items():
        np.testing.assert_array_equal(v, state[k])
    with pytest.raises(RuntimeError, match=r"weight: checkpoint \(5, 3\), model \(3, 5\)"):
        layer.load_state_dict({"weight": state["weight"].T, "bias": state["bias"]})   # Keras's layout refused


def test_linear_trains_with_an_optimizer_and_its_gradient_keeps_the_layout():
    layer = nn.Linear(3, 2)
    x, y = rng.normal(size=(8, 3)).astype(np.float32), rng.normal(size=(8, 2)).astype(np.float32)
    opt = optim.SGD(layer.parameters(), lr=0.1)
    losses = []
    for _ in range(30):
        opt.zero_grad()
        loss = nn.MSELoss()(layer(x), y)
        loss.backward()
        assert layer.weight.grad.shape == (2, 3) and layer.weight.grad.numpy(force=True).flags.c_contiguous
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]


def test_linear_rejects_bad_sizes():
    with pytest.raises(ValueError, match="Linear: in_features must be a positive integer, got 0"):
        nn.Linear(0, 3)
    with pytest.raises(ValueError, match=r"weight \(out_features, in_features\) = \(3, 5\) expects 5"):
        nn.Linear(5, 3)(np.zeros((2, 4)))


# --------------------------------------------------------------------------- Sequential and containers
def test_sequential_of_modules_has_pytorchs_keys_and_runs_in_order():
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert isinstance(model[1], nn.ReLU) and len(model) == 3 and model[0] is model.layers[0]
    x = rng.normal(size=(5, 4)).astype(np.float32)
    h = np.maximum(x @ model[0].weight.numpy(force=True).T + model[0].bias.numpy(force=True), 0)
    np.testing.assert_allclose(model(x).numpy(force=True), h @ model[2].weight.numpy(force=True).T + model[2].bias.numpy(force=True), rtol=1e-5)
    assert list(nn.Sequential([nn.Dense(2, input_dim=3)]).state_dict()) == ["0.weight", "0.bias"]   # list form
    named = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.Tanh())]))
    assert list(named.state_dict()) == ["fc.weight", "fc.bias"] and named.fc is named[0]
    assert list(model[1:].state_dict()) == ["2.weight", "2.bias"]          # a slice keeps the names


def test_sequential_may_hold_one_module_twice_and_append():
    relu = nn.ReLU()
    model = nn.Sequential(nn.Linear(2, 2), relu, nn.Linear(2, 2), relu)
    assert model.append(nn.Identity()) is model and len(model) == 5
    assert model(np.ones((1, 2))).shape == (1, 2)


def test_module_list_and_dict_register_their_modules():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = nn.ModuleList([nn.Linear(2, 2) for _ in range(2)])
            self.heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Linear(2, 3)})

        def forward(self, x):
            for block in self.blocks:
                x = block(x)
            return self.heads["a"](x), self.heads["b"](x)

    net = Net()
    assert [n for n, _ in net.named_parameters()] == [
        "blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias",
        "heads.a.weight", "heads.a.bias", "heads.b.weight", "heads.b.bias"]
    a, b = net(np.ones((4, 2)))
    assert a.shape == (4, 1) and b.shape == (4, 3)
    net.blocks.append(nn.Linear(2, 2))
    net.blocks.insert(0, nn.Identity())
    del net.blocks[1]
    assert len(net.blocks) == 3 and isinstance(net.blocks[0], nn.Identity)
    assert [n for n, _ in net.blocks.named_parameters()][:2] == ["1.weight", "1.bias"]   # renumbered
    assert set(net.heads.keys()) == {"a", "b"} and "a" in net.heads and net.heads.pop("a") is not None
    assert len(net.heads) == 1
    with pytest.raises(TypeError, match="entries must be nn.Module instances"):
        nn.ModuleList([3])
    with pytest.raises(NotImplementedError, match="ModuleList has no forward"):
        nn.ModuleList()(1)


# --------------------------------------------------------------------------- the module tree
class NeuralNetwork(nn.Module):
    """The PyTorch quickstart's model, as written there."""

    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))

    def forward(self, x):
        return self.linear_relu_stack(self.flatten(x))


def test_repr_prints_the_tree_as_pytorch():
    assert repr(NeuralNetwork()) == """NeuralNetwork(
  (flatten): Flatten(start_dim=1, end_dim=-1)
  (linear_relu_stack): Sequential(
    (0): Linear(in_features=784, out_features=512, bias=True)
    (1): ReLU()
    (2): Linear(in_features=512, out_features=512, bias=True)
    (3): ReLU()
    (4): Linear(in_features=512, out_features=10, bias=True)
  )
)"""
    assert repr(nn.Softmax(dim=1)) == "Softmax(dim=1)" and repr(nn.Dropout(p=0.2)) == "Dropout(p=0.2, inplace=False)"
    assert repr(nn.LeakyReLU(0.1)) == "LeakyReLU(negative_slope=0.1)"


def test_quickstart_model_trains_on_a_batch():
    model = NeuralNetwork()
    x, y = rng.random((16, 28, 28)).astype(np.float32), rng.integers(0, 10, size=16)
    opt = optim.SGD(model.parameters(), lr=0.1)
    first = None
    for _ in range(10):
        loss = nn.CrossEntropyLoss()(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        first = first if first is not None else loss.item()
    assert loss.item() < first
    probs = nn.Softmax(dim=1)(model(x))
    np.testing.assert_allclose(probs.numpy(force=True).sum(1), 1, rtol=1e-5)


def test_named_modules_children_and_apply_visit_in_pytorchs_order():
    model = NeuralNetwork()
    assert [n for n, _ in model.named_modules()] == [
        "", "flatten", "linear_relu_stack", "linear_relu_stack.0", "linear_relu_stack.1", "linear_relu_stack.2",
        "linear_relu_stack.3", "linear_relu_stack.4"]
    assert [n for n, _ in model.named_children()] == ["flatten", "linear_relu_stack"]
    assert list(model.children())[0] is model.flatten
    visited = []
    assert model.apply(lambda m: visited.append(type(m).__name__)) is model
    assert visited == ["Flatten", "Linear", "ReLU", "Linear", "ReLU", "Linear", "Sequential", "NeuralNetwork"]
    assert model.get_submodule("linear_relu_stack.2") is model.linear_relu_stack[2]


def test_apply_with_init_functions_reinitialises_every_linear():
    model = NeuralNetwork()

    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)

    model.apply(init_weights)
    layer = model.linear_relu_stack[0]
    assert np.all(layer.bias.numpy(force=True) == 0) and np.abs(layer.weight.numpy(force=True)).max() <= math.sqrt(6 / (784 + 512))


def test_buffers_are_saved_in_state_dict_and_loaded_in_place():
    class Norm(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(np.ones(3, np.float32))
            self.register_buffer("running_mean", tg.tensor(np.zeros(3, np.float32)))
            self.register_buffer("scratch", tg.tensor(np.zeros(1)), persistent=False)

        def forward(self, x):
            return (x - self.running_mean) * self.scale

    m = nn.Sequential(Norm())
    assert list(m.state_dict()) == ["0.scale", "0.running_mean"]
    assert [n for n, _ in m.named_buffers()] == ["0.running_mean", "0.scratch"]
    assert [p.shape for p in m.parameters()] == [(3,)]                     # buffers are not trained
    buffer = m[0].running_mean
    m.load_state_dict({"0.scale": np.full(3, 2.0), "0.running_mean": np.arange(3.0)})
    assert m[0].running_mean is buffer and buffer.numpy(force=True).tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(RuntimeError, match="missing keys: 0.running_mean"):
        m.load_state_dict({"0.scale": np.ones(3)})
    with pytest.raises(TypeError, match="is a Parameter"):
        m[0].register_buffer("bad", nn.Parameter(np.ones(1)))


def test_zero_grad_to_none_or_zeros_and_requires_grad_freezes():
    layer = nn.Linear(2, 2)
    layer(np.ones((1, 2))).sum().backward()
    layer.zero_grad(set_to_none=False)
    assert np.all(layer.weight.grad.numpy(force=True) == 0) and layer.weight.grad.shape == (2, 2)
    layer.zero_grad()
    assert layer.weight.grad is None
    assert layer.requires_grad_(False) is layer and not any(p.requires_grad for p in layer.parameters())
    assert not layer(np.ones((1, 2))).requires_grad


def test_forward_hooks_see_and_may_replace_inputs_and_outputs():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    seen = []
    handle = model[0].register_forward_hook(lambda m, args, out: seen.append((m, args[0].shape, out.shape)))
    pre = model[1].register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    out = model(np.ones((4, 2), np.float32))
    assert seen == [(model[0], (4, 2), (4, 3))] and np.all(out.numpy(force=True) == 0)
    handle.remove()
    pre.remove()
    model(np.ones((1, 2)))
    assert len(seen) == 1 and not model[0]._hooked
    with model.register_forward_hook(lambda m, args, out: out * 2):
        doubled = model(np.ones((1, 2)))
    np.testing.assert_allclose(doubled.numpy(force=True), 2 * model(np.ones((1, 2))).numpy(force=True), rtol=1e-6)
    kw = model.register_forward_pre_hook(lambda m, args, kwargs: ((args[0] + 1,), kwargs), with_kwargs=True)
    np.testing.assert_allclose(model(np.zeros((1, 2))).numpy(force=True), model[1](model[0](np.ones((1, 2)))).numpy(force=True), rtol=1e-6)
    kw.remove()


def test_to_cpu_is_a_no_op_other_devices_are_refused_and_dtypes_cast_in_place():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    weight = model[0].weight
    assert model.to("cpu") is model and model.cpu() is model and model.to(device="cpu:0") is model
    with pytest.raises(RuntimeError, match=r"to\('cuda'\): tensorgrad runs on the CPU only"):
        model.to("cuda")
    model.double()
    assert model[0].weight is weight and weight.dtype == np.float64
    assert model(np.ones((1, 2), np.float32)).dtype == np.float64       # inputs follow the layers' dtype
    assert model.to(np.float32)[0].weight.dtype == np.float32
    with pytest.raises(TypeError, match="only floating dtypes"):
        model.to(np.int64)


def test_register_parameter_adds_a_trained_parameter():
    m = nn.Module()
    m.register_parameter("scale", nn.Parameter(tg.tensor(np.ones(2))))
    assert [n for n, _ in m.named_parameters()] == ["scale"]
    with pytest.raises(TypeError, match="must be an nn.Parameter"):
        m.register_parameter("bad", tg.tensor(np.ones(2)))


def test_add_module_registers_under_any_name():
    m = nn.Module()
    m.add_module("layer-1", nn.Linear(2, 2))
    assert getattr(m, "layer-1") is list(m.children())[0]
    assert [n for n, _ in m.named_parameters()] == ["layer-1.weight", "layer-1.bias"]
    with pytest.raises(KeyError, match="without '.'"):
        m.add_module("a.b", nn.Identity())


# --------------------------------------------------------------------------- small modules
def test_flatten_and_unflatten_with_pytorchs_dims():
    x = np.arange(2 * 3 * 4 * 5.0).reshape(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 1)(x).shape == (6, 4, 5) and nn.Flatten(1, 2)(x).shape == (2, 12, 5)
    assert nn.Flatten(start_dim=-2)(x).shape == (2, 3, 20)
    assert nn.Flatten()(np.zeros(4)).shape == (4, 1)                   # Keras's (batch,) -> (batch, 1)
    assert nn.Unflatten(1, (3, 4, 5))(nn.Flatten()(x)).shape == (2, 3, 4, 5)
    assert nn.Unflatten(1, (-1, 5))(np.zeros((2, 20))).shape == (2, 4, 5)
    with pytest.raises(ValueError, match="Unflatten: cannot split axis 1"):
        nn.Unflatten(1, (3, 3))(np.zeros((2, 10)))
    with pytest.raises(ValueError, match="Flatten: start_dim=2, end_dim=1"):
        nn.Flatten(2, 1)(x)
    t = tg.tensor(x)
    assert nn.Identity(54, unused="x")(t) is t


def test_softmax_dim_and_axis_spellings_and_log_softmax():
    x = rng.normal(size=(3, 4))
    np.testing.assert_allclose(nn.Softmax(dim=0)(x).numpy(force=True).sum(0), 1, rtol=1e-6)
    np.testing.assert_allclose(nn.Softmax(axis=0)(x).numpy(force=True), nn.Softmax(dim=0)(x).numpy(force=True))
    np.testing.assert_allclose(np.exp(nn.LogSoftmax(dim=1)(x).numpy(force=True)), nn.Softmax(dim=1)(x).numpy(force=True), rtol=1e-6)
    with pytest.raises(ValueError, match="not both"):
        nn.Softmax(axis=0, dim=1)
    np.testing.assert_allclose(nn.Softplus(beta=2)(x).numpy(force=True), np.log1p(np.exp(2 * x)) / 2, rtol=1e-6)
    assert repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)"
    with pytest.raises(TypeError, match=r"Keras's ReLU\(max_value, negative_slope, threshold\) is keras.layers.ReLU"):
        nn.ReLU(6.0)


# --------------------------------------------------------------------------- nn.init (PyTorch's formulas)
def test_calculate_gain_values():
    assert nn.init.calculate_gain("linear") == 1 and nn.init.calculate_gain("sigmoid") == 1
    assert nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert nn.init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert nn.init.calculate_gain("selu") == 0.75
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        nn.init.calculate_gain("swish")


@pytest.mark.parametrize("shape,fan_in,fan_out", [((300, 200), 200, 300), ((16, 8, 3, 3), 72, 144)])
def test_fans_follow_pytorchs_out_in_convention(shape, fan_in, fan_out):
    t = tg.tensor(np.zeros(shape, np.float32))
    tg.manual_seed(0)
    nn.init.kaiming_uniform_(t, a=0, nonlinearity="relu")
    assert np.abs(t.numpy(force=True)).max() <= math.sqrt(6 / fan_in) and np.abs(t.numpy(force=True)).max() > 0.95 * math.sqrt(6 / fan_in)
    nn.init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu")
    assert np.abs(t.numpy(force=True)).max() <= math.sqrt(6 / fan_out)
    nn.init.xavier_uniform_(t, gain=2.0)
    assert np.abs(t.numpy(force=True)).max() <= 2 * math.sqrt(6 / (fan_in + fan_out))
    big = tg.tensor(np.zeros((600, 500)))
    nn.init.kaiming_normal_(big, nonlinearity="relu")
    assert big.numpy(force=True).std() == pytest.approx(math.sqrt(2 / 500), rel=0.02)
    nn.init.xavier_normal_(big)
    assert big.numpy(force=True).std() == pytest.approx(math.sqrt(2 / 1100), rel=0.02)
    assert np.abs(big.numpy(force=True)).max() > 3 * math.sqrt(2 / 1100)               # untruncated, unlike Keras's


def test_fill_initializers_and_generators():
    t = tg.tensor(np.zeros((3, 4)))
    assert nn.init.ones_(t) is t and np.all(t.numpy(force=True) == 1)
    nn.init.constant_(t, 0.3)
    assert np.all(t.numpy(force=True) == 0.3)
    nn.init.eye_(t)
    np.testing.assert_array_equal(t.numpy(force=True), np.eye(3, 4))
    nn.init.uniform_(t, -2, -1)
    assert t.numpy(force=True).min() >= -2 and t.numpy(force=True).max() <= -1
    a = nn.init.normal_(tg.tensor(np.zeros(5)), 1.0, 0.1, generator=np.random.default_rng(9)).numpy(force=True).copy()
    np.testing.assert_array_equal(nn.init.normal_(tg.tensor(np.zeros(5)), 1.0, 0.1,
                                                  generator=np.random.default_rng(9)).numpy(force=True), a)
    nn.init.trunc_normal_(t, std=1.0, a=-0.5, b=0.5)
    assert np.abs(t.numpy(force=True)).max() <= 0.5
    version = t._version
    nn.init.zeros_(t)
    assert t._version > version                               # an in-place change the autograd sees
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform_(tg.tensor(np.zeros(3)))
    with pytest.raises(TypeError, match="expects a tensorgrad Tensor"):
        nn.init.zeros_(np.zeros(3))


# --------------------------------------------------------------------------- gradient clipping
def test_clip_grad_norm_scales_to_max_norm_and_returns_the_total():
    a, b = nn.Parameter(np.zeros(3)), nn.Parameter(np.zeros(2))
    a.grad, b.grad = tg.tensor(np.array([3.0, 0, 0])), tg.tensor(np.array([0.0, 4.0]))
    total = nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    assert total.item() == pytest.approx(5.0)
    scale = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(a.grad.numpy(force=True), [3 * scale, 0, 0])
    np.testing.assert_allclose(b.grad.numpy(force=True), [0, 4 * scale])
    assert nn.utils.clip_grad_norm_([a, b], max_norm=10.0).item() == pytest.approx(1.0, rel=1e-5)   # unchanged
    assert nn.utils.clip_grad_norm_(a, 1.0, norm_type=float("inf")).item() == pytest.approx(3 * scale)
    assert nn.utils.clip_grad_norm_(nn.Parameter(np.zeros(1)), 1.0).item() == 0   # no grads
    a.grad = tg.tensor(np.array([np.inf, 0, 0]))
    with pytest.raises(RuntimeError, match="total norm of order 2.0 of the gradients is inf"):
        nn.utils.clip_grad_norm_([a], 1.0, error_if_nonfinite=True)


def test_clip_grad_value_clamps_in_place():
    p = nn.Parameter(np.zeros(4))
    p.grad = tg.tensor(np.array([-3.0, -0.5, 0.2, 9.0]))
    nn.utils.clip_grad_value_([p], 1.0)
    np.testing.assert_array_equal(p.grad.numpy(force=True), [-1, -0.5, 0.2, 1])


def test_sequential_runs_modules_the_symbolic_trace_cannot_follow():
    class Pair(nn.Module):                      # returns a tuple, as some PyTorch modules do
        def forward(self, x):
            return x, x * 2

    model = nn.Sequential(nn.Flatten(), Pair())
    a, b = model(np.ones((2, 3, 2)))
    assert a.shape == (2, 6) and np.all(b.numpy(force=True) == 2)
    with pytest.raises(ValueError, match="not built yet"):
        model.summary()
    traced = nn.Sequential(nn.Flatten(), nn.Linear(6, 2))
    traced(np.ones((2, 3, 2)))
    assert traced.output.shape == (None, 2)            # traceable stacks are still built from the first batch
    with pytest.raises(ValueError, match="expects 6"):  # and real errors still surface
        nn.Sequential(nn.Flatten(), nn.Linear(6, 2))(np.ones((2, 5)))


def test_parameter_wraps_a_tensor_sharing_its_data():
    t = tg.tensor(np.zeros(3, np.float32))
    p = nn.Parameter(t)
    assert p.requires_grad and p.numpy(force=True) is t.numpy(force=True) and repr(p).startswith("Parameter containing:")
    assert not nn.Parameter(t, requires_grad=False).requires_grad


def test_activation_modules_match_their_functions():
    x = rng.normal(size=(3, 4))
    np.testing.assert_allclose(nn.LogSigmoid()(x).numpy(force=True), -np.log1p(np.exp(-x)), rtol=1e-6)
    np.testing.assert_allclose(nn.Softmin(dim=1)(x).numpy(force=True), nn.Softmax(dim=1)(-x).numpy(force=True), rtol=1e-6)
    phi = 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))          # the normal CDF: GELU = x Φ(x)
    np.testing.assert_allclose(nn.GELU()(x).numpy(force=True), x * phi, rtol=1e-6)
    np.testing.assert_allclose(nn.SiLU()(x).numpy(force=True), x / (1 + np.exp(-x)), rtol=1e-6)
    np.testing.assert_allclose(nn.Hardtanh()(3 * x).numpy(force=True), np.clip(3 * x, -1, 1))
    np.testing.assert_allclose(nn.ReLU6()(9 * x).numpy(force=True), np.clip(9 * x, 0, 6))
    assert repr(nn.ReLU6()) == "ReLU6()" and repr(nn.GELU()) == "GELU(approximate='none')"


def test_container_list_and_dict_operations():
    a, b, c = nn.Linear(1, 1), nn.Linear(1, 1), nn.Linear(1, 1)
    ml = nn.ModuleList([a])
    ml += [b]
    both = ml + nn.ModuleList([c])
    assert list(both) == [a, b, c] and list(ml.extend([c])) == [a, b, c] and ml[-1] is c
    ml[0] = c
    assert ml[0] is c and isinstance(ml[1:], nn.ModuleList)
    md = nn.ModuleDict([("x", a)])
    md.update({"y": b})
    assert md.keys() == ["x", "y"] and md.values() == [a, b] and md.items()[1] == ("y", b)
    md.clear()
    assert len(md) == 0
    with pytest.raises(KeyError, match="no module 'z'"):
        md["z"]
    tg.manual_seed(0)
    half = nn.Linear(2, 2).half()
    assert half.weight.dtype == np.float16 and half.float().weight.dtype == np.float32
