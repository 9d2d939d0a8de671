from __future__ import annotations

from pathlib import Path

import pytest

from recordroom.core import ConfigurationError
from recordroom.core.settings import load_settings


def test_defaults_follow_the_design(tmp_path: Path) -> None:
    settings = load_settings(environ={}, cwd=tmp_path)
    assert settings.home == tmp_path / "var"
    assert settings.inbox == tmp_path / "inbox"
    assert settings.storage == "local"
    assert settings.database == f"sqlite:///{tmp_path / 'var' / 'recordroom.db'}"
    assert settings.mail_processed == "recordroom-processed"
    assert settings.mail_failed == "recordroom-failed"


def test_toml_then_environment(tmp_path: Path) -> None:
    (tmp_path / "recordroom.toml").write_text(
        'home = "/srv/rr"\nsettle_seconds = 5\nRECORDROOM_S3_SECURE = false\n', encoding="utf-8"
    )
    settings = load_settings(environ={"RECORDROOM_SETTLE_SECONDS": "7.5"}, cwd=tmp_path)
    assert settings.home == Path("/srv/rr")
    assert settings.settle_seconds == 7.5
    assert settings.s3_secure is False


def test_database_url_is_taken_as_given(tmp_path: Path) -> None:
    url = "postgresql+psycopg://rr@db/recordroom"
    settings = load_settings(environ={"RECORDROOM_DATABASE_URL": url}, cwd=tmp_path)
    assert settings.database == url


@pytest.mark.parametrize(
    ("environ", "toml"),
    [
        ({"RECORDROOM_MAX_PAGES": "many"}, ""),
        ({"RECORDROOM_WATCH_MODE": "sometimes"}, ""),
        ({}, "no_such_setting = 1\n"),
        ({}, "this is not toml"),
    ],
)
def test_bad_settings_say_which(tmp_path: Path, environ: dict[str, str], toml: str) -> None:
    if toml:
        (tmp_path / "recordroom.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigurationError):
        load_settings(environ=environ, cwd=tmp_path)
