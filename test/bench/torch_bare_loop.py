"""The bare loop bench:torch compares gpuprof with: a plain PyTorch DataLoader over the same .npy
file, read as PyTorch users read it (np.load with mmap_mode="r", opened in each worker), with no
gpuprof anywhere. Prints one JSON line: samples/s over the measured window."""
import json
import sys
import time

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset


class NpyDataset(Dataset):
    def __init__(self, path):
        self.path = path
        self.array = None
        self.count = len(np.load(path, mmap_mode="r"))

    def __len__(self):
        return self.count

    def __getitem__(self, i):
        if self.array is None:
            self.array = np.load(self.path, mmap_mode="r")
        return torch.from_numpy(np.array(self.array[i]))


def main():
    path, workers, batch, seconds, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
    loader = DataLoader(
        NpyDataset(path),
        batch_size=batch,
        num_workers=workers,
        prefetch_factor=2 if workers > 0 else None,
        persistent_workers=workers > 0,
    ) if workers > 0 else DataLoader(NpyDataset(path), batch_size=batch)
    steps = 0
    samples = 0
    started = None
    while True:
        for x in loader:
            steps += 1
            if steps == warmup + 1:
                started = time.monotonic()
            if started is None:
                continue
            samples += len(x)
            elapsed = time.monotonic() - started
            if elapsed >= seconds:
                print(json.dumps({"samplesPerS": samples / elapsed}))
                return


main()
