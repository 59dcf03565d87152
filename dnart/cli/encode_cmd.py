"""`dnart encode`: DNA in, the generator's latent vector out."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
from pathlib import Path
from typing import Iterator, List, Optional

import typer

from . import options

LARGE_INPUT = 32 << 20  # bytes from which reading shows a progress bar
MB = 1 << 20


@contextlib.contextmanager
def reading_progress(paths, threshold: int = LARGE_INPUT) -> Iterator:
    """A ``progress(done, total)`` callback drawing a bar on stderr for large inputs, else None."""
    total = sum(os.path.getsize(p) for p in paths if os.path.isfile(p))
    if total < threshold:
        yield None
        return
    from .progress import progress_bar

    with progress_bar(transient=True) as bar:
        task = bar.add_task("reading DNA (MiB)", total=max(1, total // MB))
        yield lambda done, all_: bar.update(task, completed=done // MB, total=max(1, all_ // MB))


def _write(out: Path, values, result, section, raw: bool) -> None:
    import numpy as np

    from ..atomic import atomic_write

    if out.suffix.lower() == ".npy":
        buf = io.BytesIO()
        np.save(buf, values)
        with atomic_write(out) as f:
            f.write(buf.getvalue())
    else:
        payload = {
            "encoder": result.encoder,
            "options": dataclasses.asdict(section.options),
            "values": "features" if raw else "latent",
            "records": result.records,
            "bases": result.bases,
            "skipped": result.skipped,
            "vector": [float(v) for v in values],
        }
        with atomic_write(out, "w") as f:
            json.dump(payload, f, indent=1)
            f.write("\n")


def register(app: typer.Typer) -> None:
    @app.command("encode")
    def encode_command(
        files: List[Path] = typer.Argument(..., help="FASTQ/FASTA files (plain, .gz or .bz2), read as one input."),
        encoder: Optional[str] = options.ENCODER,
        preset: str = options.PRESET,
        overrides: Optional[List[str]] = options.SET,
        out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the vector to a .npy or .json file."),
        raw: bool = typer.Option(False, "--raw", help="The encoder's features, before the map to the latent."),
    ) -> None:
        """Encode DNA reads as the generator's latent vector (summary on stderr, vector on stdout)."""
        from ..encoding import encode_files, encoder_section
        from ..errors import DnartError

        if out is not None and out.suffix.lower() not in (".npy", ".json"):
            raise DnartError(f"--out {out}: expected a .npy or .json file")
        section = encoder_section(preset, encoder, overrides or [])
        with reading_progress(files) as progress:
            result = encode_files(files, section, progress)
        values = result.features if raw else result.latent
        kind = f"{len(values)} raw features" if raw else f"{len(values)} latent values ({section.options.latent})"
        typer.echo(
            f"{result.encoder}: {result.records:,} records, {result.bases:,} bases, "
            f"{result.skipped:,} skipped bases, {result.seconds:.2f} s -> {kind}",
            err=True,
        )
        if out is not None:
            _write(out, values, result, section, raw)
            typer.echo(f"wrote {out}", err=True)
        else:
            typer.echo(json.dumps([float(v) for v in values]))
