"""The presets this plugin set ships, as plain data."""

PAPER = {
    "latent_dim": 128,
    "weights": "dnart_stackgan:weights/paper.pt",  # generators shipped in this package
    "encoder": {"name": "mean-average"},
    # Batch norm in the Up Sample blocks, as in StackGAN's upBlock that the paper
    # followed: without it stage-I collapsed to one flat colour within two epochs
    # here (docs/paper-mapping.md); batch_norm=false restores the literal reading.
    "stage1": {"name": "stackgan-stage1", "batch_norm": True},
    "stage2": {"name": "stackgan-stage2", "batch_norm": True},
    "train": {"epochs": 136, "batch_size": 32, "lr": 2e-4, "beta1": 0.5,
              "lr_decay_every": 50, "lr_decay_factor": 0.5, "loss": "bce", "label_noise": 0.2},
    "metric": {"name": "fid"},
}

# Beyond the paper, from the same compute: a spectrally normalised discriminator
# with hinge loss, DiffAugment for a few thousand photos, and an EMA generator
# for sampling; fed N(0, I)-like latents from the encoders' gaussian adapter.
MODERN = {
    "latent_dim": 128,
    "weights": "",  # none shipped: it lost to paper under the same CPU budget (docs/model-card.md)
    "encoder": {"name": "mean-average", "latent": "gaussian"},
    "stage1": {"name": "stackgan-stage1", "batch_norm": True, "d_spectral_norm": True,
               "d_activation": "leaky_relu", "dropout": 0.0},
    "stage2": {"name": "stackgan-stage2", "batch_norm": True, "d_spectral_norm": True,
               "d_activation": "leaky_relu", "dropout": 0.0},
    "train": {"epochs": 136, "batch_size": 32, "lr": 2e-4, "beta1": 0.5, "lr_decay_every": 50,
              "lr_decay_factor": 0.5, "loss": "hinge", "label_noise": 0.0, "diffaugment": "color,translation",
              "ema_beta": 0.995},
    "metric": {"name": "fid"},
}

# Tiny networks with the paper's shape of pipeline: seconds on a CPU, for tests and CI.
SMOKE = {
    "latent_dim": 16,
    "weights": "",  # none shipped
    "encoder": {"name": "mean-average"},
    "stage1": {"name": "stackgan-stage1", "channels": 32, "d_channels": 4, "d_blocks": 2},
    "stage2": {"name": "stackgan-stage2", "input_size": 28, "filters": (8, 8), "d_channels": 8,
               "d_filters": (8, 8, 8)},
    "train": {"epochs": 1, "batch_size": 8, "sample_grid": 2},
    "metric": {"name": "swd"},
}
