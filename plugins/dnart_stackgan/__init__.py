"""dnart's default plugin set: the paper's StackGAN stages and presets."""

import dnart

from . import presets
from .stages import StackGANStageI, StackGANStageII


@dnart.hookimpl
def dnart_register_generators(register):
    register(StackGANStageI)
    register(StackGANStageII)


@dnart.hookimpl
def dnart_register_presets(register):
    register("paper", presets.PAPER, "The paper's configuration (StackGAN 64 -> 224, mean-average DNA)")
    register("modern", presets.MODERN, "Better landscapes from the same compute: SN-hinge D, DiffAugment, EMA")
    register("smoke", presets.SMOKE, "Tiny networks for tests and CI; seconds on a CPU")
