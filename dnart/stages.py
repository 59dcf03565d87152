"""The generator-stage interface the training engine and the renderer rely on.

A model is a chain of stages: stage 1 maps a latent vector to an image, each
later stage maps the previous stage's image to a larger one. The engine trains
one stage at a time with the earlier ones frozen, and knows nothing more about
a stage than this interface.
"""

from __future__ import annotations

from typing import Any, ClassVar


class Stage:
    """Base class for generator-stage plugins."""

    name: ClassVar[str]
    Options: ClassVar[type]

    def __init__(self, options: Any):
        self.options = options

    @property
    def image_size(self) -> int:
        """Side of the square RGB image the generator produces."""
        raise NotImplementedError

    def input_shape(self) -> tuple[int, ...]:
        """Shape of one generator input: ``(latent_dim,)`` or the previous stage's ``(3, H, W)``."""
        raise NotImplementedError

    def build_generator(self):
        """A ``torch.nn.Module`` mapping a batch of inputs to images in [-1, 1]."""
        raise NotImplementedError

    def build_discriminator(self):
        """A ``torch.nn.Module`` mapping a batch of images to one logit each."""
        raise NotImplementedError
