"""DistributedDataParallel on CPU: two gloo processes launched by torchrun, as a user would launch them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

from dnart.training import distributed
from test_training import write_photos  # tests/ is on sys.path (pytest prepends it)

# Runs in each torchrun process: trains through the same entry point as `dnart train`, then
# reports what this rank ended with, and how often it wrote a checkpoint.
WORKER = textwrap.dedent("""
    import json, os, sys
    import torch
    from dnart.training import checkpoint
    from dnart.training.train import train

    out, data, report, *overrides = sys.argv[1:]
    rank = int(os.environ["RANK"])
    saves = []
    real_save = checkpoint.save
    checkpoint.save = lambda payload, path: (saves.append(str(path)), real_save(payload, path))[1]
    seen = {"losses": []}

    def callback(event, info):
        if event == "step":
            seen["losses"].append((info["loss_d"], info["loss_g"]))
        if event == "end":
            seen["state"] = {"g": info["generator"].state_dict(), "d": info["discriminator"].state_dict()}

    resume = os.path.exists(os.path.join(out, "checkpoints", "last.pt"))
    train(None if resume else "smoke", data, None if resume else 1, out, overrides, resume=resume,
          device="cpu", callback=callback)
    torch.save({**seen, "saves": saves, "threads": torch.get_num_threads()}, f"{report}/rank{rank}.pt")
""")


def torchrun(tmp_path: Path, out: Path, data: Path, *overrides: str) -> list[dict]:
    """Train with two CPU processes; return what each rank reported, in rank order."""
    worker = tmp_path / "worker.py"
    worker.write_text(WORKER)
    report = tmp_path / f"report-{out.name}"
    report.mkdir(exist_ok=True)
    env = {**os.environ, "DNART_CACHE": str(tmp_path / "cache")}
    env.pop("OMP_NUM_THREADS", None)  # torchrun then sets 1 per process; the engine must share out the cores
    proc = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
         str(worker), str(out), str(data), str(report), *overrides],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [torch.load(report / f"rank{r}.pt", weights_only=True) for r in range(2)]


def assert_same_state(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> None:
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k


@pytest.fixture
def photos(tmp_path) -> Path:
    return write_photos(tmp_path / "photos", n=32)  # 16 per rank: two batches of 8 per epoch


@pytest.mark.slow
def test_two_gloo_processes_end_identical_and_only_rank0_writes(tmp_path, photos):
    out = tmp_path / "run"
    ranks = torchrun(tmp_path, out, photos, "train.batch_size=16")  # 8 per process
    r0, r1 = ranks
    assert len(r0["losses"]) == len(r1["losses"]) == 2
    # Different shards, noise and dropout on each rank, yet the same weights after every step.
    assert r0["losses"] != r1["losses"]
    assert_same_state(r0["state"]["g"], r1["state"]["g"])
    assert_same_state(r0["state"]["d"], r1["state"]["d"])
    # Rank 0 alone wrote: one snapshot and one resumable checkpoint, holding the weights both ranks have.
    assert r1["saves"] == [] and len(r0["saves"]) == 2
    assert sorted(p.name for p in (out / "checkpoints").iterdir()) == ["epoch-0001.pt", "last.pt"]
    saved = torch.load(out / "checkpoints" / "last.pt", weights_only=True)
    assert_same_state(saved["generators"]["stage1"], r0["state"]["g"])
    assert len(saved["rng"]) == 2  # each rank's noise stream, for an exact resume
    assert [json.loads(line)["step"] for line in (out / "log.jsonl").read_text().splitlines()] == [1, 2]
    cores = len(os.sched_getaffinity(0))
    assert r0["threads"] == r1["threads"] == max(1, cores // 2)


@pytest.mark.slow
def test_a_resumed_distributed_run_matches_an_uninterrupted_one(tmp_path, photos):
    whole = torchrun(tmp_path, tmp_path / "whole", photos, "train.batch_size=16", "train.epochs=2")
    torchrun(tmp_path, tmp_path / "cut", photos, "train.batch_size=16", "train.epochs=1")
    resumed = torchrun(tmp_path, tmp_path / "cut", photos, "train.epochs=2")
    for rank in range(2):
        assert resumed[rank]["losses"] == whole[rank]["losses"][2:]
        assert_same_state(resumed[rank]["state"]["g"], whole[rank]["state"]["g"])
        assert_same_state(resumed[rank]["state"]["d"], whole[rank]["state"]["d"])


def test_cpu_threads_share_the_cores_among_a_nodes_processes(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)), raising=False)
    assert distributed.cpu_threads(distributed.World(0, 8, 0, 4)) == 4
    assert distributed.cpu_threads(distributed.World(0, 32, 0, 32)) == 1
    assert distributed.cpu_threads(distributed.World(0, 8, 0, 4), requested=3) == 3
    # One process per node: torchrun leaves OMP_NUM_THREADS alone, and so does dnart.
    assert distributed.cpu_threads(distributed.World()) is None
    assert distributed.cpu_threads(distributed.World(1, 2, 0, 1)) is None
