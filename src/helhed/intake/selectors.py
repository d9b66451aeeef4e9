"""Reads of intake. Every function that returns a citizen's data takes the acting user,
applies the user's scope (staff: ``registry.selectors.citizens_visible_to``; a
representative: a power of attorney in force) and writes the read to the audit log."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404

from helhed.casework.models import BenefitArea, Case, CaseStatus
from helhed.core import charts
from helhed.core.audit import record_read
from helhed.core.formats import maaned
from helhed.core.models import Municipality, User
from helhed.core.roles import MUNICIPAL_ROLES, Role
from helhed.core.rules import own_municipalities, permitted_or_404, scoped, serves_municipality
from helhed.intake.models import Application, ApplicationStatus, Channel, GuidanceContact, Referral
from helhed.registry.models import Citizen, Representation
from helhed.registry.rules import representation_permits
from helhed.registry.selectors import citizens_visible_to, current_assessment, in_force

NOT_FOUND = "Findes ikke eller er ikke tilgængelig for dig."


REPRESENTATIVE_NAME = "Navn (repræsentant med fuldmagt)"


def _representatives(apps) -> list[tuple[UUID, str]]:
    """The representatives named next to applications (``representation.representative``),
    as ``record_read``'s ``also``: a page that shows who applied with a fuldmagt shows that
    person's name, which is a read of their data too."""
    return [(a.representation.representative_id, REPRESENTATIVE_NAME) for a in apps if a.representation_id]


def representations_shown(*, user: User, citizen: Citizen, purpose: str, channel: str,
                          permitting: tuple[str, datetime.date] | None = None) -> list[Representation]:
    """A citizen's representations as a page lists them (representative's name, scope,
    period), each representative's name audited as read. ``permitting`` = (action, today)
    keeps only those that permit the action on that day. The caller has already established
    that ``user`` may see ``citizen`` (and audited that read)."""
    reps = list(citizen.representations.select_related("representative", "revoked_by"))
    if permitting is not None:
        action, today = permitting
        reps = [r for r in reps if representation_permits(r, action=action, benefit_area=None, today=today)]
    record_read(actor=user, citizen_uuids=[], what="", purpose=purpose, channel=channel,
                also=[(r.representative_id, REPRESENTATIVE_NAME) for r in reps])
    return reps


def representation_shown(*, user: User, representation: Representation, purpose: str, channel: str
                         ) -> Representation:
    """One representation as an answer shows it (after it was granted or revoked), the
    representative's name audited as read."""
    record_read(actor=user, citizen_uuids=[], what="", purpose=purpose, channel=channel,
                also=[(representation.representative_id, REPRESENTATIVE_NAME)])
    return representation


def citizen_for_staff(*, user: User, citizen_id: UUID, what: str, purpose: str, channel: str) -> Citizen:
    """A citizen in the staff user's scope, the read audited; else 404 (existence hidden)."""
    citizen = citizens_visible_to(user).filter(pk=citizen_id).exclude(user=user).first()
    if citizen is None or user.role == Role.CITIZEN:
        raise Http404(NOT_FOUND)
    record_read(actor=user, citizen_uuids=[citizen.pk], what=what, purpose=purpose, channel=channel)
    return citizen


@dataclass
class Helped:
    citizen: Citizen
    representations: list[Representation]
    can_apply: bool


def helped_citizens(*, user: User, today: datetime.date, channel: str) -> list[Helped]:
    """"Jeg hjælper": the citizens whose power of attorney (in force) ``user`` holds."""
    reps = (Representation.objects.filter(in_force(today), representative__user=user)
            .select_related("citizen", "citizen__home_municipality").order_by("citizen__last_name"))
    by_citizen: dict[UUID, Helped] = {}
    for r in reps:
        item = by_citizen.setdefault(r.citizen_id, Helped(r.citizen, [], False))
        item.representations.append(r)
        item.can_apply = item.can_apply or r.scope_kind != "read_only"
    helped = list(by_citizen.values())
    record_read(actor=user, citizen_uuids=[h.citizen.pk for h in helped], what="Navn og fuldmagtens omfang",
                purpose="Jeg hjælper: borgere, du har fuldmagt til", channel=channel)
    return helped


def represented_citizen(*, user: User, citizen_id: UUID, today: datetime.date, audit_what: str = ""
                        ) -> tuple[Citizen, Representation]:
    """The citizen ``user`` may read for through a power of attorney in force; else 404.
    An expired or revoked representation reads nothing. With ``audit_what`` the read is
    audited here (for a page that shows no more than this)."""
    for r in Representation.objects.filter(citizen_id=citizen_id, representative__user=user).select_related(
            "citizen", "citizen__home_municipality"):
        if representation_permits(r, action="read", benefit_area=None, today=today):
            if audit_what:
                record_read(actor=user, citizen_uuids=[r.citizen_id], what=audit_what,
                            purpose="Som repræsentant med fuldmagt", channel="web")
            return r.citizen, r
    raise Http404(NOT_FOUND)


def applications_of(*, user: User, citizen: Citizen, what: str, purpose: str, channel: str,
                    include_drafts_of: User | None = None) -> list[Application]:
    """A citizen's submitted applications (and the drafts ``include_drafts_of`` made), audited.
    The caller has already established that ``user`` may see ``citizen``."""
    condition = Q(status=ApplicationStatus.SUBMITTED)
    if include_drafts_of is not None:
        condition |= Q(status=ApplicationStatus.DRAFT, created_by=include_drafts_of)
    apps = list(citizen.applications.filter(condition).select_related(
        "case", "created_by", "representation__representative").order_by("-created_at"))
    record_read(actor=user, citizen_uuids=[citizen.pk], what=what, purpose=purpose, channel=channel,
                also=_representatives(apps))
    return apps


@dataclass
class ApplicationView:
    application: Application
    as_representative: bool
    as_citizen: bool


def get_application(*, user: User, application_id: UUID, today: datetime.date, channel: str) -> ApplicationView:
    """One application for staff in scope, the citizen, or a representative who may read."""
    app = (Application.objects.select_related("citizen", "citizen__home_municipality", "case", "created_by",
                                              "representation__representative")
           .filter(pk=application_id).first())
    if app is None:
        raise Http404(NOT_FOUND)
    as_citizen = app.citizen.user_id == user.pk and user.role == Role.CITIZEN
    as_rep = False
    if user.role == Role.CITIZEN and not as_citizen:
        as_rep = any(representation_permits(r, action="read", benefit_area=None, today=today)
                     for r in Representation.objects.filter(citizen_id=app.citizen_id, representative__user=user))
        if not as_rep:
            raise Http404(NOT_FOUND)
    elif not as_citizen and not citizens_visible_to(user).filter(pk=app.citizen_id).exists():
        raise Http404(NOT_FOUND)
    if app.is_draft and app.created_by_id != user.pk:
        raise Http404(NOT_FOUND)
    record_read(actor=user, citizen_uuids=[app.citizen_id], what="Ansøgning med svar, kanal og hjælp",
                purpose="Som repræsentant med fuldmagt" if as_rep else (
                    "Selvbetjening: egen ansøgning" if as_citizen else "Sagsbehandling: ansøgning"),
                channel=channel, also=_representatives([app]))
    return ApplicationView(app, as_rep, as_citizen)


def draft_for(*, user: User, draft_id: UUID) -> Application:
    """A draft the user is filling in (own or as representative), unaudited: its citizen is
    the user or was chosen through a fuldmagt already (the submission is audited)."""
    app = Application.objects.select_related("citizen").filter(
        pk=draft_id, created_by=user, status=ApplicationStatus.DRAFT).first()
    if app is None:
        raise Http404(NOT_FOUND)
    if app.citizen.user_id != user.pk:
        record_read(actor=user, citizen_uuids=[app.citizen_id], what="Navn (kladde til ansøgning)",
                    purpose="Som repræsentant med fuldmagt", channel="web")
    return app


def sent_from_draft(*, user: User, draft_id: UUID) -> Application | None:
    """The application the user has already sent from this draft, or None: a second click on
    "Send" (or the back button) then lands on its receipt instead of a missing draft."""
    return Application.objects.filter(pk=draft_id, created_by=user).exclude(
        status=ApplicationStatus.DRAFT).only("pk").first()


def staff_applications(*, user: User, channel: str, limit: int = 15) -> list[Application]:
    """The newest applications of the citizens in the staff user's scope, audited."""
    visible = citizens_visible_to(user)
    apps = list(Application.objects.filter(status=ApplicationStatus.SUBMITTED, citizen__in=visible)
                .select_related("citizen", "case", "representation__representative")
                .order_by("-submitted_at", "-created_at")[:limit])
    record_read(actor=user, citizen_uuids=[a.citizen_id for a in apps], what="Ansøgninger: ydelse, kanal, dato",
                purpose="Sagsbehandling: liste over ansøgninger", channel=channel, also=_representatives(apps))
    return apps


def referrals_for(*, user: User, channel: str, limit: int = 200) -> list[Referral]:
    """Referrals: Udbetaling Danmark sees all, municipal staff their municipalities'."""
    qs = Referral.objects.select_related("citizen", "referred_by", "answered_by", "municipality")
    if user.role not in MUNICIPAL_ROLES | {Role.UDK_STAFF}:
        return []
    found = list(scoped(qs, user).order_by("status", "due_on")[:limit])
    record_read(actor=user, citizen_uuids=[r.citizen_id for r in found], what="Henvisning: navn og begrundelse",
                purpose="Henvisninger fra Udbetaling Danmark", channel=channel)
    return found


def get_referral(*, user: User, referral_id: UUID, channel: str) -> Referral:
    referral = Referral.objects.select_related("citizen", "municipality", "referred_by", "task").filter(
        pk=referral_id).first()
    if referral is None or user.role not in MUNICIPAL_ROLES | {Role.UDK_STAFF} or not serves_municipality(
            user, referral.municipality_id):
        raise Http404(NOT_FOUND)
    record_read(actor=user, citizen_uuids=[referral.citizen_id], what="Henvisning: navn og begrundelse",
                purpose="Henvisning fra Udbetaling Danmark", channel=channel)
    return referral


def get_assessment(*, user: User, assessment_id: UUID, channel: str):
    from helhed.registry.models import SpecialNeedsAssessment

    a = SpecialNeedsAssessment.objects.select_related("citizen", "contact_person", "assessed_by").filter(
        pk=assessment_id).first()
    if a is None or user.role == Role.CITIZEN and a.citizen.user_id != user.pk:
        raise Http404(NOT_FOUND)
    if user.role != Role.CITIZEN and not citizens_visible_to(user).filter(pk=a.citizen_id).exists():
        raise Http404(NOT_FOUND)
    record_read(actor=user, citizen_uuids=[a.citizen_id], what="Helhedsvurdering og borgerens egen beskrivelse",
                purpose="Særlige behov: helhedsvurdering", channel=channel)
    return a


def municipal_colleagues(municipality_id: int) -> list[User]:
    """Who can be a citizen's contact person: active municipal staff of the municipality."""
    return list(User.objects.filter(is_active=True, role__in=MUNICIPAL_ROLES,
                                    municipalities__code=municipality_id).order_by("first_name", "last_name"))


# -- channel statistics ------------------------------------------------------------------

@dataclass
class MonthShare:
    month: datetime.date
    total: int
    digital: int

    @property
    def share(self) -> int | None:
        return round(100 * self.digital / self.total) if self.total else None


@dataclass
class ChannelStatistics:
    months: list[MonthShare]
    municipality: Municipality | None
    benefit_area: str
    by_channel: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(m.total for m in self.months)

    @property
    def month_bars(self) -> list[charts.Bar]:
        """The digital share per month as bars on a 0-100 % scale."""
        return charts.shares([(maaned(m.month), m.share, f"{m.share} %") for m in self.months])


def statistics_municipalities(user: User) -> list[Municipality]:
    """Municipal staff see their own municipalities; UDK and the ministry every one."""
    qs = Municipality.objects.order_by("name")
    if user.role in MUNICIPAL_ROLES:
        return list(qs.filter(code__in=own_municipalities(user)))
    return list(qs)


def channel_statistics(*, user: User, municipality_code: int | None, benefit_area: str,
                       since: datetime.date) -> ChannelStatistics:
    """The share of applications received digitally per month since ``since`` (seed 004:
    Aarhus went from 20 % to 75 % digital). Aggregate counts only: no citizen is read."""
    allowed = {m.code for m in statistics_municipalities(user)}
    qs = Application.objects.filter(status=ApplicationStatus.SUBMITTED, received_on__gte=since)
    municipality = None
    if municipality_code is not None:
        if municipality_code not in allowed:
            raise Http404(NOT_FOUND)
        municipality = Municipality.objects.get(code=municipality_code)
        qs = qs.filter(municipality_id=municipality_code)
    elif user.role in MUNICIPAL_ROLES:
        qs = qs.filter(municipality_id__in=allowed)
    if benefit_area:
        if benefit_area not in BenefitArea.values:
            raise Http404(NOT_FOUND)
        qs = qs.filter(benefit_area=benefit_area)
    rows = (qs.annotate(month=TruncMonth("received_on")).values("month")
            .annotate(total=Count("id"), digital=Count("id", filter=Q(channel=Channel.DIGITAL)))
            .order_by("month"))
    months = []
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        months.append(MonthShare(month, row["total"], row["digital"]))
    by_channel = dict(qs.values_list("channel").annotate(n=Count("id")).values_list("channel", "n"))
    return ChannelStatistics(months=months, municipality=municipality, benefit_area=benefit_area,
                             by_channel=[(Channel(c).label, by_channel.get(c, 0)) for c in Channel.values])


# -- the whole-citizen overview ----------------------------------------------------------

@dataclass
class IntakeOverview:
    citizen: Citizen
    applications: list[Application]
    is_citizen: bool
    acts_on_behalf: list[Application]
    links: list[tuple[str, str]] = field(default_factory=list)


def _staff_links(user: User, citizen: Citizen, which: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    import rules
    from django.urls import reverse

    return [(reverse(name, kwargs={"citizen_id": citizen.pk}), label) for perm, name, label in which
            if rules.has_perm(perm, user, citizen)]


def overview_applications(*, user: User, citizen: Citizen, today: datetime.date) -> IntakeOverview | None:
    """The overview's applications section (not audited: the overview audits once)."""
    # Only the columns the section shows: Django's cost of building a query grows with
    # every column of every joined table (bench/RESULTS.md).
    apps = list(citizen.applications.filter(status=ApplicationStatus.SUBMITTED).select_related(
        "case", "created_by", "representation__representative").only(
        "citizen", "benefit_area", "status", "channel", "received_on", "submitted_by", "case__reference",
        "created_by__first_name", "created_by__last_name", "representation__representative__first_name",
        "representation__representative__last_name").order_by("-received_on", "-created_at")[:20])
    is_citizen = user.role == Role.CITIZEN
    links = [] if is_citizen else _staff_links(user, citizen, [
        ("intake.register_for_citizen", "intake:register", "Registrér en ansøgning"),
        ("intake.refer_citizen", "intake:refer", "Henvis borgeren til kommunen (særlige behov)"),
    ])
    return IntakeOverview(citizen=citizen, applications=apps, is_citizen=is_citizen,
                          acts_on_behalf=[a for a in apps if a.submitted_by != "citizen"], links=links)


@dataclass
class SupportOverview:
    citizen: Citizen
    assessment: object
    representations: list[Representation]
    exemption: object
    referrals: list[Referral]
    is_citizen: bool
    today: datetime.date
    links: list[tuple[str, str]] = field(default_factory=list)


def overview_support(*, user: User, citizen: Citizen, today: datetime.date) -> SupportOverview | None:
    """Special needs, powers of attorney with their scope, Digital Post exemption and
    referrals (not audited: the overview audits once). Exemptions and representations come
    from the overview's prefetch of the citizen."""
    exemption = next((e for e in citizen.digital_post_exemptions.all() if e.is_active(today)), None)
    return SupportOverview(
        citizen=citizen, assessment=current_assessment(citizen),
        representations=list(citizen.representations.all()),
        exemption=exemption,
        referrals=list(citizen.referrals.all()[:10]) if user.role != Role.CITIZEN else [],
        is_citizen=user.role == Role.CITIZEN, today=today,
        links=[] if user.role == Role.CITIZEN else _staff_links(user, citizen, [
            ("intake.assess_citizen", "intake:assess", "Ny helhedsvurdering"),
            ("intake.manage_representation", "intake:staff_representations", "Fuldmagter"),
            ("intake.register_exemption", "intake:exemption", "Registrér fritagelse for Digital Post"),
        ]))


def open_cases_for_benefit(citizen: Citizen, benefit_area: str) -> list[Case]:
    """The citizen's open cases (not closed) for ``benefit_area``: a new application for the
    same benefit is probably a duplicate. For the service's check; pages show them through
    ``duplicate_cases``, which audits the read."""
    return list(Case.objects.filter(citizen=citizen, benefit_area=benefit_area)
                .exclude(status=CaseStatus.CLOSED).order_by("-opened_on").only("pk", "reference", "status"))


def duplicate_cases(*, user: User, citizen: Citizen, benefit_area: str, channel: str) -> list:
    """The citizen's open cases for ``benefit_area``, to warn before a second application
    (``services.duplicate_problem``). The caller has already been allowed to apply for the
    citizen; the read of case numbers and status is audited."""

    found = open_cases_for_benefit(citizen, benefit_area) if benefit_area in BenefitArea.values else []
    if found:
        record_read(actor=user, citizen_uuids=[citizen.pk], what="Åbne sager om samme ydelse: sagsnummer og status",
                    purpose="Ansøgning: advarsel om en mulig dobbeltansøgning", channel=channel)
    return found



# --- Udbetaling Danmark's guidance contacts ----------------------------------------------------

GUIDANCE_ON_OVERVIEW = 5


@dataclass
class GuidanceOverview:
    contacts: list[GuidanceContact]
    total: int
    own: bool
    links: list[tuple[str, str]]


def _guidance(citizen_id) -> QuerySet[GuidanceContact]:
    return GuidanceContact.objects.filter(citizen_id=citizen_id).select_related("recorded_by", "referral")


def guidance_section(*, user: User, citizen: Citizen, today: datetime.date) -> GuidanceOverview | None:
    """The overview's section with Udbetaling Danmark's latest guidance contacts (not
    audited: the overview audits once). Shown to roles that see the citizen
    (``intake.view_guidance``) and to the citizen; UDK staff get the link to record one."""
    import rules

    own = citizen.user_id is not None and citizen.user_id == getattr(user, "pk", None)
    if not own and not rules.has_perm("intake.view_guidance", user, citizen):
        return None
    contacts = list(_guidance(citizen.pk)[:GUIDANCE_ON_OVERVIEW])
    total = len(contacts) if len(contacts) < GUIDANCE_ON_OVERVIEW else _guidance(citizen.pk).count()
    links = [] if own else _staff_links(user, citizen, [
        ("intake.record_guidance_for", "intake:guidance_new", "Registrér vejledning"),
        ("intake.view_guidance", "intake:guidance", "Al vejledning fra Udbetaling Danmark"),
    ])
    if own and not contacts:
        return None
    return GuidanceOverview(contacts, total, own, links)


def guidance_for(*, user: User, citizen_id: UUID, purpose: str, channel: str) -> tuple[Citizen, list[GuidanceContact]]:
    """Every guidance contact Udbetaling Danmark recorded with the citizen, newest first, for
    staff who see the citizen (``intake.view_guidance``): the evidence a complaint about
    missing guidance is decided on (seed 004). Audited; 404 outside the user's scope."""

    citizen = permitted_or_404(citizens_visible_to(user).filter(pk=citizen_id).exclude(user=user).first(),
                               user=user, perm="intake.view_guidance", message=NOT_FOUND)
    contacts = list(_guidance(citizen.pk))
    record_read(actor=user, citizen_uuids=[citizen.pk],
                what=f"Vejledning fra Udbetaling Danmark ({len(contacts)} kontakter)", purpose=purpose, channel=channel)
    return citizen, contacts
