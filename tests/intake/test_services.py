"""Applications on every channel, idempotency, NemKonto, representation scope, referral
deadlines, exemption end dates and the helhedsvurdering's rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from helhed.casework.models import Authority, Task, TaskKind, TaskStatus
from helhed.core.models import AuditRecord
from helhed.core.roles import Role
from helhed.intake import selectors, services
from helhed.intake.models import Application, Channel, ReferralStatus, SubmittedBy
from helhed.registry import services as registry
from helhed.registry.models import NemKontoStatus
from tests.factories import UserFactory, make_citizen
from tests.intake.conftest import FOLKEPENSION_ANSWERS

NOW = timezone.now()


def register(actor, citizen, today, **kw):
    values = dict(actor=actor, citizen=citizen, benefit_area="folkepension", channel=Channel.PAPER,
                  received_on=today, submitted_by=SubmittedBy.CITIZEN, answers=FOLKEPENSION_ANSWERS, today=today,
                  now=NOW, idempotency_key="k1", send_receipt=False,
                  duplicate_confirmed=True)  # tests of duplicates: tests/intake/test_duplicates.py
    values.update(kw)
    return services.register_application(**values)


def test_paper_application_with_scan_opens_a_case_at_udk(udk, karen, today, scan):
    app, created = register(udk, karen, today, attachment=scan, help_kind="scanned")
    assert created and app.channel == Channel.PAPER and app.case.authority == Authority.UDK
    assert app.attachment.name.startswith("intake/") and "Holm" not in app.attachment.name
    assert app.case.benefit_area == "folkepension" and app.case.opened_on == today
    assert AuditRecord.objects.filter(citizen_uuid=karen.pk, actor=udk).exists()


def test_paper_needs_a_valid_scan(udk, karen, today):
    with pytest.raises(ValidationError) as e:
        register(udk, karen, today, attachment=None)
    assert "attachment" in e.value.message_dict
    fake = SimpleUploadedFile("brev.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as e:
        register(udk, karen, today, attachment=fake, idempotency_key="k2")
    assert "PDF" in e.value.message_dict["attachment"][0]
    big = SimpleUploadedFile("stor.pdf", b"%PDF-" + b"0" * services.ATTACHMENT_MAX_BYTES,
                             content_type="application/pdf")
    with pytest.raises(ValidationError, match="for stor"):
        register(udk, karen, today, attachment=big, idempotency_key="k3")
    assert not Application.objects.exists()


def test_phone_application_needs_a_call_note(udk, karen, today):
    with pytest.raises(ValidationError) as e:
        register(udk, karen, today, channel=Channel.PHONE)
    assert "call_note" in e.value.message_dict
    app, _ = register(udk, karen, today, channel=Channel.PHONE, call_note="Ringede kl. 10; svarene læst op.")
    assert app.channel == Channel.PHONE and app.call_note


def test_in_person_application_by_municipal_staff_records_the_help(counter, karen, today):
    with pytest.raises(ValidationError) as e:
        register(counter, karen, today, channel=Channel.IN_PERSON, benefit_area="kontanthjaelp",
                 answers={"lost_income_on": "2026-10-01", "savings": "nej", "cohabiting": "nej"})
    assert "help_text" in e.value.message_dict
    app, _ = register(counter, karen, today, channel=Channel.IN_PERSON, benefit_area="kontanthjaelp",
                      answers={"lost_income_on": "2026-10-01", "savings": "nej", "cohabiting": "nej"},
                      help_kind="filled_in", help_text="Udfyldt sammen ved skranken.",
                      submitted_by=SubmittedBy.STAFF)
    assert app.case.authority == Authority.MUNICIPALITY and app.submitted_by == SubmittedBy.STAFF


def test_each_role_registers_only_its_own_channels(udk, counter, karen, today, scan):
    with pytest.raises(ValidationError) as e:
        register(udk, karen, today, channel=Channel.IN_PERSON, help_kind="filled_in", help_text="x")
    assert "channel" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        register(counter, karen, today, attachment=scan)
    assert "channel" in e.value.message_dict


def test_the_same_key_gives_one_application(udk, karen, today, scan):
    first, created = register(udk, karen, today, attachment=scan)
    again, created_again = register(udk, karen, today, attachment=scan)
    assert created and not created_again and first.pk == again.pk
    assert Application.objects.count() == 1
    other, created_other = register(udk, karen, today, idempotency_key="k9", attachment=scan)
    assert created_other and other.pk != first.pk


def test_digital_draft_saved_then_submitted_once(karen, today):
    draft = services.start_draft(actor=karen.user, citizen=karen, benefit_area="folkepension", today=today)
    services.save_draft_answers(draft=draft, actor=karen.user, answers={"starts_on": "2026-12-01"})
    with pytest.raises(ValidationError, match="Besvar alle"):
        services.submit_draft(draft=draft, actor=karen.user, today=today, now=NOW)
    services.save_draft_answers(draft=draft, actor=karen.user, answers=FOLKEPENSION_ANSWERS)
    first = services.submit_draft(draft=draft, actor=karen.user, today=today, now=NOW)
    second = services.submit_draft(draft=draft, actor=karen.user, today=today, now=NOW)
    assert first.pk == second.pk and first.case_id == second.case_id
    assert first.channel == Channel.DIGITAL and first.received_on == today
    with pytest.raises(ValidationError):
        services.save_draft_answers(draft=first, actor=karen.user, answers={})


def test_no_nemkonto_puts_a_task_in_the_municipality_queue(counter, today):
    jan = make_citizen(municipality=751, first_name="Jan", last_name="Olsen", nemkonto=NemKontoStatus.MISSING)
    app, _ = register(counter, jan, today, channel=Channel.IN_PERSON, help_kind="filled_in", help_text="Hjulpet.")
    task = Task.objects.get(kind=TaskKind.NEMKONTO)
    assert task.municipality_id == 751 and task.citizen == jan and task.case == app.case
    assert task.due_on > today


def test_with_nemkonto_no_task(udk, karen, today, scan):
    register(udk, karen, today, attachment=scan)
    assert not Task.objects.filter(kind=TaskKind.NEMKONTO).exists()


def _grant(karen, mette, today, **kw):
    values = dict(citizen=karen, representative=mette, valid_from=today - datetime.timedelta(days=10))
    values.update(kw)
    return registry.grant_representation(**values)


def test_full_representative_submits_and_the_citizen_sees_it(karen, mette, today):
    rep = _grant(karen, mette, today)
    draft = services.start_draft(actor=mette.user, citizen=karen, benefit_area="folkepension", today=today)
    services.save_draft_answers(draft=draft, actor=mette.user, answers=FOLKEPENSION_ANSWERS)
    app = services.submit_draft(draft=draft, actor=mette.user, today=today, now=NOW)
    assert app.submitted_by == SubmittedBy.REPRESENTATIVE and app.representation == rep
    record = AuditRecord.objects.get(citizen_uuid=karen.pk, actor=mette.user)
    assert record.purpose == "Indsendt med fuldmagt"
    overview = selectors.overview_applications(user=karen.user, citizen=karen, today=today)
    assert overview.acts_on_behalf == [app]


def test_read_only_representative_cannot_submit_but_can_read(karen, mette, today):
    _grant(karen, mette, today, scope_kind="read_only")
    with pytest.raises(ValidationError):
        services.start_draft(actor=mette.user, citizen=karen, benefit_area="folkepension", today=today)
    with pytest.raises(ValidationError):
        register(mette.user, karen, today, channel=Channel.DIGITAL, submitted_by=SubmittedBy.REPRESENTATIVE,
                 representation=karen.representations.get())
    citizen, _ = selectors.represented_citizen(user=mette.user, citizen_id=karen.pk, today=today)
    assert citizen == karen


def test_area_scope_allows_only_those_areas(karen, mette, today):
    _grant(karen, mette, today, scope_kind="areas", benefit_areas=["boligstoette"])
    with pytest.raises(ValidationError):
        services.start_draft(actor=mette.user, citizen=karen, benefit_area="folkepension", today=today)
    draft = services.start_draft(actor=mette.user, citizen=karen, benefit_area="boligstoette", today=today)
    assert draft.representation is not None


def test_expired_or_revoked_representative_cannot_read(karen, mette, today):
    rep = _grant(karen, mette, today, valid_from=today - datetime.timedelta(days=100),
                 valid_until=today - datetime.timedelta(days=1))
    with pytest.raises(Http404):
        selectors.represented_citizen(user=mette.user, citizen_id=karen.pk, today=today)
    rep2 = _grant(karen, mette, today)
    assert selectors.represented_citizen(user=mette.user, citizen_id=karen.pk, today=today)[1] == rep2
    registry.revoke_representation(representation=rep2, actor=karen.user, now=NOW)
    with pytest.raises(Http404):
        selectors.represented_citizen(user=mette.user, citizen_id=karen.pk, today=today)
    with pytest.raises(ValidationError, match="allerede"):
        registry.revoke_representation(representation=rep2, actor=karen.user, now=NOW)
    assert rep.pk != rep2.pk


@pytest.mark.parametrize(("registered", "expires"), [
    (datetime.date(2026, 1, 2), datetime.date(2028, 11, 1)),
    (datetime.date(2026, 11, 24), datetime.date(2028, 11, 1)),
    (datetime.date(2026, 12, 31), datetime.date(2028, 11, 1)),
    (datetime.date(2024, 2, 29), datetime.date(2026, 11, 1)),
])
def test_exemption_ends_1_november_of_the_second_year_after(registered, expires):
    assert registry.digital_post_exemption_expiry(registered) == expires


def test_exemption_registered_by_a_representative(karen, mette, today, counter, scan):
    rep = _grant(karen, mette, today)
    e = registry.register_digital_post_exemption(citizen=karen, ground="impairment", registered_on=today,
                                                 declaration=scan, representation=rep, actor=counter)
    assert e.expires_on == datetime.date(2028, 11, 1) and e.signed_by_representative and e.declaration
    read_only = _grant(karen, mette, today, scope_kind="read_only")
    with pytest.raises(ValidationError):
        registry.register_digital_post_exemption(citizen=karen, ground="impairment", registered_on=today,
                                                 representation=read_only)


@pytest.mark.parametrize(("referred", "due"), [
    (datetime.date(2027, 3, 24), datetime.date(2027, 4, 5)),   # skærtorsdag, langfredag, 2. påskedag
    (datetime.date(2026, 12, 23), datetime.date(2026, 12, 31)),  # juledag og 2. juledag
    (datetime.date(2026, 11, 23), datetime.date(2026, 11, 30)),  # an ordinary week
])
def test_referral_deadline_in_business_days(referred, due):
    assert services.referral_response_deadline(referred) == due


def test_referral_puts_a_task_in_the_queue_and_is_answered_once(udk, counter, karen, today):
    referral, created = services.refer_to_municipality(actor=udk, citizen=karen, reason="Forstod ikke brevet.",
                                                       today=today, idempotency_key="r1")
    again, created_again = services.refer_to_municipality(actor=udk, citizen=karen, reason="Forstod ikke brevet.",
                                                          today=today, idempotency_key="r1")
    assert created and not created_again and referral.pk == again.pk
    task = referral.task
    assert task.kind == TaskKind.REFERRAL and task.municipality_id == 751 and task.due_on == referral.due_on
    services.answer_referral(referral=referral, actor=counter, accept=True, answer="Vi overtager.", now=NOW)
    referral.refresh_from_db()
    task.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and task.status == TaskStatus.DONE
    with pytest.raises(ValidationError, match="allerede"):
        services.answer_referral(referral=referral, actor=counter, accept=False, answer="x", now=NOW)
    with pytest.raises(ValidationError):
        services.refer_to_municipality(actor=counter, citizen=karen, reason="x", today=today)


def test_assessment_needs_the_citizens_own_words_and_a_contact_for_special_needs(counter, karen, today):
    values = dict(citizen=karen, actor=counter, factors=["psychiatric", "digital"], citizen_description="",
                  conclusion="special_needs", reasoning="Kan ikke bruge selvbetjening.", contact_person=None,
                  assessed_on=today, review_on=today + datetime.timedelta(days=365))
    with pytest.raises(ValidationError) as e:
        registry.record_needs_assessment(**values)
    assert {"citizen_description", "contact_person"} <= set(e.value.message_dict)
    outsider = UserFactory(role=Role.CASEWORKER, municipalities=[101])
    with pytest.raises(ValidationError) as e:
        registry.record_needs_assessment(**{**values, "citizen_description": "Jeg kan ikke.",
                                            "contact_person": outsider})
    assert "kommune" in e.value.message_dict["contact_person"][0]
    a = registry.record_needs_assessment(**{**values, "citizen_description": "Jeg kan ikke.",
                                            "contact_person": counter})
    from helhed.registry.selectors import special_needs_contact
    assert special_needs_contact(karen) == counter and a.citizen_description == "Jeg kan ikke."


def test_channel_statistics_share_per_month(udk, karen, today, scan):
    for i, channel in enumerate([Channel.PAPER, Channel.PAPER, Channel.DIGITAL]):
        register(udk, karen, today, idempotency_key=f"s{i}", attachment=scan if channel == Channel.PAPER else None,
                 channel=Channel.PAPER) if channel == Channel.PAPER else register(
            karen.user, karen, today, idempotency_key=f"s{i}", channel=Channel.DIGITAL)
    stats = selectors.channel_statistics(user=udk, municipality_code=751, benefit_area="", since=today.replace(day=1))
    assert [(m.total, m.digital, m.share) for m in stats.months] == [(3, 1, 33)]
    pool = UserFactory(role=Role.POOL_OFFICER)
    assert selectors.channel_statistics(user=pool, municipality_code=None, benefit_area="folkepension",
                                        since=today.replace(day=1)).total == 3
    other = UserFactory(role=Role.CASEWORKER, municipalities=[101])
    with pytest.raises(Http404):
        selectors.channel_statistics(user=other, municipality_code=751, benefit_area="", since=today)
