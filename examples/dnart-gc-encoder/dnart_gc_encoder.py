"""A dnart encoder plugin: the GC content of consecutive stretches of the DNA."""

from __future__ import annotations

import dataclasses

import numpy as np

import dnart
from dnart.dna import UNKNOWN, Reads
from dnart.encoding import Encoder, EncoderOptions

G, C = 2, 1  # base codes: A 0, C 1, G 2, T 3


@dataclasses.dataclass
class GCOptions(EncoderOptions):
    windows: int = 0  # stretches of DNA, one feature each (0: latent_dim of them)


class GCContent(Encoder):
    """GC content: the share of G and C in each of `windows` equal stretches of the input's bases."""

    name = "gc-content"
    Options = GCOptions

    def check_options(self) -> None:
        super().check_options()
        if self.options.windows < 0:
            raise dnart.DnartError(f"encoder.windows={self.options.windows}: expected 0 or more")

    def features(self, reads: Reads) -> np.ndarray:
        windows = self.options.windows or self.options.latent_dim
        # Two passes over the input: its length fixes the stretches, then each base is counted in its own.
        total = sum(int(np.count_nonzero(batch.codes < UNKNOWN)) for batch in reads)
        if total < windows:
            raise dnart.DnartError(f"gc-content needs at least {windows} bases, got {total}")
        gc, size, seen = np.zeros(windows), np.zeros(windows), 0
        for batch in reads:
            bases = batch.codes[batch.codes < UNKNOWN]
            window = (np.arange(seen, seen + len(bases)) * windows) // total
            gc += np.bincount(window, weights=(bases == G) | (bases == C), minlength=windows)
            size += np.bincount(window, minlength=windows)
            seen += len(bases)
        return gc / size


@dnart.hookimpl
def dnart_register_encoders(register):
    register(GCContent)
