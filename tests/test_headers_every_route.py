"""Every route, as anonymous, a caseworker and a citizen, answers with a Content-Security-Policy
that allows no inline script or style, and with ``Cache-Control: no-store``."""

import json

import pytest

from helhed.core.roles import Role
from tests.factories import UserFactory
from tests.routes import all_routes, api_operations
from tests.test_access_every_route import _requests, world  # noqa: F401  (the fixture)


def directives(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def check(response, where: str) -> None:
    assert "no-store" in response.get("Cache-Control", ""), f"{where}: Cache-Control {response.get('Cache-Control')!r}"
    csp = directives(response)
    assert csp.get("script-src") == ["'self'"], f"{where}: script-src {csp.get('script-src')}"
    assert csp.get("style-src") == ["'self'"], f"{where}: style-src {csp.get('style-src')}"
    assert csp.get("style-src-attr") == ["'none'"], f"{where}: style-src-attr {csp.get('style-src-attr')}"
    assert csp.get("default-src") == ["'self'"] and csp.get("frame-ancestors") == ["'none'"], where
    assert csp.get("object-src") == ["'none'"], where


@pytest.mark.parametrize("who", ["anonymous", "caseworker", "citizen"])
def test_every_route_has_the_security_headers(client, world, who):  # noqa: F811
    if who == "caseworker":
        client.force_login(UserFactory(role=Role.CASEWORKER, municipalities=[751], is_staff=True))
    elif who == "citizen":
        client.force_login(world["karen"].user)
    html_pages = 0
    for route in all_routes(world["values"]):
        if route.name in {"core:logout", "admin:logout"}:
            continue
        for response in _requests(client, route.path, route.is_api, "Holmgaard"):
            check(response, f"{who} {route.name} {route.path} {response.status_code}")
            html_pages += response.get("Content-Type", "").startswith("text/html")
    for method, path in api_operations(world["values"]):
        response = client.generic(method, path, json.dumps({"q": "Holmgaard"}), content_type="application/json")
        check(response, f"{who} API {method} {path} {response.status_code}")
    assert html_pages > 20


def test_error_pages_and_the_kvik_linje_have_the_headers_too(client, db):
    check(client.get("/findes-ikke/"), "404")
    check(client.get("/api/v1/fasttrack/me", HTTP_AUTHORIZATION="Bearer hlk_" + "x" * 43), "Kvik-linje 401")


def test_static_files_may_be_cached(client, db):
    response = client.get("/static/helhed.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_no_template_has_inline_script_or_event_handlers():
    """The policy refuses inline script, so a template with one would silently break."""
    import re
    from pathlib import Path

    import helhed

    root = Path(helhed.__file__).parent / "templates"
    offenders = []
    for template in root.rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{template.relative_to(root)}: {tag}")
        offenders += [f"{template.relative_to(root)}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
        offenders += [f"{template.relative_to(root)}: {m}" for m in re.findall(r"javascript:", text)]
    assert not offenders
