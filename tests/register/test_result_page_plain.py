"""The target-group pages name a rule by its title and say in plain Danish whom it finds;
the rule's slug, its raw parameters and the input's SHA-256 are there for specialists only,
behind "Detaljer for specialister"."""

import datetime

import pytest

from helhed.register import services
from helhed.register.targetgroups import FLERE_SKAL_MED_2017
from tests.register.test_web import pool_officer, upload_file  # noqa: F401  (a fixture)

SPECIALISTS = '<summary class="details-summary">Detaljer for specialister</summary>'


@pytest.fixture
def result(pool_officer):  # noqa: F811
    extract = services.upload_extract(user=pool_officer, upload=upload_file(), description="Marts 2017")
    return services.run_target_group(user=pool_officer, extract=extract, rule_name=FLERE_SKAL_MED_2017.name,
                                     as_of=datetime.date(2017, 4, 9))


def _outside_details(body: str) -> str:
    """The page without its <details> for specialists (and without the <head>)."""
    main = body[body.index("<main"):body.index("</main>")]
    while SPECIALISTS in main:
        start = main.rindex("<details", 0, main.index(SPECIALISTS))
        main = main[:start] + main[main.index("</details>", start) + len("</details>"):]
    return main


def test_the_result_page_shows_the_rule_in_words_and_internals_only_for_specialists(client, pool_officer,  # noqa: F811
                                                                                     result):
    client.force_login(pool_officer)
    body = client.get(f"/register/resultater/{result.pk}/").content.decode()
    read = _outside_details(body)
    assert f"<h1>{FLERE_SKAL_MED_2017.title}</h1>" in read
    assert FLERE_SKAL_MED_2017.description() in read
    assert "mindst 5 år i træk" in read and "højst 90 dage" in read
    for internal in (result.rule_name, result.input_sha256, "max_gap_days", "SHA-256", "version"):
        assert internal not in read, f"{internal!r} is shown outside the details for specialists"
    assert SPECIALISTS in body
    for internal in (result.rule_name, result.input_sha256, "max_gap_days"):
        assert internal in body, f"{internal!r} is missing from the details for specialists"


def test_the_index_lists_results_and_rules_by_title_and_description(client, pool_officer, result):  # noqa: F811
    client.force_login(pool_officer)
    body = client.get("/register/").content.decode()
    read = _outside_details(body)
    assert f">{FLERE_SKAL_MED_2017.title}</a>" in read
    assert FLERE_SKAL_MED_2017.description() in read
    assert result.rule_name not in read.replace(f'value="{result.rule_name}"', "")  # the form's option value
    assert "SHA-256" not in read


def test_the_description_follows_the_rules_parameters():
    wider = FLERE_SKAL_MED_2017.__class__(name="x", version="1", title="x", source="x", years=3, max_gap_days=30)
    assert "mindst 3 år i træk" in wider.description() and "højst 30 dage" in wider.description()
