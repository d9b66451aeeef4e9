"""The demo universe has cases in every state with letters, so every casework page shows
something."""

import pytest

from helhed.casework.models import (
    Case,
    CaseStatus,
    Letter,
    LetterChannel,
    LetterStatus,
    PaymentKind,
    PaymentMethod,
    Task,
    TaskKind,
)


@pytest.fixture
def universe(db, demo_universe):
    return demo_universe


def test_demo_cases_cover_every_state_and_letters_are_delivered(universe):
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    assert not Letter.objects.exclude(status=LetterStatus.DELIVERED).exists()
    assert all(x.lix <= 40 for x in Letter.objects.all())


def test_demo_personas(universe):
    erik, jan, mads = (universe.personas[k] for k in ("erik", "jan", "mads"))
    assert set(Letter.objects.filter(citizen=erik).values_list("channel", flat=True)) == {LetterChannel.PRINT}
    assert Task.objects.filter(kind=TaskKind.NEMKONTO, citizen=jan).exists()
    assert jan.payments.filter(method=PaymentMethod.CASH).exists()
    assert mads.payments.filter(kind=PaymentKind.BACK_PAYMENT).exists()


def test_demo_pages_show_something(client, universe, settings):
    settings.DEMO_MODE = True  # demo users log in only in demo mode
    from helhed.core.models import User

    client.force_login(User.objects.get(username="sagsbehandler.aarhus"))
    assert "Karen Holm" in client.get("/sager/").content.decode()
    assert "Karen Holm" in client.get("/sager/opgaver/").content.decode()
    client.force_login(User.objects.get(username="udk"))
    assert "Erik Sørensen" in client.get("/sager/udskrift/").content.decode()
    client.force_login(User.objects.get(username="persona.mette"))
    assert "Du får folkepension" in client.get("/sager/post/").content.decode()  # Erik's, by fuldmagt
    client.force_login(User.objects.get(username="persona.mads"))
    assert "Du får penge efter din klage" in client.get("/sager/post/").content.decode()


def test_the_demo_shows_a_letter_with_a_contact_person_and_a_representatives_view(client, universe, settings):
    settings.DEMO_MODE = True
    from helhed.casework.models import CaseEvent, EventKind
    from helhed.core.models import User
    from helhed.fasttrack.models import Question

    karen, erik = universe.personas["karen"], universe.personas["erik"]
    assert all("Din kontaktperson i kommunen" in x.text for x in Letter.objects.filter(citizen=karen))
    assert CaseEvent.objects.filter(case__citizen=karen, kind=EventKind.NOTE).exists()
    assert Question.objects.filter(case__citizen=karen, key=None).exists()
    client.force_login(User.objects.get(username="persona.mette"))
    page = client.get(f"/sager/post/for/{erik.pk}/").content.decode()
    assert "Sager for Erik Sørensen" in page and "Folkepension" in page and "Boligstøtte" in page
