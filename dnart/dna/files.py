"""Opening sequence files: compression recognised by content, decompression faults as one-line errors."""

from __future__ import annotations

import bz2
import gzip
import io
import os
import zlib
from pathlib import Path

from ..errors import DnartError

_UNSUPPORTED = {
    b"\xfd7zXZ\x00": "xz",
    b"\x28\xb5\x2f\xfd": "zstd",
    b"PK\x03\x04": "zip",
    b"\x04\x22\x4d\x18": "lz4",
}
# What a damaged gzip or bzip2 stream raises while it is read.
STREAM_ERRORS = (OSError, EOFError, zlib.error, ValueError)


class Input:
    """One opened input: decompressed bytes on demand and how far into the raw file reading has got."""

    def __init__(self, name: str, raw, size: int, compression: str | None):
        self.name = name
        self.size = size
        self.compression = compression
        self._raw = raw
        if compression == "gzip":
            self._stream = gzip.GzipFile(fileobj=raw, mode="rb")
        elif compression == "bzip2":
            self._stream = bz2.BZ2File(raw, mode="rb")
        else:
            self._stream = raw

    def read(self, size: int) -> bytes:
        """Up to ``size`` decompressed bytes; b"" at the end. Damaged streams raise :class:`CorruptStream`."""
        try:
            return self._stream.read(size)
        except STREAM_ERRORS as exc:
            raise CorruptStream(f"corrupt {self.compression} stream ({exc})") from None

    def position(self) -> int:
        """Raw (on-disk) bytes consumed so far."""
        return min(self._raw.tell(), self.size)

    def close(self) -> None:
        self._stream.close()
        self._raw.close()


class CorruptStream(Exception):
    """A compressed stream could not be decoded; the reader adds where it happened."""


def open_input(source: str | os.PathLike | tuple[str, bytes]) -> Input:
    """Open a path, or a ``(name, data)`` pair held in memory, recognising gzip and bzip2 by their magic bytes."""
    if isinstance(source, tuple):
        name, data = source
        raw, size = io.BytesIO(data), len(data)
    else:
        name = str(source)
        path = Path(source)
        try:
            raw = open(path, "rb")
        except FileNotFoundError:
            raise DnartError(f"{name}: no such file") from None
        except IsADirectoryError:
            raise DnartError(f"{name}: is a directory, not a sequence file") from None
        except OSError as exc:
            raise DnartError(f"{name}: cannot open ({exc.strerror or exc})") from None
        size = os.fstat(raw.fileno()).st_size
    head = raw.read(6)
    raw.seek(0)
    if not head:
        raw.close()
        raise DnartError(f"{name}: file is empty")
    for magic, kind in _UNSUPPORTED.items():
        if head.startswith(magic):
            raw.close()
            raise DnartError(f"{name}: {kind}-compressed input is not supported (use plain, gzip or bzip2)")
    compression = "gzip" if head.startswith(b"\x1f\x8b") else "bzip2" if head.startswith(b"BZh") else None
    return Input(name, raw, size, compression)
