"""Reading user files: validated arrays or a one-line ParameterError."""

from __future__ import annotations

import numpy as np

from numerics import linear
from theory.errors import ParameterError


def read_hessians(path: str) -> np.ndarray:
    """The (n, d, d) array of a .npy file (or the only / 'hessians' array of a .npz), validated
    by ``numerics.linear.check_hessians`` (finite, symmetric, positive semidefinite)."""
    try:
        loaded = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as error:
        raise ParameterError("hessians", f"cannot read {path!r} as a NumPy file ({type(error).__name__})") from None
    if isinstance(loaded, np.lib.npyio.NpzFile):
        with loaded:
            names = list(loaded.files)
            if "hessians" not in names and len(names) != 1:
                raise ParameterError("hessians", f"{path!r} holds {names}; expected one array or one named 'hessians'")
            loaded = loaded["hessians" if "hessians" in names else names[0]]
    return linear.check_hessians(loaded)
