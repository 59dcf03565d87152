"""The GAN training loop for one stage of a generator chain.

Generic: it trains whatever :class:`dnart.stages.Stage` the configuration
names, with earlier stages frozen in front of it. It reports through a
callback and imports no UI code; rank 0 alone writes files.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path
from typing import Any, Callable

import torch
from torch.utils.data import DistributedSampler

from .. import config as config_mod
from ..errors import DnartError
from ..model import to_uint8
from . import checkpoint, distributed, grid
from .dataset import ImageSet
from .step import build_gan

Callback = Callable[[str, dict[str, Any]], None]


@dataclasses.dataclass
class RunPaths:
    """Where a run writes: checkpoints, snapshots, samples, logs."""

    root: Path

    @property
    def last(self) -> Path:
        return self.root / "checkpoints" / "last.pt"

    def snapshot(self, epoch: int) -> Path:
        return self.root / "checkpoints" / f"epoch-{epoch:04d}.pt"

    def samples(self, epoch: int) -> Path:
        return self.root / "samples" / f"epoch-{epoch:04d}.png"

    @property
    def log(self) -> Path:
        return self.root / "log.jsonl"

    @property
    def loss_plot(self) -> Path:
        return self.root / "loss.png"


def _rng_state(noise: torch.Generator) -> dict[str, Any]:
    state = {"torch": torch.get_rng_state(), "noise": noise.get_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _restore_rng(state: dict[str, Any], noise: torch.Generator) -> None:
    torch.set_rng_state(state["torch"])
    noise.set_state(state["noise"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def _trim_log(path: Path, last_step: int) -> list[dict[str, Any]]:
    """Drop log lines past the checkpoint being resumed (a killed run may have logged more)."""
    if not path.exists():
        return []
    kept = [r for r in map(json.loads, path.read_text().splitlines()) if r["step"] <= last_step]
    from ..atomic import atomic_write

    with atomic_write(path, "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in kept)
    return kept


def _check_compatible(payload: dict[str, Any], cfg: config_mod.Config, stage: str, source: Path) -> None:
    theirs = payload.get("config", {})
    # Re-resolving fills options added since the checkpoint was written with their defaults.
    if payload.get("stage") != stage or config_mod.resolve(theirs).to_dict().get(stage) != cfg.to_dict()[stage]:
        raise DnartError(
            f"{source}: a checkpoint of preset {theirs.get('preset')!r} {payload.get('stage')}, "
            f"which does not match preset {cfg.preset!r} {stage} with these options"
        )


def _tensorboard(root: Path):
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:  # tensorboard is optional
        return None
    return SummaryWriter(str(root / "tensorboard"))


def train_stage(
    cfg: config_mod.Config,
    stage: str,
    images: ImageSet,
    run_dir: str | os.PathLike,
    *,
    upstream: dict[str, dict[str, torch.Tensor]] | None = None,  # generator states of earlier stages
    resume: bool = False,  # continue from run_dir/checkpoints/last.pt
    device: torch.device = torch.device("cpu"),  # where the networks run
    callback: Callback | None = None,  # receives ("start"|"step"|"epoch"|"end", info)
    max_steps: int | None = None,  # stop after this many steps in total (tests, benchmarks)
) -> dict[str, Any]:
    """Train ``stage`` of ``cfg`` on ``images``; return a summary of the run."""
    opts = cfg.train
    emit = callback or (lambda event, info: None)
    world = distributed.setup(device)
    device = distributed.local_device(device, world)
    threads = distributed.cpu_threads(world, opts.threads)
    if device.type == "cpu" and threads is not None:
        torch.set_num_threads(threads)
    paths = RunPaths(Path(run_dir))
    order = cfg.stages()
    earlier = order[: order.index(stage)]
    upstream = upstream or {}
    if any(s not in upstream for s in earlier):
        raise DnartError(f"training {stage} needs trained weights for {', '.join(earlier)} (use --upstream)")
    if opts.loss not in ("bce", "hinge"):
        raise DnartError(f"option 'train.loss' must be bce or hinge, got {opts.loss!r}")
    if opts.batch_size % world.size:
        raise DnartError(f"train.batch_size {opts.batch_size} does not split over {world.size} processes")
    batch = opts.batch_size // world.size
    if len(images) < opts.batch_size:
        raise DnartError(f"{images.source}: {len(images)} images, fewer than one batch of {opts.batch_size}")

    upstream = {s: upstream[s] for s in earlier}
    gan = build_gan(cfg, stage, device, upstream)
    generator, discriminator, opt_g, opt_d, ema = gan.generator, gan.discriminator, gan.opt_g, gan.opt_d, gan.ema
    decay_every = opts.lr_decay_every if opts.lr_decay_every > 0 else 10**9
    sched_g = torch.optim.lr_scheduler.StepLR(opt_g, decay_every, opts.lr_decay_factor)
    sched_d = torch.optim.lr_scheduler.StepLR(opt_d, decay_every, opts.lr_decay_factor)
    noise = torch.Generator().manual_seed(opts.seed * 7919 + world.rank)
    torch.manual_seed(opts.seed + world.rank)  # dropout differs per rank, as in any data-parallel run

    start_epoch, step, history = 0, 0, []
    if resume:
        payload = checkpoint.load(checkpoint.find_latest(paths.root))
        _check_compatible(payload, cfg, stage, paths.last)
        generator.load_state_dict(payload["generators"][stage])
        discriminator.load_state_dict(payload["discriminator"])
        if ema is not None:
            ema.load_state_dict(payload.get("ema") or payload["generators"][stage])
        opt_g.load_state_dict(payload["opt_g"])
        opt_d.load_state_dict(payload["opt_d"])
        sched_g.load_state_dict(payload["sched_g"])
        sched_d.load_state_dict(payload["sched_d"])
        # Each rank resumes its own noise and dropout streams; a rank the saved run did not
        # have (more processes now) keeps its fresh per-rank seed rather than duplicating one.
        if world.rank < len(payload["rng"]):
            _restore_rng(payload["rng"][world.rank], noise)
        start_epoch, step = payload["epoch"], payload["step"]
        if world.is_main:
            history = _trim_log(paths.log, step)
            # A process killed while writing leaves its temporary file (a checkpoint's size) behind.
            for stale in paths.root.rglob(".*.tmp"):
                stale.unlink(missing_ok=True)
    elif paths.last.exists():
        raise DnartError(f"{paths.root}: already holds a run; pass --resume to continue it or choose another --out")

    if world.size > 1:
        gan.distribute()

    pixels = torch.from_numpy(images.pixels)
    sampler = DistributedSampler(range(len(pixels)), num_replicas=world.size, rank=world.rank,
                                 shuffle=True, seed=opts.seed, drop_last=True)
    steps_per_epoch = len(sampler) // batch
    fixed_z = torch.randn(opts.sample_grid ** 2, *cfg[order[0]].build().input_shape(),
                          generator=torch.Generator().manual_seed(opts.seed + 1))
    writer = _tensorboard(paths.root) if world.is_main else None
    log = None
    if world.is_main:
        paths.root.mkdir(parents=True, exist_ok=True)
        # Line-buffered so the log can be followed live; a fresh run replaces the lines of a
        # run that was killed before its first checkpoint.
        log = open(paths.log, "a" if resume else "w", buffering=1)
    emit("start", {"epoch": start_epoch, "epochs": opts.epochs, "steps_per_epoch": steps_per_epoch,
                   "images": len(images), "skipped": images.skipped, "world": world.size, "device": str(device)})

    def save_epoch(epoch: int, rngs: list[dict[str, Any]]) -> None:
        sampler_g = ema if ema is not None else generator
        gens = {**upstream, stage: sampler_g.state_dict()}
        base = {"config": cfg.to_dict(), "preset": cfg.preset, "stage": stage, "epoch": epoch, "step": step}
        checkpoint.save({**base, "generators": gens}, paths.snapshot(epoch))
        checkpoint.save({
            **base, "generators": {**upstream, stage: generator.state_dict()},
            "ema": ema.state_dict() if ema is not None else None,
            "discriminator": discriminator.state_dict(),
            "opt_g": opt_g.state_dict(), "opt_d": opt_d.state_dict(),
            "sched_g": sched_g.state_dict(), "sched_d": sched_d.state_dict(), "rng": rngs,
        }, paths.last)
        sampler_g.eval()
        with torch.no_grad(), gan.autocast():
            samples = sampler_g(gan.chain(fixed_z.to(device)))
        grid.save_png(grid.tile(to_uint8(samples.float().cpu()), opts.sample_grid), paths.samples(epoch))
        generator.train()
        from ..plotting import line_plot

        line_plot({"D loss": [(r["step"], r["loss_d"]) for r in history],
                   "G loss": [(r["step"], r["loss_g"]) for r in history]},
                  paths.loss_plot, title=f"{cfg.preset} {stage} losses", xlabel="step")

    generator.train()
    discriminator.train()
    stopped = False
    for epoch in range(start_epoch, opts.epochs):
        sampler.set_epoch(epoch)
        order_idx = torch.tensor(list(sampler))
        t0, seen = time.perf_counter(), 0
        for b in range(steps_per_epoch):
            idx = order_idx[b * batch:(b + 1) * batch]
            real = pixels[idx].to(device, non_blocking=True).float().div_(127.5).sub_(1)
            real = real.contiguous(memory_format=gan.memory_format)
            z = torch.randn(batch, *fixed_z.shape[1:], generator=noise)
            real_labels = 1 - opts.label_noise * torch.rand(batch, generator=noise)
            loss_d, loss_g = gan.step(real, z.to(device), real_labels.to(device), noise)
            step += 1
            seen += batch * world.size
            rate = seen / (time.perf_counter() - t0)
            record = {"step": step, "epoch": epoch + 1, "loss_d": loss_d.item(), "loss_g": loss_g.item(),
                      "lr": sched_g.get_last_lr()[0], "images_per_s": rate}
            if world.is_main:
                history.append(record)
                log.write(json.dumps(record) + "\n")
                if writer is not None:
                    writer.add_scalar("loss/d", record["loss_d"], step)
                    writer.add_scalar("loss/g", record["loss_g"], step)
            emit("step", {**record, "batch": b + 1, "steps_per_epoch": steps_per_epoch})
            if max_steps is not None and step >= max_steps:
                stopped = True
                break
        if stopped:
            break
        sched_g.step()
        sched_d.step()
        rngs = distributed.all_gather(_rng_state(noise), world)  # every rank's, for an exact resume
        if world.is_main:
            save_epoch(epoch + 1, rngs)
        emit("epoch", {"epoch": epoch + 1, "epochs": opts.epochs, "step": step,
                       "seconds": time.perf_counter() - t0, "checkpoint": str(paths.last)})
    if log is not None:
        log.close()
    if writer is not None:
        writer.close()
    distributed.teardown(world)
    summary = {"steps": step, "run_dir": str(paths.root), "stopped_early": stopped}
    # Callbacks also get the trained modules (this rank's; identical on every rank).
    emit("end", {**summary, "generator": generator, "discriminator": discriminator})
    return summary
