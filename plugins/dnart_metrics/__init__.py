"""dnart's default metrics: FID, KID and SWD."""

import dnart

from .inception_metrics import FID, KID
from .swd_metric import SWD


@dnart.hookimpl
def dnart_register_metrics(register):
    register(FID)
    register(KID)
    register(SWD)
