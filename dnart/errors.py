"""The one exception family the CLI turns into a one-line message."""


class DnartError(Exception):
    """A problem with the user's input, options or environment.

    Its message is complete on one line (it names the file or option at fault);
    the CLI prints it without a traceback and exits with status 1.
    """
