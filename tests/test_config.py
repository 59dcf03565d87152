"""Presets resolved into typed options, and the one override syntax."""

from __future__ import annotations

import dataclasses
import tomllib

import pytest

from dnart import DnartError, config, hookimpl, plugins
from dnart.training.options import TrainOptions


def test_preset_resolves_to_chosen_components_and_typed_options(local_plugin):
    cfg = config.resolve("tiny")
    assert cfg.preset == "tiny"
    assert cfg.stages() == ["stage1"]
    encoder = cfg["encoder"]
    assert encoder.entry.plugin == "test-local"
    assert (encoder.options.k, encoder.options.scale, encoder.options.sizes) == (3, 1.0, (4, 8))
    # the top-level latent_dim fills every component option of that name
    assert encoder.options.latent_dim == cfg["stage1"].options.latent_dim == 16
    assert isinstance(cfg.train, TrainOptions) and cfg.train.epochs == 2
    built = encoder.build()
    assert type(built).__name__ == "CountEncoder" and built.options is encoder.options


@pytest.mark.parametrize(
    ("override", "field", "expected"),
    [
        ("encoder.k=5", "k", 5),
        ("encoder.scale=0.5", "scale", 0.5),
        ("encoder.scale=2", "scale", 2.0),
        ("encoder.alphabet=ACGTN", "alphabet", "ACGTN"),
        ("encoder.canonical=true", "canonical", True),
        ("encoder.canonical=off", "canonical", False),
        ("encoder.sizes=1,2,3", "sizes", (1, 2, 3)),
        ("encoder.limit=7", "limit", 7),
        ("encoder.limit=none", "limit", None),
        ("encoder.cap=0.25", "cap", 0.25),
        ("encoder.latent_dim=4", "latent_dim", 4),  # a section beats the top level
    ],
)
def test_override_is_coerced_to_the_option_type(local_plugin, override, field, expected):
    options = config.resolve("tiny", [override])["encoder"].options
    assert getattr(options, field) == expected
    assert type(getattr(options, field)) is type(expected)


def test_top_level_override_keeps_its_type_and_reaches_every_component(local_plugin):
    cfg = config.resolve("tiny", ["latent_dim=32"])
    assert cfg.values["latent_dim"] == 32
    assert cfg["encoder"].options.latent_dim == cfg["stage1"].options.latent_dim == 32


def test_train_section_is_typed(local_plugin):
    assert config.resolve("tiny", ["train.lr=0.001"]).train.lr == 0.001


def test_unknown_key_is_a_one_line_error_listing_the_valid_keys(local_plugin):
    with pytest.raises(DnartError) as err:
        config.resolve("tiny", ["encoder.kk=4"])
    message = str(err.value)
    assert message.startswith("unknown option 'encoder.kk' (valid keys: encoder.name, ")
    assert "encoder.k," in message and "encoder.scale" in message and "\n" not in message


def test_wrong_type_is_a_one_line_error_listing_the_valid_keys(local_plugin):
    with pytest.raises(DnartError, match=r"option 'encoder.k' expects int, got 'four' \(valid keys: encoder.name, .*\)$"):
        config.resolve("tiny", ["encoder.k=four"])
    with pytest.raises(DnartError, match="option 'encoder.k' expects int, got '2.5'"):
        config.resolve("tiny", ["encoder.k=2.5"])
    with pytest.raises(DnartError, match="option 'latent_dim' expects int"):
        config.resolve("tiny", ["latent_dim=big"])


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("nosuch.k=1", "unknown section 'nosuch' in 'nosuch.k' (sections: encoder, stage1, train, metric)"),
        ("nosuch.name=x", "unknown section 'nosuch'"),
        ("depth=3", "unknown option 'depth' (valid top-level keys: latent_dim)"),
        ("encoder.k", "--set expects section.key=value or key=value, got 'encoder.k'"),
        ("=3", "--set expects section.key=value"),
    ],
)
def test_bad_overrides_are_one_line_errors(local_plugin, override, message):
    with pytest.raises(DnartError, match=f"^{message.replace('(', '[(]').replace(')', '[)]')}"):
        config.resolve("tiny", [override])


@dataclasses.dataclass
class PlainOptions:
    latent_dim: int = 8


class PlainEncoder:
    """An encoder without the test-local encoder's options."""

    name = "plain"
    Options = PlainOptions


class PlainPlugin:
    @hookimpl
    def dnart_register_encoders(self, register):
        register(PlainEncoder)


def test_switching_a_component_drops_the_old_ones_options(local_plugin):
    plugins.register_plugin(PlainPlugin(), name="plain")
    # the preset's encoder.k=3 belongs to test-count; 'plain' has no 'k'
    for cfg in (config.resolve("tiny", ["encoder.name=plain"]), config.resolve("tiny", choose={"encoder": "plain"})):
        assert cfg["encoder"].entry.name == "plain"
        assert cfg["encoder"].options == PlainOptions(latent_dim=16)
    # choosing the component already there keeps its options
    assert config.resolve("tiny", ["encoder.name=test-count"])["encoder"].options.k == 3


def test_naming_a_component_for_a_new_stage_adds_the_stage(local_plugin):
    cfg = config.resolve("tiny", ["stage2.name=test-stage"])
    assert cfg.stages() == ["stage1", "stage2"]


def test_a_preset_naming_an_unregistered_component_fails_clearly(local_plugin):
    with pytest.raises(DnartError, match=r"unknown encoder 'kmer' \(available: test-count\)"):
        config.resolve("tiny", ["encoder.name=kmer"])


def test_resolve_does_not_change_the_registered_preset(local_plugin):
    before = repr(plugins.registry("preset").get("tiny").obj)
    config.resolve("tiny", ["encoder.k=9", "latent_dim=4", "train.epochs=1"])
    assert repr(plugins.registry("preset").get("tiny").obj) == before


def test_a_dict_preset_needs_no_registration(local_plugin):
    cfg = config.resolve({"preset": "mine", "encoder": {"name": "test-count"}})
    assert cfg.preset == "mine" and cfg["encoder"].options.k == 2


def test_toml_round_trips_the_resolved_configuration(local_plugin):
    cfg = config.resolve("tiny", ["encoder.alphabet=A\"C\\G"])
    parsed = tomllib.loads(cfg.to_toml())
    assert parsed["encoder"]["name"] == "test-count"
    assert parsed["encoder"]["alphabet"] == 'A"C\\G'
    assert parsed["encoder"]["sizes"] == [4, 8]
    assert parsed["train"]["epochs"] == 2 and parsed["latent_dim"] == 16
    # every value the TOML shows can be fed back as an override
    overrides = [
        f"encoder.{key}={','.join(map(str, value)) if isinstance(value, list) else value}"
        for key, value in parsed["encoder"].items()
    ]
    assert config.resolve("tiny", overrides).to_dict() == cfg.to_dict()


def test_missing_section_names_the_sections(local_plugin):
    with pytest.raises(DnartError, match=r"preset 'tiny' has no section 'stage9' \(sections: encoder, stage1, train, metric\)"):
        config.resolve("tiny")["stage9"]
