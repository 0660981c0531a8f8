# "Learn the Basics: Save and Load the Model" (saveloadrun_tutorial) with a small model instead of
# torchvision's vgg16. Saving the whole model object (torch.save(model)) needs pickle, which tg.save refuses
# (it stores tensors and state dicts only); the tutorial's state_dict way is the one that runs.
import tensorgrad as torch
from tensorgrad import nn


def make_model():
    return nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))


# Saving and Loading Model Weights
model = make_model()
torch.save(model.state_dict(), 'model_weights.pth')

model2 = make_model()  # we do not specify ``weights``, i.e. create untrained model
model2.load_state_dict(torch.load('model_weights.pth', weights_only=True))
model2.eval()

x = torch.rand(5, 16)
same_output = torch.equal(model(x), model2(x))
print(same_output)

# Saving and Loading Models with Shapes
try:
    torch.save(model, 'model.pth')
    whole_model_error = None
except TypeError as error:
    whole_model_error = str(error)
print(whole_model_error)

# Saving a general checkpoint (the "Saving and loading a general checkpoint" recipe)
optimizer = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
loss = nn.MSELoss()(model(x), torch.zeros(5, 4))
loss.backward()
optimizer.step()
EPOCH = 5
PATH = "model.pt"
LOSS = 0.4

torch.save({
            'epoch': EPOCH,
            'model_state_dict': model.state_dict(),
            'optimizer_state_dict': optimizer.state_dict(),
            'loss': LOSS,
            }, PATH)

model3 = make_model()
optimizer3 = torch.optim.SGD(model3.parameters(), lr=0.001, momentum=0.9)

checkpoint = torch.load(PATH, weights_only=True)
model3.load_state_dict(checkpoint['model_state_dict'])
optimizer3.load_state_dict(checkpoint['optimizer_state_dict'])
epoch = checkpoint['epoch']
loss = checkpoint['loss']

model3.train()
