"""The dashboard as a PDF (WeasyPrint), from the same template body as the screen page."""

from __future__ import annotations

from django.utils import timezone

from helhed.core import pdf
from helhed.core.calendar import month_bounds
from helhed.core.formats import kroner


def dashboard_pdf(dashboard, *, title: str = "Fremdrift") -> bytes:
    return pdf.render("pools/dashboard_pdf.html", {"d": dashboard, "title": title, "generated": timezone.localtime()})


def monthly_figures(*, pool, municipality_id: int, month):
    """A month's report: the dashboard as it stood at the end of the month, whatever day it is
    made (issue 17: a monthly report "computed including days after it" showed figures from
    the next month). Its months are the completed ones up to and including ``month``; the
    tranches paid or forfeited are those decided by the month's last day."""
    from helhed.pools import selectors

    return selectors.dashboard_figures(pool=pool, municipality_id=municipality_id, today=month_bounds(month)[1],
                                       as_of_day=True)
def payment_order_pdf(payout) -> bytes:
    """The payment order (udbetalingsordre) of one approved payout: who gets how much, for
    which tranche and milestone, the evidence and rule version it stands on, and the two
    officers who recommended and approved it."""
    batch = payout.batch
    return pdf.render("pools/payment_order_pdf.html", {
        "payout": payout, "batch": batch, "pool": payout.tranche.pool,
        "amount": kroner(payout.amount),
        "evidence": sorted(payout.evidence.items()), "generated": timezone.localtime()})


# Complaint guidance on a forfeiture decision (forvaltningsloven § 25: where, how and the
# deadline). The 4-week deadline and the reconsideration by the deciding authority follow
# the pattern of retssikkerhedsloven (DOMAIN.md); the route for grant decisions is our
# parameter and must be confirmed by the grant authority's legal office.
COMPLAINT_GUIDANCE = (
    "Hvis I er uenige i afgørelsen, kan I klage. Send klagen skriftligt til den myndighed, der har "
    "truffet afgørelsen, senest 4 uger efter, at I har modtaget dette brev. Skriv, hvilken pulje og "
    "hvilken rate klagen gælder, og hvorfor I er uenige. Myndigheden genvurderer afgørelsen. Hvis den "
    "ikke giver jer fuldt ud medhold, sender den klagen videre til den myndighed, der behandler klager "
    "over tilskud fra puljen, med sin begrundelse."
)


def forfeiture_letter_pdf(forfeiture) -> bytes:
    """The decision letter of an approved forfeiture: the decision, its reasons (the rule and
    the main facts, forvaltningsloven §§ 22-24), the hearing and the complaint guidance (§ 25)."""
    from helhed.pools.models import NoticeKind, TrancheNotice

    hearing = TrancheNotice.objects.filter(tranche=forfeiture.tranche, municipality_id=forfeiture.municipality_id,
                                           kind=NoticeKind.HEARING).first()
    return pdf.render("pools/forfeiture_letter_pdf.html", {
        "f": forfeiture, "batch": forfeiture.batch, "pool": forfeiture.tranche.pool, "hearing": hearing,
        "amount": kroner(forfeiture.amount), "evidence": sorted(forfeiture.evidence.items()),
        "complaint": COMPLAINT_GUIDANCE, "generated": timezone.localtime()})
