"""The generic GAN training engine: datasets, the loop, checkpoints.

Nothing here knows which networks it trains; stages come from plugins
through :class:`dnart.stages.Stage`.
"""
