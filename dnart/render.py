"""Rendering DNA as a landscape: encode, optionally salt, generate, write a PNG.

A :class:`Renderer` loads a preset's generators once and renders any number of
inputs (``dnart render``, ``dnart gallery`` and ``dnart morph`` all use it).
Nothing it writes holds sequence or quality data: only the image and the
settings that made it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
from pathlib import Path
from typing import Sequence

import numpy as np

from . import __version__
from . import config as config_mod
from .atomic import atomic_write
from .errors import DnartError


@dataclasses.dataclass
class Artwork:
    """One rendered image and the metadata that describes how it was made."""

    image: "PIL.Image.Image"  # noqa: F821 (Pillow is imported lazily)
    metadata: dict[str, str]
    notes: list[str]

    def save(self, path: str | os.PathLike) -> None:
        """Write a PNG with the metadata as text chunks, atomically."""
        save_png(self.image, path, self.metadata)


def save_png(image, path: str | os.PathLike, metadata: dict[str, str]) -> None:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    for key, value in metadata.items():
        info.add_text(key, value)
    buf = io.BytesIO()
    image.save(buf, format="PNG", pnginfo=info)
    with atomic_write(path) as f:
        f.write(buf.getvalue())


def salt_latent(latent: np.ndarray, salt: str, centre: float) -> np.ndarray:
    """Mix a private phrase into a latent: a keyed permutation and sign flips about ``centre``.

    Both the [0, 1] range of min-max latents (``centre`` 0.5) and the N(0, I)
    law of Gaussian latents (``centre`` 0) are preserved, so the generator
    sees inputs like those it was made for; without the phrase the mapping
    cannot be undone or repeated.
    """
    digest = hashlib.sha256(b"dnart-salt\0" + salt.encode("utf-8")).digest()
    rng = np.random.Generator(np.random.PCG64(int.from_bytes(digest, "big")))
    perm = rng.permutation(latent.shape[-1])
    signs = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), latent.shape[-1])
    return ((latent[..., perm] - centre) * signs + centre).astype(np.float32)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Renderer:
    """A preset's encoder and generator chain, loaded once."""

    def __init__(
        self,
        preset: str | None = None,  # preset name; default: the weights' own, else "paper"
        weights: str | os.PathLike | None = None,  # run dir, checkpoint or package:path; default: the preset's
        encoder: str | None = None,  # encoder name, replacing the preset's
        overrides: Sequence[str] = (),  # section.key=value settings
        stage: int | None = None,  # last stage to run (default: the preset's last)
        size: int | None = None,  # final Lanczos upscale to size x size
        salt: str | None = None,  # private phrase mixed into the latent
        device: str = "auto",
    ):
        from .model import build_generators, device_for, resolve_weights_path
        from .training import checkpoint

        if weights is not None and preset is None:
            source = resolve_weights_path(weights)
            payload = checkpoint.load(source)
            self.config = config_mod.resolve(payload["config"], overrides, choose={"encoder": encoder or ""})
        else:
            self.config = config_mod.resolve(preset or "paper", overrides, choose={"encoder": encoder or ""})
            spec = weights or self.config.values.get("weights")
            if not spec:
                raise DnartError(f"preset {self.config.preset!r} ships no weights: pass --weights RUN_DIR_OR_CHECKPOINT")
            source = resolve_weights_path(spec)
            payload = checkpoint.load(source)
        stages = self.config.stages()
        self.stage = stage or len(stages)
        if not 1 <= self.stage <= len(stages):
            raise DnartError(f"--stage {stage}: preset {self.config.preset!r} has stages 1..{len(stages)}")
        import torch

        self.device = device_for(device)
        generators = build_generators(self.config, payload["generators"], str(source))
        self.notes: list[str] = []
        self.target = self.config[stages[self.stage - 1]].build().image_size
        if len(generators) < self.stage:
            self.notes.append(
                f"{source.name} has no {stages[self.stage - 1]} weights; "
                f"upscaling {stages[len(generators) - 1]} with Lanczos to {self.target}x{self.target}"
            )
        self.generators = [g.to(self.device).eval() for g in generators[: self.stage]]
        self._torch = torch
        self.size = size
        self.salt = salt
        self.encoder = self.config["encoder"].build()
        self.weights_digest = _sha256(source)

    @property
    def latent_centre(self) -> float:
        return self.encoder.latent_centre

    def latent(self, paths: Sequence[str | os.PathLike], progress=None) -> np.ndarray:
        """The (salted) latent vector for one DNA input (one or more files)."""
        from .encoding import encode_files

        result = encode_files(paths, self.encoder, progress=progress)
        latent = result.latent
        if self.salt:
            latent = salt_latent(latent, self.salt, self.latent_centre)
        return latent

    def image(self, latent: np.ndarray):
        """The PIL image for a latent vector."""
        from PIL import Image

        from .model import to_uint8

        torch = self._torch
        with torch.no_grad():
            x = torch.from_numpy(np.ascontiguousarray(latent, dtype=np.float32)).reshape(1, -1).to(self.device)
            for g in self.generators:
                x = g(x)
        pixels = to_uint8(x.float().cpu())[0].permute(1, 2, 0).numpy()
        img = Image.fromarray(pixels)
        if img.width != self.target:
            img = img.resize((self.target, self.target), Image.Resampling.LANCZOS)
        if self.size and self.size != img.width:
            img = img.resize((self.size, self.size), Image.Resampling.LANCZOS)
        return img

    def metadata(self) -> dict[str, str]:
        enc = self.config["encoder"]
        return {
            "Software": f"dnart {__version__}",
            "dnart:preset": self.config.preset,
            "dnart:encoder": enc.entry.name,
            "dnart:encoder-options": json.dumps(dataclasses.asdict(enc.options), sort_keys=True),
            "dnart:weights-sha256": self.weights_digest,
            "dnart:stage": str(self.stage),
            "dnart:salted": "yes" if self.salt else "no",
        }

    def render(self, paths: Sequence[str | os.PathLike], progress=None) -> Artwork:
        """Render one DNA input (one or more files read as one) to an :class:`Artwork`."""
        return Artwork(self.image(self.latent(paths, progress)), self.metadata(), list(self.notes))


def output_names(inputs: Sequence[str | os.PathLike], folder: str | os.PathLike) -> list[Path]:
    """One PNG path per input, named after it (``reads.fq.gz`` -> ``reads.png``), never clashing."""
    seen: dict[str, int] = {}
    out = []
    for path in inputs:
        name = Path(path).name
        for suffix in (".gz", ".bz2", ".fastq", ".fq", ".fasta", ".fa", ".fna", ".txt"):
            if name.lower().endswith(suffix) and len(name) > len(suffix):
                name = name[: -len(suffix)]
        count = seen.get(name, 0) + 1
        seen[name] = count
        out.append(Path(folder) / (f"{name}.png" if count == 1 else f"{name}-{count}.png"))
    return out
