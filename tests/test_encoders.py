"""The encoders and the latent map: the paper's mean-average, k-mer, SGT against its reference, adapters."""

from __future__ import annotations

import itertools
import json
import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from dnart import config, hookimpl, plugins
from dnart.dna import Reads
from dnart.encoding import (Encoder, EncoderOptions, encode, encode_files, encoder_section, gaussian, minmax,
                            project)
from dnart.errors import DnartError
from dnart_encoders import sgt as sgt_module
from dnart_encoders.kmer import Kmer, KmerOptions, count_kmers
from dnart_encoders.mean_average import MeanAverage
from dnart_encoders.sgt import SGT, SGTOptions, embed

FIXTURES = Path(__file__).parent / "fixtures"
GENOME = Path(__file__).parents[1] / ".." / "shared" / "data" / "dna" / "bsubtilis_atcc6633_genome.fasta"
SAMPLE = Path(__file__).parents[1] / "examples" / "sample.fq"


class Presets:
    """Presets holding only an encoder section, so these tests need no generator plugin (nor torch)."""

    @hookimpl
    def dnart_register_presets(self, register):
        register("paper", {"latent_dim": 128, "encoder": {"name": "mean-average"}}, "the paper's encoder")
        register("small", {"latent_dim": 16, "encoder": {"name": "sgt", "kappas": (1.0, 2.0)}}, "16 values")


@pytest.fixture
def builtin(monkeypatch):
    """The shipped encoders and the presets above, nothing else."""
    monkeypatch.setenv("DNART_LOAD_PLUGINS", "encoders")
    plugins.register_plugin(Presets(), name="test-presets")


def random_dna(rng, n, alphabet="ACGT"):
    return "".join(rng.choice(alphabet) for _ in range(n))


# mean-average: exactly the paper's rule.

def test_mean_average_is_each_reads_mean_base_value_over_three():
    for chunk in (5, 11, 1 << 20):  # reads cut between buffers give the same values
        reads = Reads.from_sequences(["AAAA", "CCCC", "GGGT", "ACGT", "TTTT"], chunk_size=chunk)
        values = MeanAverage(EncoderOptions(latent_dim=4)).features(reads)
        assert values.tolist() == [0.0, 1 / 3, 0.75, 0.5]  # the first four reads; GGGT is (2+2+2+3)/12


def test_mean_average_skips_unknown_bases_and_reads_without_any():
    reads = Reads.from_sequences(["NNN", "ANNT", "", "CC", "GG"])
    assert MeanAverage(EncoderOptions(latent_dim=3)).features(reads).tolist() == [0.5, 1 / 3, 2 / 3]


def test_mean_average_cuts_a_short_input_into_equal_stretches():
    seq = "A" * 5 + "C" * 5 + "GGGGG" + "T" * 6  # 21 bases into 4 stretches: 5, 5, 5, 6
    for chunk in (4, 1 << 20):
        values = MeanAverage(EncoderOptions(latent_dim=4)).features(Reads.from_sequences([seq], chunk_size=chunk))
        assert values.tolist() == [0.0, 1 / 3, 2 / 3, 1.0]
    two = MeanAverage(EncoderOptions(latent_dim=3)).features(Reads.from_sequences(["AAN", "NTTT"]))
    assert two.tolist() == [0.0, 0.5, 1.0]  # five A/C/G/T bases AATTT in stretches A | AT | TT


def test_mean_average_latent_is_min_max_normalised():
    encoder = MeanAverage(EncoderOptions(latent_dim=4))
    latent = encoder.encode(Reads.from_sequences(["ACGT", "AAAC", "GGTT", "CCCC"]))
    assert latent.dtype == np.float32 and latent.min() == 0.0 and latent.max() == 1.0
    assert encoder.encode(Reads.from_sequences(["ACGT"] * 4)).tolist() == [0.5] * 4


def test_mean_average_needs_enough_bases():
    with pytest.raises(DnartError, match=r"needs at least 128 A/C/G/T bases \(latent_dim\); the input has 9"):
        MeanAverage().features(Reads.from_sequences(["ACGTACGTNA"]))


# k-mer: against a plain dictionary count.

def naive_kmers(seqs, k, canonical):
    complement = str.maketrans("ACGT", "TGCA")
    counts = Counter()
    for s in seqs:
        for i in range(len(s) - k + 1):
            word = s[i:i + k]
            if set(word) <= set("ACGT"):
                counts[min(word, word[::-1].translate(complement)) if canonical else word] += 1
    words = sorted({min(w, w[::-1].translate(complement)) if canonical else w
                    for w in map("".join, itertools.product("ACGT", repeat=k))})
    vector = np.array([counts[w] for w in words], dtype=float)
    return vector / vector.sum()


@pytest.mark.parametrize("k, canonical", [(1, False), (2, True), (3, False), (4, True), (5, True)])
def test_kmer_profile_matches_a_dictionary_count(k, canonical):
    rng = random.Random(k)
    seqs = [random_dna(rng, rng.randint(0, 300), "ACGTN" if i % 2 else "ACGT") for i in range(8)]
    for chunk in (9, 1 << 20):
        reads = Reads.from_sequences(seqs, chunk_size=chunk)
        got = Kmer(KmerOptions(k=k, canonical=canonical)).features(reads)
        np.testing.assert_allclose(got, naive_kmers(seqs, k, canonical), rtol=0, atol=1e-15)
    assert len(got) == (4**k + (4 ** (k // 2) if k % 2 == 0 else 0)) // 2 if canonical else 4**k


def test_kmer_counts_taken_in_steps_add_up():
    codes = np.random.default_rng(1).integers(0, 6, 1000).astype(np.uint8)  # A/C/G/T, unknown, record end
    for k in (1, 3, 6):
        whole = count_kmers(codes, k)
        assert whole.sum() > 0 and (count_kmers(codes, k, step=7) == whole).all()


def test_kmer_options_are_checked():
    with pytest.raises(DnartError, match="encoder.k=11: expected 1 to 10"):
        Kmer(KmerOptions(k=11))
    with pytest.raises(DnartError, match="no 3-mer of A/C/G/T bases"):
        Kmer(KmerOptions(k=3)).features(Reads.from_sequences(["ACNGT", "AC"]))


# SGT: equal to the reference package's output.

REFERENCE = json.loads((FIXTURES / "sgt_reference.json").read_text())["cases"]


def test_sgt_fixtures_cover_the_required_settings():
    assert {(c["kappa"], c["length_sensitive"]) for c in REFERENCE} == set(
        itertools.product((1, 5, 10), (False, True)))
    assert max(len(c["sequence"]) for c in REFERENCE) >= 1000


@pytest.mark.parametrize("kappa", [1, 5, 10])
@pytest.mark.parametrize("length_sensitive", [False, True])
def test_sgt_equals_the_reference_package(kappa, length_sensitive):
    cases = [c for c in REFERENCE if c["kappa"] == kappa and c["length_sensitive"] == length_sensitive]
    ours = embed([c["sequence"] for c in cases], (kappa,), length_sensitive)
    reference = np.array([c["features"] for c in cases])
    assert np.abs(ours - reference).max() <= 1e-9
    np.testing.assert_allclose(ours, reference, rtol=1e-12, atol=1e-300)


def test_sgt_long_records_in_rows_and_across_buffers_equal_one_pass(monkeypatch):
    rng = random.Random(11)
    seq = random_dna(rng, 5000)
    kappas = (0.5, 1.0, 7.0, 10.0, 50.0)
    whole = SGT(SGTOptions(kappas=kappas, length_sensitive=True)).features(Reads.from_sequences([seq]))
    monkeypatch.setattr(sgt_module, "WHOLE_ROW", 64)
    monkeypatch.setattr(sgt_module, "CHAIN_ROW", 333)
    for chunk in (100, 1 << 20):
        chained = SGT(SGTOptions(kappas=kappas, length_sensitive=True)).features(
            Reads.from_sequences([seq], chunk_size=chunk))
        np.testing.assert_allclose(chained, whole, rtol=1e-12, atol=1e-300)


def test_sgt_pools_pair_sums_over_reads_never_across_them():
    rng = random.Random(3)
    reads = [random_dna(rng, n) for n in (40, 150, 7)]
    rows = np.array([["ACGT".find(c) if c in "ACGT" else 4 for c in r.ljust(150, "N")] for r in reads], np.uint8)
    wk, w0, letters = sgt_module.row_sums(rows, (2.0,))
    pooled = sgt_module.features_from_sums(wk.sum(axis=0), (w0 / letters[:, None, None]).sum(axis=0), (2.0,))
    ours = SGT(SGTOptions(kappas=(2.0,), length_sensitive=True)).features(Reads.from_sequences(reads))
    np.testing.assert_allclose(ours, pooled, rtol=1e-13)
    assert letters.tolist() == [40, 150, 7]
    assert not np.allclose(ours, embed(["".join(reads)], (2.0,), True)[0])


def test_sgt_unknown_bases_keep_their_place_but_pair_with_nothing():
    assert embed(["ANC"], (1.0,))[0][1] == pytest.approx(np.exp(-2.0))  # A..C two apart
    assert embed(["ANC"], (1.0,))[0].sum() == pytest.approx(np.exp(-2.0))


def test_sgt_options_are_checked():
    with pytest.raises(DnartError, match=r"encoder.kappas=0.0: expected one or more values in \(0, 50\]"):
        SGT(SGTOptions(kappas=(0.0,)))


# The map to the latent and the adapters.

def test_minmax_and_gaussian_adapters():
    x = np.array([3.0, 1.0, 2.0, 2.0])
    assert minmax(x).tolist() == [1.0, 0.0, 0.5, 0.5]
    z = gaussian(x)
    assert z[1] < z[2] == z[3] < z[0] and z[2] == pytest.approx(0.0, abs=1e-15)
    assert z[0] == pytest.approx(1.0491313979639711, abs=1e-12)  # Blom: Phi^-1((4 - 3/8) / 4.25)
    assert gaussian(np.ones(5)).tolist() == [0.0] * 5
    many = gaussian(np.random.default_rng(0).random(128))
    assert abs(many.mean()) < 1e-12 and 0.97 < many.std() < 1.0


def test_projection_is_fixed_forever():
    p = project(np.arange(10.0), 4)
    # Recorded once: the projection must never change, or encodings would change with it.
    np.testing.assert_allclose(p, [-2.2135943621, -3.7947331922, -0.6324555320, 4.7434164903], rtol=1e-9)
    assert (project(np.arange(10.0), 4) == p).all()


def test_encoders_are_deterministic_and_sized_to_latent_dim():
    rng = random.Random(5)
    seqs = [random_dna(rng, 150, "ACGTN") for _ in range(40)]
    for cls, options in ((MeanAverage, EncoderOptions), (Kmer, KmerOptions), (SGT, SGTOptions)):
        for latent in ("minmax", "gaussian"):
            encoder = cls(options(latent_dim=24, latent=latent))
            first = encoder.encode(Reads.from_sequences(seqs))
            again = cls(options(latent_dim=24, latent=latent)).encode(Reads.from_sequences(seqs, chunk_size=100))
            assert first.dtype == np.float32 and first.shape == (24,)
            assert (first == again).all()
            assert encoder.latent_centre == (0.5 if latent == "minmax" else 0.0)


def test_encoder_options_are_checked():
    with pytest.raises(DnartError, match="encoder.latent='uniform': expected one of minmax, gaussian"):
        MeanAverage(EncoderOptions(latent="uniform"))
    with pytest.raises(DnartError, match="encoder.unknown='keep'"):
        Kmer(KmerOptions(unknown="keep"))
    assert issubclass(SGT, Encoder)


# Through the plugin host and the API.

def test_builtin_encoders_are_registered_through_the_hook(builtin):
    entries = {e.name: e for e in plugins.registry("encoder")}
    assert {"mean-average", "kmer", "sgt"} <= set(entries)
    assert all(e.plugin == "encoders" for e in entries.values())
    small = config.resolve("small", ["encoder.kappas=1,2.5"])
    assert small["encoder"].options.latent_dim == 16 and small["encoder"].options.kappas == (1.0, 2.5)


def test_encode_api_on_the_example_reads(builtin, tmp_path):
    result = encode(SAMPLE, encoder="kmer", overrides=["encoder.k=3", "encoder.latent=gaussian"])
    assert (result.records, result.bases, result.skipped) == (6000, 900_000, 476)
    assert result.encoder == "kmer" and result.latent.shape == (128,) and result.features.shape == (32,)
    head = tmp_path / "head.fq"
    head.write_bytes(b"".join(SAMPLE.read_bytes().splitlines(keepends=True)[:800]))
    section = encoder_section("small")
    small = encode_files([head], section)
    assert small.latent.shape == (16,) and small.features.shape == (32,)  # two kappas, projected to 16 values
    assert encode_files([head], section.build()).latent.tolist() == small.latent.tolist()
    assert encode(head, preset="small").latent.tolist() == small.latent.tolist()


@pytest.mark.data
@pytest.mark.skipif(not GENOME.exists(), reason="needs ../shared/data")
def test_real_genome_is_one_record_cut_into_stretches(builtin):
    result = encode(GENOME, overrides=["encoder.latent=gaussian"])
    assert result.records == 1 and result.bases > 4_000_000
    assert 0.45 < result.features.mean() < 0.55  # B. subtilis: A+T ~ 56%, so the mean base value is near 1.5 / 3
    assert result.latent.std() == pytest.approx(gaussian(np.arange(128.0)).std())
