"""Two clerks on one request; expiring download links."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from indexer.database import Database
from recordroom.core.errors import ConflictError, InvalidRequestError
from release_of_information.fulfilment import fulfil
from release_of_information.links import (
    load_link_key,
    make_link_token,
    read_link_token,
    record_link_use,
)
from release_of_information.models import LinkUseRow, RequestRow
from release_of_information.policy import ReleasePolicy
from release_of_information.requests import approve, deny, get_request, verify_identity
from tests.release_of_information.conftest import TODAY, MemorySource
from tests.release_of_information.helpers import CLERK, PATIENT_OWN, new_request


def test_two_clerks_at_once_one_wins_the_other_is_told(
    database: Database, session: Session, source: MemorySource, policy: ReleasePolicy
) -> None:
    request = new_request(session, source, policy, PATIENT_OWN)
    verify_identity(session, request.id, "photo_id", actor=CLERK)
    session.commit()
    with database.session() as first, database.session() as second:
        # both clerks have the request open
        opened = get_request(first, request.id), get_request(second, request.id)
        assert opened[0].status == opened[1].status == "received"
        approve(first, source, request.id, actor="os:ann", on=TODAY, policy=policy)
        first.commit()
        with pytest.raises(ConflictError, match=f"request {request.id} was changed by someone"):
            deny(second, request.id, "endanger_life", actor="os:bob")
        second.rollback()
    session.expire_all()
    again = session.get(RequestRow, request.id)
    assert again is not None and again.status == "approved"
    assert [t.actor for t in again.transitions][-1] == "os:ann"


def test_a_step_taken_from_a_stale_view_is_refused(
    session: Session, source: MemorySource, policy: ReleasePolicy
) -> None:
    request = new_request(session, source, policy, PATIENT_OWN)
    seen = request.version
    verify_identity(session, request.id, "photo_id", actor=CLERK)
    session.commit()
    with pytest.raises(ConflictError, match="you saw"):
        approve(
            session,
            source,
            request.id,
            actor=CLERK,
            on=TODAY,
            policy=policy,
            expected_version=seen,
        )


def test_a_download_link_expires_and_its_use_is_logged(
    tmp_path: Path, session: Session, source: MemorySource, policy: ReleasePolicy
) -> None:
    key = load_link_key(tmp_path / "keys" / "roi-link.key")
    assert load_link_key(tmp_path / "keys" / "roi-link.key") == key
    assert (tmp_path / "keys" / "roi-link.key").stat().st_mode & 0o077 == 0
    request = new_request(session, source, policy, PATIENT_OWN)
    verify_identity(session, request.id, "photo_id", actor=CLERK)
    approve(session, source, request.id, actor=CLERK, on=TODAY, policy=policy)
    done = fulfil(session, source, request.id, actor=CLERK, on=TODAY, policy=policy)
    session.commit()

    now = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
    token = make_link_token(key, request.id, done.packet.sha256, now + dt.timedelta(hours=72))
    claim = read_link_token(key, token, now=now + dt.timedelta(hours=1))
    assert (claim.request_id, claim.packet_sha256) == (request.id, done.packet.sha256)
    record_link_use(session, claim, network_address="203.0.113.9")
    session.commit()
    assert session.query(LinkUseRow).count() == 1

    with pytest.raises(InvalidRequestError, match="expired"):
        read_link_token(key, token, now=now + dt.timedelta(hours=73))
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(InvalidRequestError, match="not valid"):
        read_link_token(key, forged, now=now)
    with pytest.raises(InvalidRequestError, match="not valid"):
        read_link_token(b"x" * 32, token, now=now)
