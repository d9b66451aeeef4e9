import datetime

import pytest
from django.core.exceptions import ValidationError

from helhed.core.cpr import decrypt_cpr
from helhed.registry import services
from helhed.registry.models import Citizen
from tests.factories import fictional_cpr, make_citizen


def test_registering_derives_birth_date_and_sex_and_encrypts_the_cpr(db):
    cpr = fictional_cpr(datetime.date(1972, 3, 14), "M")
    citizen = services.register_citizen(cpr=cpr, first_name="Jens", last_name="Ærø",
                                        home_municipality=751)
    assert (citizen.birth_date, citizen.sex) == (datetime.date(1972, 3, 14), "M")
    stored = Citizen.objects.values("cpr_encrypted", "cpr_index").get(pk=citizen.pk)
    assert cpr not in str(stored)
    assert decrypt_cpr(stored["cpr_encrypted"]) == cpr
    assert citizen.cpr == f"{cpr[:6]}-{cpr[6:]}"
    assert citizen.search_name == "jens ærø"


def test_the_same_cpr_cannot_be_registered_twice(db):
    cpr = fictional_cpr()
    services.register_citizen(cpr=cpr, first_name="A", last_name="B", home_municipality=101)
    with pytest.raises(ValidationError, match="findes allerede"):
        services.register_citizen(cpr=f"{cpr[:6]}-{cpr[6:]}", first_name="C", last_name="D",
                                  home_municipality=101)
    assert Citizen.objects.count() == 1


def test_an_invalid_cpr_registers_nothing(db):
    with pytest.raises(ValidationError, match="gyldig dato"):
        services.register_citizen(cpr="320172-1234", first_name="A", last_name="B", home_municipality=101)
    assert not Citizen.objects.exists()


@pytest.mark.parametrize(
    ("registered", "expires"),
    [
        (datetime.date(2024, 1, 10), datetime.date(2026, 11, 1)),
        (datetime.date(2024, 12, 31), datetime.date(2026, 11, 1)),
        (datetime.date(2025, 11, 2), datetime.date(2027, 11, 1)),
    ],
)
def test_digital_post_exemption_lasts_until_1_november_two_years_on(registered, expires):
    assert services.digital_post_exemption_expiry(registered) == expires


def test_exemption_is_active_until_its_expiry(db):
    citizen = make_citizen()
    exemption = services.register_digital_post_exemption(
        citizen=citizen, ground="homeless", registered_on=datetime.date(2025, 3, 1))
    assert exemption.is_active(datetime.date(2027, 10, 31))
    assert not exemption.is_active(datetime.date(2027, 11, 1))
    assert not exemption.is_active(datetime.date(2025, 2, 28))


def test_an_unknown_exemption_ground_is_refused(db):
    with pytest.raises(ValidationError):
        services.register_digital_post_exemption(
            citizen=make_citizen(), ground="bored", registered_on=datetime.date(2025, 3, 1))


def test_representation_rules(db):
    erik = make_citizen(first_name="Erik", last_name="Sørensen", municipality=360)
    mette = make_citizen(first_name="Mette", last_name="Lund", municipality=376)
    with pytest.raises(ValidationError, match="sin egen"):
        services.grant_representation(citizen=erik, representative=erik, kind="fuldmagt",
                                      scope="Alt", valid_from=datetime.date(2025, 1, 1))
    with pytest.raises(ValidationError, match="før startdatoen"):
        services.grant_representation(citizen=erik, representative=mette, kind="fuldmagt", scope="Alt",
                                      valid_from=datetime.date(2025, 1, 1), valid_until=datetime.date(2024, 1, 1))
    r = services.grant_representation(citizen=erik, representative=mette, kind="fuldmagt", scope="Alt",
                                      valid_from=datetime.date(2025, 1, 1), valid_until=datetime.date(2026, 1, 1))
    assert r.is_active(datetime.date(2026, 1, 1)) and not r.is_active(datetime.date(2026, 1, 2))
