"""scikit-learn's digits (1,797 8×8 images, 10 classes; shipped inside the package, nothing is
downloaded) as a stand-in for Wu, Ma & E's FashionMNIST subsets, and a corrupted-label copy.

Pixels are scaled to [0, 1] (divided by 16, their largest value); targets are one-hot vectors
for the mean-squared-error loss Wu et al. use (§4: "we use the mean squared error rather than
the cross entropy"). A subset of n samples is drawn without replacement from a seeded generator.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from theory.errors import ParameterError

CLASSES = 10
PIXEL_MAX = 16.0


@dataclass(frozen=True)
class Dataset:
    """Inputs ``x`` (n, 64), one-hot targets ``y`` (n, 10), integer ``labels`` (n,), and
    ``corrupted`` (n,) marking the samples whose label was replaced at random."""

    x: np.ndarray
    y: np.ndarray
    labels: np.ndarray
    corrupted: np.ndarray
    name: str

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``(x, y)``: the data argument of the training and curvature functions."""
        return self.x, self.y


def _generator(seed) -> np.random.Generator:
    sequence = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return np.random.Generator(np.random.PCG64(sequence))


def one_hot(labels: np.ndarray) -> np.ndarray:
    return np.eye(CLASSES)[labels]


def digits(n: int = 1000, seed=0) -> Dataset:
    """n of the 1,797 digits, drawn without replacement by a generator seeded with ``seed`` (an
    int or a ``numpy.random.SeedSequence``), pixels in [0, 1], one-hot targets."""
    from sklearn.datasets import load_digits

    images, labels = load_digits(return_X_y=True)
    if not 1 <= n <= len(labels):
        raise ParameterError("n", f"must be an integer in [1, {len(labels)}], got {n!r}")
    chosen = np.sort(_generator(seed).choice(len(labels), size=n, replace=False))
    x = images[chosen].astype(np.float64) / PIXEL_MAX
    labels = labels[chosen].astype(np.int64)
    return Dataset(x, one_hot(labels), labels, np.zeros(n, dtype=bool), f"digits (n = {n})")


def corrupt_labels(data: Dataset, fraction: float, seed=0) -> Dataset:
    """A copy of ``data`` in which round(fraction · n) samples, chosen without replacement by a
    generator seeded with ``seed``, get a label drawn uniformly from the *other* nine classes, so
    exactly that many labels are wrong (Wu et al.'s "corrupted FashionMNIST" rows)."""
    if not 0 <= fraction <= 1:
        raise ParameterError("fraction", f"must be in [0, 1], got {fraction!r}")
    rng = _generator(seed)
    count = round(fraction * len(data))
    chosen = rng.choice(len(data), size=count, replace=False)
    labels = data.labels.copy()
    labels[chosen] = (labels[chosen] + rng.integers(1, CLASSES, size=count)) % CLASSES
    corrupted = data.corrupted.copy()
    corrupted[chosen] = True
    return replace(data, y=one_hot(labels), labels=labels, corrupted=corrupted,
                   name=f"{data.name}, {count} labels corrupted")
