"""The one settings object: built once from defaults, ``recordroom.toml`` and the environment
(in that order, the environment winning), then passed to whatever needs it.

No other module reads ``os.environ`` for a setting. Each setting is declared once, below: its type,
default, range and description. From that one declaration come the checks (a wrong value is a
``ConfigurationError`` naming the variable), ``recordroom settings`` and the README's table
(``python -m recordroom.core.settings --write-readme README.md``). A new setting is one more field.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import Field, PrivateAttr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings.sources import EnvSettingsSource

from recordroom.core.errors import ConfigurationError

WatchMode = Literal["auto", "inotify", "poll"]
OcrEngineName = Literal["auto", "tesserocr", "pytesseract"]
NearDuplicateAction = Literal["mark", "skip"]
Origin = Literal["default", "file", "environment", "override"]
PREFIX = "RECORDROOM_"
TOML_NAME = "recordroom.toml"
MASK = "********"


def setting(
    default: Any,
    description: str,
    *,
    secret: bool = False,
    shown_default: str | None = None,
    **limits: Any,
) -> Any:
    """One setting's declaration: ``limits`` are pydantic's (``ge``, ``le``, …); a ``secret`` is
    masked wherever it is shown; ``shown_default`` explains a default that is computed."""
    extra: dict[str, Any] = {"secret": secret}
    if shown_default is not None:
        extra["shown_default"] = shown_default
    return Field(default, description=description, json_schema_extra=extra, **limits)


@dataclass(frozen=True, slots=True)
class Mailbox:
    """One e-fax mailbox: the ``RECORDROOM_MAIL_*`` settings, or a ``[[mail]]`` table of
    recordroom.toml (``url``, ``password_file`` or ``password``, ``processed``, ``failed``)."""

    url: str
    password_file: str = ""
    password: str = field(default="", repr=False)
    processed: str = "recordroom-processed"
    failed: str = "recordroom-failed"


class Settings(BaseSettings):
    """Every setting, with its default. Build it with ``load_settings``; ``Settings(**values)``
    alone reads neither the environment nor a file."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, frozen=True, extra="forbid")

    home: Path = setting(
        Path("./var"),
        "data folder: SQLite database, local object store, quarantine, master keys (`keys/`), "
        "OCR scratch (`work/`); made 0700, its files 0600",
    )
    inbox: Path = setting(Path("./inbox"), "the watched folder")
    database_url: str = setting(
        "",
        "any SQLAlchemy URL; PostgreSQL supported",
        shown_default="sqlite:///$RECORDROOM_HOME/recordroom.db",
    )
    storage: str = setting("local", "`local` or `s3://BUCKET`")
    s3_endpoint: str = setting("", "S3 service: host[:port]")
    s3_access_key: str = setting("", "S3 service: access key")
    s3_secret_key: str = setting("", "S3 service: secret key", secret=True, repr=False)
    s3_secure: bool = setting(True, "S3 service: use TLS")
    s3_retry_seconds: float = setting(
        30.0,
        "how long one S3 request is retried (with backoff) before the work is left queued",
        ge=0,
    )
    master_key: str = setting(
        "",
        "base64 of 32 random bytes that wraps every object's data key; several separated by "
        "commas during a rotation (the first wraps new objects)",
        secret=True,
        repr=False,
        shown_default="the key file under $RECORDROOM_HOME/keys",
    )
    mail_url: str = setting(
        "",
        "`imaps://USER@HOST:993/FOLDER` (`imap://` with STARTTLS, plain only to loopback): "
        "the e-fax mailbox; empty: no mail intake",
    )
    mail_password_file: str = setting("", "a file holding the mailbox password (preferred)")
    mail_password: str = setting("", "the mailbox password", secret=True, repr=False)
    mail_processed: str = setting("recordroom-processed", "where read messages are moved")
    mail_failed: str = setting("recordroom-failed", "where messages that failed are moved")
    mail_max_mb: int = setting(25, "a larger message goes to the failed folder unread", ge=1)
    mail_poll_seconds: float = setting(
        60.0, "how often the mailbox is looked at besides IMAP IDLE", gt=0
    )
    mail: tuple[Mailbox, ...] = setting(
        (),
        "more mailboxes: `[[mail]]` tables in recordroom.toml with `url`, `password_file` or "
        "`password`, `processed`, `failed`",
        shown_default="none",
    )
    # intake
    watch_mode: WatchMode = setting("auto", "`auto` (poll on network shares), `inotify` or `poll`")
    settle_seconds: float = setting(2.0, "a file is taken once unchanged this long", ge=0)
    poll_seconds: float = setting(5.0, "full inbox scan interval (and polling interval)", gt=0)
    max_file_mb: int = setting(200, "larger files are quarantined", ge=1)
    max_pages: int = setting(500, "files with more pages are quarantined", ge=1)
    job_lease_seconds: float = setting(
        120.0,
        "a worker's hold on a job, renewed while it works; a job whose worker died is taken "
        "again once its lease runs out",
        gt=0,
    )
    max_file_failures: int = setting(
        3,
        "a file on which the OCR engine crashed or timed out this many times is quarantined "
        "(an interrupted worker does not count)",
        ge=1,
    )
    # OCR
    ocr_engine: OcrEngineName = setting(
        "auto",
        "`tesserocr` (tesseract loaded once in each OCR worker), `pytesseract` (the `tesseract` "
        "command, a process a page), `auto` (tesserocr when it imports)",
    )
    ocr_tessdata: str = setting(
        "",
        "folder of the language packs (`*.traineddata`); empty: Debian's "
        "`/usr/share/tesseract-ocr/5/tessdata` (or the command's own)",
    )
    ocr_languages: str = setting(
        "eng+spa",
        "tesseract languages (each needs its pack, e.g. `tesseract-ocr-spa`)",
        min_length=1,
    )
    ocr_workers: int = setting(0, "parallel OCR processes; 0 = one per core", ge=0)
    ocr_timeout_seconds: int = setting(180, "per page", ge=1)
    ocr_low_confidence: float = setting(
        60.0,
        "pages below this mean word confidence (0-100) send the document to review",
        ge=0,
        le=100,
    )
    max_image_pixels: int = setting(
        120_000_000, "larger images are quarantined (decompression-bomb guard)", ge=1
    )
    near_duplicates: NearDuplicateAction = setting(
        "mark",
        "a re-sent copy of a document is stored and marked `duplicate_of` (`mark`) or not stored "
        "(`skip`)",
    )
    # classification
    doc_type_threshold: float = setting(
        0.6,
        "below this type confidence the document waits for review (above 1: every document does)",
        ge=0,
    )
    patient_threshold: float = setting(
        0.9,
        "a patient is filed automatically only at or above this score "
        "(above 1: never automatically)",
        ge=0,
    )
    model_dir: str = setting(
        "",
        "the document-type model to load; empty: the office's own model "
        "(`recordroom model retrain` writes it to `model/` under the home) when there is one, "
        "else the model shipped in the package",
        shown_default="the office's retrained model, else the shipped one",
    )
    # web app and accounts
    web_host: str = setting(
        "127.0.0.1", "where `serve` listens (put a TLS proxy in front for other machines)"
    )
    web_port: int = setting(8000, "the web app's port", ge=1, le=65535)
    session_idle_minutes: int = setting(
        15, "a web or API session ends after this long without a request", ge=1, le=24 * 60
    )
    login_max_failures: int = setting(
        5, "wrong passwords in a row before an account is locked", ge=1, le=100
    )
    login_lockout_minutes: int = setting(
        15,
        "how long a locked account stays locked (an admin's password reset lifts it)",
        ge=1,
    )
    # audit trail
    audit_checkpoint_interval: int = setting(
        1000, "a signed audit checkpoint every this many events (and when the watcher stops)", ge=1
    )
    audit_key_file: str = setting(
        "",
        "the Ed25519 key that signs the audit checkpoints (created by `init`, mode 0600)",
        shown_default="$RECORDROOM_HOME/keys/audit-ed25519.pem",
    )
    audit_site: str = setting(
        "", "the office, as the audit events' source site", shown_default="the host name"
    )
    audit_working_hours: str = setting(
        "07:00-19:00",
        "working hours (office time), for the after-hours audit report",
        pattern=r"^\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*$",
    )
    audit_working_days: str = setting(
        "mon,tue,wed,thu,fri", "working days, for the after-hours audit report"
    )
    audit_timezone: str = setting(
        "",
        "the office's IANA time zone (working hours, the days of the audit reports)",
        shown_default="the machine's",
    )
    audit_retention_years: int = setting(
        6, "years the audit checkpoints stay locked where the store can lock them", ge=1
    )

    # release of information
    roi_practice_name: str = setting("", "the practice's name on packets and letters")
    roi_practice_address: str = setting("", "the practice's address on packets and letters")
    roi_privacy_contact: str = setting(
        "the practice's privacy officer", "whom a patient contacts to complain (denial letters)"
    )
    roi_fee_mode: Literal["flat", "per_page"] = setting(
        "flat",
        "`flat`: the flat fee for electronic copies (mailed copies per page); "
        "`per_page`: cost-based per page always; never search and retrieval",
    )
    roi_flat_fee: float = setting(6.50, "flat fee for an electronic copy, dollars", ge=0)
    roi_per_page_fee: float = setting(0.10, "cost-based fee per page copied, dollars", ge=0)
    roi_postage: float = setting(0.0, "postage added to a mailed copy, dollars", ge=0)
    roi_directive_flat_fee: float = setting(
        6.50, "flat fee when the patient directs a copy to a third party, dollars", ge=0
    )
    roi_directive_per_page_fee: float = setting(
        0.10, "per-page fee for a third-party directive, dollars", ge=0
    )
    roi_part2_notice_version: str = setting(
        "2024",
        "which 42 CFR 2.32 notice goes with Part 2 records (`2017` or `2024`); "
        "the version is printed on the packet",
    )
    roi_link_hours: int = setting(
        72,
        "how long a download link lives, hours; links are signed with a key under the home",
        ge=1,
    )

    _origins: dict[str, Origin] = PrivateAttr(default_factory=dict)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # ``load_settings`` reads the file and the environment, so that it knows where each value
        # came from; the constructor takes only what it is given.
        return (init_settings,)

    @field_validator("home", "inbox", mode="after")
    @classmethod
    def _expand_user(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("s3_secure", mode="before")
    @classmethod
    def _empty_is_false(cls, value: object) -> object:
        return False if isinstance(value, str) and not value.strip() else value

    @property
    def database(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'recordroom.db').resolve()}"

    @property
    def audit_key_path(self) -> Path:
        if self.audit_key_file:
            return Path(self.audit_key_file).expanduser()
        return self.home / "keys" / "audit-ed25519.pem"

    @property
    def quarantine_dir(self) -> Path:
        return self.home / "quarantine"

    @property
    def roi_link_key_path(self) -> Path:
        return self.home / "keys" / "roi-link.key"

    @property
    def objects_dir(self) -> Path:
        return self.home / "objects"

    @property
    def keys_dir(self) -> Path:
        return self.home / "keys"

    @property
    def work_dir(self) -> Path:
        """Private scratch space (OCR page images and text while a page is read)."""
        return self.home / "work"

    @property
    def processing_dir(self) -> Path:
        # Inside the inbox so the claim is a rename on one filesystem, hence atomic.
        return self.inbox / ".recordroom" / "processing"

    @property
    def all_mailboxes(self) -> tuple[Mailbox, ...]:
        """The mailbox of the ``RECORDROOM_MAIL_*`` settings (if its URL is set), then the
        ``[[mail]]`` tables."""
        first: tuple[Mailbox, ...] = ()
        if self.mail_url:
            first = (
                Mailbox(
                    url=self.mail_url,
                    password_file=self.mail_password_file,
                    password=self.mail_password,
                    processed=self.mail_processed,
                    failed=self.mail_failed,
                ),
            )
        return first + self.mail

    @property
    def ocr_worker_count(self) -> int:
        return self.ocr_workers if self.ocr_workers > 0 else max(1, os.cpu_count() or 1)

    def origin(self, name: str) -> Origin:
        """Where the value of setting ``name`` came from."""
        return self._origins.get(name, "default")

    def with_changes(self, **changes: Any) -> Self:
        """A copy with some settings changed (checked like any other value)."""
        changed = type(self)(**{**self.model_dump(), **changes})
        changed._origins = {**self._origins, **dict.fromkeys(changes, "override")}
        return changed


def variable(name: str) -> str:
    """The environment variable of setting ``name``."""
    return PREFIX + name.upper()


def is_secret(name: str) -> bool:
    extra = Settings.model_fields[name].json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("secret"))


class _EnvironmentSource(EnvSettingsSource):
    """pydantic-settings' environment source over a given mapping instead of ``os.environ``."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(Settings)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {key.lower(): value for key, value in self._environ.items()}


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"{path} is not valid TOML: {exc}") from exc
    values = {}
    for key, raw in data.items():
        name = key.lower().removeprefix(PREFIX.lower())
        if name not in Settings.model_fields:
            raise ConfigurationError(f"{path}: unknown setting {key!r}")
        values[name] = raw
    return values


def _problem(error: Mapping[str, Any], origins: Mapping[str, Origin]) -> str:
    name = str(error["loc"][0]) if error["loc"] else ""
    if name not in Settings.model_fields:
        return str(error["msg"])
    given = MASK if is_secret(name) else repr(error.get("input"))
    where = {"file": f"in {TOML_NAME}", "environment": "in the environment"}.get(
        origins.get(name, "default"), "given"
    )
    return f"{variable(name)} {where} is {given}: {error['msg']}"


def load_settings(
    environ: Mapping[str, str] | None = None, cwd: Path | None = None, **overrides: Any
) -> Settings:
    """Defaults, then ``recordroom.toml`` in ``cwd``, then ``RECORDROOM_*`` variables, then
    ``overrides``; relative folders are taken from ``cwd``."""
    environ = os.environ if environ is None else environ
    if cwd is None:
        try:
            cwd = Path.cwd()
        except FileNotFoundError as exc:
            raise ConfigurationError(
                "the current folder was deleted while recordroom was started in it; "
                f"run it from an existing folder (the one with {TOML_NAME}, if there is one)"
            ) from exc
    layers: tuple[tuple[Origin, dict[str, Any]], ...] = (
        ("file", _read_toml(cwd / TOML_NAME)),
        ("environment", _EnvironmentSource(environ)()),
        ("override", overrides),
    )
    values: dict[str, Any] = {}
    origins: dict[str, Origin] = {}
    for origin, layer in layers:
        values.update(layer)
        origins.update(dict.fromkeys(layer, origin))
    try:
        settings = Settings(**values)
        settings = Settings(
            **{**settings.model_dump(), "home": cwd / settings.home, "inbox": cwd / settings.inbox}
        )
    except ValidationError as exc:
        problems = "; ".join(_problem(error, origins) for error in exc.errors())
        raise ConfigurationError(f"a setting is wrong: {problems}") from exc
    settings._origins = origins
    return settings


# -- showing the settings -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SettingValue:
    """One setting as ``recordroom settings`` shows it."""

    variable: str
    value: str  # secrets masked
    origin: Origin
    description: str


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, Path) and not value.is_absolute():
        return f"./{value}"
    return str(value)


def _mask_password_in_url(value: str) -> str:
    return re.sub(r"(://[^/:@]+:)[^@/]+@", rf"\g<1>{MASK}@", value)


def describe(settings: Settings) -> list[SettingValue]:
    """Every setting: its variable, value (secrets masked), origin and meaning."""
    described = []
    for name, info in Settings.model_fields.items():
        value = _shown(getattr(settings, name))
        if is_secret(name) and value:
            value = MASK
        described.append(
            SettingValue(
                variable(name),
                _mask_password_in_url(value),
                settings.origin(name),
                info.description or "",
            )
        )
    return described


def _default_text(info: FieldInfo) -> str:
    extra = info.json_schema_extra
    if isinstance(extra, dict) and isinstance(extra.get("shown_default"), str):
        return f"`{extra['shown_default']}`"
    default = _shown(info.default)
    return f"`{default}`" if default else ""


def markdown_table() -> str:
    """The README's settings table, from the declarations above."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for name, info in Settings.model_fields.items():
        lines.append(f"| `{variable(name)}` | {_default_text(info)} | {info.description} |")
    return "\n".join(lines) + "\n"


TABLE_START = (
    "<!-- settings table: made by `python -m recordroom.core.settings --write-readme` -->\n"
)
TABLE_END = "<!-- end of settings table -->\n"


def with_table(readme: str) -> str:
    """``readme`` with the text between the table markers replaced by ``markdown_table()``."""
    start = readme.index(TABLE_START) + len(TABLE_START)
    end = readme.index(TABLE_END, start)
    return readme[:start] + markdown_table() + readme[end:]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--write-readme"]:
        readme = Path(sys.argv[2] if len(sys.argv) > 2 else "README.md")
        readme.write_text(with_table(readme.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        sys.stdout.write(markdown_table())
