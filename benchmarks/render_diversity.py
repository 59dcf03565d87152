"""Does the DNA matter? Pairwise image distance over renders of distinct DNA vs random latents.

    python benchmarks/render_diversity.py --genome ../shared/data/dna/bsubtilis_atcc6633_genome.fasta \
        [--preset paper] [--weights W] [--set encoder.latent=gaussian] [-n 20]

Simulates ``n`` read sets from the genome (different seeds: different reads,
as two sequencing runs of one organism would give), renders each, and
reports the mean pairwise mean-absolute pixel difference (0-255 scale). The
baseline is the same measure over ``n`` renders of z ~ N(0, I), the latents
the generator was trained on: a ratio near 1 means DNA inputs vary the image
as much as the generator can; near 0 means every input gives the same image.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
from simulate_reads import genome_codes, simulate_block  # noqa: E402

from dnart.render import Renderer  # noqa: E402


def mean_pairwise_distance(images: list[np.ndarray]) -> float:
    return float(np.mean([np.abs(a.astype(np.int16) - b).mean() for a, b in itertools.combinations(images, 2)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--genome", required=True)
    parser.add_argument("--preset", default=None)
    parser.add_argument("--weights", default=None)
    parser.add_argument("--set", action="append", default=[], help="preset override, e.g. encoder.latent=gaussian")
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument("--reads", type=int, default=400, help="reads per simulated input")
    args = parser.parse_args()

    renderer = Renderer(preset=args.preset, weights=args.weights, overrides=args.set)
    genome = genome_codes(args.genome)
    dna = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(args.n):
            path = Path(tmp) / f"sample{seed}.fq"
            path.write_bytes(simulate_block(genome, args.reads, 0, np.random.default_rng(seed)))
            dna.append(np.asarray(renderer.render([path]).image))
    rng = np.random.default_rng(12345)
    random = [np.asarray(renderer.image(rng.standard_normal(renderer.encoder.options.latent_dim)))
              for _ in range(args.n)]
    d_dna, d_random = mean_pairwise_distance(dna), mean_pairwise_distance(random)
    print(f"preset {renderer.config.preset}, encoder {renderer.config['encoder'].entry.name} "
          f"({renderer.encoder.options.latent}), {args.n} inputs")
    print(f"mean pairwise pixel distance: DNA {d_dna:.2f}, random N(0, I) latents {d_random:.2f}, "
          f"ratio {d_dna / d_random:.3f}")


if __name__ == "__main__":
    main()
