"""dnart: turn DNA reads into landscape images with GANs, through plugins."""

from .errors import DnartError
from .hookspecs import hookimpl

__version__ = "0.1.0"
__all__ = ["DnartError", "hookimpl", "__version__"]
