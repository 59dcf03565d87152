"""The two StackGAN stages as generator-stage plugins."""

from __future__ import annotations

import dataclasses

from dnart.stages import Stage


@dataclasses.dataclass
class StageIOptions:
    latent_dim: int = 128  # size of z
    channels: int = 1024  # channels after the dense layer (4x4); halved by each Up Sample block
    n_up: int = 4  # Up Sample blocks (4 -> 64 px)
    kernel: int = 3  # our reading: 3x3 'same' convolutions (StackGAN's upBlock)
    out_kernel: int = 3  # our reading: the final 3-filter convolution is 3x3
    upsample: str = "nearest"  # our reading: nearest-neighbour x2
    batch_norm: bool = False  # our reading: none named in the paper
    dense_relu: bool = True  # our reading: Dense followed by ReLU
    d_channels: int = 64  # the discriminator's opening convolution
    d_first_stride: int = 1  # our reading: stride 1, 'same' padding
    d_blocks: int = 4  # Down Sample blocks, each doubling the filters
    d_activation: str = "relu"  # the paper's Down Sample block uses ReLU
    dropout: float = 0.2  # all Dropout layers
    d_spectral_norm: bool = False  # not in the paper: spectral normalisation of every D layer
    init: str = "glorot"  # our reading: Keras' default initialisation ("torch": PyTorch's)


class StackGANStageI(Stage):
    """StackGAN stage-I: a 128-d latent to a 64x64 image (the paper's section 4.2)."""

    name = "stackgan-stage1"
    Options = StageIOptions

    @property
    def image_size(self) -> int:
        return 4 * 2 ** self.options.n_up

    def input_shape(self) -> tuple[int, ...]:
        return (self.options.latent_dim,)

    def build_generator(self):
        from . import networks  # torch loads when a network is built, not at registration

        o = self.options
        return networks.initialise(networks.StageIGenerator(
            o.latent_dim, o.channels, o.n_up, o.kernel, o.out_kernel, o.upsample, o.batch_norm, o.dense_relu), o.init)

    def build_discriminator(self):
        from . import networks

        o = self.options
        channels = tuple(o.d_channels * 2 ** (i + 1) for i in range(o.d_blocks))
        return networks.initialise(networks.Discriminator(
            self.image_size, o.d_channels, o.d_first_stride, channels, o.d_activation, o.dropout, o.d_spectral_norm
        ), o.init)


@dataclasses.dataclass
class StageIIOptions:
    input_image: int = 64  # side of the stage-I image it refines
    input_size: int = 56  # the stage-I image is Lanczos-resized to this side
    filters: tuple[int, ...] = (112, 224)  # Up Sample blocks (56 -> 112 -> 224 px)
    kernel: int = 4  # the paper: kernel 4
    out_kernel: int = 3  # our reading: the final 3-filter convolution is 3x3
    upsample: str = "nearest"  # our reading
    batch_norm: bool = False  # our reading
    d_channels: int = 224  # the discriminator's opening convolution (kernel 4, stride 2)
    d_filters: tuple[int, ...] = (56, 112, 224)  # Down Sample blocks
    d_activation: str = "relu"  # the paper's Down Sample block uses ReLU
    dropout: float = 0.2
    d_spectral_norm: bool = False  # not in the paper: spectral normalisation of every D layer
    init: str = "glorot"  # our reading: Keras' default initialisation ("torch": PyTorch's)


class StackGANStageII(Stage):
    """StackGAN stage-II: the stage-I image, Lanczos-resized to 56x56, to a 224x224 image."""

    name = "stackgan-stage2"
    Options = StageIIOptions

    @property
    def image_size(self) -> int:
        return self.options.input_size * 2 ** len(self.options.filters)

    def input_shape(self) -> tuple[int, ...]:
        return (3, self.options.input_image, self.options.input_image)

    def build_generator(self):
        from . import networks  # torch loads when a network is built, not at registration

        o = self.options
        return networks.initialise(networks.StageIIGenerator(
            o.input_size, o.filters, o.kernel, o.out_kernel, o.upsample, o.batch_norm), o.init)

    def build_discriminator(self):
        from . import networks

        o = self.options
        return networks.initialise(networks.Discriminator(
            self.image_size, o.d_channels, 2, o.d_filters, o.d_activation, o.dropout, o.d_spectral_norm), o.init)
