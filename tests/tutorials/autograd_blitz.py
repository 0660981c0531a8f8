# "Deep Learning with PyTorch: A 60 Minute Blitz": A Gentle Introduction to torch.autograd (the parts
# without torchvision's resnet18), and the older blitz's autograd section (requires_grad_, .data, v-J products)
import tensorgrad as torch
from tensorgrad import nn, optim

# Differentiation in Autograd
a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)
Q = 3*a**3 - b**2
external_grad = torch.tensor([1., 1.])
Q.backward(gradient=external_grad)

# check if collected gradients are correct
print(9*a**2 == a.grad)
print(-2*b == b.grad)
a_matches = (9*a**2 == a.grad).all().item()
b_matches = (-2*b == b.grad).all().item()

# Exclusion from the DAG
x = torch.rand(5, 5)
y = torch.rand(5, 5)
z = torch.rand((5, 5), requires_grad=True)

a = x + y
print(f"Does `a` require gradients?: {a.requires_grad}")
b = x + z
print(f"Does `b` require gradients?: {b.requires_grad}")
a_requires, b_requires = a.requires_grad, b.requires_grad

# Freezing parameters (a small model instead of resnet18)
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))
for param in model.parameters():
    param.requires_grad = False
model[2] = nn.Linear(16, 10)
optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
trainable = [name for name, p in model.named_parameters() if p.requires_grad]

# The older blitz: Tensor, requires_grad_, grad_fn, out.backward()
x = torch.ones(2, 2, requires_grad=True)
print(x)
y = x + 2
print(y)
print(y.grad_fn)
z = y * y * 3
out = z.mean()
print(z, out)

a = torch.randn(2, 2)
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn)

out.backward()
print(x.grad)
x_grad = x.grad

# vector-Jacobian product
x = torch.randn(3, requires_grad=True)
y = x * 2
while y.data.norm() < 1000:
    y = y * 2
print(y)
v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(v)
print(x.grad)
vjp_x, vjp_y, vjp_grad = x, y, x.grad

print(x.requires_grad)
print((x ** 2).requires_grad)
with torch.no_grad():
    print((x ** 2).requires_grad)
    no_grad_requires = (x ** 2).requires_grad

print(x.requires_grad)
y = x.detach()
print(y.requires_grad)
print(x.eq(y).all())
