"""The presets this plugin set ships, as plain data."""

PAPER = {
    "latent_dim": 128,
    "weights": "dnart_stackgan:weights/paper.pt",  # generators shipped in this package
    "encoder": {"name": "mean-average"},
    "stage1": {"name": "stackgan-stage1"},
    "stage2": {"name": "stackgan-stage2"},
    "train": {"epochs": 136, "batch_size": 32, "lr": 2e-4, "beta1": 0.5,
              "lr_decay_every": 50, "lr_decay_factor": 0.5, "loss": "bce", "label_noise": 0.2},
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
