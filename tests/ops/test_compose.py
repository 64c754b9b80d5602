"""compose.yaml (production) has the services, health checks, volumes and secrets handling it needs."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "compose.yaml"
REQUIRED = {"web", "worker", "beat", "postgres", "redis", "minio", "createbucket", "mailpit"}
ONE_SHOT = {"createbucket"}
SECRETS = ("SECRET_KEY", "POSTGRES_PASSWORD", "S3_ACCESS_KEY", "S3_SECRET_KEY")
SECRET_NAME = re.compile(r"SECRET|PASSWORD|ACCESS_KEY|ROOT_USER", re.IGNORECASE)
REQUIRED_VAR = re.compile(r"\$\{(\w+):\?[^}]*\}")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


def command_text(service):
    command = service.get("command") or service.get("entrypoint") or ""
    return command if isinstance(command, str) else " ".join(map(str, command))


def environment(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return env


def test_required_services(compose):
    assert set(compose["services"]) >= REQUIRED


def test_exactly_one_beat(compose):
    beats = [
        name
        for name, service in compose["services"].items()
        if re.search(r"\bcelery\b.*\bbeat\b", command_text(service))
        or re.search(r"\bworker\b.*(\s-B\b|--beat\b)", command_text(service))
    ]
    assert beats == ["beat"]
    assert compose["services"]["beat"].get("deploy", {}).get("replicas", 1) == 1
    assert re.search(r"\bgunicorn\b.*\btracker\.wsgi\b", command_text(compose["services"]["web"]))
    assert "celery -A tracker worker" in command_text(compose["services"]["worker"])


def test_long_running_services_have_healthchecks(compose):
    for name, service in compose["services"].items():
        if name in ONE_SHOT:
            assert service.get("restart") == "no", name
            continue
        check = service.get("healthcheck") or {}
        assert check.get("test"), f"{name} has no healthcheck"
        assert not check.get("disable"), f"{name} has its healthcheck disabled"


def test_named_volumes_declared(compose):
    declared = set(compose.get("volumes") or {})
    used = set()
    for service in compose["services"].values():
        for volume in service.get("volumes") or []:
            source = volume.get("source") if isinstance(volume, dict) else volume.split(":", 1)[0]
            if source and not source.startswith(("/", ".", "~", "$")):
                used.add(source)
    assert used, "no named volumes"
    assert used <= declared, used - declared
    assert {"postgres-data", "redis-data", "minio-data"} <= used


def test_dependencies_wait_for_health(compose):
    web = compose["services"]["web"]["depends_on"]
    for dependency in ("postgres", "redis"):
        assert web[dependency]["condition"] == "service_healthy"
    assert web["createbucket"]["condition"] == "service_completed_successfully"
    for name in ("worker", "beat"):
        assert compose["services"][name]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_redis_is_a_safe_broker(compose):
    redis = compose["services"]["redis"]
    assert redis["image"].startswith("redis:7")
    command = command_text(redis)
    assert "--appendonly yes" in command
    assert "--maxmemory-policy noeviction" in command
    assert compose["services"]["postgres"]["image"].startswith("postgres:16")


def test_app_reads_settings_from_environment(compose):
    env = environment(compose["services"]["web"])
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "S3_BUCKET", "EMAIL_URL", "SECRET_KEY"):
        assert name in env, name
    assert env["EMAIL_URL"].endswith("mailpit:1025}") or "mailpit:1025" in env["EMAIL_URL"]
    for name in ("web", "worker", "beat"):
        assert environment(compose["services"][name]) == env, f"{name} differs from x-app"


def test_no_literal_secrets(compose):
    text = COMPOSE.read_text()
    required = set(REQUIRED_VAR.findall(text))
    assert set(SECRETS) <= required, set(SECRETS) - required
    for secret in SECRETS:
        assert not re.search(rf"\$\{{{secret}:?-", text), f"{secret} has a default"
    for name, service in compose["services"].items():
        for key, value in environment(service).items():
            if SECRET_NAME.search(key):
                assert REQUIRED_VAR.fullmatch(str(value)), f"{name}.{key} is not ${{VAR:?}}"
        url = environment(service).get("DATABASE_URL")
        if url:
            password = url.split("://", 1)[1].split("@", 1)[0].partition(":")[2]
            assert REQUIRED_VAR.fullmatch(password), f"{name}: literal password in DATABASE_URL"


def test_docker_compose_config_validates(tmp_path):
    docker = shutil.which("docker")
    if not docker:
        pytest.skip("no docker client")
    if subprocess.run([docker, "compose", "version"], capture_output=True, check=False).returncode:
        pytest.skip("docker client has no compose plugin")
    env = {**os.environ, **{name: f"dummy-{name.lower()}-0123456789" for name in SECRETS}}
    result = subprocess.run(
        [docker, "compose", "-f", str(COMPOSE), "config", "-q"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = result.stdout + result.stderr
    if result.returncode and re.search(r"daemon|docker engine|docker\.sock", output, re.I):
        pytest.skip(f"needs a Docker engine: {output.strip()[:200]}")
    assert result.returncode == 0, output
