"""Process settings from the environment, and the `voltra` command line built on them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.__main__ import parse_args
from services.registry import known_providers
from services.settings import SettingsError, VoltraSettings, get_settings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def fresh_settings():
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_environment_is_read_with_the_voltra_prefix(monkeypatch, tmp_path):
    monkeypatch.setenv("VOLTRA_MINUTE_SECONDS", "1.5")
    monkeypatch.setenv("VOLTRA_TILE_URL", "")
    monkeypatch.setenv("VOLTRA_CONFIG_DIR", str(tmp_path))
    s = VoltraSettings()
    assert s.minute_seconds == 1.5
    assert s.tile_url == ""  # empty turns map tiles off
    assert s.config_dir == tmp_path
    assert s.remote_start_timeout == 120.0


def test_a_bad_value_names_the_variable(monkeypatch, fresh_settings):
    monkeypatch.setenv("VOLTRA_OCPP_CALL_TIMEOUT", "soon")
    with pytest.raises(SettingsError, match="VOLTRA_OCPP_CALL_TIMEOUT"):
        get_settings()
    monkeypatch.setenv("VOLTRA_OCPP_CALL_TIMEOUT", "-3")
    get_settings.cache_clear()
    with pytest.raises(SettingsError, match=r"VOLTRA_OCPP_CALL_TIMEOUT: .*greater than 0"):
        get_settings()


def test_one_settings_object_per_process(fresh_settings):
    assert get_settings() is get_settings()


def test_readme_lists_every_variable():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, field in VoltraSettings.model_fields.items():
        if field.validation_alias is None:
            assert f"VOLTRA_{name.upper()}" in readme, name


def test_no_module_reads_voltra_variables_itself():
    reads = re.compile(r"(environ|getenv)\W[^\n]*VOLTRA_")
    offenders = [
        str(path.relative_to(REPO))
        for folder in ("app", "services")
        for path in (REPO / folder).rglob("*.py")
        if reads.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_provider_is_one_of_the_registry_names(capsys):
    names = [p.name for p in known_providers()]
    for name in names:
        assert parse_args(["--provider", name, "--url", "http://h:1"]).provider == name
    with pytest.raises(SystemExit):
        parse_args(["--provider", "nope", "--url", "http://h:1"])
    assert "invalid choice: 'nope'" in capsys.readouterr().err


def test_help_shows_choices_and_defaults(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--help"])
    out = capsys.readouterr().out
    assert ", ".join(p.name for p in known_providers()) in re.sub(r"\s+", " ", out)
    assert "(default: 52.52,13.405)" in out
    assert "(default: 90.0)" in out
    assert "(default: None)" not in out
