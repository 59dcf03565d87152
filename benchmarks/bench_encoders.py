"""Encoder speed against plain baselines, in one run, on a simulated FASTQ.

    python examples/simulate_reads.py GENOME.fasta --reads 700000 --seed 1 -o /tmp/bench.fq
    python benchmarks/bench_encoders.py /tmp/bench.fq [--memory /tmp/bench-2g.fq]

Each encoder is timed over the whole file; its baseline over a prefix of the
same file (they are one to three orders of magnitude slower), and both are
given as input MB per second of wall-clock and of CPU time (the CPU figure is
what one core does, whatever else the machine is running):

- mean-average: dnart vs Biopython ``SeqIO.parse`` and a Python loop per read;
- kmer (k=4, canonical): dnart vs a plain Python dictionary count;
- SGT: per read (kappa 1 and 10, 150-base reads), dnart vs the ``sgt`` package
  (2.0.3), outputs compared; and the 8-kappa SGT encoder over the file.

``--memory FILE`` encodes FILE in a child process for mean-average and kmer
(SGT, slower, on the baseline prefix) and reports its peak resident memory:
once through the Python API alone, once as ``dnart encode``, which also loads
every installed plugin (the generator plugins bring in torch).
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1] / "plugins"))

from dnart.dna import Reads  # noqa: E402
from dnart_encoders.kmer import Kmer, KmerOptions  # noqa: E402
from dnart_encoders.mean_average import MeanAverage  # noqa: E402
from dnart_encoders.sgt import SGT, embed  # noqa: E402

MB = 1e6


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def prefix(path: Path, size: int, out: Path) -> Path:
    """The first whole records of ``path`` within ``size`` bytes (FASTQ, four lines each)."""
    with open(path, "rb") as f:
        data = f.read(size)
    lines = data.split(b"\n")
    keep = (len(lines) - 1) // 4 * 4
    out.write_bytes(b"\n".join(lines[:keep]) + b"\n")
    return out


def row(name, size, wall, cpu):
    print(f"| {name} | {size / MB:.1f} | {wall:.2f} | {size / MB / wall:.1f} | {cpu:.2f} | {size / MB / cpu:.1f} |")


def biopython_mean_average(path: Path) -> list[float]:
    from Bio import SeqIO

    values = {"A": 0, "C": 1, "G": 2, "T": 3}
    out = []
    for record in SeqIO.parse(str(path), "fastq"):
        seq = str(record.seq).upper()
        total = count = 0
        for base in seq:
            if base in values:
                total += values[base]
                count += 1
        out.append(total / (3 * count) if count else None)
    return out


def dictionary_kmers(path: Path, k: int = 4) -> dict[str, int]:
    complement = str.maketrans("ACGT", "TGCA")
    counts: Counter = Counter()
    with open(path) as f:
        for line in itertools.islice(f, 1, None, 4):
            seq = line.strip().upper()
            for i in range(len(seq) - k + 1):
                word = seq[i:i + k]
                if "N" not in word:
                    counts[min(word, word[::-1].translate(complement))] += 1
    return counts


def sequences(path: Path, n: int) -> list[str]:
    with open(path) as f:
        return [line.strip() for line in itertools.islice(f, 1, 4 * n, 4) if "N" not in line]


def sgt_versus_reference(label: str, reads: list[str], n_reference: int, kappas=(1, 10)) -> None:
    import warnings

    from sgt import SGT as Reference

    warnings.filterwarnings("ignore")
    for kappa in kappas:
        model = Reference(alphabets=list("ACGT"), kappa=kappa, lengthsensitive=False)
        ref, ref_wall, ref_cpu = timed(lambda: np.array([model.fit(list(s)).values for s in reads[:n_reference]]))
        ours, wall, cpu = timed(lambda: embed(reads, (kappa,)))
        diff = np.abs(ours[:n_reference] - ref).max()
        per_ref, per_ours = ref_cpu / n_reference, cpu / len(reads)
        print(f"| {label}, kappa {kappa} | {n_reference} | {per_ref * 1e3:,.2f} ms | {len(reads)} "
              f"| {per_ours * 1e6:,.1f} us | {per_ref / per_ours:,.0f}x "
              f"| {(ref_wall / n_reference) / (wall / len(reads)):,.0f}x | {diff:.1e} |")


# The child reports its own high-water mark: a forked child's ru_maxrss starts at its parent's.
CHILD = """
import runpy, sys
sys.path.insert(0, {plugins!r})
try:
{body}
finally:
    hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM")][0]
    open({report!r}, "w").write(hwm.split()[1])
"""
API_BODY = """    from dnart.encoding import encode_files
    from dnart_encoders import Kmer, MeanAverage, SGT
    encode_files([{path!r}], {{"mean-average": MeanAverage, "kmer": Kmer, "sgt": SGT}}[{encoder!r}]())"""
CLI_BODY = """    sys.argv = ["dnart", "encode", {path!r}, "-e", {encoder!r}, "-o", "/tmp/bench-peak.npy"]
    runpy.run_module("dnart", run_name="__main__")"""


def child_peak(body: str) -> tuple[float, float]:
    """Wall seconds and peak resident MB of a child Python running ``body``."""
    report = "/tmp/bench-peak.kb"
    code = CHILD.format(plugins=str(Path(__file__).parents[1] / "plugins"), body=body, report=report)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started, int(Path(report).read_text()) / 1024


def peak_memory(runs: list[tuple[str, Path]]) -> None:
    """Peak resident memory per (encoder, input): the encoding API alone, and `dnart encode` with every plugin."""
    for encoder, path in runs:
        size = os.path.getsize(path) / MB
        for label, body in (("encode_files", API_BODY), ("dnart encode (all plugins loaded)", CLI_BODY)):
            wall, peak = child_peak(body.format(path=str(path), encoder=encoder))
            print(f"| {encoder}: {label} | {size:,.0f} | {wall:.0f} | {peak:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fastq", type=Path)
    parser.add_argument("--memory", type=Path, help="a large FASTQ for the peak-memory check")
    parser.add_argument("--baseline-mb", type=float, default=10.0, help="prefix size for the slow baselines")
    parser.add_argument("--memory-only", action="store_true", help="skip the speed runs")
    args = parser.parse_args()
    if args.memory_only:
        print("| peak memory: encoder | input MB | wall s | peak RSS MB |\n|---|---|---|---|")
        peak_memory([(encoder, args.fastq) for encoder in ("mean-average", "kmer")])
        return
    size = os.path.getsize(args.fastq)
    head = prefix(args.fastq, int(args.baseline_mb * MB), Path("/tmp/bench-prefix.fq"))
    head_size = os.path.getsize(head)

    print("| run | input MB | wall s | wall MB/s | CPU s | CPU MB/s |\n|---|---|---|---|---|---|")
    _, wall, cpu = timed(lambda: [None for _ in Reads([args.fastq])])
    row("reader alone (dnart)", size, wall, cpu)
    _, wall, cpu = timed(lambda: MeanAverage().features(Reads([args.fastq])))
    row("mean-average (dnart)", size, wall, cpu)
    _, wall, cpu = timed(lambda: biopython_mean_average(head))
    row("mean-average baseline: Biopython SeqIO.parse + Python loop", head_size, wall, cpu)
    _, wall, cpu = timed(lambda: Kmer(KmerOptions(k=4)).features(Reads([args.fastq])))
    row("kmer k=4 canonical (dnart)", size, wall, cpu)
    _, wall, cpu = timed(lambda: dictionary_kmers(head))
    row("kmer baseline: Python dictionary count", head_size, wall, cpu)
    _, wall, cpu = timed(lambda: SGT().features(Reads([head])))
    row("sgt encoder, 8 kappas (dnart)", head_size, wall, cpu)

    print("\n| SGT per sequence | sequences (sgt 2.0.3) | CPU each | sequences (dnart) | CPU each "
          "| speed-up (CPU) | speed-up (wall) | max abs diff |\n|---|---|---|---|---|---|---|---|")
    reads = sequences(args.fastq, 20_000)
    sgt_versus_reference("150-base reads", reads, 100)
    rng = np.random.default_rng(0)
    for length, count in ((1_000, 4), (5_000, 1)):
        long = ["".join(rng.choice(list("ACGT"), length)) for _ in range(count)]
        sgt_versus_reference(f"{length:,}-base sequences", long, count, kappas=(1,))

    if args.memory:
        print("\n| peak memory: encoder | input MB | wall s | peak RSS MB |\n|---|---|---|---|")
        peak_memory([("mean-average", args.memory), ("kmer", args.memory), ("sgt", head)])


if __name__ == "__main__":
    main()
