"""The contract between dnart and its plugins.

A plugin is a module (or object) with functions named like the hooks below,
decorated with ``dnart.hookimpl``. Each ``dnart_register_*`` hook receives a
``register`` callback; the host records which plugin made each call, so
``dnart plugins`` can say who supplied what and a name clash names both sides
(the first registration, in pluggy's calling order, keeps the name).
A hook implementation may accept fewer arguments than its spec, never more.
``docs/plugins.md`` walks through writing a plugin.
"""

import pluggy

hookspec = pluggy.HookspecMarker("dnart")
hookimpl = pluggy.HookimplMarker("dnart")


@hookspec
def dnart_register_encoders(register):
    """Register encoders, which turn DNA sequences into a latent vector.

    :param register: call ``register(cls)`` once per encoder class. The class
        has a ``name`` (str), a docstring whose first line describes it, an
        ``Options`` dataclass of its settings (subclassing
        :class:`dnart.encoding.EncoderOptions`), and subclasses
        :class:`dnart.encoding.Encoder`, implementing ``features(reads)``.
    :returns: nothing; the return value is ignored.
    """


@hookspec
def dnart_register_generators(register):
    """Register generator stages: a generator network and the discriminator that trains it.

    :param register: call ``register(cls)`` once per stage class. The class has
        a ``name``, a docstring, an ``Options`` dataclass, and subclasses
        :class:`dnart.stages.Stage` (``build_generator()``,
        ``build_discriminator()``, ``image_size``, ``input_shape()``).
    :returns: nothing; the return value is ignored.
    """


@hookspec
def dnart_register_metrics(register):
    """Register image-set metrics (FID, KID, SWD, ...).

    :param register: call ``register(cls)`` once per metric class. The class
        has a ``name``, a docstring, an ``Options`` dataclass, and subclasses
        :class:`dnart.metrics.Metric`: ``summarize(batches)`` reduces one image
        set to a summary, ``compare(real, fake)`` turns two summaries into a float.
    :returns: nothing; the return value is ignored.
    """


@hookspec
def dnart_register_presets(register):
    """Register presets: named configurations as plain data.

    :param register: call ``register(name, config, description)`` where
        ``config`` is a dict of sections. A section holding a ``name`` key
        chooses a registered component (``encoder``, ``stage1``, ``metric``,
        ...) and its other keys are that component's options; ``train`` holds
        training options; top-level scalars (``latent_dim``) fill any
        component option of the same name.
    :returns: nothing; the return value is ignored.
    """


@hookspec
def dnart_register_commands(cli):
    """Add commands to the ``dnart`` command line.

    :param cli: the root :class:`typer.Typer` application; add commands with
        ``@cli.command()`` or groups with ``cli.add_typer(...)``.
    :returns: nothing; the return value is ignored.
    """
