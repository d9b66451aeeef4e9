"""The front door at /: a visitor finds booking, cancelling, finding a time, acute requests,
self-service login, the demo (in demo mode), the accessibility statement and the staff
login; a logged-in user goes where their work starts. The statement has the sections of the
EU model statement and its date and contacts from settings."""

import datetime

from django.test import override_settings

from helhed.core.roles import Role
from tests.factories import UserFactory, make_citizen


def test_an_anonymous_visitor_gets_the_citizens_front_page(client, db):
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    for href in ("/borgerservice/bestil-tid/", "/borgerservice/afbestil/", "/borgerservice/find-din-tid/",
                 "/tilgaengelighed/", "/log-ind/"):
        assert f'href="{href}"' in page, href
    assert "Bed om en akut tid" in page and "Log ind som medarbejder" in page
    assert 'href="/log-ind/?next=/mit/"' in page  # self-service through the citizens' log-in
    assert "Prøv demoen" not in page


@override_settings(DEMO_MODE=True)
def test_in_demo_mode_the_front_page_leads_to_the_demo(client, db):
    page = client.get("/").content.decode()
    assert "Prøv demoen" in page and page.count('href="/demo/"') == 2  # the demo, and self-service log-in


def test_logged_in_users_keep_going_where_they_went(client, db):
    citizen = make_citizen(municipality=751, user=UserFactory(role=Role.CITIZEN))
    client.force_login(citizen.user)
    assert client.get("/").url == "/mit/"
    client.force_login(UserFactory(role=Role.CASEWORKER, municipalities=[751]))
    assert client.get("/").url == "/borgere/"


@override_settings(HELHED_ACCESSIBILITY={"reviewed_on": datetime.date(2026, 12, 2), "email": "web@kommune.example",
                                         "phone": "70 00 00 00", "was_url": ""})
def test_the_statement_has_the_model_sections_and_its_date_and_contacts_from_settings(client, db):
    page = client.get("/tilgaengelighed/").content.decode()
    for heading in ("Overholdelsesstatus", "Indhold, der ikke er tilgængeligt", "Sådan har vi testet",
                    "Giv os besked", "Håndhævelse", "Dato for erklæringen"):
        assert f"<h2>{heading}</h2>" in page, heading
    assert "2. december 2026" in page
    assert 'href="mailto:web@kommune.example"' in page and "70 00 00 00" in page
    assert "axe-core" in page and "320 pixels" in page and "administrationssiderne" in page
    assert 'href="https://digst.dk/' in page
    assert client.get("/was").url == "/tilgaengelighed/"


@override_settings(HELHED_ACCESSIBILITY={"reviewed_on": datetime.date(2026, 12, 2), "email": "", "phone": "",
                                         "was_url": "https://www.was.digst.dk/helhed-example-dk"})
def test_was_leads_to_the_statement_published_in_was_tool(client, db):
    assert client.get("/was").url == "https://www.was.digst.dk/helhed-example-dk"
    assert "Kontakt Borgerservice i din kommune" in client.get("/tilgaengelighed/").content.decode()


def test_every_page_links_to_the_statement_in_its_footer(client, db):
    for path in ("/", "/log-ind/", "/borgerservice/bestil-tid/"):
        footer = client.get(path).content.decode().split('<footer class="helhed-footer">')[1]
        assert 'href="/tilgaengelighed/"' in footer, path
