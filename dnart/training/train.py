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
    preset: str | None = None,
    data: str | os.PathLike | None = None,
    stage: int | None = None,
    out: str | os.PathLike = "runs/train",
    overrides: Sequence[str] = (),
    resume: bool = False,
    upstream: str | os.PathLike | None = None,
    device: str = "auto",
    callback: Callback | None = None,
    max_steps: int | None = None,
    data_progress=None,
) -> dict:
    """Train one stage of a preset's generator chain on a folder of images.

    ``preset`` and ``stage`` default to ``paper`` and 1, or to the run's own
    when resuming; naming others than the run's is an error.
    """
    if resume:
        # A resumed run keeps the configuration it was started with (plus new overrides)
        # and the earlier stages' weights it was started from.
        payload = checkpoint.load(checkpoint.find_latest(out))
        if preset is not None and preset != payload["preset"]:
            raise DnartError(f"{out}: a run of preset {payload['preset']!r}, not {preset!r} (omit --preset to resume it)")
        if upstream is not None:
            raise DnartError(f"{out}: a resumed run keeps the earlier stages it was started with; drop --upstream")
        cfg = config_mod.resolve(payload["config"], overrides)
        if payload.get("stage") not in cfg.stages():
            raise DnartError(f"{out}: its checkpoint names no stage of preset {cfg.preset!r}")
        run_stage = cfg.stages().index(payload["stage"]) + 1
        if stage is not None and stage != run_stage:
            raise DnartError(f"{out}: a run of {payload['stage']}, not stage{stage} (omit --stage to resume it)")
        stage = run_stage
    else:
        if Path(out).joinpath("checkpoints", "last.pt").exists():  # before decoding any images
            raise DnartError(f"{out}: already holds a run; pass --resume to continue it or choose another --out")
        cfg = config_mod.resolve(preset or "paper", overrides)
        stage = stage or 1
    stages = cfg.stages()
    if not 1 <= stage <= len(stages):
        raise DnartError(f"--stage {stage}: preset {cfg.preset!r} has stages 1..{len(stages)}")
    name = stages[stage - 1]
    if resume:
        earlier = {s: payload["generators"][s] for s in stages[: stage - 1]}
    else:
        earlier = upstream_states(cfg, name, upstream)
    images = load_images(data, cfg[name].build().image_size, progress=data_progress)
    return train_stage(cfg, name, images, out, upstream=earlier,
                       resume=resume, device=device_for(device), callback=callback, max_steps=max_steps)
