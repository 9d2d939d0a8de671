"""The one settings object: built once from defaults, ``recordroom.toml`` and the environment
(in that order, the environment winning), then passed to whatever needs it.

No other module reads ``os.environ``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

from recordroom.core.errors import ConfigurationError

WatchMode = Literal["auto", "inotify", "poll"]
PREFIX = "RECORDROOM_"
TOML_NAME = "recordroom.toml"


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting, with its default. The README's settings table lists them."""

    home: Path = Path("./var")
    inbox: Path = Path("./inbox")
    database_url: str = ""  # empty: sqlite:///$RECORDROOM_HOME/recordroom.db
    storage: str = "local"
    s3_endpoint: str = ""
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_secure: bool = True
    mail_url: str = ""
    mail_password_file: str = ""
    mail_password: str = ""
    mail_processed: str = "recordroom-processed"
    mail_failed: str = "recordroom-failed"
    # intake
    watch_mode: WatchMode = "auto"
    settle_seconds: float = 2.0
    poll_seconds: float = 5.0
    max_file_mb: int = 200
    max_pages: int = 500
    # OCR
    ocr_languages: str = "eng+spa"
    ocr_workers: int = 0  # 0: one per core
    ocr_timeout_seconds: int = 180
    ocr_low_confidence: float = 60.0
    max_image_pixels: int = 120_000_000
    # classification
    doc_type_threshold: float = 0.6
    patient_threshold: float = 0.9

    @property
    def database(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'recordroom.db').resolve()}"

    @property
    def quarantine_dir(self) -> Path:
        return self.home / "quarantine"

    @property
    def objects_dir(self) -> Path:
        return self.home / "objects"

    @property
    def processing_dir(self) -> Path:
        # Inside the inbox so the claim is a rename on one filesystem, hence atomic.
        return self.inbox / ".recordroom" / "processing"

    @property
    def ocr_worker_count(self) -> int:
        return self.ocr_workers if self.ocr_workers > 0 else max(1, os.cpu_count() or 1)


def _convert(name: str, raw: Any, kind: Any) -> Any:
    text = str(raw).strip()
    try:
        if kind in (bool, "bool"):
            if isinstance(raw, bool):
                return raw
            if text.lower() in ("1", "true", "yes", "on"):
                return True
            if text.lower() in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(text)
        if kind in (int, "int"):
            return int(text)
        if kind in (float, "float"):
            return float(text)
        if kind in (Path, "Path"):
            return Path(text).expanduser()
    except ValueError as exc:
        raise ConfigurationError(
            f"setting {PREFIX}{name.upper()} has the value {text!r}, which is not a valid {kind}"
        ) from exc
    return text


def load_settings(
    environ: Mapping[str, str] | None = None, cwd: Path | None = None, **overrides: Any
) -> Settings:
    """Defaults, then ``recordroom.toml`` in ``cwd``, then ``RECORDROOM_*`` variables, then
    ``overrides``; relative folders are taken from ``cwd``."""
    environ = os.environ if environ is None else environ
    cwd = Path.cwd() if cwd is None else cwd
    values: dict[str, Any] = {}
    kinds = {f.name: f.type for f in fields(Settings)}
    toml_path = cwd / TOML_NAME
    if toml_path.is_file():
        try:
            data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigurationError(f"{toml_path} is not valid TOML: {exc}") from exc
        for key, raw in data.items():
            name = key.lower().removeprefix("recordroom_")
            if name not in kinds:
                raise ConfigurationError(f"{toml_path}: unknown setting {key!r}")
            values[name] = _convert(name, raw, kinds[name])
    for name, kind in kinds.items():
        env_name = PREFIX + name.upper()
        if env_name in environ:
            values[name] = _convert(name, environ[env_name], kind)
    values.update(overrides)
    if values.get("watch_mode", "auto") not in ("auto", "inotify", "poll"):
        raise ConfigurationError("RECORDROOM_WATCH_MODE must be auto, inotify or poll")
    settings = Settings(**values)
    return replace(settings, home=cwd / settings.home, inbox=cwd / settings.inbox)
