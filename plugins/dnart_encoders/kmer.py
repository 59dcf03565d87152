"""k-mer frequency profiles."""

from __future__ import annotations

import dataclasses

import numpy as np

from dnart.dna import UNKNOWN, Reads
from dnart.encoding import Encoder, EncoderOptions
from dnart.errors import DnartError

MAX_K = 10  # 4^10 counters; beyond that the profile no longer fits a latent usefully


@dataclasses.dataclass
class KmerOptions(EncoderOptions):
    k: int = 4  # k-mer length, 1 to 10
    canonical: bool = True  # count a k-mer and its reverse complement as one (reads come from both strands)


def reverse_complements(k: int) -> np.ndarray:
    """For each k-mer index (base-4 digits, A=0 C=1 G=2 T=3, first base most significant), its reverse complement's."""
    index = np.arange(4**k, dtype=np.int64)
    result = np.zeros_like(index)
    for _ in range(k):
        result = result * 4 + (3 - index % 4)
        index //= 4
    return result


def canonical_indices(k: int) -> np.ndarray:
    """The ascending k-mer indices that are their class's smaller member (k-mer vs reverse complement)."""
    index = np.arange(4**k, dtype=np.int64)
    return np.flatnonzero(index <= reverse_complements(k))


def count_kmers(codes: np.ndarray, k: int, step: int = 1 << 20) -> np.ndarray:
    """Counts of each k-mer in ``codes``; windows holding an unknown base or a record end are skipped.

    Windows are taken ``step`` starts at a time, which bounds the temporary arrays.
    """
    counts = np.zeros(4**k, dtype=np.int64)
    for start in range(0, max(0, len(codes) - k + 1), step):
        counts += _count_windows(codes[start:start + step + k - 1], k)
    return counts


def _count_windows(codes: np.ndarray, k: int) -> np.ndarray:
    n = len(codes) - k + 1
    digits = (codes & 3).astype(np.uint32)
    index = digits[:n].copy()
    for t in range(1, k):
        index <<= 2
        index |= digits[t:t + n]
    blocked = np.zeros(len(codes) + 1, dtype=np.int32)
    np.cumsum(codes >= UNKNOWN, out=blocked[1:])
    clean = blocked[k:] == blocked[:n]
    return np.bincount(index[clean], minlength=4**k)


class Kmer(Encoder):
    """k-mer frequency profile (canonical by default), projected to the latent size.

    Every window of k consecutive A/C/G/T bases within a record is counted; a
    window overlapping an unknown base is skipped, as jellyfish and KMC do. The
    raw features are the frequencies (counts / total) in lexicographic order of
    the k-mers, or of the canonical ones (the smaller of each k-mer and its
    reverse complement). The map to the latent is the host's fixed sign
    projection.
    """

    name = "kmer"
    Options = KmerOptions

    def check_options(self) -> None:
        super().check_options()
        if not 1 <= self.options.k <= MAX_K:
            raise DnartError(f"encoder.k={self.options.k}: expected 1 to {MAX_K}")

    def features(self, reads: Reads) -> np.ndarray:
        k = self.options.k
        counts = np.zeros(4**k, dtype=np.int64)
        tail = np.zeros(0, dtype=np.uint8)  # the last k-1 codes of a record that goes on in the next batch
        for batch in reads:
            codes = np.concatenate([tail, batch.codes]) if batch.continued and len(tail) else batch.codes
            counts += count_kmers(codes, k)
            tail = codes[max(0, len(codes) - (k - 1)):].copy() if batch.open else tail[:0]
        if self.options.canonical:
            counts = np.bincount(np.minimum(np.arange(4**k), reverse_complements(k)), weights=counts,
                                 minlength=4**k)[canonical_indices(k)]
        total = counts.sum()
        if total == 0:
            raise DnartError(f"kmer: no {k}-mer of A/C/G/T bases in the input (k={k})")
        return counts / total
