"""The service fixtures start real servers: they answer, and an S3 server survives a restart."""

from __future__ import annotations

import io

import sqlalchemy as sa
from minio import Minio
from minio.error import S3Error

from tests.services import PostgresServer, S3Server


def test_postgres_gives_a_fresh_database_per_test(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    engine = sa.create_engine(postgres_url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE t (x integer)"))
            connection.execute(sa.text("INSERT INTO t VALUES (1)"))
            assert connection.execute(sa.text("SELECT count(*) FROM t")).scalar_one() == 1
            version = connection.execute(sa.text("SHOW server_version")).scalar_one()
    finally:
        engine.dispose()
    assert int(str(version).split(".")[0]) >= 13
    assert postgres_url.startswith("postgresql+psycopg://")
    assert f":{postgres_server.port}/" in postgres_url


def _client(server: S3Server) -> Minio:
    return Minio(
        server.endpoint, access_key=server.access_key, secret_key=server.secret_key, secure=False
    )


def test_s3_server_keeps_objects_across_a_restart(own_s3_server: S3Server, s3_bucket: str) -> None:
    client = _client(own_s3_server)
    client.make_bucket(s3_bucket)
    client.put_object(s3_bucket, "a/b", io.BytesIO(b"kept"), 4)
    own_s3_server.stop()
    assert not own_s3_server.running
    own_s3_server.start()
    response = client.get_object(s3_bucket, "a/b")
    try:
        assert response.read() == b"kept"
    finally:
        response.close()
        response.release_conn()


def test_s3_server_refuses_a_wrong_secret(s3_server: S3Server, s3_bucket: str) -> None:
    wrong = Minio(
        s3_server.endpoint, access_key=s3_server.access_key, secret_key="wrong", secure=False
    )
    try:
        wrong.make_bucket(s3_bucket)
    except S3Error as exc:
        assert "Signature" in str(exc) or "Access" in str(exc)
    else:
        raise AssertionError("a wrong secret key was accepted")
