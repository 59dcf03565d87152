"""Simulate Illumina-like single-end reads from a genome FASTA, deterministically.

    python examples/simulate_reads.py ../shared/data/dna/bsubtilis_atcc6633_genome.fasta \
        --reads 6000 --seed 6633 -o examples/sample.fq

Each read is 150 bases from a uniformly drawn position and strand. Phred
qualities follow the usual Illumina shape (high at the start, falling towards
the end, a per-read offset and per-base noise); each base is miscalled with
the probability its quality states, and a few bases are called N with quality
2, as sequencers do when a cluster is unreadable. The same seed gives the same
file. The genome is read with dnart's own reader.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from dnart.atomic import atomic_write
from dnart.dna import UNKNOWN, Reads

READ_LENGTH = 150
N_RATE = 5e-4  # share of bases called N
BLOCK = 50_000  # reads formatted at a time, to keep memory flat for large outputs


def genome_codes(path: str) -> np.ndarray:
    """All A/C/G/T codes of the FASTA's records, concatenated (other bases dropped)."""
    parts = [b.codes[b.codes < UNKNOWN] for b in Reads([path])]
    return np.concatenate(parts)


def simulate_block(genome: np.ndarray, n: int, start: int, rng: np.random.Generator) -> bytes:
    """``n`` FASTQ records, named from ``start``, as one block of text."""
    positions = rng.integers(0, len(genome) - READ_LENGTH, n)
    reads = genome[positions[:, None] + np.arange(READ_LENGTH)]
    reverse = rng.random(n) < 0.5
    reads[reverse] = 3 - reads[reverse, ::-1]

    cycle = np.arange(READ_LENGTH) / (READ_LENGTH - 1)
    mean = 37.0 - 7.0 * cycle**2
    quality = mean + rng.normal(0.0, 1.5, (n, 1)) + rng.normal(0.0, 3.0, (n, READ_LENGTH))
    quality = np.clip(np.rint(quality), 2, 41).astype(np.uint8)

    wrong = rng.random((n, READ_LENGTH)) < 10.0 ** (-quality / 10.0)
    reads[wrong] = (reads[wrong] + rng.integers(1, 4, int(wrong.sum()))) % 4
    letters = np.frombuffer(b"ACGTN", dtype=np.uint8)[reads]
    unreadable = rng.random((n, READ_LENGTH)) < N_RATE
    letters[unreadable] = ord("N")
    quality[unreadable] = 2

    names = np.array([f"@sim{i:08d}\n".encode() for i in range(start, start + n)])
    header = np.frombuffer(names.tobytes(), dtype=np.uint8).reshape(n, -1)
    newline = np.full((n, 1), ord("\n"), dtype=np.uint8)
    plus = np.tile(np.frombuffer(b"+\n", dtype=np.uint8), (n, 1))
    record = np.hstack([header, letters, newline, plus, quality + 33, newline])
    return record.tobytes()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("genome", help="genome FASTA (plain, gzip or bzip2)")
    parser.add_argument("--reads", type=int, default=6000, help="number of reads")
    parser.add_argument("--seed", type=int, default=6633, help="random seed")
    parser.add_argument("-o", "--out", required=True, help="output FASTQ")
    args = parser.parse_args(argv)
    genome = genome_codes(args.genome)
    rng = np.random.default_rng(args.seed)
    with atomic_write(args.out) as out:
        for start in range(0, args.reads, BLOCK):
            out.write(simulate_block(genome, min(BLOCK, args.reads - start), start, rng))
    print(f"{args.out}: {args.reads} reads of {READ_LENGTH} bases", file=sys.stderr)


if __name__ == "__main__":
    main()
