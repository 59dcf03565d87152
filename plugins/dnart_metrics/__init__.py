"""dnart's default metrics: FID, KID and SWD."""
