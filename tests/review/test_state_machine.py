import datetime

import pytest
from django.core.exceptions import ValidationError

from helhed.review import clock, services
from helhed.review.models import ALLOWED_TRANSITIONS, CaseEvent, ReviewCase, Status
from tests.review.conftest import TODAY, import_extract

AFKLARING = dict(exemption="health", citizen_view="Vil gerne prøve.", medical_assessment="Kan med skånehensyn.")
VISITATION = dict(track="virksomhedsrettet", effort_kind="praktik")


def register_shows_leaving(case, left_on=None):
    """Import an extract (once per programme) that shows the case's citizen leaving the
    kontanthjælp system the day after ``left_on``, so that the case can be closed."""
    programme = case.programme
    if programme.register_imports.exists():
        return
    today = clock.today()
    left_on = left_on or today - datetime.timedelta(days=5)
    import_extract(programme, programme.created_by, [case.citizen], extract_on=today - datetime.timedelta(days=1),
                   ended={case.citizen_id: left_on})


def bring_to(case, status, actor):
    """Move a fresh case to ``status`` through legal transitions, dated on the clock's day."""
    on = clock.today()
    if status == Status.CLOSED:
        register_shows_leaving(case)
    path = {Status.NOT_STARTED: [], Status.IN_REVIEW: [Status.IN_REVIEW],
            Status.AFKLARET: [Status.IN_REVIEW, Status.AFKLARET],
            Status.VISITERET: [Status.IN_REVIEW, Status.AFKLARET, Status.VISITERET],
            Status.CLOSED: [Status.CLOSED]}[status]
    for step in path:
        if step == Status.AFKLARET:
            case = services.save_case(case=case, version=case.version, actor=actor, on=on, **AFKLARING, **VISITATION)
        case = services.change_status(case=case, version=case.version, to=step, actor=actor, on=on,
                                      close_reason="moved")
    return ReviewCase.objects.get(pk=case.pk)


PAIRS = [(a, b) for a in Status.values for b in Status.values]


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_every_transition_is_allowed_or_refused_with_a_message(programme, worker, source, target):
    if target == Status.CLOSED:
        register_shows_leaving(programme.cases.first())
    case = bring_to(programme.cases.first(), source, worker)
    assert case.status == source
    if not case.is_resolved:
        case = services.save_case(case=case, version=case.version, actor=worker, on=TODAY, **AFKLARING, **VISITATION)
    if target in ALLOWED_TRANSITIONS[source]:
        case = services.change_status(case=case, version=case.version, to=target, actor=worker, on=TODAY,
                                      close_reason="died")
        assert ReviewCase.objects.get(pk=case.pk).status == target
    else:
        with pytest.raises(ValidationError) as error:
            services.change_status(case=case, version=case.version, to=target, actor=worker, on=TODAY,
                                   close_reason="died")
        assert error.value.code == "illegal_transition"
        assert "kan ikke blive" in error.value.messages[0]
        assert ReviewCase.objects.get(pk=case.pk).status == source


def test_the_table_has_final_states():
    assert ALLOWED_TRANSITIONS[Status.VISITERET] == frozenset() and ALLOWED_TRANSITIONS[Status.CLOSED] == frozenset()


def test_afklaret_needs_the_exemption_the_citizens_view_and_the_medical_officer(programme, worker):
    case = bring_to(programme.cases.first(), Status.IN_REVIEW, worker)
    with pytest.raises(ValidationError) as error:
        services.change_status(case=case, version=case.version, to=Status.AFKLARET, actor=worker, on=TODAY)
    assert set(error.value.message_dict) == {"exemption", "citizen_view"}
    case = services.save_case(case=case, version=case.version, actor=worker, on=TODAY, exemption="health",
                              citizen_view="Min ryg gør ondt.")
    with pytest.raises(ValidationError) as error:
        services.change_status(case=case, version=case.version, to=Status.AFKLARET, actor=worker, on=TODAY)
    assert set(error.value.message_dict) == {"medical_assessment"}


@pytest.mark.parametrize(("content", "field"), [
    ({}, "track"),
    ({"track": "virksomhedsrettet"}, "effort_kind"),
    ({"track": "other_active"}, "effort_kind"),
    ({"track": "rehabilitation"}, "rehab_outcome"),
])
def test_visiteret_needs_a_complete_visitation(programme, worker, content, field):
    case = bring_to(programme.cases.first(), Status.IN_REVIEW, worker)
    case = services.save_case(case=case, version=case.version, actor=worker, on=TODAY, **AFKLARING, **content)
    case = services.change_status(case=case, version=case.version, to=Status.AFKLARET, actor=worker, on=TODAY)
    with pytest.raises(ValidationError) as error:
        services.change_status(case=case, version=case.version, to=Status.VISITERET, actor=worker, on=TODAY)
    assert field in error.value.message_dict


def test_a_contradictory_visitation_is_refused_when_saved(programme, worker):
    case = programme.cases.first()
    with pytest.raises(ValidationError) as error:
        services.save_case(case=case, version=case.version, actor=worker, on=TODAY, track="jobparat",
                           rehab_outcome="fleksjob")
    assert "rehab_outcome" in error.value.message_dict
    assert ReviewCase.objects.get(pk=case.pk).track == ""


def test_closing_needs_a_reason_and_the_register_showing_the_citizen_leaving(programme, manager, worker):
    """Loophole: a case never started could be closed as "left the benefit" with a date years
    before the programme started, and counted as resolved."""
    case = programme.cases.first()
    with pytest.raises(ValidationError) as error:
        services.change_status(case=case, version=case.version, to=Status.CLOSED, actor=worker,
                               on=datetime.date(2019, 1, 1), close_reason="left_benefit")
    assert "ikke indlæst noget udtræk" in error.value.message_dict["close_reason"][0]
    # An extract that shows the citizen still on the benefit does not allow it either.
    import_extract(programme, manager, [case.citizen], extract_on=datetime.date(2026, 10, 31))
    with pytest.raises(ValidationError) as error:
        services.change_status(case=case, version=case.version, to=Status.CLOSED, actor=worker,
                               close_reason="left_benefit")
    assert "viser ikke" in error.value.message_dict["close_reason"][0]
    import_extract(programme, manager, [case.citizen], extract_on=datetime.date(2026, 11, 20),
                   ended={case.citizen_id: datetime.date(2026, 11, 9)}, name="nyere.csv")
    with pytest.raises(ValidationError) as error:
        services.change_status(case=case, version=case.version, to=Status.CLOSED, actor=worker)
    assert "close_reason" in error.value.message_dict
    # The typed date is not used: the register's is.
    case = services.change_status(case=case, version=case.version, to=Status.CLOSED, actor=worker,
                                  on=datetime.date(2019, 1, 1), close_reason="left_benefit")
    assert case.closed_on == datetime.date(2026, 11, 10) and case.close_reason == "left_benefit"
    event = CaseEvent.objects.get(case=case, to_status=Status.CLOSED)
    assert event.on == datetime.date(2026, 11, 10) and "10.11.2026" in event.text


def test_a_citizen_who_left_before_the_programme_is_closed_from_its_start(programme, manager, worker):
    case = programme.cases.first()
    import_extract(programme, manager, [case.citizen], extract_on=datetime.date(2026, 11, 20),
                   ended={case.citizen_id: datetime.date(2026, 1, 31)})
    case = services.change_status(case=case, version=case.version, to=Status.CLOSED, actor=worker,
                                  close_reason="left_benefit")
    assert case.closed_on == programme.started_on


def test_a_resolved_case_cannot_be_edited(programme, worker):
    case = bring_to(programme.cases.first(), Status.VISITERET, worker)
    with pytest.raises(ValidationError) as error:
        services.save_case(case=case, version=case.version, actor=worker, on=TODAY, skaanehensyn="Nyt")
    assert error.value.code == "resolved"


def test_a_stale_save_is_refused_and_the_newer_save_stays(programme, worker, manager):
    case = programme.cases.first()
    opened = case.version
    services.save_case(case=case, version=opened, actor=manager, on=TODAY, health_information="Fra lederen")
    with pytest.raises(ValidationError) as error:
        services.save_case(case=case, version=opened, actor=worker, on=TODAY, health_information="Fra Lene")
    assert error.value.code == "stale" and "Peter Lund" in error.value.messages[0]
    with pytest.raises(ValidationError) as error:
        services.change_status(case=case, version=opened, to=Status.IN_REVIEW, actor=worker, on=TODAY)
    assert error.value.code == "stale"
    saved = ReviewCase.objects.get(pk=case.pk)
    assert saved.health_information == "Fra lederen" and saved.version == opened + 1
    assert saved.status == Status.NOT_STARTED
