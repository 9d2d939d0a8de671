"""The settings in force: values, where they came from, what they mean (no patient data)."""

from __future__ import annotations

from recordroom.core.actor import Actor
from recordroom.core.settings import SettingValue, describe
from recordroom.wiring import Context


def show_settings(ctx: Context, actor: Actor) -> list[SettingValue]:
    """Every setting with its value (secrets masked), its origin and its meaning."""
    return describe(ctx.settings)
