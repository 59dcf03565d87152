"""dnart's default encoders: mean-average (the paper's), k-mer and SGT."""
