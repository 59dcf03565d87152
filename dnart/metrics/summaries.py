"""Summary files (.npz) and the on-disk cache of real folders' summaries.

A summary file is a plain ``numpy.savez`` archive of arrays, read without
pickle. FID's holds ``mu`` and ``sigma`` like pytorch-fid's statistics files,
so either tool's files work with the other. A folder's cached summary lives
in ``<cache>/stats/`` under a key made of the metric's name and cache key and
every image file's path, size and modification time: change, add or remove a
photo, or change weights or options, and it is recomputed.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import numpy as np

from ..atomic import atomic_write
from ..errors import DnartError
from ..training.dataset import cache_dir
from . import Summary

CACHE_VERSION = "1"


def save(summary: Summary, path: str | os.PathLike) -> None:
    """Write a summary as an uncompressed .npz, atomically."""
    buf = io.BytesIO()
    np.savez(buf, **summary)
    with atomic_write(path) as f:
        f.write(buf.getbuffer())


def load(path: str | os.PathLike) -> Summary:
    """Read a summary .npz; a one-line error naming the file if it is not one."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {k: archive[k] for k in archive.files}
    except FileNotFoundError:
        raise DnartError(f"{path}: no such statistics file") from None
    except Exception as exc:  # zip, npy-header and pickle refusals all mean "not a summary file"
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise DnartError(f"{path}: not a readable .npz statistics file ({first[:200]})") from None


def folder_key(metric_name: str, metric_key: str, files: list[Path]) -> str:
    """The cache key of a folder's summary: metric, its settings, and every file's identity."""
    h = hashlib.sha256(f"{CACHE_VERSION}\0{metric_name}\0{metric_key}\n".encode())
    for p in files:
        st = p.stat()
        h.update(f"{p.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:32]


def cache_path(metric_name: str, key: str) -> Path:
    return cache_dir() / "stats" / f"{metric_name}-{key}.npz"
