"""Money and dates as Danes read them: the filters on every page, the functions behind them,
a letter and its PDF, and the page-text rules the browser suite applies to every page."""

import datetime
import io
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from pypdf import PdfReader

from helhed.casework import letters
from helhed.casework.models import LetterKind
from helhed.core import formats
from helhed.core.calendar import COPENHAGEN
from tests.e2e.conftest import text_problems

DAY = datetime.date(2026, 12, 2)
# 12.45 UTC is 13.45 in Copenhagen in December (winter time).
MOMENT = datetime.datetime(2026, 12, 2, 12, 45, tzinfo=datetime.UTC)


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(("source", "shown"), [
    ("{{ x|kr }}", "1.250,50 kr."),
    ("{{ whole|kr }}", "4.800 kr."),
    ("{{ big|kr }}", "83.522.727 kr."),
    ("{{ none|kr }}", "–"),
    ("{{ n|tal }} personer", "12.345 personer"),
    ("{{ fte|tal }}", "2,50"),
    ("{{ d|dato }}", "2. december 2026"),
    ("{{ d|kortdato }}", "02.12.2026"),
    ("{{ t|klokken }}", "13.45"),
    ("{{ t|dato_klokken }}", "2. december 2026 kl. 13.45"),
    ("{{ d|ugedag_dato }}", "onsdag 2. december 2026"),
    ("{{ t|ugedag_dato_klokken }}", "onsdag 2. december 2026 kl. 13.45"),
    ("{{ d|maaned }}", "december 2026"),
    ("{{ none|dato }}{{ none|kortdato }}{{ none|klokken }}", ""),
    ("{{ d }}", "2. december 2026"),
    ('{{ t|date:"SHORT_DATETIME_FORMAT" }}', "02.12.2026 13.45"),
])
def test_the_filters_on_every_page(source, shown):
    assert render(source, x=Decimal("1250.50"), whole=Decimal("4800.00"), big=Decimal("83522727.00"), none=None,
                  d=DAY, t=MOMENT, n=12345, fte=Decimal("2.50")) == shown


def test_the_functions_speak_danish_outside_a_request_too():
    """A letter or a timeline entry is written by a worker, where no request chose the language."""
    with translation.override("en"):
        assert formats.dato(DAY) == "2. december 2026"
        assert formats.kortdato(DAY) == "02.12.2026"
        assert formats.klokken(MOMENT) == "13.45"
        assert formats.klokken(datetime.time(9, 5)) == "09.05"
        assert formats.ugedag_dato(DAY) == "onsdag 2. december 2026"


def test_every_month_comes_from_the_danish_locale():
    names = [formats.dato(datetime.date(2026, m, 1)).split()[1] for m in range(1, 13)]
    assert names == ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
                     "oktober", "november", "december"]
    summer = datetime.datetime(2026, 7, 1, 11, 30, tzinfo=datetime.UTC)
    assert formats.klokken(summer) == "13.30"
    assert formats.dato_klokken(summer.astimezone(COPENHAGEN)) == "1. juli 2026 kl. 13.30"


def test_a_letter_and_its_pdf_show_danish_money_and_a_long_date():
    context = letters.DEMO_CONTEXT[LetterKind.GRANTED] | {"monthly_amount": Decimal("1250.50"), "starts_on": DAY}
    composed = letters.compose(LetterKind.GRANTED, context)
    assert "1.250,50 kr." in composed.text and "2. december 2026" in composed.text
    pdf = letters.render_pdf(subject=composed.subject, body_html=composed.body_html,
                             recipient={"name": "Karen Holm", "address_line": "Grøndalsvej 12", "postcode": "8260",
                                        "city": "Viby J"}, written_on=datetime.date(2026, 11, 24),
                             reference="2026-ABCDEFGH", sender="Udbetaling Danmark")
    text = " ".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "1.250,50 kr." in text and "2. december 2026" in text and "24. november 2026" in text
    assert not text_problems(text)


@pytest.mark.parametrize(("text", "rule"), [
    ("Frist 2. Dec 2026", "month"),
    ("Løst 3. Okt 2026", "month"),
    ("Oprettet 2. December 2026", "month"),
    ("Monday", "weekday"),
    ("Startdato 2026-03-01", "ISO date"),
    ("I alt 1250.50 kr.", "decimal point"),
    ("Puljen 12100.00", "decimal point"),
    ("Rest 83.522.727.00 kr.", "decimal point"),
    ("Du får 2650,00 kr.", "thousands point"),
    ("Kontaktperson: None", "None"),
])
def test_the_page_text_rules_catch_what_the_issue_saw(text, rule):
    found = text_problems(text)
    assert len(found) >= 1 and rule in " ".join(found), found


@pytest.mark.parametrize("text", [
    "Du får 1.250,50 kr. om måneden fra 2. december 2026.", "Frist 02.12.2026 kl. 13.45", "4.800 kr.",
    "onsdag 2. december 2026 kl. 10.15", "950 kr.", "0,50 kr.", "december 2026", "Sag 2026-ABCDEFGH",
    "Nonesuch", "Kl. 9.30–15.00", "2. maj 2026",
])
def test_the_page_text_rules_let_danish_through(text):
    assert text_problems(text) == []


def test_a_stored_figure_is_shown_the_danish_way():
    from helhed.core.formats import figure

    assert [figure(v) for v in ("2011-09-01", 12345, None, True, "kontanthjælp", 2.5)] == [
        "01.09.2011", "12.345", "", "ja", "kontanthjælp", "2,5"]
