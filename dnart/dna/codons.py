"""The strict codon rule: whole codons, a start codon first, a stop codon last (standard code)."""

from __future__ import annotations

import numpy as np

from .alphabet import UNKNOWN, codon_flags

FAULTS = {
    1: "strict codon mode: length {length} is not a whole number of codons",
    2: "strict codon mode: does not begin with a start codon (ATG, CTG or TTG)",
    3: "strict codon mode: does not end with a stop codon (TAA, TAG or TGA)",
}


def _codon_index(codes: np.ndarray) -> np.ndarray:
    """Index 16 a + 4 b + c of each row's codon, -1 where it holds an unknown base."""
    codes = codes.astype(np.int64)
    index = 16 * codes[:, 0] + 4 * codes[:, 1] + codes[:, 2]
    return np.where((codes < 4).all(axis=1), index, -1)


def ends_of(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last three codes of each piece (UNKNOWN where a piece is shorter)."""
    offsets = np.arange(3)
    lengths = (ends - starts)[:, None]
    if len(codes) == 0:
        blank = np.full((len(starts), 3), UNKNOWN, dtype=np.uint8)
        return blank, blank.copy()
    head_at = np.minimum(starts[:, None] + offsets, len(codes) - 1)
    tail_at = np.maximum(ends[:, None] - 3 + offsets, 0)
    heads = np.where(offsets < lengths, codes[head_at], UNKNOWN)
    tails = np.where(3 - offsets <= lengths, codes[tail_at], UNKNOWN)
    return heads.astype(np.uint8), tails.astype(np.uint8)


def faults(lengths: np.ndarray, heads: np.ndarray, tails: np.ndarray) -> np.ndarray:
    """Per record: 0 when it obeys the rule, else the key of its first fault in :data:`FAULTS`."""
    start, stop = codon_flags()
    first, last = _codon_index(heads), _codon_index(tails)
    result = np.zeros(len(lengths), dtype=np.int64)
    result[(last < 0) | ~stop[np.maximum(last, 0)]] = 3
    result[(first < 0) | ~start[np.maximum(first, 0)]] = 2
    result[lengths % 3 != 0] = 1
    return result
