"""Process-group set-up for torchrun launches (DistributedDataParallel)."""

from __future__ import annotations

import dataclasses
import os
from typing import Any

import torch


@dataclasses.dataclass(frozen=True)
class World:
    rank: int = 0
    size: int = 1
    local_rank: int = 0
    local_size: int = 1  # processes on this node

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def setup(device: torch.device) -> World:
    """Join the process group torchrun describes in the environment; one process otherwise."""
    size = int(os.environ.get("WORLD_SIZE", "1"))
    if size == 1:
        return World()
    import torch.distributed as dist

    world = World(int(os.environ["RANK"]), size, int(os.environ.get("LOCAL_RANK", "0")),
                  int(os.environ.get("LOCAL_WORLD_SIZE", "1")))
    if not dist.is_initialized():
        backend = "nccl" if device.type == "cuda" else "gloo"
        dist.init_process_group(backend)
    return world


def teardown(world: World) -> None:
    if world.size > 1:
        import torch.distributed as dist

        if dist.is_initialized():
            dist.destroy_process_group()


def local_device(device: torch.device, world: World) -> torch.device:
    """One GPU per process on CUDA; the given device otherwise."""
    if device.type == "cuda" and world.size > 1:
        torch.cuda.set_device(world.local_rank)
        return torch.device("cuda", world.local_rank)
    return device


def cpu_threads(world: World, requested: int = 0) -> int | None:
    """Intra-op threads for one CPU process, or None to keep torch's default.

    torchrun sets OMP_NUM_THREADS=1 for every process it starts, which leaves
    all but one core per process idle; the node's cores are shared out among
    its processes instead. A single process keeps torch's default (which
    honours OMP_NUM_THREADS).
    """
    if requested > 0:
        return requested
    if world.local_size == 1:
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, cores // world.local_size)


def all_gather(obj: Any, world: World) -> list[Any]:
    """``obj`` from every rank, in rank order (a collective: every rank must call it)."""
    if world.size == 1:
        return [obj]
    import torch.distributed as dist

    out: list[Any] = [None] * world.size
    dist.all_gather_object(out, obj)
    return out
