# "Deep Learning with PyTorch: A 60 Minute Blitz": Training a Classifier (beginner_source/blitz/cifar10_tutorial.py).
# CIFAR-10 (a download) is replaced by generated 32x32 RGB images of ten classes (each a grating of its own
# orientation and colour, random phase, contrast and noise), 2,000 to train on and 400 to test, served by a
# Dataset with the tutorial's ToTensor/Normalize. To run in seconds the loss is printed every 100
# mini-batches (the tutorial: every 2,000 of 12,500); the matplotlib/make_grid display is left out. Lines
# marked "(test)" record what tests/test_tutorials.py checks.
import numpy as np
import tensorgrad as torch
import tensorgrad.utils.data
import tensorgrad.nn.transforms as transforms


class GeneratedCIFAR10(torch.utils.data.Dataset):
    """(in place of torchvision.datasets.CIFAR10) uint8 (32, 32, 3) images and their class indices."""

    def __init__(self, root, train=True, download=False, transform=None):
        rng = np.random.default_rng(0 if train else 1)
        n = 2000 if train else 400
        self.targets = [i % 10 for i in range(n)]
        yy, xx = np.mgrid[:32, :32]
        self.data = []
        for label in self.targets:
            angle = label * np.pi / 5 + rng.normal(0, 0.05)
            wave = np.sin((np.cos(angle) * xx + np.sin(angle) * yy) * 0.6 + rng.uniform(0, 2 * np.pi))
            colour = 0.5 + 0.5 * np.cos(2 * np.pi * (label / 10 + np.array([0, 1, 2]) / 3))   # a hue per class
            image = 40 + 150 * colour + 50 * rng.uniform(0.5, 1.0) * wave[..., None] + rng.normal(0, 20, (32, 32, 3))
            self.data.append(np.clip(image, 0, 255).astype(np.uint8))
        self.transform = transform

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        return self.transform(self.data[index]), self.targets[index]


transform = transforms.Compose(
    [transforms.ToTensor(),
     transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])

batch_size = 4

trainset = GeneratedCIFAR10(root='./data', train=True,
                            download=True, transform=transform)
trainloader = torch.utils.data.DataLoader(trainset, batch_size=batch_size,
                                          shuffle=True, num_workers=2)

testset = GeneratedCIFAR10(root='./data', train=False,
                           download=True, transform=transform)
testloader = torch.utils.data.DataLoader(testset, batch_size=batch_size,
                                         shuffle=False, num_workers=2)

classes = ('plane', 'car', 'bird', 'cat',
           'deer', 'dog', 'frog', 'horse', 'ship', 'truck')

# get some random training images
dataiter = iter(trainloader)
images, labels = next(dataiter)

# print labels
print(' '.join(f'{classes[labels[j]]:5s}' for j in range(batch_size)))

import tensorgrad.nn as nn
import tensorgrad.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1) # flatten all dimensions except batch
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


net = Net()

import tensorgrad.optim as optim

criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)

history = []  # (test)
for epoch in range(2):  # loop over the dataset multiple times

    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        # get the inputs; data is a list of [inputs, labels]
        inputs, labels = data

        # zero the parameter gradients
        optimizer.zero_grad()

        # forward + backward + optimize
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()

        # print statistics
        running_loss += loss.item()
        if i % 100 == 99:    # print every 100 mini-batches
            print(f'[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 100:.3f}')
            history.append(running_loss / 100)  # (test)
            running_loss = 0.0

print('Finished Training')

PATH = './cifar_net.pth'
torch.save(net.state_dict(), PATH)

dataiter = iter(testloader)
images, labels = next(dataiter)

# print images
print('GroundTruth: ', ' '.join(f'{classes[labels[j]]:5s}' for j in range(4)))

trained_net = net  # (test)
net = Net()
net.load_state_dict(torch.load(PATH))

outputs = net(images)

_, predicted = torch.max(outputs, 1)

print('Predicted: ', ' '.join(f'{classes[predicted[j]]:5s}'
                              for j in range(4)))

correct = 0
total = 0
# since we're not training, we don't need to calculate the gradients for our outputs
with torch.no_grad():
    for data in testloader:
        images, labels = data
        # calculate outputs by running images through the network
        outputs = net(images)
        # the class with the highest energy is what we choose as prediction
        _, predicted = torch.max(outputs.data, 1)
        total += labels.size(0)
        correct += (predicted == labels).sum().item()

print(f'Accuracy of the network on the 10000 test images: {100 * correct // total} %')

# prepare to count predictions for each class
correct_pred = {classname: 0 for classname in classes}
total_pred = {classname: 0 for classname in classes}

# again no gradients needed
with torch.no_grad():
    for data in testloader:
        images, labels = data
        outputs = net(images)
        _, predictions = torch.max(outputs, 1)
        # collect the correct predictions for each class
        for label, prediction in zip(labels, predictions):
            if label == prediction:
                correct_pred[classes[label]] += 1
            total_pred[classes[label]] += 1


# print accuracy for each class
for classname, correct_count in correct_pred.items():
    accuracy = 100 * float(correct_count) / total_pred[classname]
    print(f'Accuracy for class: {classname:5s} is {accuracy:.1f} %')

device = torch.device('cuda:0' if torch.cuda.is_available() else 'cpu')

# Assuming that we are on a CUDA machine, this should print a CUDA device:

print(device)

net.to(device)
inputs, labels = data[0].to(device), data[1].to(device)

del dataiter
