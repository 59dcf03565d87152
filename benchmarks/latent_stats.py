"""Per-dimension statistics of each encoder's latents over many samples of real DNA.

    python benchmarks/latent_stats.py ../shared/data/dna/bsubtilis_atcc6633_genome.fasta \
        [--samples 200] [--reads 256]

Each sample is a set of reads simulated from the genome (examples/simulate_reads.py,
one seed per sample), as from independent low-coverage sequencing runs. For
every encoder (default options, latent_dim 128) and both latent adapters the
script prints a Markdown table: over the 128 dimensions, the range and median
of each dimension's mean and standard deviation across the samples, and the
mean and standard deviation of all values pooled.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).parents[1]
sys.path[:0] = [str(ROOT / "plugins"), str(ROOT / "examples")]

from dnart.dna import Reads  # noqa: E402
from dnart_encoders.kmer import Kmer  # noqa: E402
from dnart_encoders.mean_average import MeanAverage  # noqa: E402
from dnart_encoders.sgt import SGT  # noqa: E402
from simulate_reads import genome_codes, simulate_block  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("genome")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--reads", type=int, default=256, help="reads per sample")
    args = parser.parse_args()
    genome = genome_codes(args.genome)
    samples = [simulate_block(genome, args.reads, 0, np.random.default_rng(seed)) for seed in range(args.samples)]
    print("| encoder | adapter | per-dim mean: min / median / max | per-dim std: min / median / max "
          "| pooled mean | pooled std |\n|---|---|---|---|---|---|")
    for cls in (MeanAverage, Kmer, SGT):
        encoder = cls()
        features = [encoder.features(Reads([("sample", s)])) for s in samples]
        for latent in ("minmax", "gaussian"):
            encoder.options.latent = latent
            z = np.stack([encoder.to_latent(f) for f in features]).astype(np.float64)
            mean, std = z.mean(axis=0), z.std(axis=0)
            print(f"| {cls.name} | {latent} | {mean.min():.2f} / {np.median(mean):.2f} / {mean.max():.2f} "
                  f"| {std.min():.2f} / {np.median(std):.2f} / {std.max():.2f} | {z.mean():.2f} | {z.std():.2f} |")


if __name__ == "__main__":
    main()
