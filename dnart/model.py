"""Trained generator chains: load from checkpoints or shipped weights, then generate.

This is what rendering and the metrics use; it needs no training code.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any, Sequence

import torch

from . import config as config_mod
from .errors import DnartError
from .training import checkpoint


def resolve_weights_path(spec: str | os.PathLike) -> Path:
    """A weights file from a path, a run directory, or ``package:relative/path``."""
    text = str(spec)
    if ":" in text and not Path(text).exists() and not (len(text) > 1 and text[1] == ":"):
        package, _, rel = text.partition(":")
        try:
            path = Path(str(resources.files(package).joinpath(rel)))
        except ModuleNotFoundError:
            raise DnartError(f"weights {text!r}: package {package!r} is not installed") from None
        if not path.is_file():
            raise DnartError(f"weights {text!r}: no such file in package {package!r}")
        return path
    path = Path(text)
    if path.is_dir():
        for candidate in (path / "checkpoints" / "last.pt", path / "model.pt"):
            if candidate.is_file():
                return candidate
        raise DnartError(f"{path}: a folder with no checkpoints/last.pt or model.pt")
    return path


def device_for(name: str = "auto") -> torch.device:
    """The torch device for ``auto``, ``cpu``, ``cuda`` or ``mps``; a one-line error if absent."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise DnartError("--device cuda: no CUDA device is available")
    if name == "mps" and not (hasattr(torch.backends, "mps") and torch.backends.mps.is_available()):
        raise DnartError("--device mps: no MPS device is available")
    if name not in ("cpu", "cuda", "mps"):
        raise DnartError(f"--device {name!r}: expected auto, cpu, cuda or mps")
    return torch.device(name)


class Pipeline:
    """A chain of generator stages: latent -> stage 1 image -> stage 2 image ..."""

    def __init__(self, config: config_mod.Config, generators: Sequence[torch.nn.Module],
                 device: torch.device, source: str = ""):
        self.config = config
        self.generators = [g.to(device).eval() for g in generators]
        self.device = device
        self.source = source
        self.latent_dim = config[config.stages()[0]].build().input_shape()[0]

    @property
    def image_size(self) -> int:
        return self.config[self.config.stages()[len(self.generators) - 1]].build().image_size

    @torch.no_grad()
    def generate(self, z: torch.Tensor, stages: int | None = None) -> torch.Tensor:
        """Images in [-1, 1], (N, 3, H, W), from latents (N, latent_dim), through ``stages`` stages."""
        x = z.to(self.device, torch.float32)
        for g in self.generators[: stages or len(self.generators)]:
            x = g(x)
        return x.float().cpu()

    def sample(self, n: int, seed: int = 0, batch_size: int = 64, stages: int | None = None) -> torch.Tensor:
        """``n`` images as uint8 (N, 3, H, W) from z ~ N(0, I) drawn with ``seed``."""
        gen = torch.Generator().manual_seed(seed)
        out = []
        for start in range(0, n, batch_size):
            z = torch.randn(min(batch_size, n - start), self.latent_dim, generator=gen)
            out.append(to_uint8(self.generate(z, stages)))
        return torch.cat(out) if out else torch.empty(0, 3, self.image_size, self.image_size, dtype=torch.uint8)


def to_uint8(images: torch.Tensor) -> torch.Tensor:
    """[-1, 1] floats to uint8 pixels, rounding to nearest."""
    return ((images.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)


def build_generators(cfg: config_mod.Config, states: dict[str, Any], source: str) -> list[torch.nn.Module]:
    """Generators for every stage that has weights in ``states``, in order, weights loaded."""
    generators = []
    for name in cfg.stages():
        if name not in states:
            break
        net = cfg[name].build().build_generator()
        try:
            net.load_state_dict({k: v.float() for k, v in states[name].items()})
        except RuntimeError:
            raise DnartError(
                f"{source}: the {name} weights do not fit preset {cfg.preset!r} "
                f"({cfg[name].entry.name}); were they trained with other options?"
            ) from None
        generators.append(net)
    if not generators:
        raise DnartError(f"{source}: holds no generator weights for {cfg.stages()[0]}")
    return generators


def load(path: str | os.PathLike, device: str | torch.device = "cpu", stages: int | None = None,
         overrides: Sequence[str] = ()) -> Pipeline:
    """A :class:`Pipeline` from a checkpoint, snapshot, run directory or ``package:path``."""
    file = resolve_weights_path(path)
    payload = checkpoint.load(file)
    cfg = config_mod.resolve(payload["config"], overrides)
    gens = build_generators(cfg, payload["generators"], str(path))
    if stages is not None:
        if stages > len(gens):
            raise DnartError(f"{path}: holds weights for {len(gens)} stage(s), not {stages}")
        gens = gens[:stages]
    dev = device if isinstance(device, torch.device) else device_for(device)
    return Pipeline(cfg, gens, dev, source=str(path))


def export(source: str | os.PathLike, dest: str | os.PathLike, half: bool = True,
           epoch: int | None = None) -> dict[str, Any]:
    """Write the generators of a run or checkpoint as a small inference-only weights file.

    ``epoch`` picks a per-epoch snapshot of a run directory instead of its last
    checkpoint; ``half`` stores floating tensors in float16 (about half the size,
    and the renderer computes in float32 either way).
    """
    src = Path(source)
    if epoch is not None:
        src = src / "checkpoints" / f"epoch-{epoch:04d}.pt"
    payload = checkpoint.load(resolve_weights_path(src))
    gens = payload["generators"]
    if payload.get("ema"):
        gens = {**gens, payload["stage"]: payload["ema"]}
    if half:
        gens = {name: checkpoint.fp16_state(state) for name, state in gens.items()}
    config_mod.resolve(payload["config"])  # refuse to export what cannot be loaded again
    slim = {k: payload[k] for k in ("config", "preset", "stage", "epoch", "step") if k in payload}
    checkpoint.save({**slim, "generators": gens}, dest)
    return slim
