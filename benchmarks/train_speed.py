"""Training speed: dnart's step against a straightforward eager PyTorch loop, and against the CPU's peak.

    python benchmarks/train_speed.py                       # stage I at batch 32, stage II at batch 4
    python benchmarks/train_speed.py --threads 1 --clock cpu --stage 1 --batch 32

For each stage of the preset it times, in one process and interleaved:

- **dnart**: ``dnart.training.step.GAN.step``, exactly what ``dnart train`` runs
  (channels-last, fused Adam, one discriminator pass over real and generated
  images, one generator forward serving both updates).
- **eager**: the same networks and recipe written plainly: nearest upsampling
  and convolution as two layers, NCHW, default Adam, separate D(real) and
  D(fake) passes, a new generator forward for the generator step, D's
  gradients computed there too and discarded.

Throughput is images per second; FLOPs are the convolution and matrix FLOPs
PyTorch's FlopCounterMode counts on one step of each (what was executed,
forward and backward); the peak is the best fp32 ``torch.mm`` of two
2048x2048 matrices in the same run. ``--clock cpu`` divides by the process's
CPU time instead of wall time: with one thread on a machine shared with
other work, that measures the work done rather than the share of the CPU
received.
"""

from __future__ import annotations

import argparse
import copy
import json
import time

import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from dnart import config
from dnart_stackgan.networks import literal
from dnart.training.step import build_gan


def clock(kind: str) -> float:
    return time.process_time() if kind == "cpu" else time.perf_counter()


def best_time(fn, repeats: int, kind: str) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = clock(kind)
        fn()
        best = min(best, clock(kind) - t0)
    return best


def matmul_peak(kind: str, n: int = 2048, repeats: int = 5) -> float:
    """GFLOP/s of the best of ``repeats`` fp32 n x n matrix products."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b  # warm-up: thread pool, MKL's buffers
    return 2 * n**3 / best_time(lambda: a @ b, repeats, kind) / 1e9


class Eager:
    """The straightforward loop: the same networks and recipe, written the plain way."""

    def __init__(self, cfg: config.Config, stage: str, frozen: list[torch.nn.Module]):
        opts = cfg.train
        torch.manual_seed(opts.seed)
        spec = cfg[stage].build()
        # literal(): upsampling and convolution as two layers, the way the paper describes them.
        self.g, self.d = literal(spec.build_generator()), spec.build_discriminator()
        self.frozen = [literal(copy.deepcopy(f)).to(memory_format=torch.contiguous_format) for f in frozen]
        self.opt_g = torch.optim.Adam(self.g.parameters(), lr=opts.lr, betas=(opts.beta1, opts.beta2))
        self.opt_d = torch.optim.Adam(self.d.parameters(), lr=opts.lr, betas=(opts.beta1, opts.beta2))

    def step(self, real, z, real_labels, noise):
        with torch.no_grad():
            for f in self.frozen:
                z = f(z)
        fake = self.g(z)
        self.opt_d.zero_grad()
        loss_real = F.binary_cross_entropy_with_logits(self.d(real), real_labels)
        loss_fake = F.binary_cross_entropy_with_logits(self.d(fake.detach()), torch.zeros_like(real_labels))
        loss_d = loss_real + loss_fake
        loss_d.backward()
        self.opt_d.step()
        self.opt_g.zero_grad()
        loss_g = F.binary_cross_entropy_with_logits(self.d(self.g(z)), torch.ones_like(real_labels))
        loss_g.backward()
        self.opt_g.step()
        return loss_d.detach(), loss_g.detach()


def measure_stage(cfg: config.Config, stage: str, batch: int, repeats: int, kind: str) -> dict:
    order = cfg.stages()
    earlier = order[: order.index(stage)]
    cpu = torch.device("cpu")
    # Earlier stages with their initial weights: speed does not depend on what they learnt.
    torch.manual_seed(1)
    upstream = {s: cfg[s].build().build_generator().state_dict() for s in earlier}
    gan = build_gan(cfg, stage, cpu, upstream)
    eager = Eager(cfg, stage, gan.frozen)
    spec = cfg[stage].build()
    gen = torch.Generator().manual_seed(0)
    real = torch.rand(batch, 3, spec.image_size, spec.image_size, generator=gen) * 2 - 1
    z = torch.randn(batch, *cfg[order[0]].build().input_shape(), generator=gen)
    labels = 1 - cfg.train.label_noise * torch.rand(batch, generator=gen)
    inputs = {
        "dnart": (gan.step, real.contiguous(memory_format=gan.memory_format)),
        "eager": (eager.step, real),
    }
    result = {"stage": stage, "batch": batch, "image_size": spec.image_size}
    for name, (step, x) in inputs.items():
        with FlopCounterMode(display=False) as counter:  # also the warm-up step
            loss_d, loss_g = step(x, z, labels, gen)
        result[name] = {"flops": counter.get_total_flops(), "first_losses": (float(loss_d), float(loss_g))}
    # Alternate the two so that a change in the machine's load reaches both alike.
    times = {name: float("inf") for name in inputs}
    for _ in range(repeats):
        for name, (step, x) in inputs.items():
            times[name] = min(times[name], best_time(lambda: step(x, z, labels, gen), 1, kind))
    for name in inputs:
        r = result[name]
        r["seconds_per_step"] = times[name]
        r["images_per_s"] = batch / times[name]
        r["gflops_per_s"] = r["flops"] / times[name] / 1e9
    result["speedup"] = times["eager"] / times["dnart"]
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="paper")
    parser.add_argument("--stage", choices=["1", "2", "both"], default="both")
    parser.add_argument("--batch", type=int, help="images per step (default: 32 for stage I, 4 for stage II)")
    parser.add_argument("--repeats", type=int, default=2, help="timed steps of each loop, after one warm-up")
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's)")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    cfg = config.resolve(args.preset)
    stages = cfg.stages()[:2] if args.stage == "both" else [cfg.stages()[int(args.stage) - 1]]
    peak = matmul_peak(args.clock)
    results = []
    for i, stage in enumerate(stages):
        batch = args.batch or (32 if i == 0 and args.stage != "2" else 4)
        results.append(measure_stage(cfg, stage, batch, args.repeats, args.clock))
    peak = max(peak, matmul_peak(args.clock))  # again at the end: the best the machine gave this run
    report = {"torch": torch.__version__, "threads": torch.get_num_threads(), "clock": args.clock,
              "matmul_peak_gflops_per_s": peak, "stages": results}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    unit = "images/CPU-s" if args.clock == "cpu" else "images/s"
    print(f"torch {torch.__version__}, {report['threads']} thread(s), {args.clock} clock; "
          f"fp32 matmul peak {peak:.1f} GFLOP/s\n")
    print(f"| stage | batch | loop | {unit} | GFLOP/image | GFLOP/s | % of peak | speed-up |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for r in results:
        for name in ("eager", "dnart"):
            m = r[name]
            speedup = f"{r['speedup']:.2f}x" if name == "dnart" else ""
            print(f"| {r['stage']} ({r['image_size']} px) | {r['batch']} | {name} | {m['images_per_s']:.2f} | "
                  f"{m['flops'] / r['batch'] / 1e9:.1f} | {m['gflops_per_s']:.1f} | "
                  f"{100 * m['gflops_per_s'] / peak:.0f}% | {speedup} |")
    print()
    for r in results:
        # The same weights and batch: the first losses agree but for dropout's random masks.
        print(f"{r['stage']} first-step losses (D, G): " + ", ".join(
            f"{name} {r[name]['first_losses'][0]:.3f}, {r[name]['first_losses'][1]:.3f}" for name in ("eager", "dnart")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
