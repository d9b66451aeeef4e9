"""The questions of each benefit's application form, and the form that asks them.

A few real questions per benefit area (borger.dk's application forms, shortened); the
answers are stored as text in ``Application.answers`` so the case can show them as given.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms

from helhed.casework.models import BenefitArea
from helhed.core.formats import dato
from helhed.core.forms import DanishIntegerField, date_field
from helhed.core.numbers import number_text

YES_NO = [("", "Vælg"), ("ja", "Ja"), ("nej", "Nej")]


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    kind: str  # text, yesno, number, date
    help_text: str = ""


QUESTIONS: dict[str, list[Question]] = {
    BenefitArea.FOLKEPENSION: [
        Question("starts_on", "Fra hvilken dato vil du have folkepension?", "date",
                 "Du kan tidligst få folkepension fra den dag, du når folkepensionsalderen."),
        Question("years_in_denmark", "Hvor mange år har du boet i Danmark, efter du fyldte 15?", "number",
                 "Du får fuld folkepension, hvis du har boet her i 40 år."),
        Question("cohabiting", "Er du gift eller samlevende?", "yesno"),
    ],
    BenefitArea.FOERTIDSPENSION: [
        Question("health", "Hvordan påvirker dit helbred din evne til at arbejde?", "text",
                 "Skriv med dine egne ord."),
        Question("jobcentre", "Har du været i et ressourceforløb eller i rehabiliteringsteamet?", "yesno"),
    ],
    BenefitArea.BOLIGSTOETTE: [
        Question("rent", "Hvor meget betaler du i husleje om måneden (kr.)?", "number",
                 "Skriv huslejen uden varme og el."),
        Question("persons", "Hvor mange personer bor i boligen?", "number"),
        Question("moved_in", "Hvornår flyttede du ind?", "date"),
    ],
    BenefitArea.BOERNE_UNGEYDELSE: [
        Question("children", "Hvor mange børn under 18 år bor hos dig?", "number"),
        Question("resident", "Bor du og børnene fast i Danmark?", "yesno"),
    ],
    BenefitArea.BARSELSDAGPENGE: [
        Question("due_on", "Hvornår har du termin, eller hvornår blev barnet født?", "date"),
        Question("employer", "Hvem er din arbejdsgiver?", "text",
                 "Skriv »ledig« eller »selvstændig«, hvis du ikke har en arbejdsgiver."),
    ],
    BenefitArea.KONTANTHJAELP: [
        Question("lost_income_on", "Hvornår mistede du din indtægt?", "date"),
        Question("savings", "Har du mere end 10.000 kr. på kontoen eller i opsparing?", "yesno"),
        Question("cohabiting", "Er du gift eller samlevende?", "yesno"),
    ],
}


def _field(q: Question) -> forms.Field:
    required = {"required": "Svar på spørgsmålet."}
    if q.kind == "date":
        return date_field(q.label, help_text=q.help_text)
    if q.kind == "number":
        return DanishIntegerField(label=q.label, help_text=q.help_text, min_value=0, max_value=10_000_000,
                                  error_messages={**required,
                                                  "min_value": "Tallet kan ikke være negativt.",
                                                  "max_value": "Tallet er for stort."})
    if q.kind == "yesno":
        return forms.ChoiceField(label=q.label, help_text=q.help_text, choices=YES_NO, error_messages=required)
    return forms.CharField(label=q.label, help_text=q.help_text, max_length=2000, widget=forms.Textarea,
                           error_messages=required)


def answers_form(benefit_area: str, data=None, initial=None, prefix: str | None = None) -> forms.Form:
    """A form with the questions of ``benefit_area``."""
    fields = {q.key: _field(q) for q in QUESTIONS[benefit_area]}
    form_class = type("AnswersForm", (forms.Form,), fields)
    return form_class(data=data, initial=initial, prefix=prefix)


def answers_as_text(benefit_area: str, cleaned: dict) -> dict[str, str]:
    """The cleaned answers as strings (dates as ISO), in question order."""
    out = {}
    for q in QUESTIONS[benefit_area]:
        value = cleaned.get(q.key)
        out[q.key] = value.isoformat() if hasattr(value, "isoformat") else str(value if value is not None else "")
    return out


def answer_problems(benefit_area: str, answers: dict) -> dict[str, list[str]]:
    """Errors per question for a submitted set of answers (empty when all are valid)."""
    form = answers_form(benefit_area, data={k: v for k, v in (answers or {}).items()})
    return {} if form.is_valid() else {k: list(v) for k, v in form.errors.items()}


def shown_answer(q: Question, answer: str) -> str:
    """An answer as the citizen reads it: a date as "2. marts 2026" (stored as ISO), a number
    as "4.800", yes and no capitalised."""
    if not answer:
        return "Ikke besvaret"
    if q.kind == "date":
        try:
            return dato(datetime.date.fromisoformat(answer))
        except ValueError:
            return answer
    if q.kind == "number" and answer.isdigit():
        return number_text(int(answer), places=0)
    return {"ja": "Ja", "nej": "Nej"}.get(answer, answer)


def labelled_answers(benefit_area: str, answers: dict) -> list[tuple[str, str]]:
    """(question, answer) for showing an application."""
    return [(q.label, shown_answer(q, answers.get(q.key, ""))) for q in QUESTIONS.get(benefit_area, [])]
