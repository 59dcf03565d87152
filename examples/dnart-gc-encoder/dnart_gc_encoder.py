"""A dnart encoder plugin: each latent value is the GC content of one stretch of the DNA."""

from __future__ import annotations

import dataclasses
from typing import Sequence

import dnart


@dataclasses.dataclass
class GCOptions:
    latent_dim: int = 128  # values in the latent vector; a preset's top-level latent_dim fills it


class GCEncoder:
    """GC content: each latent value is the share of G and C in 1/latent_dim of the DNA."""

    name = "gc-content"
    Options = GCOptions

    def __init__(self, options: GCOptions):
        self.options = options

    def encode(self, reads: Sequence[str]) -> list[float]:
        dna = "".join(reads).upper()
        n = self.options.latent_dim
        if len(dna) < n:
            raise dnart.DnartError(f"gc-content needs at least {n} bases, got {len(dna)}")
        parts = (dna[i * len(dna) // n : (i + 1) * len(dna) // n] for i in range(n))
        return [(part.count("G") + part.count("C")) / len(part) for part in parts]


@dnart.hookimpl
def dnart_register_encoders(register):
    register(GCEncoder)
