"""The Sequence Graph Transform (Ranjan et al., 2022), vectorised.

For letters u, v and a sequence s, over the position pairs i < j with
s_i = u and s_j = v::

    W0[u, v] = number of pairs            (divided by the sequence's A/C/G/T count when length-sensitive)
    Wk[u, v] = sum of exp(-kappa (j - i))
    sgt[u, v] = (Wk / W0) ** (1 / kappa), 0 where there is no pair

which is what the reference package (``sgt`` 2.0.3 on PyPI) computes pair by
pair. Here, for each letter u, ``A_u(j) = sum over i < j of [s_i = u] r^(j - i)``
(r = exp(-kappa)) is a scaled running sum, and ``Wk[u, v]`` is the sum of
``A_u`` over the positions of v: one cumulative sum and one small matrix product
per block of positions. ``exp(+-kappa t)`` stays within float64 range because
positions are handled in blocks of at most 700 / kappa, whose running state is
carried to the next block by a first-order recursion.
Bases other than A/C/G/T keep their position but pair with nothing.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Sequence

import numpy as np

from dnart.dna import UNKNOWN, Reads
from dnart.dna.alphabet import TRANSLATE
from dnart.encoding import Encoder, EncoderOptions
from dnart.errors import DnartError

BLOCK_EXPONENT = 700.0  # kappa x block length: exp(+-350) and exp(-700) are safe in float64
WHOLE_ROW = 4096  # records up to this long are processed many at once, as rows of a matrix
CHAIN_ROW = 1 << 16  # longer records go through in rows this long, one after another
ROW_BUDGET = 1 << 16  # positions per matrix: its arrays (2 MB each) stay in the processor's cache


def _onehot(rows: np.ndarray) -> np.ndarray:
    """(n, L) codes to (n, 4, L) indicators of A, C, G, T."""
    return (rows[:, None, :] == np.arange(4, dtype=np.uint8)[None, :, None]).astype(np.float64)


def _count_pairs(onehot: np.ndarray, counts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per row, W0[u, v] (pairs i < j) and the letter counts after the row; ``counts`` come before it."""
    before = np.cumsum(onehot, axis=-1)
    before -= onehot
    if counts is not None:
        before += counts[..., None]
    w0 = np.matmul(before, onehot.transpose(0, 2, 1))
    return w0, before[..., -1] + onehot[..., -1]


def _decayed_pairs(onehot: np.ndarray, kappa: float, carry: np.ndarray | None, chained: bool):
    """Per row, Wk[u, v]; with ``chained``, also the decayed letter sums at the row's end.

    ``carry`` (n, 4) holds the decayed sums at the row's start (a record
    continued from an earlier row).
    """
    n, _, length = onehot.shape
    if carry is None:  # blocks of equal size waste least
        blocks = max(1, math.ceil(length * kappa / BLOCK_EXPONENT))
        size = -(-length // blocks)
    else:  # the largest blocks, so that the padding carry crosses stays below BLOCK_EXPONENT / kappa
        size = max(1, min(length, int(BLOCK_EXPONENT / kappa)))
        blocks = -(-length // size)
    pad = blocks * size - length
    if pad:  # on the left, so that the row's end is a block's end
        onehot = np.concatenate([np.zeros((n, 4, pad)), onehot], axis=-1)
    t = np.arange(size) - size / 2
    by_block = onehot.reshape(n, 4, blocks, size)
    running = np.multiply(by_block, np.exp(kappa * t))
    np.cumsum(running, axis=-1, out=running)
    # Position t pairs with the sums up to t - 1: a shift, not a subtraction,
    # which would cancel badly as each term outweighs all before it.
    shrunk = np.multiply(by_block[..., 1:], np.exp(-kappa * t[1:]))
    wk = np.matmul(running[..., :-1].reshape(n, 4, -1), shrunk.reshape(n, 4, -1).transpose(0, 2, 1))
    if blocks == 1 and carry is None and not chained:
        return wk, None
    start = np.zeros((n, 4)) if carry is None else carry * math.exp(kappa * pad)
    totals = running[..., -1] * math.exp(-kappa * size / 2)  # each block, seen from the next
    after = _carry_scan(totals, math.exp(-kappa * size), start)
    begin = np.concatenate([start[..., None], after[..., :-1]], axis=-1)
    reach = by_block @ np.exp(-kappa * np.arange(size))
    wk += np.matmul(begin, reach.transpose(0, 2, 1))
    return wk, after[..., -1]


def _carry_scan(totals: np.ndarray, decay: float, start: np.ndarray) -> np.ndarray:
    """after[b] = totals[b] + decay * after[b - 1], with after[-1] = start, along the last axis.

    A doubling scan: after the step with shift s every entry holds the terms
    up to 2 s blocks back. decay ** s reaches 0.0 within a few steps (decay is
    at most exp(-350)), after which farther blocks add exactly nothing.
    """
    after = totals.copy()
    after[..., 0] += decay * start
    shift, factor = 1, decay
    while shift < after.shape[-1] and factor > 0.0:
        after[..., shift:] = after[..., shift:] + factor * after[..., :-shift]
        shift, factor = 2 * shift, factor * factor
    return after


def row_sums(rows: np.ndarray, kappas: Sequence[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For complete sequences as (n, L) codes (padded with UNKNOWN): Wk (n, K, 4, 4), W0 (n, 4, 4), letters (n,)."""
    onehot = _onehot(rows)
    w0, letters = _count_pairs(onehot)
    wk = np.stack([_decayed_pairs(onehot, kappa, None, False)[0] for kappa in kappas], axis=1)
    return wk, w0, letters.sum(axis=-1)


def features_from_sums(wk: np.ndarray, w0: np.ndarray, kappas: Sequence[float]) -> np.ndarray:
    """(Wk / W0) ** (1 / kappa), 0 where W0 is 0; flattened kappa-major, then u, then v."""
    ratio = np.divide(wk, w0[..., None, :, :], out=np.zeros_like(wk), where=w0[..., None, :, :] > 0)
    power = 1.0 / np.asarray(kappas, dtype=np.float64)[:, None, None]
    return (ratio**power).reshape(*wk.shape[:-3], -1)


def rows_of(codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray):
    """Records as matrices: (which records, their codes as (n, width) rows padded with UNKNOWN).

    Records are grouped by length rounded up to a multiple of 32, so padding
    wastes little, and a matrix holds at most ROW_BUDGET positions.
    """
    widths = -(-lengths // 32) * 32
    for width in np.unique(widths[lengths > 0]):
        chosen = np.flatnonzero(widths == width)
        step = max(1, ROW_BUDGET // int(width))
        for part in range(0, len(chosen), step):
            pick = chosen[part:part + step]
            at = starts[pick, None] + np.arange(width)
            inside = at < (starts[pick] + lengths[pick])[:, None]
            yield pick, np.where(inside, codes[np.minimum(at, len(codes) - 1)], UNKNOWN).astype(np.uint8)


def embed(sequences: Sequence[str], kappas: Sequence[float] = (1.0,), length_sensitive: bool = False) -> np.ndarray:
    """Each sequence's SGT on its own, as the reference computes it: (n, 16 len(kappas)).

    Sequences are letters (A/C/G/T/U, other IUPAC codes pairing with nothing).
    """
    text = "".join(sequences).encode("ascii", "replace").translate(TRANSLATE)
    joined = np.frombuffer(text, dtype=np.uint8)
    if joined.max(initial=0) > UNKNOWN:
        raise DnartError("embed: sequences must be nucleotide letters")
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    wk = np.zeros((len(lengths), len(kappas), 4, 4))
    w0 = np.zeros((len(lengths), 4, 4))
    letters = np.zeros(len(lengths))
    short = np.flatnonzero(lengths <= WHOLE_ROW)
    for pick, rows in rows_of(joined, starts[short], lengths[short]):
        wk[short[pick]], w0[short[pick]], letters[short[pick]] = row_sums(rows, kappas)
    for i in np.flatnonzero(lengths > WHOLE_ROW):
        chain = _Chain(kappas)
        chain.feed(joined[starts[i]:starts[i] + lengths[i]])
        wk[i], w0[i], letters[i] = chain.wk, chain.w0, chain.counts.sum()
    if length_sensitive:
        w0 = np.divide(w0, letters[:, None, None], out=np.zeros_like(w0), where=letters[:, None, None] > 0)
    return features_from_sums(wk, w0, kappas)


@dataclasses.dataclass
class SGTOptions(EncoderOptions):
    kappas: tuple[float, ...] = (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)  # one 16-feature SGT each; 8 x 16 = 128
    length_sensitive: bool = False  # divide each sequence's pair counts by its A/C/G/T count


class _Chain:
    """A record too long for one row (or split between batches), taken a row at a time."""

    def __init__(self, kappas: Sequence[float]):
        self.kappas = kappas
        self.carry = np.zeros((len(kappas), 1, 4))
        self.counts = np.zeros((1, 4))
        self.wk = np.zeros((len(kappas), 4, 4))
        self.w0 = np.zeros((4, 4))

    def feed(self, codes: np.ndarray) -> None:
        for start in range(0, len(codes), CHAIN_ROW):
            onehot = _onehot(codes[None, start:start + CHAIN_ROW])
            w0, self.counts = _count_pairs(onehot, self.counts)
            self.w0 += w0[0]
            for i, kappa in enumerate(self.kappas):
                wk, self.carry[i] = _decayed_pairs(onehot, kappa, self.carry[i], True)
                self.wk[i] += wk[0]


class SGT(Encoder):
    """Sequence Graph Transform: 16 letter-pair features per kappa, pooled over the reads.

    Over all reads, pairs never crossing from one read to another, feature
    (kappa, u, v) = (sum of Wk / sum of W0) ** (1 / kappa); when length-sensitive,
    each read's W0 is divided by its own A/C/G/T count first. For a single
    sequence this is exactly the reference SGT. Eight kappas x 16 pairs fill the
    paper's 128 values; other sizes go through the host's sign projection.
    """

    name = "sgt"
    Options = SGTOptions

    def check_options(self) -> None:
        super().check_options()
        kappas = self.options.kappas
        if not kappas or any(not 0 < k <= 50 for k in kappas):
            raise DnartError(f"encoder.kappas={','.join(map(str, kappas))}: expected one or more values in (0, 50]")

    def features(self, reads: Reads) -> np.ndarray:
        kappas = self.options.kappas
        self._wk = np.zeros((len(kappas), 4, 4))
        self._w0 = np.zeros((4, 4))
        chain = None
        for batch in reads:
            lengths = batch.lengths
            whole = np.ones(len(lengths), dtype=bool)
            whole[0] &= not batch.continued
            whole[-1] &= not batch.open
            whole &= lengths <= WHOLE_ROW
            self._add_rows(batch.codes, batch.starts[whole], lengths[whole])
            for i in np.flatnonzero(~whole):
                if chain is None or not (i == 0 and batch.continued):
                    chain = _Chain(kappas)
                chain.feed(batch.codes[batch.starts[i]:batch.ends[i]])
                if not (i == len(lengths) - 1 and batch.open):
                    self._add_chain(chain)
                    chain = None
        return features_from_sums(self._wk, self._w0, kappas)

    def _add_rows(self, codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> None:
        for _, rows in rows_of(codes, starts, lengths):
            wk, w0, letters = row_sums(rows, self.options.kappas)
            self._pool(wk.sum(axis=0), w0, letters)

    def _add_chain(self, chain: _Chain) -> None:
        self._pool(chain.wk, chain.w0[None], chain.counts.sum(axis=-1))

    def _pool(self, wk: np.ndarray, w0: np.ndarray, letters: np.ndarray) -> None:
        self._wk += wk
        if self.options.length_sensitive:
            w0 = np.divide(w0, letters[:, None, None], out=np.zeros_like(w0), where=letters[:, None, None] > 0)
        self._w0 += w0.sum(axis=0)
