"""A metric by epoch over a training run (the paper's Table 2), as CSV, Markdown and PNG.

Every epoch's snapshot (``checkpoints/epoch-XXXX.pt``) generates the same
latent vectors (same seed), so epochs differ only by their weights. The real
set is summarised once. Results are written after every epoch together with
a JSON record of the settings, and a later call with the same settings
reuses the epochs already measured (unless their snapshot changed), so an
interrupted evaluation resumes where it stopped.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from ..atomic import atomic_write
from ..errors import DnartError
from ..plotting import line_plot
from ..training.dataset import list_images
from . import Metric, summaries
from .sources import Sampling, Side, Task, generated_batches, run_metric, summarize

_SNAPSHOT = re.compile(r"epoch-(\d+)\.pt$")


def snapshots(run_dir: str | Path) -> dict[int, Path]:
    """The per-epoch snapshots of a run, by epoch; a one-line error if there are none."""
    folder = Path(run_dir) / "checkpoints"
    found = {int(m.group(1)): p for p in folder.glob("epoch-*.pt") if (m := _SNAPSHOT.search(p.name))}
    if not found:
        raise DnartError(f"{run_dir}: no per-epoch snapshots (checkpoints/epoch-XXXX.pt); is it a training run?")
    return dict(sorted(found.items()))


def select_epochs(available: list[int], every: int, epochs: list[int] | None = None) -> list[int]:
    """``epochs`` if given (each must exist), else every ``every``-th epoch (multiples of it) that exists."""
    if epochs:
        missing = sorted(set(epochs) - set(available))
        if missing:
            raise DnartError(f"no snapshot for epoch(s) {', '.join(map(str, missing))} "
                             f"(the run has {available[0]}..{available[-1]})")
        return sorted(set(epochs))
    if every < 1:
        raise DnartError(f"--every {every}: expected a positive number of epochs")
    chosen = [e for e in available if e % every == 0]
    if not chosen:
        raise DnartError(f"no epoch of the run ({available[0]}..{available[-1]}) is a multiple of --every {every}")
    return chosen


def _identity(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def _real_identity(real: Side) -> str:
    """The real side's path and content identity, so results against other photos are not reused."""
    path = Path(real.spec)
    if real.kind == "folder":
        return f"{path.resolve()}#{summaries.folder_key('', '', list_images(path))}"
    return f"{path.resolve()}#{_identity(path)}" if path.is_file() else real.spec


@dataclasses.dataclass
class Outputs:
    """Where a run's table for one metric goes."""

    folder: Path
    metric: str

    def path(self, suffix: str) -> Path:
        return self.folder / f"{self.metric}.{suffix}"


def markdown(rows: list[tuple[int, float]], metric: str) -> str:
    lines = [f"| epoch | {metric.upper()} |", "|---:|---:|"]
    lines += [f"| {epoch} | {value:.6g} |" for epoch, value in rows]
    return "\n".join(lines) + "\n"


def write_tables(rows: list[tuple[int, float]], out: Outputs, title: str) -> None:
    """CSV (full precision), Markdown and a PNG plot of ``rows``, each written atomically."""
    with atomic_write(out.path("csv"), "w") as f:
        f.write(f"epoch,{out.metric}\n" + "".join(f"{e},{v!r}\n" for e, v in rows))
    with atomic_write(out.path("md"), "w") as f:
        f.write(markdown(rows, out.metric))
    line_plot({out.metric.upper(): rows}, out.path("png"), title=title, xlabel="epoch")


def evaluate_run(
    metric: Metric,
    run_dir: str | Path,
    real: Side,
    epochs: list[int],
    sampling: Sampling,
    out: Outputs,
    cache: bool = True,
    task: Task | None = None,
) -> list[tuple[int, float]]:
    """The metric between ``real`` and each epoch's generated images; tables updated after each epoch."""
    from ..model import load

    available = snapshots(run_dir)
    settings = {"metric": metric.name, "options": dataclasses.asdict(metric.options), "real": _real_identity(real),
                "images": sampling.images, "seed": sampling.seed}
    record_path = out.path("json")
    done: dict[int, dict] = {}
    if record_path.is_file():
        try:
            record = json.loads(record_path.read_text())
            if record.get("settings") == settings:
                done = {int(r["epoch"]): r for r in record["rows"]}
        except (ValueError, KeyError, TypeError):  # an unreadable record is rebuilt from scratch
            done = {}
    real_summary = None
    for epoch in epochs:
        snapshot = available[epoch]
        previous = done.get(epoch)
        if previous is None or previous.get("snapshot") != _identity(snapshot):
            if real_summary is None:
                real_summary = summarize(metric, real, sampling, cache, task)
            pipeline = load(snapshot, device=sampling.device)
            batches = generated_batches(pipeline, sampling.images, sampling.seed, sampling.batch_size)
            progress = task(f"{metric.name}: epoch {epoch}", sampling.images) if task else None
            value = metric.compare(real_summary, run_metric(metric, batches, str(snapshot), sampling.device, progress))
            done[epoch] = {"epoch": epoch, "value": value, "snapshot": _identity(snapshot)}
            with atomic_write(record_path, "w") as f:
                json.dump({"settings": settings, "rows": [done[e] for e in sorted(done)]}, f, indent=1)
        rows = [(e, done[e]["value"]) for e in epochs if e in done]
        write_tables(rows, out, title=f"{metric.name.upper()} by epoch: {Path(run_dir).name}")
    return [(e, done[e]["value"]) for e in epochs]
