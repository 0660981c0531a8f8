# "Learn the Basics: Datasets & DataLoaders": Creating a Custom Dataset for your files. The images are .npy
# files and the labels a CSV made here (torchvision's read_image and pandas swapped for numpy and csv).
import csv
import os

import numpy as np
import tensorgrad as torch
from tensorgrad.utils.data import Dataset
from tensorgrad.utils.data import DataLoader

img_dir = "images"
annotations_file = "labels.csv"
os.makedirs(img_dir, exist_ok=True)
rng = np.random.default_rng(0)
with open(annotations_file, "w", newline="") as f:
    writer = csv.writer(f)
    for i in range(20):
        label = i % 10
        np.save(os.path.join(img_dir, f"img_{i}.npy"), np.full((1, 28, 28), label, np.uint8))
        writer.writerow([f"img_{i}.npy", label])


def read_image(path):
    return torch.from_numpy(np.load(path))


class CustomImageDataset(Dataset):
    def __init__(self, annotations_file, img_dir, transform=None, target_transform=None):
        with open(annotations_file) as f:
            self.img_labels = [(name, int(label)) for name, label in csv.reader(f)]
        self.img_dir = img_dir
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self):
        return len(self.img_labels)

    def __getitem__(self, idx):
        img_path = os.path.join(self.img_dir, self.img_labels[idx][0])
        image = read_image(img_path)
        label = self.img_labels[idx][1]
        if self.transform:
            image = self.transform(image)
        if self.target_transform:
            label = self.target_transform(label)
        return image, label


training_data = CustomImageDataset(annotations_file, img_dir, transform=lambda img: img.float() / 255)
train_dataloader = DataLoader(training_data, batch_size=8, shuffle=True)

# Display image and label.
train_features, train_labels = next(iter(train_dataloader))
print(f"Feature batch shape: {train_features.size()}")
print(f"Labels batch shape: {train_labels.size()}")
img = train_features[0].squeeze()
label = train_labels[0]
print(f"Label: {label}")
