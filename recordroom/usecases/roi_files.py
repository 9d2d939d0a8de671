"""A fulfilled request's packet, opened again by a clerk (the recipient's copy goes by link)."""

from __future__ import annotations

from dataclasses import dataclass

from recordroom.core import NotFoundError
from recordroom.core.actor import Actor
from recordroom.usecases.access import require_role
from recordroom.wiring import Context
from release_of_information import requests


@dataclass(frozen=True, slots=True)
class PacketFile:
    name: str
    data: bytes


def packet_file(ctx: Context, actor: Actor, request_id: str) -> PacketFile:
    """The stamped packet a fulfilled request released, as kept in the object store."""
    require_role(actor, "clerk")
    with ctx.unit_of_work(actor) as unit:
        row = requests.get_request(unit.session, request_id)
        if not row.packet_key:
            raise NotFoundError(f"request {request_id} has no packet yet; fulfil it first")
        data = ctx.store.get(row.packet_key)
        unit.record(
            "document.export",
            patients=[row.patient_mrn],
            detail=f"request {row.id}: release packet {row.packet_sha256} downloaded by a clerk",
        )
    return PacketFile(f"release-{row.id}.pdf", data)
