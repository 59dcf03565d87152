"""``train()``: the Python entry point behind ``dnart train``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from .. import config as config_mod
from ..errors import DnartError
from ..model import device_for, resolve_weights_path
from . import checkpoint
from .dataset import load_images
from .loop import Callback, train_stage


def upstream_states(cfg: config_mod.Config, stage: str, source: str | os.PathLike | None) -> dict:
    """Generator weights for the stages before ``stage``: from ``source`` or the preset's weights."""
    earlier = cfg.stages()[: cfg.stages().index(stage)]
    if not earlier:
        return {}
    source = source or cfg.values.get("weights")
    if not source:
        raise DnartError(f"training {stage} needs a trained {earlier[-1]}: pass --upstream RUN_DIR_OR_CHECKPOINT")
    payload = checkpoint.load(resolve_weights_path(source))
    missing = [s for s in earlier if s not in payload["generators"]]
    if missing:
        raise DnartError(f"{source}: holds no weights for {', '.join(missing)}")
    theirs = config_mod.resolve(payload["config"]).to_dict()  # fills options added since
    ours = cfg.to_dict()
    for s in earlier:
        if theirs.get(s) != ours[s]:
            raise DnartError(f"{source}: its {s} was trained with other options than preset {cfg.preset!r}'s")
    return {s: {k: v.float() for k, v in payload["generators"][s].items()} for s in earlier}


def train(
    preset: str = "paper",
    data: str | os.PathLike | None = None,
    stage: int = 1,
    out: str | os.PathLike = "runs/train",
    overrides: Sequence[str] = (),
    resume: bool = False,
    upstream: str | os.PathLike | None = None,
    device: str = "auto",
    callback: Callback | None = None,
    max_steps: int | None = None,
    data_progress=None,
) -> dict:
    """Train one stage of a preset's generator chain on a folder of images."""
    if resume and Path(out).joinpath("checkpoints", "last.pt").exists():
        # A resumed run keeps the configuration it was started with, plus new overrides.
        saved = checkpoint.load(checkpoint.find_latest(out))["config"]
        cfg = config_mod.resolve(saved, overrides)
    else:
        cfg = config_mod.resolve(preset, overrides)
    stages = cfg.stages()
    if not 1 <= stage <= len(stages):
        raise DnartError(f"--stage {stage}: preset {cfg.preset!r} has stages 1..{len(stages)}")
    name = stages[stage - 1]
    images = load_images(data, cfg[name].build().image_size, progress=data_progress)
    return train_stage(cfg, name, images, out, upstream=upstream_states(cfg, name, upstream),
                       resume=resume, device=device_for(device), callback=callback, max_steps=max_steps)
