"""The paper's encoder: the mean base value of each of the first latent_dim reads."""

from __future__ import annotations

import numpy as np

from dnart.dna import UNKNOWN, Reads
from dnart.encoding import Encoder, EncoderOptions
from dnart.errors import DnartError


class MeanAverage(Encoder):
    """The paper's encoder: each of the first latent_dim reads' mean base value (A0 C1 G2 T3, /3).

    A read's value is sum / (length * 3), in [0, 1], over its A/C/G/T bases
    (unknown bases are skipped, so a read without any gives no value and is
    passed over). With fewer such reads than latent_dim (one genome, say), the
    input's A/C/G/T bases, concatenated in order, are cut into latent_dim equal
    consecutive stretches instead: stretch i holds bases floor(i T / D) to
    floor((i + 1) T / D) - 1 of T. The whole input is always read and checked.
    """

    name = "mean-average"
    Options = EncoderOptions

    def features(self, reads: Reads) -> np.ndarray:
        values = self._read_values(reads)
        if len(values) == self.options.latent_dim:
            return values
        return self._stretch_values(reads)

    def _read_values(self, reads: Reads) -> np.ndarray:
        want = self.options.latent_dim
        sums, counts = [], []  # per read with at least one A/C/G/T base, until ``want`` of them
        pending = (0, 0)  # the sum and count so far of a record that goes on in the next batch
        for batch in reads:
            pieces = len(batch.starts)
            i = 0
            while i < pieces and len(sums) < want:  # only as many reads as still wanted, not the whole batch
                j = min(pieces, i + want - len(sums))
                piece_sums, piece_counts = _piece_sums(batch.codes, batch.starts[i:j], batch.ends[i:j])
                if i == 0 and batch.continued:
                    piece_sums[0] += pending[0]
                    piece_counts[0] += pending[1]
                if j == pieces and batch.open:
                    pending = (piece_sums.pop(), piece_counts.pop())
                for s, c in zip(piece_sums, piece_counts):
                    if c:
                        sums.append(s)
                        counts.append(c)
                i = j
        if pending[1] and len(sums) < want:
            sums.append(pending[0])
            counts.append(pending[1])
        sums, counts = np.array(sums[:want], dtype=np.float64), np.array(counts[:want], dtype=np.float64)
        return sums / (3.0 * counts)

    def _stretch_values(self, reads: Reads) -> np.ndarray:
        want = self.options.latent_dim
        total = reads.stats.bases - reads.stats.skipped
        if total < want:
            raise DnartError(f"mean-average needs at least {want} A/C/G/T bases (latent_dim); the input has {total}")
        bounds = np.arange(want + 1, dtype=np.int64) * total // want
        prefix = np.zeros(want + 1, dtype=np.int64)  # base-value sum before each bound
        done, before = 0, 0  # bases and their value sum in earlier batches
        for batch in reads:
            codes = batch.codes[batch.codes < UNKNOWN]
            running = np.cumsum(codes, dtype=np.int64)
            inside = (bounds > done) & (bounds <= done + len(codes))
            prefix[inside] = before + running[bounds[inside] - done - 1]
            done += len(codes)
            before += int(running[-1]) if len(running) else 0
        return np.diff(prefix) / (3.0 * np.diff(bounds))


def _piece_sums(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[list[int], list[int]]:
    """Sum of the A/C/G/T codes and their number in each piece."""
    lo, hi = int(starts[0]), int(ends[-1])
    span = codes[lo:hi]
    valid = span < UNKNOWN
    running = np.zeros(len(span) + 1, dtype=np.int64)
    np.cumsum(np.where(valid, span, 0), out=running[1:])
    seen = np.zeros(len(span) + 1, dtype=np.int64)
    np.cumsum(valid, out=seen[1:])
    starts, ends = starts - lo, ends - lo
    return (running[ends] - running[starts]).tolist(), (seen[ends] - seen[starts]).tolist()
