"""FASTQ, four lines a record, parsed a buffer at a time with array operations."""

from __future__ import annotations

import numpy as np

from . import codons
from .alphabet import INVALID, TRANSLATE, UNKNOWN, describe_char
from .batch import Batch
from .parser import Parser, line_bounds

_AT, _PLUS = ord("@"), ord("+")
PHRED_LOW, PHRED_HIGH = 33, 126  # '!' .. '~'


class FastqParser(Parser):
    """Turns FASTQ text into batches; every fault is a one-line error naming record and line."""

    def parse(self, buf: bytes, final: bool) -> tuple[Batch | None, int]:
        if final and buf and buf[-1] != 0x0A:
            buf += b"\n"
        arr = np.frombuffer(buf, dtype=np.uint8)
        newlines = np.flatnonzero(arr == 0x0A)
        if len(newlines) == 0:
            return None, 0
        starts, ends = line_bounds(arr, newlines)
        filled = np.flatnonzero(ends > starts)
        available = int(filled[-1]) + 1 if len(filled) else 0
        if available % 4 == 3 and available < len(newlines):
            available += 1  # the empty quality line of an empty read
        n = available - available % 4
        batch, used = None, len(buf) if final else 0
        if n:
            used = int(newlines[n - 1]) + 1
            self.check_binary(arr[:used], newlines[:n])
            batch = self._records(buf, arr[:used], starts[:n], ends[:n])
            self.line += n
            self.record += n // 4
        if final and available % 4:  # only once the complete records before it are known to be sound
            self._truncated(available % 4)
        return batch, used

    def record_at(self, line: int) -> int:
        return self.record + line // 4 + 1

    def _truncated(self, lines: int) -> None:
        missing = ("sequence line", "'+' line", "quality line")[lines - 1]
        self.fail(self.record + 1, self.line + 1, f"truncated record at the end of the file (no {missing})")

    def _records(self, buf: bytes, arr: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> Batch:
        heads, seq0, seq1 = starts[0::4], starts[1::4], ends[1::4]
        plus0, plus1, qual0, qual1 = starts[2::4], ends[2::4], starts[3::4], ends[3::4]
        lengths = seq1 - seq0
        faults = _Faults()

        bad = np.flatnonzero(arr[heads] != _AT)
        if len(bad):
            i = bad[0]
            blank = ends[4 * i] == heads[i]
            faults.add(i, 0, 0, "blank line where a header starting with '@' was expected" if blank
                       else "header does not start with '@' (not FASTQ, or the records are out of step)")
        bad = np.flatnonzero(arr[plus0] != _PLUS)
        if len(bad):
            faults.add(bad[0], 2, 2, "missing the '+' line after the sequence")
        named = np.flatnonzero((plus1 - plus0 > 1) & (arr[plus0] == _PLUS))
        for i in named[: faults.limit(named)]:
            if buf[plus0[i] + 1:plus1[i]] != buf[heads[i] + 1:ends[4 * i]]:
                faults.add(i, 2, 2, "the '+' line does not repeat the header")
                break
        bad = np.flatnonzero(qual1 - qual0 != lengths)
        if len(bad):
            i = bad[0]
            faults.add(i, 3, 3, f"sequence and quality differ in length ({lengths[i]} vs {qual1[i] - qual0[i]})")
        self._quality(buf, arr, qual0, qual1, faults)

        codes = np.frombuffer(_sequence_text(arr, starts, ends).translate(TRANSLATE), dtype=np.uint8)
        piece_starts = np.zeros(len(lengths), dtype=np.int64)
        np.cumsum(lengths[:-1] + 1, out=piece_starts[1:])
        invalid = codes.max() == INVALID
        unknown = np.count_nonzero(codes == UNKNOWN)
        if invalid or (self.reject and unknown):
            pos = int(np.argmax(codes == INVALID)) if invalid else int(np.argmax(codes == UNKNOWN))
            i = int(np.searchsorted(piece_starts, pos, side="right")) - 1
            char = buf[seq0[i] + pos - piece_starts[i]]
            faults.add(i, 1, 1, self.base_fault(char))
        if self.codons:
            heads3, tails3 = codons.ends_of(codes, piece_starts, piece_starts + lengths)
            bad = np.flatnonzero(codons.faults(lengths, heads3, tails3))
            if len(bad):
                i = bad[0]
                kind = codons.faults(lengths[i:i + 1], heads3[i:i + 1], tails3[i:i + 1])[0]
                faults.add(i, 1, 1, codons.FAULTS[kind].format(length=lengths[i]))
        faults.raise_first(self)

        self.bases += int(lengths.sum())
        self.skipped += int(unknown)
        return Batch(codes, piece_starts, piece_starts + lengths, self.record)

    def _quality(self, buf, arr, qual0, qual1, faults) -> None:
        bounds = np.empty(2 * len(qual0), dtype=np.int64)
        bounds[0::2], bounds[1::2] = qual0, qual1
        filled = qual1 > qual0
        low = np.minimum.reduceat(arr, bounds)[0::2]
        high = np.maximum.reduceat(arr, bounds)[0::2]
        bad = np.flatnonzero(filled & ((low < PHRED_LOW) | (high > PHRED_HIGH)))
        if len(bad):
            i = bad[0]
            line = np.frombuffer(buf[qual0[i]:qual1[i]], dtype=np.uint8)
            char = int(line[np.argmax((line < PHRED_LOW) | (line > PHRED_HIGH))])
            fault = (f"quality character {describe_char(char)} outside the Phred range '!' to '~'"
                     if 32 <= char < 127 else f"binary or non-text data ({describe_char(char)}) in the quality line")
            faults.add(i, 3, 4, fault)


def _sequence_text(arr: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> bytes:
    """The sequence lines, each with its newline (which becomes END) but without a carriage return.

    Selecting bytes with one mask is far faster than joining one slice per record.
    """
    n = len(starts)
    keep = np.zeros((n, 3), dtype=bool)
    keep[1::4, 0] = keep[1::4, 2] = True
    counts = np.empty((n, 3), dtype=np.int64)
    counts[:, 0] = ends - starts
    counts[:, 2] = 1
    counts[:-1, 1] = starts[1:] - 1 - ends[:-1]  # a carriage return, or nothing
    counts[-1, 1] = len(arr) - 1 - ends[-1]
    return arr[np.repeat(keep.ravel(), counts.ravel())].tobytes()


class _Faults:
    """The earliest fault among those found in a buffer: by record, then by line within it."""

    def __init__(self):
        self.best: tuple[int, int, int, str] | None = None

    def add(self, record: int, line: int, rank: int, message: str) -> None:
        key = (int(record), rank, line, message)
        if self.best is None or key[:2] < self.best[:2]:
            self.best = key

    def limit(self, candidates: np.ndarray) -> int:
        """How many candidates can still beat the fault already found."""
        if self.best is None:
            return len(candidates)
        return int(np.searchsorted(candidates, self.best[0], side="right"))

    def raise_first(self, parser: Parser) -> None:
        if self.best is not None:
            record, _, line, message = self.best
            parser.fail(parser.record + record + 1, parser.line + 4 * record + line + 1, message)
