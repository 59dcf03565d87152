"""FASTA, a '>' header and any number of sequence lines, parsed a buffer at a time.

A record may be longer than a buffer (a genome): its pieces then arrive in
successive batches, the last piece of one batch continuing in the next.
"""

from __future__ import annotations

import numpy as np

from . import codons
from .alphabet import END, INVALID, TRANSLATE, UNKNOWN
from .batch import Batch
from .parser import Parser, line_bounds

_GT = ord(">")
_SPACE = b" \t\r\n"  # removed from sequence lines, as Biopython does


class FastaParser(Parser):
    """Turns FASTA text into batches; every fault is a one-line error naming record and line."""

    def __init__(self, name: str, reject: bool, codons: bool):
        super().__init__(name, reject, codons)
        self.open = False  # a record is in progress at the end of the last buffer
        self.open_line = 0  # the header line of that record
        self.span = (0, b"", b"")  # its length so far, first and last three codes (strict codon mode)
        self._headers = np.zeros(0, dtype=np.int64)

    def record_at(self, line: int) -> int:
        # Lines before the buffer's first header belong to the record still open.
        return self.record + int(np.searchsorted(self._headers, line, side="right"))

    def parse(self, buf: bytes, final: bool) -> tuple[Batch | None, int]:
        if final and buf and buf[-1] != 0x0A:
            buf += b"\n"
        arr = np.frombuffer(buf, dtype=np.uint8)
        newlines = np.flatnonzero(arr == 0x0A)
        if len(newlines) == 0:
            if final and self.open:  # the input ends right after a buffer's worth of the last record
                codes, at = np.array([END], dtype=np.uint8), np.zeros(1, dtype=np.int64)
                if self.codons:
                    self._check_codons(codes, at, at, True, self.record - 1, [self.open_line])
                self.open = False
                return Batch(codes, at, at.copy(), self.record - 1, continued=True), len(buf)
            return None, len(buf) if final else 0
        used = int(newlines[-1]) + 1
        starts, ends = line_bounds(arr, newlines)
        headers = np.flatnonzero(arr[starts] == _GT)
        self._headers = headers
        self.check_binary(arr[:used], newlines)
        continued = self.open
        cuts = np.append(starts[headers], used).tolist()
        regions = [(0, cuts[0])] if continued else []
        regions += [(int(newlines[h]) + 1, cuts[k + 1]) for k, h in enumerate(headers)]
        parts = [buf[a:b].translate(TRANSLATE, _SPACE) for a, b in regions]
        closing = bytes([END])
        codes = np.frombuffer(closing.join(parts) + (closing if final and parts else b""), dtype=np.uint8)
        lengths = np.array([len(p) for p in parts], dtype=np.int64)
        piece_starts = np.zeros(len(parts), dtype=np.int64)
        np.cumsum(lengths[:-1] + 1, out=piece_starts[1:])
        first = self.record - 1 if continued else self.record
        header_lines = self.line + headers + 1
        record_lines = np.concatenate([[self.open_line], header_lines]) if continued else header_lines

        counts = np.bincount(codes, minlength=256)
        if counts[INVALID] or (self.reject and counts[UNKNOWN]):
            pos = int(np.argmax(codes == INVALID)) if counts[INVALID] else int(np.argmax(codes == UNKNOWN))
            self._base_fault(buf, starts, ends, headers, continued, piece_starts, pos, first)
        if self.codons and parts:
            self._check_codons(codes, piece_starts, piece_starts + lengths, final, first, record_lines)

        self.bases += int(lengths.sum())
        self.skipped += int(counts[UNKNOWN])
        self.record += len(headers)
        self.line += len(newlines)
        if len(headers):
            self.open_line = int(header_lines[-1])
        self.open = bool(parts) and not final
        if not parts:
            return None, used
        return Batch(codes, piece_starts, piece_starts + lengths, first, continued, self.open), used

    def _base_fault(self, buf, starts, ends, headers, continued, piece_starts, pos, first) -> None:
        piece = int(np.searchsorted(piece_starts, pos, side="right")) - 1
        offset = pos - int(piece_starts[piece])
        header = piece - 1 if continued else piece
        line = int(headers[header]) + 1 if header >= 0 else 0
        while True:
            text = buf[starts[line]:ends[line]].translate(None, _SPACE)
            if offset < len(text):
                break
            offset -= len(text)
            line += 1
        char = text[offset]
        self.fail(first + piece + 1, self.line + line + 1, self.base_fault(char))

    def _check_codons(self, codes, piece_starts, piece_ends, final, first, record_lines) -> None:
        lengths = piece_ends - piece_starts
        heads, tails = codons.ends_of(codes, piece_starts, piece_ends)
        spans = []
        for i in (0, len(lengths) - 1):
            s, e = int(piece_starts[i]), int(piece_ends[i])
            spans.append((e - s, codes[s:min(e, s + 3)].tobytes(), codes[max(s, e - 3):e].tobytes()))
        if self.open:
            length, head, tail = self.span
            spans[0] = (length + spans[0][0], (head + spans[0][1])[:3], (tail + spans[0][2])[-3:])
            lengths[0] = spans[0][0]
            heads[0] = np.frombuffer(spans[0][1].ljust(3, bytes([UNKNOWN])), dtype=np.uint8)
            tails[0] = np.frombuffer(spans[0][2].rjust(3, bytes([UNKNOWN])), dtype=np.uint8)
        closed = len(lengths) if final else len(lengths) - 1
        if not final:
            self.span = spans[0] if closed == 0 else spans[1]
        found = codons.faults(lengths[:closed], heads[:closed], tails[:closed])
        bad = np.flatnonzero(found)
        if len(bad):
            i = int(bad[0])
            self.fail(first + i + 1, int(record_lines[i]), codons.FAULTS[found[i]].format(length=lengths[i]))
