"""Reading DNA: FASTQ and FASTA, plain, gzip or bzip2, streamed in batches of base codes."""

from .alphabet import BASES, END, UNKNOWN
from .batch import Batch
from .reads import UNKNOWN_POLICIES, Reads, ReadStats

__all__ = ["BASES", "END", "UNKNOWN", "UNKNOWN_POLICIES", "Batch", "Reads", "ReadStats"]
