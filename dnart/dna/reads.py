"""Reading DNA from FASTQ and FASTA files as a stream of batches, in flat memory."""

from __future__ import annotations

import dataclasses
import os
from typing import Callable, Iterable, Iterator, Sequence

from ..errors import DnartError
from .batch import Batch
from .fasta import FastaParser
from .fastq import FastqParser
from .files import CorruptStream, Input, open_input

CHUNK = 8 << 20  # bytes read at a time: large enough for array operations to dominate
UNKNOWN_POLICIES = ("skip", "reject")

Progress = Callable[[int, int], None]  # (input bytes read so far, input bytes in all)


@dataclasses.dataclass
class ReadStats:
    """What one complete pass over the inputs saw."""

    records: int = 0
    bases: int = 0  # every sequence character, skipped ones included
    skipped: int = 0  # bases other than A, C, G, T/U


class Reads:
    """DNA sequences from FASTQ/FASTA files (plain, gzip or bzip2), read as :class:`Batch` es.

    Iterating reads every input from the start, so an encoder may make more than
    one pass; ``stats`` describes the last complete pass. Memory stays bounded by
    the chunk size (plus the longest record of a FASTQ file), however large the
    inputs are.
    """

    def __init__(
        self,
        paths: Sequence[str | os.PathLike | tuple[str, bytes]],  # files, or (name, data) pairs held in memory
        unknown: str = "skip",  # non-ACGT bases: "skip" them (counted) or "reject" the input
        codons: bool = False,  # strict codon mode: whole codons from a start to a stop codon
        progress: Progress | None = None,  # called after each chunk
        chunk_size: int = CHUNK,
    ):
        if not paths:
            raise DnartError("no input files given")
        if unknown not in UNKNOWN_POLICIES:
            raise DnartError(f"unknown={unknown!r}: expected one of {', '.join(UNKNOWN_POLICIES)}")
        self.paths = list(paths)
        self.reject = unknown == "reject"
        self.codons = codons
        self.progress = progress
        self.chunk_size = chunk_size
        self.stats = ReadStats()

    @classmethod
    def from_sequences(cls, sequences: Iterable[str], **kwargs) -> "Reads":
        """Sequences given as strings, read exactly as a FASTA file holding them would be."""
        text = "".join(f">{i + 1}\n{seq}\n" for i, seq in enumerate(sequences))
        return cls([("<sequences>", text.encode("ascii", "replace"))], **kwargs)

    def __iter__(self) -> Iterator[Batch]:
        stats = ReadStats()
        inputs: list[Input] = []
        try:
            for path in self.paths:  # all at once, so a missing file fails before any reading
                inputs.append(open_input(path))
            total = sum(i.size for i in inputs)
            done = 0
            for inp in inputs:
                parser, buf = self._sniff(inp)
                for batch in self._batches(inp, parser, buf, done, total):
                    batch.first += stats.records
                    yield batch
                if parser.bases == 0:
                    raise DnartError(f"{inp.name}: no sequence data in its {parser.record} record(s)")
                done += inp.size
                stats.records += parser.record
                stats.bases += parser.bases
                stats.skipped += parser.skipped
        finally:
            for inp in inputs:
                inp.close()
        self.stats = stats

    def _batches(self, inp: Input, parser, buf: bytes, done: int, total: int) -> Iterator[Batch]:
        size = self.chunk_size
        final = False
        while True:
            if len(buf) < size:  # the sniffed text may already fill a buffer
                data = self._read(inp, parser, size - len(buf))
                final = not data
                buf = buf + data if buf else data
            batch, used = parser.parse(buf, final)
            # A record longer than the buffer: read more at once rather than re-join often.
            size = size * 2 if used == 0 and not final else self.chunk_size
            buf = buf[used:]
            if batch is not None:
                yield batch
            if self.progress is not None:
                self.progress(done + inp.position(), total)
            if final:
                return

    def _read(self, inp: Input, parser, size: int) -> bytes:
        try:
            return inp.read(size)
        except CorruptStream as exc:
            raise DnartError(f"{inp.name}: record {parser.record + 1} (line {parser.line + 1}): {exc}") from None

    def _sniff(self, inp: Input):
        """The parser for the input's format, judged by its first character, and the text read so far."""
        data = b""
        while True:
            more = self._read(inp, _Start(), self.chunk_size)
            data += more
            text = data.lstrip()
            if text or not more:
                break
        if not text:
            raise DnartError(f"{inp.name}: no records (the file holds only blank lines)")
        cut = data.rfind(b"\n", 0, len(data) - len(text)) + 1
        lines = data.count(b"\n", 0, cut)
        kind = {ord("@"): FastqParser, ord(">"): FastaParser}.get(text[0])
        if kind is None:
            sample = text[:1024]
            if not sample.isascii() or any(b < 9 or 13 < b < 32 or b == 127 for b in sample):
                raise DnartError(f"{inp.name}: binary or non-text data, not FASTQ or FASTA")
            raise DnartError(f"{inp.name}: record 1 (line {lines + 1}): expected a header starting with "
                             f"'@' (FASTQ) or '>' (FASTA)")
        parser = kind(inp.name, self.reject, self.codons)
        parser.line = lines
        return parser, data[cut:]


class _Start:
    """Where a stream fault is reported before the format is known."""

    line = 0
    record = 0
