"""Backup and restore: a `pg_dump -Fc` of a database holding a demo district restores with
`pg_restore` into a fresh database that is a working instance (docs/operations.md).

The restored database passes `manage.py check`, has no unapplied migration
(`migrate --check`), and holds exactly as many rows of every model as the original.

PostgreSQL only: the backup procedure is PostgreSQL's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: tests pg_dump / pg_restore "
        "(set DATABASE_URL=postgres://...; CI runs this on PostgreSQL)",
    ),
]

# Row counts of every model, printed as JSON by a process pointed at a database.
COUNT_ROWS = (
    "import json; from django.apps import apps; "
    "print(json.dumps({m._meta.label: m._base_manager.count() for m in apps.get_models()}))"
)


def pg_args(settings_dict: dict) -> list[str]:
    args = []
    if settings_dict.get("HOST"):
        args += ["-h", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["-p", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["-U", settings_dict["USER"]]
    return args


def pg_env(settings_dict: dict) -> dict[str, str]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env


def database_url(settings_dict: dict, name: str) -> str:
    user = urllib.parse.quote(settings_dict.get("USER") or "")
    password = urllib.parse.quote(settings_dict.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{name}"


def manage(database: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    env["DATABASE_URL"] = database
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def restored_database_name():
    """A fresh database name next to the test database; dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    yield name
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(
    not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="pg_dump / pg_restore not on PATH (Debian package postgresql-client)",
)
def rerun_data_migrations() -> None:
    """An earlier transactional test's flush removed what the data migrations made (roles,
    training topics), which seed_demo builds on: run their RunPython steps again, in order.
    (serialized_rollback would collide with the content types the flush re-creates.)"""
    from django.contrib.auth.models import Group

    from sro_program.models import TrainingTopic

    # Roles alone are not enough: ensure_roles() rebuilds them after a flush, topics it does not.
    if Group.objects.exists() and TrainingTopic.objects.exists():
        return
    ours = {a.label for a in apps.get_app_configs() if Path(a.path).parent == ROOT}
    loader = MigrationLoader(connection)
    done = set()
    with connection.schema_editor() as editor:
        for leaf in loader.graph.leaf_nodes():
            for key in loader.graph.forwards_plan(leaf):
                if key in done or key[0] not in ours:
                    continue
                done.add(key)
                for operation in loader.graph.nodes[key].operations:
                    if isinstance(operation, RunPython):
                        operation.code(apps, editor)


@pytest.mark.django_db(transaction=True)
def test_dump_restores_to_a_working_instance(tmp_path, restored_database_name):
    rerun_data_migrations()
    # Committed data (transaction=True), so pg_dump in another process sees it.
    call_command("seed_demo", "--force", "--students", "100", "--interactions", "50")
    expected = {m._meta.label: m._base_manager.count() for m in apps.get_models()}
    assert expected["sro_program.School"] > 0
    assert expected["auth.User"] > 0

    source = connection.settings_dict
    dump = tmp_path / "sro.dump"
    subprocess.run(
        [
            "pg_dump",
            *pg_args(source),
            "--format=custom",
            "--no-owner",
            "--file",
            str(dump),
            source["NAME"],
        ],
        env=pg_env(source),
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert dump.stat().st_size > 0

    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{restored_database_name}"')
    result = subprocess.run(
        [
            "pg_restore",
            *pg_args(source),
            "--no-owner",
            "--exit-on-error",
            "--dbname",
            restored_database_name,
            str(dump),
        ],
        env=pg_env(source),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr

    restored = database_url(source, restored_database_name)
    check = manage(restored, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    migrate = manage(restored, "migrate", "--check", "--noinput")
    assert migrate.returncode == 0, "unapplied migrations after restore:\n" + migrate.stdout
    counts = manage(restored, "shell", "-c", COUNT_ROWS)
    assert counts.returncode == 0, counts.stderr
    assert json.loads(counts.stdout.strip().splitlines()[-1]) == expected
