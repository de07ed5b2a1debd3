"""A throwaway PostgreSQL server for trying the postgres target and for the tests.

`python -m nps_warehouse.pg_local start --data-dir data/postgres` (what `make postgres-local`
runs) initialises a cluster with Debian's PostgreSQL (initdb and pg_ctl refuse to run as root, so
they run as the `postgres` user when we are root), starts it listening on 127.0.0.1 only, creates
the project's login role and database and the `bi_reader` role, and prints the exports to use.
Run again while it is up, it only prints them; `stop` stops it. Nothing here is for production:
the cluster runs with fsync off, and its passwords are written beside it (local.json).

Layout of the data folder: cluster/ (PGDATA, owned by the server's user), server.log, local.json
(port, users, passwords).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from nps_warehouse import settings as shared_settings

DEFAULT_PORT = 5433
SERVER_USER = "postgres"  # the OS user that runs initdb and pg_ctl when we are root
PROJECT_USER = "nps"
PROJECT_DB = "nps"
READER_ROLE = "bi_reader"


class LocalServerError(RuntimeError):
    """The local server cannot be set up; the message says why."""


def bin_dir() -> Path:
    """The folder holding initdb and pg_ctl: Debian's newest /usr/lib/postgresql/<v>/bin, else
    the PATH's."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda path: int(path.split("/")[4]) if path.split("/")[4].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    raise LocalServerError(
        "PostgreSQL's server programs (initdb, pg_ctl) are not installed: "
        "`apt-get install postgresql` (Debian) or point PATH at them."
    )


def _as_server_user(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Runs a server program, as the postgres user when we are root (initdb and pg_ctl refuse
    root)."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", SERVER_USER, "--", *command]
    return subprocess.run(command, check=False, capture_output=True, text=True, **kwargs)


def _free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise LocalServerError("no free TCP port on 127.0.0.1")


def _settings_path(data_dir: Path) -> Path:
    return data_dir / "local.json"


def settings(data_dir: Path) -> dict | None:
    path = _settings_path(data_dir)
    return json.loads(path.read_text()) if path.is_file() else None


def is_running(data_dir: Path) -> bool:
    cluster = data_dir / "cluster"
    if not (cluster / "PG_VERSION").is_file():
        return False
    return (
        _as_server_user([str(bin_dir() / "pg_ctl"), "status", "-D", str(cluster)]).returncode == 0
    )


def exports(config: dict) -> dict[str, str]:
    """The environment of the postgres target for this server."""
    return {
        shared_settings.TARGET_ENV: "postgres",
        shared_settings.PG_HOST_ENV: "127.0.0.1",
        shared_settings.PG_PORT_ENV: str(config["port"]),
        shared_settings.PG_USER_ENV: PROJECT_USER,
        shared_settings.PG_PASSWORD_ENV: config["password"],
        shared_settings.PG_DBNAME_ENV: PROJECT_DB,
    }


def _initialise(data_dir: Path, port: int) -> dict:
    cluster = data_dir / "cluster"
    cluster.mkdir(parents=True, exist_ok=True)
    config = {
        "port": port,
        "superuser": SERVER_USER,
        "superuser_password": secrets.token_hex(12),
        "password": secrets.token_hex(12),
        "reader_password": secrets.token_hex(12),
    }
    if os.geteuid() == 0:
        os.chmod(data_dir, 0o755)
        if _as_server_user(["test", "-x", str(data_dir)]).returncode != 0:
            raise LocalServerError(
                f"the {SERVER_USER} user cannot reach {data_dir}: a folder above it is not "
                "traversable by others (chmod o+x it), or choose another --data-dir."
            )
    pwfile = data_dir / ".initdb-password"
    pwfile.write_text(config["superuser_password"] + "\n")
    if os.geteuid() == 0:
        shutil.chown(cluster, SERVER_USER, SERVER_USER)
        shutil.chown(pwfile, SERVER_USER, SERVER_USER)
    os.chmod(cluster, 0o700)
    os.chmod(pwfile, 0o600)
    try:
        done = _as_server_user(
            [
                str(bin_dir() / "initdb"),
                "-D", str(cluster),
                "--username", SERVER_USER,
                "--pwfile", str(pwfile),
                "--auth-host", "scram-sha-256",
                "--auth-local", "scram-sha-256",
                "--encoding", "UTF8",
                "--locale", "C",
            ]
        )  # fmt: skip
    finally:
        pwfile.unlink(missing_ok=True)
    if done.returncode != 0:
        raise LocalServerError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
    with open(cluster / "postgresql.conf", "a", encoding="utf-8") as conf:
        conf.write(
            "\n# nps_warehouse.pg_local: a throwaway server on the loopback address only\n"
            "listen_addresses = '127.0.0.1'\n"
            f"port = {port}\n"
            f"unix_socket_directories = '{cluster}'\n"
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            "max_connections = 40\nshared_buffers = 128MB\n"
        )
    _settings_path(data_dir).write_text(json.dumps(config, indent=2) + "\n")
    os.chmod(_settings_path(data_dir), 0o600)
    return config


def _create_roles(config: dict) -> None:
    import psycopg

    with psycopg.connect(
        host="127.0.0.1",
        port=config["port"],
        user=SERVER_USER,
        password=config["superuser_password"],
        dbname="postgres",
        autocommit=True,
    ) as connection:
        roles = {row[0] for row in connection.execute("select rolname from pg_roles")}
        for role, password in ((PROJECT_USER, "password"), (READER_ROLE, "reader_password")):
            verb = "alter" if role in roles else "create"
            connection.execute(
                f"{verb} role {role} login password '{config[password]}'"  # hex: no quoting
            )
        found = connection.execute(
            "select count(*) from pg_database where datname = %s", [PROJECT_DB]
        ).fetchone()[0]
        if not found:
            connection.execute(f"create database {PROJECT_DB} owner {PROJECT_USER}")


def start(data_dir: Path, port: int | None = None) -> dict:
    """Starts (initialising it the first time) the server of `data_dir`; returns its settings."""
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    config = settings(data_dir)
    if config is None or not (data_dir / "cluster" / "PG_VERSION").is_file():
        if (data_dir / "cluster").exists() and any((data_dir / "cluster").iterdir()):
            raise LocalServerError(
                f"{data_dir / 'cluster'} holds files but no server this tool made: delete it."
            )
        config = _initialise(data_dir, _free_port(port or DEFAULT_PORT))
    if not is_running(data_dir):
        wanted = port or config["port"]
        free = _free_port(wanted)
        if free != config["port"]:
            config["port"] = free
            _settings_path(data_dir).write_text(json.dumps(config, indent=2) + "\n")
        log = data_dir / "server.log"
        log.touch()
        if os.geteuid() == 0:
            shutil.chown(log, SERVER_USER, SERVER_USER)
        done = _as_server_user(
            [
                str(bin_dir() / "pg_ctl"),
                "start", "-w", "-t", "60",
                "-D", str(data_dir / "cluster"),
                "-l", str(log),
                "-o", f"-p {config['port']} -c listen_addresses=127.0.0.1",
            ]
        )  # fmt: skip
        if done.returncode != 0:
            raise LocalServerError(
                f"pg_ctl start failed: {done.stderr.strip() or done.stdout.strip()} (see {log})"
            )
    for _ in range(50):
        try:
            _create_roles(config)
            break
        except Exception:  # noqa: BLE001 - the server may still be starting up
            time.sleep(0.2)
    else:
        _create_roles(config)
    return config


def stop(data_dir: Path) -> bool:
    """Stops the server of `data_dir`; False when it was not running."""
    data_dir = data_dir.resolve()
    if not is_running(data_dir):
        return False
    done = _as_server_user(
        [str(bin_dir() / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(data_dir / "cluster")]
    )
    if done.returncode != 0:
        raise LocalServerError(f"pg_ctl stop failed: {done.stderr.strip()}")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m nps_warehouse.pg_local",
        description="A throwaway PostgreSQL on 127.0.0.1 for the postgres target.",
    )
    parser.add_argument("action", choices=["start", "stop", "env"])
    parser.add_argument("--data-dir", default=shared_settings.DEFAULT_PG_DATA_DIR, type=Path)
    parser.add_argument("--port", type=int, default=None, help=f"default {DEFAULT_PORT} or free")
    args = parser.parse_args(argv)
    try:
        if args.action == "stop":
            stopped = stop(args.data_dir)
            print("stopped" if stopped else f"no server running in {args.data_dir}")
            return 0
        if args.action == "env":
            config = settings(args.data_dir.resolve())
            if config is None or not is_running(args.data_dir.resolve()):
                raise LocalServerError(
                    f"no server running in {args.data_dir}: `make postgres-local`"
                )
        else:
            config = start(args.data_dir, args.port)
    except LocalServerError as error:
        print(f"postgres-local: {error}", file=sys.stderr)
        return 1
    print(f"# PostgreSQL on 127.0.0.1:{config['port']} (data in {args.data_dir}); paste:")
    print("export " + " ".join(f"{k}={v}" for k, v in exports(config).items()))
    print(f"# BI reader: user {READER_ROLE}, password {config['reader_password']}")
    print("# stop it with `make postgres-stop`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
