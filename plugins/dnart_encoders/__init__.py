"""dnart's default encoders: mean-average (the paper's), k-mer and SGT."""

import dnart

from .kmer import Kmer
from .mean_average import MeanAverage
from .sgt import SGT


@dnart.hookimpl
def dnart_register_encoders(register):
    register(MeanAverage)
    register(Kmer)
    register(SGT)
