"""The StackGAN networks against docs/paper-mapping.md and against the paper's own numbers."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest
import torch

from dnart import config
from dnart_stackgan.networks import UpBlock, literal, nearest_up_conv

DOCS = Path(__file__).resolve().parents[1] / "docs"
NETWORKS = ["Stage-I generator", "Stage-I discriminator", "Stage-II generator", "Stage-II discriminator"]


def doc_tables() -> dict[str, list[tuple[str, tuple[int, ...], int]]]:
    """``{network title: [(layer path, output shape, parameters), ...]}`` parsed from the doc."""
    text = (DOCS / "paper-mapping.md").read_text()
    tables: dict[str, list] = {}
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        title, _, body = block.partition("\n")
        rows = re.findall(r"^\| `([^`]+)` \| `[^\n]*` \| `(\([^`]*\))` \| ([\d,]+) \|$", body, flags=re.M)
        if rows:
            tables[title.strip()] = [(p, ast.literal_eval(s), int(n.replace(",", ""))) for p, s, n in rows]
    return tables


def built_networks() -> dict[str, tuple[torch.nn.Module, tuple[int, ...]]]:
    """The paper preset's networks on the meta device (shapes without memory or compute)."""
    cfg = config.resolve("paper")
    nets = {}
    for roman, name in zip(("I", "II"), cfg.stages()):
        stage = cfg[name].build()
        with torch.device("meta"):
            nets[f"Stage-{roman} generator"] = (literal(stage.build_generator()), stage.input_shape())
            nets[f"Stage-{roman} discriminator"] = (stage.build_discriminator(), (3, stage.image_size, stage.image_size))
    return nets


def traced(net: torch.nn.Module, input_shape: tuple[int, ...]) -> list[tuple[str, tuple[int, ...], int]]:
    """What each leaf module outputs, in call order, with its own parameter count."""
    rows = []
    names = {m: n for n, m in net.named_modules()}
    leaves = [m for m in net.modules() if not list(m.children())]
    handles = [m.register_forward_hook(lambda m, a, out: rows.append(
        (names[m], tuple(out.shape[1:]), sum(p.numel() for p in m.parameters(recurse=False)))))
        for m in leaves]
    net(torch.zeros(2, *input_shape, device="meta"))
    for h in handles:
        h.remove()
    return rows


def test_doc_tables_match_the_networks():
    tables = doc_tables()
    assert list(tables) == NETWORKS
    for title, (net, shape) in built_networks().items():
        assert tables[title] == traced(net, shape), title
        assert sum(r[2] for r in tables[title]) == sum(p.numel() for p in net.parameters()), title


def test_doc_tables_hold_the_papers_numbers():
    """Figures taken from the paper's prose, independent of how the doc was generated."""
    t = {title: {path: (shape, n) for path, shape, n in rows} for title, rows in doc_tables().items()}
    g1, d1, g2, d2 = (t[n] for n in NETWORKS)
    assert g1["dense"] == ((4 * 4 * 1024,), 128 * 4 * 4 * 1024 + 4 * 4 * 1024)
    assert g1["reshape"][0] == (1024, 4, 4)
    # Four Up Sample blocks halving the filters, 4 -> 64 px, then 3 filters.
    assert [g1[f"blocks.{i}.1"][0] for i in range(4)] == [(512, 8, 8), (256, 16, 16), (128, 32, 32), (64, 64, 64)]
    assert g1["to_rgb.1"][0] == (3, 64, 64)
    # D: 64 filters, then Down Sample blocks of 128, 256, 512, 1024 filters with kernel 4, then Dense(1).
    assert [d1[f"features.{i}.0"][0][0] for i in range(2, 6)] == [128, 256, 512, 1024]
    assert d1["features.5.0"][1] == 512 * 1024 * 4 * 4 + 1024
    assert d1["dense"] == ((1,), 1024 * 4 * 4 + 1)
    # Stage-II: Lanczos to 56, Up Sample blocks of 112 and 224 filters, kernel 4, 56 -> 224 px.
    assert g2["resize"][0] == (3, 56, 56)
    assert g2["blocks.1.1.1"] == ((224, 224, 224), 112 * 224 * 4 * 4 + 224)
    assert g2["to_rgb.1"][0] == (3, 224, 224)
    assert d2["features.0"] == ((224, 112, 112), 3 * 224 * 4 * 4 + 224)
    assert [d2[f"features.{i}.0"][0][0] for i in range(2, 5)] == [56, 112, 224]
    assert d2["dense"][1] == 224 * 14 * 14 + 1


def test_doc_is_what_the_generator_writes():
    sys.path.insert(0, str(DOCS))
    try:
        import paper_mapping
    finally:
        sys.path.remove(str(DOCS))
    assert paper_mapping.render() == (DOCS / "paper-mapping.md").read_text(), "run python docs/paper_mapping.py"
    # Every option the "our reading" list names is a real option of the paper preset.
    cfg = config.resolve("paper")
    for *_, option in paper_mapping.READINGS:
        for key in filter(None, (option or "").split(",")):
            section, field = key.strip().split(".")
            assert hasattr(cfg[section].options, field), key


@pytest.mark.parametrize("stage_name, size", [("stage1", 64), ("stage2", 112)])
def test_smoke_networks_run_and_generate_images_in_range(stage_name, size):
    cfg = config.resolve("smoke")
    stage = cfg[stage_name].build()
    torch.manual_seed(0)
    g, d = stage.build_generator(), stage.build_discriminator()
    images = g(torch.randn(3, *stage.input_shape()))
    assert images.shape == (3, 3, size, size) and stage.image_size == size
    assert images.abs().max() <= 1
    assert d(images).shape == (3,)


def test_reading_options_change_the_networks():
    base = config.resolve("smoke")["stage1"].build()
    other = config.resolve("smoke", ["stage1.kernel=5", "stage1.batch_norm=true"])["stage1"].build()
    n = lambda net: sum(p.numel() for p in net.parameters())  # noqa: E731
    assert n(other.build_generator()) > n(base.build_generator())
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in other.build_generator().modules())


@pytest.mark.parametrize("kernel", [1, 2, 3, 4, 5])
def test_fused_up_block_is_upsampling_then_convolution(kernel):
    torch.manual_seed(kernel)
    lo, hi = (kernel - 1) // 2, kernel // 2
    x = torch.randn(2, 3, 5, 6, dtype=torch.float64, requires_grad=True)
    w = torch.randn(4, 3, kernel, kernel, dtype=torch.float64, requires_grad=True)
    b = torch.randn(4, dtype=torch.float64, requires_grad=True)
    up = torch.nn.functional.interpolate(x, scale_factor=2, mode="nearest")
    expected = torch.nn.functional.conv2d(torch.nn.functional.pad(up, (lo, hi, lo, hi)), w, b)
    fused = nearest_up_conv(x, w, b, lo)
    assert fused.shape == expected.shape == (2, 4, 10, 12)
    torch.testing.assert_close(fused, expected, rtol=1e-12, atol=1e-12)
    grad = torch.randn_like(expected)
    torch.testing.assert_close(torch.autograd.grad(fused, (x, w, b), grad),
                               torch.autograd.grad(expected, (x, w, b), grad), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("stage_name", ["stage1", "stage2"])
def test_fused_generators_compute_what_the_literal_layers_do(stage_name):
    stage = config.resolve("smoke", [f"{stage_name}.batch_norm=true"])[stage_name].build()
    torch.manual_seed(0)
    # In float64, so that no ReLU flips on a rounding difference and the gradients compare tightly.
    g = stage.build_generator().to(torch.float64, memory_format=torch.channels_last)
    blocks = [m for m in g.modules() if isinstance(m, UpBlock)]
    assert blocks and all(m.fused for m in blocks)
    x = torch.randn(4, *stage.input_shape(), dtype=torch.float64)
    fused = g(x)
    fused.square().sum().backward()
    fused_grads = [p.grad.clone() for p in g.parameters()]
    g.zero_grad()
    plain = literal(g)(x)
    plain.square().sum().backward()
    torch.testing.assert_close(fused, plain, rtol=1e-10, atol=1e-10)
    for a, b in zip(fused_grads, (p.grad for p in g.parameters())):
        torch.testing.assert_close(a, b, rtol=1e-9, atol=1e-9)
