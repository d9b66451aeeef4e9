"""Letters a citizen can act on (issue 18): every letter names its sender and how to reach
them, every decision and money letter carries full complaint guidance and the rule it rests
on, the wording fits the sender and the benefit, a citizen with special needs is told who
their contact person is, and every letter is a tagged PDF in one font with LIX at most 40."""

import io

import pypdf
import pytest

from helhed.casework import letterfacts, letters, outbox
from helhed.casework.models import BenefitArea, CaseStatus, LetterKind
from helhed.core.roles import Role
from helhed.registry.models import NeedsConclusion, SpecialNeedsAssessment
from tests.casework.conftest import NOW, TODAY, case_in
from tests.factories import UserFactory

DECISIONS_AND_MONEY = [LetterKind.GRANTED, LetterKind.REFUSED, LetterKind.EFTERREGULERING, LetterKind.REPAYMENT,
                       LetterKind.BACK_PAYMENT]


def _compose(kind, **overrides):
    return letters.compose(kind, letters.DEMO_CONTEXT[kind] | {"name": "Karen Holm"} | overrides)


def _context_for(kind, benefit_area):
    return letterfacts.letter_context(letters.demo_case(benefit_area)) | {
        k: v for k, v in letters.DEMO_CONTEXT[kind].items() if k not in letterfacts.letter_context(
            letters.DEMO_CASES[kind])}


def _pdf(kind):
    composed = _compose(kind)
    return letters.render_pdf(subject=composed.subject, body_html=composed.body_html,
                              recipient={"name": "Karen Holm", "address_line": "Grøndalsvej 12", "postcode": "8260",
                                         "city": "Viby J"}, written_on=TODAY, reference="2026-ABCD2345",
                              sender=letters.DEMO_CONTEXT[kind]["sender"].header)


@pytest.mark.parametrize("kind", LetterKind.values)
def test_every_letter_is_a_tagged_pdf_in_one_font(kind):
    reader = pypdf.PdfReader(io.BytesIO(_pdf(kind)))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in root and root["/Lang"] == "da"
    families = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            base = str(font.get_object()["/BaseFont"]).split("+")[-1]
            families.add(base.removesuffix("-Bold"))
    assert families == {"DejaVu-Sans"}


@pytest.mark.parametrize("area", BenefitArea.values)
@pytest.mark.parametrize("kind", LetterKind.values)
def test_every_letter_names_its_sender_and_measures_lix_40_at_most(kind, area):
    composed = letters.compose(kind, _context_for(kind, area) | {"name": "Karen Holm"})
    sender = letterfacts.sender_for(letters.demo_case(area))
    text = composed.text
    assert sender.name in text and all(line in text for line in sender.address_lines)
    assert f"Ring på {sender.phone}, {sender.phone_hours}" in text
    assert "Digital Post på borger.dk" in text
    assert composed.lix <= letters.MAX_LIX, f"{kind}/{area}: LIX {composed.lix}"


@pytest.mark.parametrize("area", BenefitArea.values)
@pytest.mark.parametrize("kind", DECISIONS_AND_MONEY)
def test_decision_and_money_letters_carry_full_complaint_guidance_and_the_rule(kind, area):
    text = letters.compose(kind, _context_for(kind, area)).text
    sender = letterfacts.sender_for(letters.demo_case(area))
    assert f"Klagen skal sendes til {sender.name}, ikke til Ankestyrelsen" in text  # where
    assert "Digital Post på borger.dk eller med posten til" in text  # how
    assert "senest 4 uger efter den dag, du fik dette brev" in text  # by when
    assert "inden for 4 uger" in text and "sender vi klagen til Ankestyrelsen" in text  # reconsideration
    assert f"efter reglerne i {letterfacts.benefit_facts(area).law}" in text  # reasons cite the rule


@pytest.mark.parametrize("kind", LetterKind.values)
def test_udbetaling_danmark_never_invites_the_citizen_to_come_by(kind):
    text = letters.compose(kind, _context_for(kind, BenefitArea.BOLIGSTOETTE)).text
    assert "komme forbi" not in text
    assert "Man kan ikke møde op hos Udbetaling Danmark" in text


def test_a_municipality_with_a_counter_may_be_visited():
    text = letters.compose(LetterKind.HEARING, _context_for(LetterKind.HEARING, BenefitArea.KONTANTHJAELP)).text
    assert "skrive eller ringe til os eller komme forbi" in text and "Borgerservice, Dokk1" in text


@pytest.mark.parametrize("kind", [LetterKind.GRANTED, LetterKind.BACK_PAYMENT])
def test_tax_free_benefits_are_never_before_tax(kind):
    free = letters.compose(kind, _context_for(kind, BenefitArea.BOLIGSTOETTE)).text
    taxed = letters.compose(kind, _context_for(kind, BenefitArea.FOLKEPENSION)).text
    assert "før skat" not in free and "Du skal ikke betale skat af pengene" in free
    assert "før skat" in taxed


def test_a_positive_efterregulering_of_a_tax_free_benefit_is_not_before_tax():
    context = _context_for(LetterKind.EFTERREGULERING, BenefitArea.BOLIGSTOETTE) | {"difference": 500}
    assert "før skat" not in letters.compose(LetterKind.EFTERREGULERING, context).text


def test_every_benefit_area_has_its_facts_and_a_udk_phone_line():
    assert set(letterfacts.BENEFITS) == set(BenefitArea.values) == set(letterfacts.UDK_PHONES)


def test_a_municipality_without_configured_details_promises_nothing_it_cannot_keep():
    class Elsewhere:
        code = 999

        def __str__(self):
            return "Andeby Kommune"

    sender = letterfacts.municipal_sender(Elsewhere())
    assert sender.name == "Andeby Kommune" and not sender.phone and sender.counter == "Borgerservice i Andeby Kommune"


def test_a_citizen_with_special_needs_is_told_who_the_contact_person_is(karen, worker):
    contact = UserFactory(role=Role.CASEWORKER, municipalities=[751], first_name="Sofie", last_name="Dahl",
                          email="sofie.dahl@example.org")
    SpecialNeedsAssessment.objects.create(
        citizen=karen, municipality_id=751, factors=["psychiatric"], citizen_description="Breve er svære.",
        conclusion=NeedsConclusion.SPECIAL_NEEDS, reasoning="Samlet vurdering.", contact_person=contact,
        assessed_on=TODAY, review_on=TODAY.replace(year=2027), assessed_by=worker)
    case = case_in(CaseStatus.DECIDED, citizen=karen, actor=worker, benefit_area=BenefitArea.BOLIGSTOETTE,
                   decision="refused")
    refused = case.letters.get(kind=LetterKind.REFUSED)
    assert "Din kontaktperson i kommunen" in refused.text
    assert "Aarhus Kommune: Sofie Dahl" in refused.text
    assert "Ring på 89 40 20 00" in refused.text and "sofie.dahl@example.org" in refused.text
    assert refused.lix <= letters.MAX_LIX
    outbox.deliver(now=NOW)
    refused.refresh_from_db()
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(bytes(refused.pdf))).pages)
    assert "Udbetaling Danmark, Kongens Vænge 8, 3400 Hillerød" in text and "Sofie Dahl" in text


def test_a_letter_without_a_contact_person_names_none(karen, worker):
    case = case_in(CaseStatus.RECEIVED, citizen=karen, actor=worker)
    assert "kontaktperson" not in case.letters.get().text
