"""Moved to ``recordroom.core.settings`` (the ground floor); kept for branches in flight."""

from recordroom.core.settings import PREFIX, TOML_NAME, Settings, WatchMode, load_settings

__all__ = ["PREFIX", "TOML_NAME", "Settings", "WatchMode", "load_settings"]
