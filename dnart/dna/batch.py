"""The unit of data between the reader and the encoders."""

from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass
class Batch:
    """Base codes of consecutive records, or of pieces of records too long for one batch.

    ``codes[starts[i]:ends[i]]`` is piece ``i``; when its record closes in this
    batch, ``codes[ends[i]]`` is ``END``. Only the first piece can continue a
    record begun in an earlier batch, and only the last can go on in the next.
    """

    codes: np.ndarray  # uint8: 0-3 for A, C, G, T (U is T); UNKNOWN for other bases; END after each closed record
    starts: np.ndarray  # int64: where each piece begins in codes
    ends: np.ndarray  # int64: where each piece stops (exclusive)
    first: int  # 0-based number, over all inputs, of the first piece's record
    continued: bool = False  # the first piece continues the previous batch's last record
    open: bool = False  # the last piece's record goes on in the next batch

    @property
    def lengths(self) -> np.ndarray:
        return self.ends - self.starts
