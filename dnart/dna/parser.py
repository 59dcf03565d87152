"""What the FASTQ and FASTA parsers share: position bookkeeping and the wording of faults."""

from __future__ import annotations

import numpy as np

from ..errors import DnartError
from .alphabet import TRANSLATE, UNKNOWN, describe_char


def line_bounds(arr: np.ndarray, newlines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive, without a Windows carriage return) of each line ending at ``newlines``."""
    starts = np.empty(len(newlines), dtype=np.int64)
    starts[0] = 0
    starts[1:] = newlines[:-1] + 1
    ends = newlines.astype(np.int64)
    ends -= (ends > starts) & (arr[ends - 1] == 0x0D)
    return starts, ends


class Parser:
    """Counts lines, records, bases and skipped bases of one input, and words its faults."""

    def __init__(self, name: str, reject: bool, codons: bool):
        self.name = name
        self.reject = reject  # a non-ACGT base is an error rather than skipped
        self.codons = codons  # the strict codon rule applies
        self.line = 0  # lines consumed before the current buffer
        self.record = 0  # records begun before the current buffer
        self.bases = 0
        self.skipped = 0

    def fail(self, record: int, line: int, fault: str) -> None:
        raise DnartError(f"{self.name}: record {record} (line {line}): {fault}")

    def base_fault(self, char: int) -> str:
        if TRANSLATE[char] == UNKNOWN:
            return f"non-ACGT base {describe_char(char)} (unknown=reject; unknown=skip would skip it)"
        if 32 <= char < 127:
            return f"invalid character {describe_char(char)} in the sequence"
        return f"binary or non-text data ({describe_char(char)}) in the sequence"

    def record_at(self, line: int) -> int:
        """Number (1-based, in this input) of the record that line ``line`` of the buffer belongs to."""
        raise NotImplementedError

    def check_binary(self, arr: np.ndarray, newlines: np.ndarray) -> None:
        """NUL bytes never occur in text: name the line of the first one."""
        if arr.min() == 0:
            line = int(np.searchsorted(newlines, int(np.argmax(arr == 0))))
            self.fail(self.record_at(line), self.line + line + 1, "binary or non-text data (a NUL byte)")
