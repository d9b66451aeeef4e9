"""A caseworker sees on the case page that the citizen needs an interpreter, and in which
language (issue 19: the citizen's preferred language sets an interpreter need on cases)."""

from helhed.casework import services
from tests.factories import make_citizen


def _case_page(client, caseworker, citizen, today):
    case = services.open_case(citizen=citizen, benefit_area="kontanthjaelp", opened_on=today, actor=None)
    client.force_login(caseworker)
    return client.get(f"/sager/{case.pk}/").content.decode()


def test_the_case_page_shows_the_interpreter_need_in_its_language(client, aarhus_caseworker, today):
    hiba = make_citizen(municipality=751, first_name="Hiba", last_name="Fiktiv", preferred_language="ar")
    assert "Borgeren har brug for tolk på arabisk" in _case_page(client, aarhus_caseworker, hiba, today)


def test_a_citizen_who_speaks_danish_has_no_interpreter_line(client, aarhus_caseworker, aarhus_citizen, today):
    assert "brug for tolk" not in _case_page(client, aarhus_caseworker, aarhus_citizen, today)
