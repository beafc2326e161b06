"""The deployment files: the compose file against the Compose specification (offline),
its cross-references, the Dockerfile and the environment template."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_compose_file_validates_against_the_compose_spec():
    tool = shutil.which("check-jsonschema") or str(
        Path(sys.executable).with_name("check-jsonschema")
    )
    result = subprocess.run(
        [tool, "--builtin-schema", "vendor.compose-spec", str(ROOT / "docker-compose.yml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "ok -- validation done"


def test_compose_has_the_service_topology():
    assert sorted(SERVICES) == ["beat", "db", "migrate", "redis", "web", "worker"]
    assert SERVICES["db"]["image"] == "postgres:16"
    assert SERVICES["web"]["command"][0] == "gunicorn"
    assert SERVICES["worker"]["command"][:4] == ["celery", "-A", "factcheck", "worker"]
    assert SERVICES["beat"]["command"][:4] == ["celery", "-A", "factcheck", "beat"]
    assert SERVICES["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]


def test_every_depends_on_target_exists_and_its_condition_can_be_met():
    for name, service in SERVICES.items():
        for target, rule in service.get("depends_on", {}).items():
            assert target in SERVICES, f"{name} depends on unknown {target}"
            condition = rule["condition"]
            if condition == "service_healthy":
                assert "healthcheck" in SERVICES[target], f"{target} has no healthcheck"
            elif condition == "service_completed_successfully":
                assert SERVICES[target].get("restart") == "no", f"{target} must be one-shot"
            else:
                pytest.fail(f"{name} → {target}: unexpected condition {condition}")


def test_named_volumes_are_declared():
    declared = set(COMPOSE.get("volumes", {}))
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if not source.startswith((".", "/")):
                assert source in declared, f"{name} uses undeclared volume {source}"


def test_web_is_bound_to_loopback_by_default_and_beat_is_single():
    (port,) = SERVICES["web"]["ports"]
    assert port.startswith("${WEB_BIND:-127.0.0.1}:")
    assert "deploy" not in SERVICES["beat"] or SERVICES["beat"]["deploy"].get("replicas", 1) == 1


def test_secrets_are_required_not_defaulted():
    text = (ROOT / "docker-compose.yml").read_text()
    for secret in ("SECRET_KEY", "POSTGRES_PASSWORD", "ALLOWED_HOSTS", "SITE_URL"):
        assert re.search(r"\$\{" + secret + r":\?[^}]+\}", text), secret
        assert not re.search(r"\$\{" + secret + r":-", text), secret


def test_env_example_names_every_variable_the_compose_file_uses():
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"\$\{([A-Z_]+)", text))
    documented = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert used <= documented, used - documented


def test_dockerfile_runs_as_a_non_root_user_on_python_311_slim():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("# factcheck") and "FROM python:3.11-slim" in dockerfile
    users = re.findall(r"^USER (\S+)$", dockerfile, flags=re.M)
    assert users == ["factcheck"]
    assert "collectstatic --noinput" in dockerfile
    # Whoever runs the image gets production settings, not a checkout's debug defaults.
    assert re.search(r"^\s+DEBUG=false \\$", dockerfile, flags=re.M)
    # The dependency layer is built from pyproject.toml alone, before the code is copied.
    assert dockerfile.index("COPY pyproject.toml") < dockerfile.index("COPY . .")


def test_dockerignore_keeps_the_image_clean():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", "var", ".env"} <= ignored
