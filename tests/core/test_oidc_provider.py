"""The login protocol through Django's test client against the real provider (tests/oidc),
for what a browser test cannot easily show: the authorisation request carries PKCE and a
nonce, a callback works once only, a token for another client is refused, and logout sends
the browser to the provider's end-session endpoint with the ID token as hint."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from tests.factories import make_citizen
from tests.oidc import _clock, citizen_claims, running_provider, sign_in, use_provider  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def issuer(settings, tmp_path):
    karen = make_citizen()
    accounts = [{"id": "karen", "claims": citizen_claims(karen.cpr, "Karen Holm")},
                {"id": "fremmed", "claims": citizen_claims(karen.cpr, "Karen Holm"), "idToken": "other_audience"}]
    with running_provider(tmp_path, "http://testserver", accounts) as issuer:
        use_provider(settings, issuer)
        yield issuer


def test_a_callback_is_used_once_and_logout_ends_the_providers_session(client, issuer):
    start = client.get("/log-ind/mitid/")
    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(issuer)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"] and query["nonce"]
    assert "code_verifier" not in start["Location"]

    callback = sign_in(start["Location"], "karen")
    assert callback.startswith("http://testserver/log-ind/mitid/svar/?")
    answer = client.get(callback)
    assert answer.status_code == 302 and answer["Location"] == "/"
    assert client.get("/mit/").status_code == 200

    for again in (client, Client()):  # the same browser, or another that got hold of the URL
        replayed = again.get(callback)
        assert replayed.status_code == 403 and "Du blev ikke logget ind" in replayed.content.decode()

    out = client.post("/log-ud/")
    end = urlsplit(out["Location"])
    params = parse_qs(end.query)
    assert out["Location"].startswith(f"{issuer}/session/end")
    assert params["post_logout_redirect_uri"] == ["http://testserver/log-ind/"] and params["id_token_hint"]
    assert client.get("/mit/").status_code == 302


def test_an_id_token_for_another_client_is_refused(client, issuer):
    callback = sign_in(client.get("/log-ind/mitid/")["Location"], "fremmed")
    answer = client.get(callback)
    assert answer.status_code == 403 and "Du blev ikke logget ind" in answer.content.decode()
    assert client.get("/mit/").status_code == 302
