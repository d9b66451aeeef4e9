"""The real OpenID provider the login tests run against (provider.mjs beside this file), and
what the tests share: its claims, starting it, pointing helhed at it, and walking through its
login page without a browser."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

PROVIDER_SCRIPT = Path(__file__).with_name("provider.mjs")
CPR = "https://data.gov.dk/model/core/eid/cprNumber"
NAME = "https://data.gov.dk/model/core/eid/fullName"
LOA = "https://data.gov.dk/concept/core/nsis/loa"
SCOPES = {"mitid": [NAME, LOA], "ssn": [CPR], "profile": ["given_name", "family_name"],
          "email": ["email"], "groups": ["groups"]}


@pytest.fixture(autouse=True)
def _clock():
    """Login tests run on the wall clock, not the suite's fixed day: the provider stamps its
    tokens and the browser keeps the provider's cookies by the real time, which no test can
    move. Nothing in them depends on the date: every date is counted from today. (Imported
    into a test module, this replaces the suite's autouse ``_clock`` there.)"""
    yield


def citizen_claims(cpr: str, name: str, loa: str = "Substantial") -> dict:
    return {CPR: cpr.replace("-", ""), NAME: name, LOA: loa}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_provider(tmp_path: Path, base: str, accounts: list[dict]) -> Iterator[str]:
    """The provider on a free loopback port with a citizen client ("borger") and a staff
    client ("medarbejder") whose redirect URIs are helhed's at ``base``. Yields the issuer."""
    clients = [
        {"id": who, "secret": f"hemmelighed-{who}", "redirect_uris": [f"{base}/log-ind/{path}/svar/"],
         "post_logout_redirect_uris": [f"{base}/log-ind/"]}
        for who, path in (("borger", "mitid"), ("medarbejder", "organisation"))
    ]
    config = tmp_path / "provider.json"
    config.write_text(json.dumps({"port": _free_port(), "clients": clients, "accounts": accounts,
                                  "scopes": SCOPES}))
    provider = subprocess.Popen(["node", str(PROVIDER_SCRIPT), str(config)],  # noqa: S603, S607
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        ready = provider.stdout.readline()
        assert ready.startswith("ready "), "the OpenID provider did not start"
        yield ready.split()[1]
    finally:
        provider.terminate()
        provider.wait(timeout=10)


def use_provider(settings, issuer: str) -> None:
    """Point helhed's citizen and staff logins at ``issuer``; its logout may take a form on."""
    settings.HELHED_OIDC_CITIZEN = {**settings.HELHED_OIDC_CITIZEN, "issuer": issuer,
                                    "client_id": "borger", "client_secret": "hemmelighed-borger"}
    settings.HELHED_OIDC_STAFF = {**settings.HELHED_OIDC_STAFF, "issuer": issuer,
                                  "client_id": "medarbejder", "client_secret": "hemmelighed-medarbejder"}
    policy = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**policy, "form-action": ["'self'", issuer]}}


def sign_in(authorize_url: str, account: str) -> str:
    """Log in at the provider as ``account`` with a plain HTTP client; returns the URL the
    provider sends the browser back to (helhed's callback, with code and state)."""
    session = requests.Session()
    url = authorize_url
    for _ in range(10):
        answer = session.get(url, allow_redirects=False, timeout=10)
        if answer.status_code == 200:
            form = re.search(r'<form[^>]*action="([^"]+)"', answer.text)
            answer = session.post(urljoin(url, form.group(1)), allow_redirects=False, timeout=10,
                                  data={"prompt": "login", "login": account, "password": "test"})
        url = urljoin(url, answer.headers["location"])
        if not url.startswith(authorize_url.split("/auth")[0]):
            return url
    raise AssertionError("the provider did not send the browser back")
