"""Who acts: the person (or process) behind every use-case call, as the audit trail records them."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("intake", "clerk", "auditor", "admin")


@dataclass(frozen=True, slots=True)
class Actor:
    """A user of recordroom at one door.

    ``user_id`` is the account name for the web app and API, ``os:<login>`` on the command line
    and ``system:<component>`` for the watcher, workers and the mail fetcher.
    """

    user_id: str
    roles: frozenset[str] = field(default_factory=frozenset)
    display_name: str = ""
    door: str = "cli"  # cli | web | api | mail | watcher | worker
    network_address: str | None = None
    host: str | None = None

    def has_role(self, role: str) -> bool:
        return role in self.roles
