"""``python -m dnart``: the same command line as the ``dnart`` script."""

from .cli import main

if __name__ == "__main__":  # importing this module (pydoc, package walkers) must not run the CLI
    main()
