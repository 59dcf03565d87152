"""The DNA reader: formats, compression, streaming, the non-ACGT policy, strict codons, every fault."""

from __future__ import annotations

import bz2
import gzip
import random
import tracemalloc

import numpy as np
import pytest

from dnart.dna import END, UNKNOWN, Reads
from dnart.errors import DnartError

LETTERS = "ACGTN"


def records(reads: Reads) -> list[str]:
    """Each record's sequence (N for unknown bases), checking that every record closes exactly once."""
    pieces: dict[int, list[str]] = {}
    closed: list[int] = []
    for batch in reads:
        for i, (start, end) in enumerate(zip(batch.starts, batch.ends)):
            pieces.setdefault(batch.first + i, []).append("".join(LETTERS[c] for c in batch.codes[start:end]))
            if end < len(batch.codes) and batch.codes[end] == END:
                closed.append(batch.first + i)
    assert closed == sorted(pieces)
    return ["".join(pieces[k]) for k in sorted(pieces)]


def fastq(seqs, newline="\n") -> str:
    return "".join(f"@r{i}{newline}{s}{newline}+{newline}{'I' * len(s)}{newline}" for i, s in enumerate(seqs))


def fasta(seqs, width=60, newline="\n") -> str:
    out = []
    for i, s in enumerate(seqs):
        out.append(f">r{i} some description{newline}")
        out += [s[j:j + width] + newline for j in range(0, len(s), width)]
    return "".join(out)


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


def fault(path, **kwargs) -> str:
    with pytest.raises(DnartError) as err:
        list(Reads([path], **kwargs))
    message = str(err.value)
    assert "\n" not in message
    return message


# Formats and streaming.

SEQS = ["ACGTACGTTT", "ggccaatt", "ACNNGT", "", "T" * 130]


@pytest.mark.parametrize("make", [fastq, fasta, lambda s: fasta(s, 7), lambda s: fastq(s, "\r\n"),
                                  lambda s: fasta(s, 5, "\r\n")])
@pytest.mark.parametrize("chunk", [1, 13, 64, 1 << 20])
def test_records_are_the_same_however_the_input_is_cut(tmp_path, make, chunk):
    reads = Reads([write(tmp_path, "x", make(SEQS))], chunk_size=chunk)
    assert records(reads) == [s.upper() for s in SEQS]
    assert (reads.stats.records, reads.stats.bases, reads.stats.skipped) == (5, 154, 2)


def test_random_inputs_round_trip_at_random_chunk_sizes(tmp_path):
    rng = random.Random(7)
    for trial in range(60):
        seqs = ["".join(rng.choice("ACGTN") for _ in range(rng.randint(0, 90))) for _ in range(rng.randint(1, 5))]
        seqs[0] += "A"
        text = fasta(seqs, rng.randint(1, 20)) if trial % 2 else fastq(seqs)
        if rng.random() < 0.3:
            text = text.rstrip("\n")
        assert records(Reads([("x", text.encode())], chunk_size=rng.randint(1, 50))) == seqs


def test_compression_is_recognised_by_content_not_name(tmp_path):
    text = fastq(SEQS).encode()
    paths = [write(tmp_path, "plain.gz", text), write(tmp_path, "a.txt", gzip.compress(text)),
             write(tmp_path, "b.fq", bz2.compress(text)), write(tmp_path, "c.fa.gz", gzip.compress(fasta(SEQS).encode()))]
    for path in paths:
        assert records(Reads([path], chunk_size=50)) == [s.upper() for s in SEQS]


def test_multi_member_gzip_reads_as_one_stream(tmp_path):
    path = write(tmp_path, "x.gz", gzip.compress(fastq(SEQS[:2]).encode()) + gzip.compress(fastq(SEQS[2:]).encode()))
    assert len(records(Reads([path]))) == 5


def test_several_files_are_one_input_numbered_on(tmp_path):
    a, b = write(tmp_path, "a.fq", fastq(SEQS[:2])), write(tmp_path, "b.fa", fasta(SEQS[2:]))
    reads = Reads([a, b])
    firsts = [batch.first for batch in reads]
    assert firsts == [0, 2] and reads.stats.records == 5


def test_lowercase_u_and_ambiguity_codes():
    reads = Reads.from_sequences(["acgu", "ACGTRYKMSWBDHVN-"])
    codes = np.concatenate([b.codes for b in reads])
    assert codes[:5].tolist() == [0, 1, 2, 3, END]
    assert (codes[5:-1] == [0, 1, 2, 3] + [UNKNOWN] * 12).all()
    assert reads.stats.skipped == 12 and reads.stats.bases == 20


def test_leading_blank_lines_count_towards_line_numbers(tmp_path):
    path = write(tmp_path, "x.fq", "\n\n" + fastq(["ACGT"]) + "@r1\nACGT\n-\nIIII\n")
    assert fault(path) == f"{path}: record 2 (line 9): missing the '+' line after the sequence"


def test_memory_stays_flat_on_a_large_input(tmp_path):
    rng = np.random.default_rng(0)
    record = np.frombuffer(b"@read\n" + b"A" * 150 + b"\n+\n" + b"I" * 150 + b"\n", dtype=np.uint8)
    block = np.tile(record, (20_000, 1))
    block[:, 6:156] = np.frombuffer(b"ACGT", dtype=np.uint8)[rng.integers(0, 4, (20_000, 150))]
    path = tmp_path / "big.fq"
    path.write_bytes(block.tobytes())  # 6.2 MB
    tracemalloc.start()
    reads = Reads([path], chunk_size=256 << 10)
    for _ in reads:
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert reads.stats.records == 20_000
    assert peak < 4 << 20, peak


# The non-ACGT policy and the strict codon mode.

def test_unknown_bases_are_skipped_and_counted_or_rejected(tmp_path):
    path = write(tmp_path, "x.fq", fastq(["ACGT", "ACNT"]))
    reads = Reads([path])
    list(reads)
    assert reads.stats.skipped == 1
    assert fault(path, unknown="reject") == (
        f"{path}: record 2 (line 6): non-ACGT base 'N' (unknown=reject; unknown=skip would skip it)")
    fa = write(tmp_path, "x.fa", ">a\nACGT\nAC\n>b\nACGTAC\nACGTAR\n")
    assert fault(fa, unknown="reject").startswith(f"{fa}: record 2 (line 6): non-ACGT base 'R'")


def test_unknown_policy_must_be_known(tmp_path):
    with pytest.raises(DnartError, match="unknown='drop': expected one of skip, reject"):
        Reads([tmp_path / "x"], unknown="drop")


def test_strict_codons_accept_open_reading_frames():
    reads = Reads.from_sequences(["ATGAAATAA", "ttgTGA", "CTGCCCGGGTAG"], codons=True)
    assert len(records(reads)) == 3


@pytest.mark.parametrize("seq, message", [
    ("ATGAAATA", "length 8 is not a whole number of codons"),
    ("AAAATGTAA", "does not begin with a start codon (ATG, CTG or TTG)"),
    ("ATGAAATAC", "does not end with a stop codon (TAA, TAG or TGA)"),
    ("ATGNNNTAN", "does not end with a stop codon"),
    ("", "does not begin with a start codon"),
])
def test_strict_codons_name_the_first_fault(tmp_path, seq, message):
    path = write(tmp_path, "x.fq", fastq(["ATGTAA", seq]))
    assert fault(path, codons=True).startswith(f"{path}: record 2 (line 6): strict codon mode: {message}")


@pytest.mark.parametrize("chunk", [3, 8, 1 << 20])
def test_strict_codons_follow_a_record_across_buffers(tmp_path, chunk):
    good = write(tmp_path, "good.fa", fasta(["ATG" + "GCA" * 30 + "TGA", "CTGTAA"], width=4))
    assert len(records(Reads([good], codons=True, chunk_size=chunk))) == 2
    bad = write(tmp_path, "bad.fa", fasta(["ATGTGA", "ATG" + "GCA" * 30 + "TGC"], width=4))
    assert fault(bad, codons=True, chunk_size=chunk) == (
        f"{bad}: record 2 (line 4): strict codon mode: does not end with a stop codon (TAA, TAG or TGA)")


# Every fault: one line naming the file, the record and its line, and the fault.

@pytest.mark.parametrize("text, expected", [
    ("@r0\nACGT\n+\nIIII\nr1\nACGT\n+\nIIII\n",
     "record 2 (line 5): header does not start with '@' (not FASTQ, or the records are out of step)"),
    ("@r0\nACGT\n+\nIIII\n\n@r1\nACGT\n+\nIIII\n",
     "record 2 (line 5): blank line where a header starting with '@' was expected"),
    ("@r0\nACGT\nIIII\n@r1\nACGT\n+\nIIII\n", "record 1 (line 3): missing the '+' line after the sequence"),
    ("@r0\nACGT\n+r9\nIIII\n", "record 1 (line 3): the '+' line does not repeat the header"),
    ("@r0\nACGT\n+\nIIII\n@r1\nACGTA\n+\nIIII\n",
     "record 2 (line 8): sequence and quality differ in length (5 vs 4)"),
    ("@r0\nACGT\n+\nIIII\n@r1\nACGT\n", "record 2 (line 5): truncated record at the end of the file (no '+' line)"),
    ("@r0\nACGT\n+\nIIII\n@r1\nACGT\n+\n",
     "record 2 (line 5): truncated record at the end of the file (no quality line)"),
    ("@r0\nACGT\n+\nII I\n", "record 1 (line 4): quality character ' ' outside the Phred range '!' to '~'"),
    ("@r0\nACGT\n+\nII\x7fI\n", "record 1 (line 4): binary or non-text data (byte 0x7f) in the quality line"),
    ("@r0\nAC5T\n+\nIIII\n", "record 1 (line 2): invalid character '5' in the sequence"),
    ("@r0\nAC\x01T\n+\nIIII\n", "record 1 (line 2): binary or non-text data (byte 0x01) in the sequence"),
    ("@r0\nACGT\n+\nIIII\n@r\x001\nACGT\n+\nIIII\n", "record 2 (line 5): binary or non-text data (a NUL byte)"),
    (">r0\nACGT\nAC@T\n", "record 1 (line 3): invalid character '@' in the sequence"),
    (">r0\nACGT\n>r\x001\nAC\n", "record 2 (line 3): binary or non-text data (a NUL byte)"),
    (">r0\nACGT\nA\x00GT\n>r1\nAC\n", "record 1 (line 3): binary or non-text data (a NUL byte)"),
    (">r0\nACGT\n>r1\nAAAA\nAA\nAC GT!\n", "record 2 (line 6): invalid character '!' in the sequence"),
    ("ACGT\n", "record 1 (line 1): expected a header starting with '@' (FASTQ) or '>' (FASTA)"),
    ("\n\n  hello\n", "record 1 (line 3): expected a header starting with '@' (FASTQ) or '>' (FASTA)"),
])
@pytest.mark.parametrize("chunk", [5, 1 << 20])
def test_malformed_text_is_one_line_naming_record_and_line(tmp_path, text, expected, chunk):
    path = write(tmp_path, "in.fq", text)
    assert fault(path, chunk_size=chunk) == f"{path}: {expected}"


@pytest.mark.parametrize("data, expected", [
    (b"", "file is empty"),
    (b"\n\r\n  \n", "no records (the file holds only blank lines)"),
    (gzip.compress(b""), "no records (the file holds only blank lines)"),
    (b">only\n>headers\n", "no sequence data in its 2 record(s)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary or non-text data, not FASTQ or FASTA"),
    (b"\xfd7zXZ\x00\x00", "xz-compressed input is not supported (use plain, gzip or bzip2)"),
])
def test_empty_binary_and_unsupported_files(tmp_path, data, expected):
    path = write(tmp_path, "in.fq", data)
    assert fault(path) == f"{path}: {expected}"


def test_corrupt_and_truncated_compressed_streams(tmp_path):
    text = fastq(["ACGT" * 40] * 400).encode()
    packed = gzip.compress(text)
    damaged = bytearray(packed)
    damaged[len(packed) // 2:len(packed) // 2 + 64] = bytes(64)
    assert "corrupt gzip stream" in fault(write(tmp_path, "a.gz", bytes(damaged)))
    message = fault(write(tmp_path, "b.gz", packed[: len(packed) // 2]), chunk_size=4096)
    assert message.startswith(f"{tmp_path / 'b.gz'}: record ") and "(line " in message
    assert "corrupt gzip stream (Compressed file ended before the end-of-stream marker was reached)" in message
    assert "corrupt bzip2 stream" in fault(write(tmp_path, "c.bz2", bz2.compress(text)[:-40]))
    assert "corrupt bzip2 stream" in fault(write(tmp_path, "d.bz2", b"BZh9" + bytes(200)))


def test_missing_file_and_directory(tmp_path):
    assert fault(tmp_path / "nope.fq") == f"{tmp_path / 'nope.fq'}: no such file"
    assert fault(tmp_path) == f"{tmp_path}: is a directory, not a sequence file"
    with pytest.raises(DnartError, match="no input files given"):
        Reads([])
