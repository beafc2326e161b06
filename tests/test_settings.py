import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from factcheck import settings as project_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("helper", "name", "raw", "message"),
    [
        (project_settings.env_bool, "DEBUG", "maybe", "DEBUG: expected true/false"),
        (
            lambda n: project_settings.env_int(n, 1),
            "WORKERS",
            "two",
            "WORKERS: expected an integer",
        ),
        (
            lambda n: project_settings.env_database(n, {}),
            "DATABASE_URL",
            "mysql://root@localhost/fc",
            "DATABASE_URL: unsupported database",
        ),
        (
            lambda n: project_settings.env_database(n, {}),
            "DATABASE_URL",
            "not a url",
            "DATABASE_URL:",
        ),
        (project_settings.env_redis_url, "REDIS_URL", "localhost:6379", "REDIS_URL: expected"),
        (
            project_settings.env_redis_url,
            "REDIS_URL",
            "redis://h:port/0",
            "REDIS_URL: malformed port",
        ),
        (
            lambda n: project_settings.env_timezone(n, "UTC"),
            "TIME_ZONE",
            "Mars/Olympus",
            "TIME_ZONE: unknown time zone",
        ),
    ],
)
def test_malformed_value_names_the_variable(monkeypatch, helper, name, raw, message):
    monkeypatch.setenv(name, raw)
    with pytest.raises(ImproperlyConfigured) as excinfo:
        helper(name)
    assert str(excinfo.value).startswith(message)


def test_env_helpers_parse_good_values(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    monkeypatch.setenv("HOSTS", "a.example, b.example ,")
    monkeypatch.setenv("DB", "postgres://u:p@db.internal:5433/fc")
    assert project_settings.env_bool("FLAG") is True
    assert project_settings.env_list("HOSTS") == ["a.example", "b.example"]
    db = project_settings.env_database("DB", {})
    assert (db["ENGINE"], db["HOST"], db["PORT"], db["NAME"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        5433,
        "fc",
    )


def run_settings(**env: str) -> subprocess.CompletedProcess:
    """Start Django in a fresh process with the given environment."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.update({"DEBUG": "true", **env})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_malformed_setting_fails_at_start_naming_the_variable():
    result = run_settings(REDIS_URL="localhost:6379")
    assert result.returncode != 0
    assert "REDIS_URL: expected redis://host:port/db" in result.stderr


def test_missing_secret_key_without_debug_fails_at_start():
    result = run_settings(DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY: must be set when DEBUG is off" in result.stderr


def test_good_settings_start():
    result = run_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_brand_settings_are_checked_at_start(tmp_path):
    missing = run_settings(FACTCHECK_BRAND_DIR=str(tmp_path / "nope"))
    assert missing.returncode != 0
    assert f"FACTCHECK_BRAND_DIR: no such folder '{tmp_path / 'nope'}'" in missing.stderr
    remote = run_settings(FACTCHECK_LOGO="https://cdn.example.org/logo.svg")
    assert remote.returncode != 0
    assert "FACTCHECK_LOGO: expected a static file path" in remote.stderr
    good = run_settings(FACTCHECK_BRAND_DIR=str(tmp_path), FACTCHECK_LOGO="brand/logo.svg")
    assert good.returncode == 0, good.stderr
