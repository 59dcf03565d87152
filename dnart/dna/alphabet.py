"""How sequence characters become base codes, and the standard genetic code's start and stop codons."""

from __future__ import annotations

import functools

import numpy as np

UNKNOWN = 4  # a base other than A, C, G, T/U: IUPAC ambiguity codes, N, gaps
END = 5  # closes a record in a batch's codes
INVALID = 255  # not a nucleotide character at all
BASES = "ACGT"

# Ambiguity codes and gap symbols are real sequence content that the non-ACGT
# policy decides about; anything else (digits, punctuation, control bytes) means
# the file is not what it claims to be.
_AMBIGUOUS = "NRYSWKMBDHV-.*"


def _table() -> bytes:
    table = bytearray([INVALID]) * 256
    for code, letters in enumerate(("A", "C", "G", "TU")):
        for letter in letters:
            table[ord(letter)] = table[ord(letter.lower())] = code
    for letter in _AMBIGUOUS:
        table[ord(letter)] = table[ord(letter.lower())] = UNKNOWN
    table[ord("\n")] = END
    return bytes(table)


# For bytes.translate: sequence text (records joined by "\n") to codes.
TRANSLATE = _table()


def describe_char(byte: int) -> str:
    """A character for an error message: printable as itself, anything else as its byte value."""
    return repr(chr(byte)) if 32 <= byte < 127 else f"byte 0x{byte:02x}"


@functools.lru_cache(maxsize=1)
def codon_flags() -> tuple[np.ndarray, np.ndarray]:
    """Boolean tables over the 64 codon indices (16 a + 4 b + c): start codons, stop codons.

    Taken from Biopython's standard genetic code (NCBI table 1), imported only
    when the strict codon mode asks for it.
    """
    from Bio.Data import CodonTable

    table = CodonTable.unambiguous_dna_by_id[1]
    flags = []
    for codons in (table.start_codons, table.stop_codons):
        mask = np.zeros(64, dtype=bool)
        for codon in codons:
            mask[16 * BASES.index(codon[0]) + 4 * BASES.index(codon[1]) + BASES.index(codon[2])] = True
        flags.append(mask)
    return flags[0], flags[1]
