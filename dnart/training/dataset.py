"""Image folders decoded and resized once into an in-memory uint8 tensor, cached on disk."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
from pathlib import Path
from typing import Callable

import numpy as np

from ..atomic import atomic_write
from ..errors import DnartError

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp"}
NO_DATA_HELP = (
    "no training images given: pass --data DIR, a folder of landscape photos (JPEG/PNG, any size). "
    "The paper trained on Kaggle's 'arnaud58/landscape-pictures' (about 4,300 Flickr landscapes); "
    "any folder of a few thousand photos works"
)


def cache_dir() -> Path:
    """Where dnart keeps derived data: ``$DNART_CACHE`` or ``~/.cache/dnart``."""
    return Path(os.environ.get("DNART_CACHE") or Path.home() / ".cache" / "dnart")


@dataclasses.dataclass
class ImageSet:
    """Decoded training images: ``pixels`` is uint8 (N, 3, size, size)."""

    pixels: np.ndarray
    skipped: int
    source: Path

    def __len__(self) -> int:
        return len(self.pixels)


def list_images(folder: str | os.PathLike) -> list[Path]:
    """Image files under ``folder`` (recursively), sorted; a one-line error when there are none."""
    root = Path(folder)
    if not root.exists():
        raise DnartError(f"{root}: no such folder")
    if not root.is_dir():
        raise DnartError(f"{root}: not a folder (expected a folder of images)")
    files = sorted(p for p in root.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    if not files:
        raise DnartError(f"{root}: no JPEG/PNG images found")
    return files


def decode(path: Path, size: int) -> np.ndarray | None:
    """One image as uint8 (3, size, size), any mode converted to RGB; None if unreadable."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img = img.convert("RGB").resize((size, size), Image.Resampling.LANCZOS)
            return np.asarray(img, dtype=np.uint8).transpose(2, 0, 1).copy()
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None


def _key(files: list[Path], size: int) -> str:
    h = hashlib.sha256(f"v1:{size}".encode())
    for p in files:
        st = p.stat()
        h.update(f"{p}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:24]


def load_images(
    folder: str | os.PathLike | None,
    size: int,
    progress: Callable[[int, int], None] | None = None,
) -> ImageSet:
    """Decode every image in ``folder`` at ``size`` x ``size``, reusing the on-disk cache."""
    if folder is None:
        raise DnartError(NO_DATA_HELP)
    files = list_images(folder)
    cached = cache_dir() / "images" / f"{_key(files, size)}.npz"
    if cached.exists():
        with np.load(cached) as data:
            return ImageSet(data["pixels"], int(data["skipped"]), Path(folder))
    pixels = np.empty((len(files), 3, size, size), dtype=np.uint8)
    n = 0
    for i, path in enumerate(files):
        img = decode(path, size)
        if img is not None:
            pixels[n] = img
            n += 1
        if progress:
            progress(i + 1, len(files))
    if n == 0:
        raise DnartError(f"{folder}: none of the {len(files)} image files could be read")
    pixels = pixels[:n]
    buf = io.BytesIO()
    np.savez(buf, pixels=pixels, skipped=len(files) - n)
    with atomic_write(cached) as f:
        f.write(buf.getvalue())
    return ImageSet(pixels, len(files) - n, Path(folder))
