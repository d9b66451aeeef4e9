"""A letter to a citizen with another preferred language carries one line in that language on
how to get it explained, for the languages the municipality has set up (issue 19)."""

import datetime

from helhed.casework import services as casework
from helhed.casework.letters import MAX_LIX
from helhed.casework.models import Letter
from helhed.registry.models import ExplainLetterLine
from tests.factories import make_citizen

DAY = datetime.date(2026, 11, 2)
ARABIC = "اتصل بنا على 65 51 00 00 إذا كنت تريد أن نشرح لك الرسالة."


def _receipt(citizen):
    casework.open_case(citizen=citizen, benefit_area="kontanthjaelp", opened_on=DAY, actor=None)
    return Letter.objects.get(citizen=citizen)


def test_the_line_in_the_citizens_language_ends_the_letter(db):
    ExplainLetterLine.objects.create(municipality_id=461, language="ar", text=ARABIC)
    amira = make_citizen(municipality=461, first_name="Amira", last_name="Sprogfiktiv", preferred_language="ar")
    letter = _receipt(amira)
    assert letter.body_html.endswith(f'<p lang="ar">{ARABIC}</p>') and letter.text.endswith(ARABIC)
    assert letter.lix <= MAX_LIX


def test_no_line_without_one_set_up_or_for_a_danish_reader(db):
    ExplainLetterLine.objects.create(municipality_id=461, language="so", text="Nala soo wac.")
    danish = make_citizen(municipality=461, first_name="Karen", last_name="Danskfiktiv")
    arabic_elsewhere = make_citizen(municipality=751, first_name="Hiba", last_name="Aarhusfiktiv",
                                    preferred_language="ar", birth_date=datetime.date(1980, 1, 2))
    assert 'lang="' not in _receipt(danish).body_html
    assert 'lang="' not in _receipt(arabic_elsewhere).body_html
