"""Encoders: DNA sequences to the generator's latent vector.

An encoder plugin subclasses :class:`Encoder` and implements
:meth:`Encoder.features`, the raw description of the sequences (any length,
float64). The host maps the features to ``latent_dim`` values (unchanged when
the sizes agree, else by a fixed sign projection) and then through the latent
adapter the options name: ``minmax``, the paper's [0, 1] scaling, or
``gaussian``, rank-based normal scores whose values are distributed as N(0, 1).
"""

from __future__ import annotations

import dataclasses
import os
import time
from statistics import NormalDist
from typing import Callable, ClassVar, Sequence

import numpy as np

from .dna import UNKNOWN_POLICIES, Reads
from .errors import DnartError

Progress = Callable[[int, int], None]  # (input bytes read so far, input bytes in all)
_PROJECTION_SEED = 0x646E617274  # "dnart": fixes the projection for good


@dataclasses.dataclass
class EncoderOptions:
    """Settings every encoder has; an encoder's own ``Options`` subclasses this."""

    latent_dim: int = 128  # values in the latent vector; a preset's top-level latent_dim fills it
    latent: str = "minmax"  # adapter to the generator: minmax (the paper's [0, 1]) or gaussian (~N(0, 1) values)
    unknown: str = "skip"  # bases other than A/C/G/T/U: skip (and count) them, or reject the input
    codons: bool = False  # strict mode: each sequence whole codons from a start to a stop codon


def minmax(values: np.ndarray) -> np.ndarray:
    """The paper's scaling to [0, 1]: (x - min) / (max - min); a constant vector maps to 0.5."""
    low, high = values.min(), values.max()
    if high == low:
        return np.full_like(values, 0.5)
    return (values - low) / (high - low)


def gaussian(values: np.ndarray) -> np.ndarray:
    """Blom's normal scores: the value of rank r (ties averaged) among n becomes Phi^-1((r - 3/8) / (n + 1/4)).

    Every latent then holds the n quantiles of N(0, 1), in the order of the
    encoder's values, whatever the DNA; a constant vector maps to 0.
    """
    n = len(values)
    _, where, counts = np.unique(values, return_inverse=True, return_counts=True)
    ranks = (np.cumsum(counts) - (counts - 1) / 2.0)[where]
    inverse = NormalDist().inv_cdf
    return np.array([inverse(p) for p in (ranks - 0.375) / (n + 0.25)])


ADAPTERS = {"minmax": (minmax, 0.5), "gaussian": (gaussian, 0.0)}


def _splitmix64(x: np.ndarray) -> np.ndarray:
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def project(features: np.ndarray, dim: int, block: int = 8192) -> np.ndarray:
    """``R (x - mean(x)) / sqrt(F)``: F features to ``dim`` values with a fixed +-1 matrix R.

    R's entry (i, j) is the sign of bit 0 of SplitMix64(seed + i F + j): the
    same on every machine and numpy version, and never stored.
    """
    size = len(features)
    centred = features - features.mean()
    out = np.zeros(dim)
    rows = np.arange(dim, dtype=np.uint64)[:, None] * np.uint64(size)
    for start in range(0, size, block):
        cols = np.arange(start, min(start + block, size), dtype=np.uint64)
        bits = _splitmix64(np.uint64(_PROJECTION_SEED) + rows + cols) & np.uint64(1)
        signs = 1.0 - 2.0 * bits.astype(np.float64)
        out += signs @ centred[start:start + len(cols)]
    return out / np.sqrt(size)


class Encoder:
    """Base class of encoder plugins: sequences in, a float32 latent vector out.

    Subclasses set ``name`` and ``Options`` (a dataclass subclassing
    :class:`EncoderOptions`) and implement :meth:`features`. The result depends
    on nothing but the sequences and the options.
    """

    name: ClassVar[str]
    Options: ClassVar[type] = EncoderOptions

    def __init__(self, options: EncoderOptions | None = None):
        self.options = options if options is not None else self.Options()
        self.check_options()

    def check_options(self) -> None:
        """Raise :class:`DnartError` for settings that cannot work (one line, naming the option)."""
        o = self.options
        if o.latent not in ADAPTERS:
            raise DnartError(f"encoder.latent={o.latent!r}: expected one of {', '.join(ADAPTERS)}")
        if o.unknown not in UNKNOWN_POLICIES:
            raise DnartError(f"encoder.unknown={o.unknown!r}: expected one of {', '.join(UNKNOWN_POLICIES)}")
        if o.latent_dim < 2:
            raise DnartError(f"latent_dim={o.latent_dim}: needs at least 2 values")

    def reads(self, paths: Sequence[str | os.PathLike], progress: Progress | None = None) -> Reads:
        """The inputs as this encoder's options say they are read."""
        return Reads(paths, unknown=self.options.unknown, codons=self.options.codons, progress=progress)

    def features(self, reads: Reads) -> np.ndarray:
        """The encoder's raw features of all the sequences (float64, any length)."""
        raise NotImplementedError

    def to_latent(self, features: np.ndarray) -> np.ndarray:
        """Features to the float32 latent: sized to ``latent_dim``, then through the adapter."""
        values = features if len(features) == self.options.latent_dim else project(features, self.options.latent_dim)
        return ADAPTERS[self.options.latent][0](values).astype(np.float32)

    def encode(self, reads: Reads) -> np.ndarray:
        """The float32 latent vector of ``latent_dim`` values for the sequences."""
        return self.to_latent(self.features(reads))

    @property
    def latent_centre(self) -> float:
        """The value a latent entry takes for featureless input: 0.5 for minmax, 0 for gaussian."""
        return ADAPTERS[self.options.latent][1]


@dataclasses.dataclass
class EncodeResult:
    """One encoding of one DNA input (one or more files read as one)."""

    latent: np.ndarray  # float32, latent_dim values
    features: np.ndarray  # float64, the encoder's raw features
    encoder: str  # the encoder's name
    records: int
    bases: int  # sequence characters read, skipped ones included
    skipped: int  # bases other than A/C/G/T/U, left out under unknown=skip
    seconds: float


def encode_files(
    paths: Sequence[str | os.PathLike],  # FASTQ/FASTA files, plain, gzip or bzip2
    encoder,  # an Encoder, or a resolved config Section choosing one
    progress: Progress | None = None,  # progress(bytes_read, bytes_total), called as input is read
) -> EncodeResult:
    """Encode the files, read as one input, with ``encoder``."""
    if not isinstance(encoder, Encoder):
        encoder = encoder.build()
    started = time.perf_counter()
    reads = encoder.reads(paths, progress)
    features = np.asarray(encoder.features(reads), dtype=np.float64)
    latent = encoder.to_latent(features)
    stats = reads.stats
    return EncodeResult(latent, features, encoder.name, stats.records, stats.bases, stats.skipped,
                        time.perf_counter() - started)


def encode(
    paths: Sequence[str | os.PathLike] | str | os.PathLike,  # one file or several, read as one input
    encoder: str | None = None,  # encoder name; default: the preset's
    preset: str = "paper",
    overrides: Sequence[str] = (),  # "encoder.k=5", "latent_dim=64", ...
    progress: Progress | None = None,
) -> EncodeResult:
    """Encode DNA files as a preset (with overrides) says: the API behind ``dnart encode``."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return encode_files(paths, encoder_section(preset, encoder, overrides), progress)


def encoder_section(preset: str, encoder: str | None = None, overrides: Sequence[str] = ()):
    """The preset's encoder section, resolved with overrides, leaving its other sections aside.

    Encoding needs neither generators nor metrics, so their plugins need not be installed.
    """
    from . import config, plugins

    data = plugins.registry("preset").get(preset).obj
    only = {k: v for k, v in data.items() if not isinstance(v, dict)}
    only.update(preset=preset, encoder=data.get("encoder", {}))
    return config.resolve(only, overrides, choose={"encoder": encoder or ""})["encoder"]
