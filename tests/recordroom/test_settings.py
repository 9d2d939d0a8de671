from __future__ import annotations

from pathlib import Path

import pytest

from recordroom.core import ConfigurationError
from recordroom.core.settings import (
    Settings,
    describe,
    load_settings,
    markdown_table,
    variable,
    with_table,
)


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
        ({"RECORDROOM_OCR_ENGINE": "tesseract"}, ""),
        ({}, "no_such_setting = 1\n"),
        ({}, "this is not toml"),
    ],
)
def test_bad_settings_say_which(tmp_path: Path, environ: dict[str, str], toml: str) -> None:
    if toml:
        (tmp_path / "recordroom.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigurationError):
        load_settings(environ=environ, cwd=tmp_path)


def test_a_value_out_of_range_names_the_variable_and_where_it_was_set(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigurationError, match="RECORDROOM_OCR_LOW_CONFIDENCE in the environment"
    ):
        load_settings(environ={"RECORDROOM_OCR_LOW_CONFIDENCE": "140"}, cwd=tmp_path)
    (tmp_path / "recordroom.toml").write_text("max_pages = 0\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"RECORDROOM_MAX_PAGES in recordroom\.toml"):
        load_settings(environ={}, cwd=tmp_path)


def test_a_wrong_secret_is_not_repeated(tmp_path: Path) -> None:
    (tmp_path / "recordroom.toml").write_text("mail_password = 12\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="RECORDROOM_MAIL_PASSWORD") as raised:
        load_settings(environ={}, cwd=tmp_path)
    assert "12" not in str(raised.value)


def test_each_value_knows_where_it_came_from_and_secrets_are_masked(tmp_path: Path) -> None:
    (tmp_path / "recordroom.toml").write_text(
        'settle_seconds = 5\nmail_password = "hunter2"\n', encoding="utf-8"
    )
    settings = load_settings(
        environ={
            "RECORDROOM_S3_SECRET_KEY": "s3cr3t",
            "RECORDROOM_DATABASE_URL": "postgresql://rr:pa55@db/recordroom",
            "RECORDROOM_SETTLE_SECONDS": "7",
        },
        cwd=tmp_path,
    )
    shown = {value.variable: value for value in describe(settings)}
    assert set(shown) == {variable(name) for name in Settings.model_fields}
    assert (
        shown["RECORDROOM_SETTLE_SECONDS"].value,
        shown["RECORDROOM_SETTLE_SECONDS"].origin,
    ) == (
        "7",
        "environment",
    )
    assert shown["RECORDROOM_MAIL_PASSWORD"].origin == "file"
    assert shown["RECORDROOM_MAX_PAGES"].origin == "default"
    text = " ".join(value.value for value in shown.values())
    assert "hunter2" not in text and "s3cr3t" not in text and "pa55" not in text
    assert all(value.description for value in shown.values())


def test_the_readme_settings_table_is_made_from_the_declarations() -> None:
    readme = Path(__file__).resolve().parents[2] / "README.md"
    text = readme.read_text(encoding="utf-8")
    assert with_table(text) == text, (
        "README.md's settings table is stale: run "
        "`.venv/bin/python -m recordroom.core.settings --write-readme README.md`"
    )


def test_the_design_names_and_defaults_are_kept(tmp_path: Path) -> None:
    settings = load_settings(environ={}, cwd=tmp_path)
    assert (settings.storage, settings.s3_secure, settings.mail_url) == ("local", True, "")
    assert settings.database_url == ""
    table = markdown_table()
    for name in ("HOME", "INBOX", "DATABASE_URL", "STORAGE", "S3_ENDPOINT", "S3_ACCESS_KEY",
                 "S3_SECRET_KEY", "S3_SECURE", "MAIL_URL", "MAIL_PASSWORD_FILE", "MAIL_PASSWORD",
                 "MAIL_PROCESSED", "MAIL_FAILED"):  # fmt: skip
        assert f"`RECORDROOM_{name}`" in table


def test_several_mailboxes_from_toml_and_the_password_never_shown(tmp_path: Path) -> None:
    (tmp_path / "recordroom.toml").write_text(
        '[[mail]]\nurl = "imaps://fax2@mail.example/INBOX"\npassword_file = "/run/pw2"\n'
        '[[mail]]\nurl = "imaps://fax3@mail.example/Faxes"\npassword = "hunter2"\n'
        'failed = "fax-failed"\n',
        encoding="utf-8",
    )
    settings = load_settings(
        environ={
            "RECORDROOM_MAIL_URL": "imaps://fax1@mail.example/INBOX",
            "RECORDROOM_MAIL_PASSWORD": "sw0rdfish",
        },
        cwd=tmp_path,
    )
    boxes = settings.all_mailboxes
    assert [b.url.split("@")[0] for b in boxes] == ["imaps://fax1", "imaps://fax2", "imaps://fax3"]
    assert boxes[2].failed == "fax-failed" and boxes[1].processed == "recordroom-processed"
    assert "sw0rdfish" not in repr(settings) and "hunter2" not in repr(settings)
    assert settings.near_duplicates == "mark"
    (tmp_path / "recordroom.toml").write_text('[[mail]]\nuser = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="RECORDROOM_MAIL"):
        load_settings(environ={}, cwd=tmp_path)
    with pytest.raises(ConfigurationError, match="RECORDROOM_NEAR_DUPLICATES"):
        load_settings(environ={"RECORDROOM_NEAR_DUPLICATES": "drop"}, cwd=tmp_path / "none")
