"""``nn.data`` is ``tensorgrad.utils.data`` (PyTorch's ``torch.utils.data``): Dataset, TensorDataset, Subset,
random_split, samplers and the DataLoader, including tensorgrad's array form ``DataLoader(x, y, batch_size=32)``."""
from tensorgrad.utils.data import *  # noqa: F401,F403
from tensorgrad.utils.data import __all__  # noqa: F401
