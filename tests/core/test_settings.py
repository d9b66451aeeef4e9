"""The settings as an operator meets them: production check, secrets, demo refusal.
Each case runs the real `helhed` command in a fresh process with its own environment."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

HELHED = [sys.executable, "-m", "helhed.cli"]


def run(args, env, timeout=120):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HELHED_", "DATABASE_URL", "DJANGO_"))}
    return subprocess.run(  # noqa: S603  (our own command)
        HELHED + args, env={**base, **env}, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture
def production_env(tmp_path):
    return {
        "HELHED_MODE": "production",
        "HELHED_SECRET_KEY": secrets.token_urlsafe(50),
        "HELHED_CPR_KEYS": Fernet.generate_key().decode(),
        "HELHED_CPR_INDEX_KEY": secrets.token_urlsafe(32),
        "HELHED_ALLOWED_HOSTS": "helhed.example.dk",
        "HELHED_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        **{f"HELHED_OIDC_{who}_{what}": value for who in ("CITIZEN", "STAFF")
           for what, value in (("ISSUER", f"https://login.{who.lower()}.example.dk"),
                               ("CLIENT_ID", "helhed"), ("CLIENT_SECRET", secrets.token_urlsafe(20)))},
    }


def test_check_deploy_passes_with_production_settings(production_env):
    result = run(["check", "--deploy", "--fail-level", "WARNING"], production_env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "helhed.I003" in result.stderr and "break-glass" in result.stderr


def test_check_deploy_says_how_people_log_in_without_providers(production_env):
    for name in [k for k in production_env if k.startswith("HELHED_OIDC_")]:
        del production_env[name]
    result = run(["check", "--deploy", "--fail-level", "WARNING"], production_env)
    assert result.returncode != 0
    assert "helhed.W002" in result.stderr and "helhed.W004" in result.stderr


@pytest.mark.parametrize(
    "missing", ["HELHED_SECRET_KEY", "HELHED_CPR_KEYS", "HELHED_CPR_INDEX_KEY", "HELHED_ALLOWED_HOSTS"]
)
def test_production_refuses_to_start_without_its_secrets(production_env, missing):
    del production_env[missing]
    result = run(["check"], production_env)
    assert result.returncode != 0
    assert missing in result.stderr
    assert not (Path(production_env["HELHED_VAR_DIR"]) / "dev-secrets.json").exists()


def test_demo_command_is_refused_in_production(production_env):
    result = run(["demo", "--load-only", "--citizens", "0"], production_env)
    assert result.returncode != 0
    assert "HELHED_MODE=demo" in result.stderr


def test_a_database_with_demo_users_is_refused_outside_demo_mode(tmp_path):
    demo_db = tmp_path / "demo.sqlite3"
    env = {"HELHED_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{demo_db}"}
    # Migrating and building the demo takes about a minute and a half on an idle 2-core
    # machine; the limit only stops a command that hangs.
    built = run(["demo", "--load-only", "--citizens", "3"], {**env, "HELHED_MODE": "demo"}, timeout=900)
    assert built.returncode == 0, built.stderr
    assert "sagsbehandler.aarhus" in built.stdout

    check = run(["check", "--deploy"], {**env, "HELHED_MODE": "development"})
    assert check.returncode != 0 and "helhed.E001" in check.stderr

    server = run(["runserver", "127.0.0.1:0", "--noreload"], {**env, "HELHED_MODE": "development"}, timeout=60)
    assert server.returncode != 0 and "demo users" in server.stderr

    wsgi = subprocess.run(
        [sys.executable, "-c", "import helhed.wsgi"], capture_output=True, text=True, timeout=60,
        env={**{k: v for k, v in os.environ.items() if not k.startswith(("HELHED_", "DATABASE_URL"))},
             **env, "HELHED_MODE": "development"},
    )
    assert wsgi.returncode != 0 and "demo users" in wsgi.stderr

    # In demo mode the same database is fine.
    ok = run(["check"], {**env, "HELHED_MODE": "demo"})
    assert ok.returncode == 0, ok.stderr


@pytest.mark.parametrize("length", [3, 31])
def test_production_refuses_a_short_cpr_index_key(production_env, length):
    production_env["HELHED_CPR_INDEX_KEY"] = secrets.token_urlsafe(32)[:length]
    result = run(["check"], production_env)
    assert result.returncode != 0
    assert "HELHED_CPR_INDEX_KEY must be at least 32 characters" in result.stderr
    assert f"(it has {length})" in result.stderr


def test_production_accepts_a_cpr_index_key_of_32_characters(production_env):
    production_env["HELHED_CPR_INDEX_KEY"] = secrets.token_urlsafe(32)[:32]
    result = run(["check"], production_env)
    assert result.returncode == 0, result.stderr
