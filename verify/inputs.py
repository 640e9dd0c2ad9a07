"""Reading user files: validated arrays or a one-line ParameterError naming the option.

Every option that reads an array file goes through ``read_array`` (one array: an ``.npy``, or the
only / the named array of an ``.npz``) or ``read_npz`` (named arrays of an ``.npz``), data columns through ``read_columns`` (CSV or ``.npz``). Any failure
of the file itself — missing, a directory, unreadable, truncated, a corrupt zip or a bad CRC, a
broken ``.npy`` header, object arrays (refused: nothing is unpickled), an entry that is not an
``.npy``, an array too large for memory — becomes a ``ParameterError`` naming the option, never
a traceback. What the numbers must satisfy (dtype, shape, finiteness) is checked by
``check_real`` and by the caller.
"""

from __future__ import annotations

import csv
import os

import numpy as np
import sympy as sp

from numerics import linear
from theory.errors import ParameterError
from theory.numbers import parse_exact


def _check_path(path: str, option: str) -> None:
    if not os.path.lexists(path):
        raise ParameterError(option, f"no such file {path!r}")
    if os.path.isdir(path):
        raise ParameterError(option, f"{path!r} is a directory, not a file")
    if not os.path.isfile(path):
        raise ParameterError(option, f"{path!r} is not a regular file")
    if not os.access(path, os.R_OK):
        raise ParameterError(option, f"{path!r} cannot be read (permission denied)")


def _failure(option: str, path: str, error: BaseException) -> ParameterError:
    text = str(error).splitlines()[0][:120] if str(error) else ""
    if isinstance(error, MemoryError):
        text = "the array does not fit in memory"
    return ParameterError(option, f"cannot read {path!r} as a NumPy .npy/.npz file "
                                  f"({type(error).__name__}{': ' + text if text else ''})")


def _open(path: str, option: str):
    _check_path(path, option)
    try:
        return np.load(path, allow_pickle=False)
    except Exception as error:  # every failure of the file: zip, zlib, tokenize, pickle refusal, EOF, memory ...
        raise _failure(option, path, error) from None


def _entry(archive, name: str, path: str, option: str) -> np.ndarray:
    try:
        array = archive[name]
    except Exception as error:
        raise _failure(option, path, error) from None
    if not isinstance(array, np.ndarray):
        raise ParameterError(option, f"entry {name!r} of {path!r} is not an .npy array")
    return array


def read_array(path: str, option: str, name: str | None = None) -> np.ndarray:
    """The array of an ``.npy`` file, or of an ``.npz`` the only array or the one called ``name``."""
    loaded = _open(path, option)
    if isinstance(loaded, np.ndarray):
        return loaded
    with loaded:
        names = list(loaded.files)
        if name in names:
            return _entry(loaded, name, path, option)
        if len(names) != 1:
            wanted = f"one array or one named {name!r}" if name else "one array"
            raise ParameterError(option, f"{path!r} holds {len(names)} arrays {names[:5]}; expected {wanted}")
        return _entry(loaded, names[0], path, option)


def read_npz(path: str, option: str, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The arrays ``names`` of an ``.npz`` archive (each must be present)."""
    loaded = _open(path, option)
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise ParameterError(option, f"expected an .npz archive with arrays {', '.join(names)}")
    with loaded:
        missing = sorted(set(names) - set(loaded.files))
        if missing:
            raise ParameterError(option, f"missing arrays {missing} (need {', '.join(names)})")
        return {name: _entry(loaded, name, path, option) for name in names}


def check_real(array: np.ndarray, parameter: str, ndim: int | None = None) -> np.ndarray:
    """``array`` as finite float64 of ``ndim`` dimensions, or a ParameterError naming ``parameter``."""
    if array.dtype.kind not in "iuf":
        raise ParameterError(parameter, f"must hold real numbers, got dtype {array.dtype}")
    if ndim is not None and array.ndim != ndim:
        raise ParameterError(parameter, f"expected {ndim} dimensions, got shape {array.shape}")
    with np.errstate(over="ignore"):
        converted = array.astype(float)
    if not np.all(np.isfinite(converted)):
        raise ParameterError(parameter, "contains a non-finite number")
    return converted


def read_hessians(path: str, option: str = "hessians") -> np.ndarray:
    """The (n, d, d) array of a .npy file (or the only / 'hessians' array of a .npz), validated
    by ``numerics.linear.check_hessians`` (finite, symmetric, positive semidefinite)."""
    array = read_array(path, option, "hessians")
    return linear.check_hessians(check_real(array, option))


#: most rows and the longest file a data file of `derive stability` may have
MAX_DATA_ROWS, MAX_DATA_BYTES = 10_000, 10_000_000


def read_columns(path: str, option: str, names: tuple[str, ...]) -> dict[str, list]:
    """One column per name from a CSV with a header row (cells read exactly by ``parse_exact``) or
    from an ``.npz`` (1-D real arrays, each float taken at its exact binary value); columns of one length."""
    _check_path(path, option)
    if os.path.getsize(path) > MAX_DATA_BYTES:
        raise ParameterError(option, f"{path!r} is larger than {MAX_DATA_BYTES} bytes")
    if path.lower().endswith(".csv"):
        try:
            with open(path, encoding="utf-8", newline="") as stream:
                rows = [row for row in csv.reader(stream) if any(cell.strip() for cell in row)]
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise ParameterError(option, f"cannot read {path!r} as CSV ({type(error).__name__})") from None
        if not rows:
            raise ParameterError(option, f"{path!r} is empty")
        header = [cell.strip() for cell in rows[0]]
        missing = [name for name in names if name not in header]
        if missing:
            raise ParameterError(option, f"{path!r} has no column {missing[0]!r} (its header: {', '.join(header)})")
        if len(rows) - 1 > MAX_DATA_ROWS:
            raise ParameterError(option, f"more than {MAX_DATA_ROWS} rows in {path!r}")
        if any(len(row) != len(header) for row in rows[1:]):
            raise ParameterError(option, f"ragged rows in {path!r}: every row needs {len(header)} cells")
        return {name: [parse_exact(row[header.index(name)], option) for row in rows[1:]] for name in names}
    arrays = read_npz(path, option, names)
    columns = {}
    for name, array in arrays.items():
        values = check_real(array, f"{option} ({name})", 1)
        if len(values) > MAX_DATA_ROWS:
            raise ParameterError(option, f"more than {MAX_DATA_ROWS} rows in {path!r}")
        columns[name] = [sp.Rational(float(v)) for v in values]
    return columns
