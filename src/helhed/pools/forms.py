"""Forms of the grant pools. Every field is shown with ``includes/field.html``; the business
rules are checked by the services, whose errors come back onto the form."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from django import forms

from helhed.core.formats import kortdato
from helhed.core.forms import DanishDecimalField, DanishIntegerField, date_field
from helhed.pools.models import BUDGET_ONLY_ROLES, AllocationKey, MilestoneKind, OpenTo, StaffRole
from helhed.pools.services import TrancheSpec

MAX_TRANCHES = 4


def money_field(label: str, required: bool = True, help_text: str = "") -> DanishDecimalField:
    """Danish amounts as people write them: 262.500.000, 1 250 000, 450000,50."""
    return DanishDecimalField(label=label, required=required, help_text=help_text, max_digits=14, what="beløbet",
                              decimal_places=2, min_value=Decimal(0),
                              error_messages={"required": "Skriv et beløb.",
                                              "min_value": "Beløbet må ikke være negativt.",
                                              "max_decimal_places": "Højst 2 decimaler (øre)."})


def number_field(label: str, *, required: bool = False, places: int = 2, help_text: str = "") -> DanishDecimalField:
    return DanishDecimalField(label=label, required=required, help_text=help_text, max_digits=7,
                              decimal_places=places, min_value=Decimal(0),
                              error_messages={
                                              "min_value": "Tallet må ikke være negativt.",
                                              "required": "Skriv et tal."})


class PoolForm(forms.Form):
    name = forms.CharField(label="Puljens navn", max_length=150)
    legal_basis = forms.CharField(label="Bevillingsgrundlag", max_length=200,
                                  help_text="Fx finanslovskonto eller aktstykke.")
    total = money_field("Puljens beløb (kr.)")
    unit = DanishIntegerField(what="enheden", label="Fordelingsenhed (kr.)", min_value=1, initial=1,
                              help_text="Tilskud gives i hele multipla af enheden, fx 1 eller 1000.")
    period_start = date_field("Periodens start")
    period_end = date_field("Periodens slut")
    opens_on = date_field("Ansøgning åbner")
    deadline = date_field("Ansøgningsfrist", help_text="Ansøgninger modtages til og med denne dag kl. 23.59.")
    target_result = forms.ChoiceField(label="Målgruppe (registerresultat)",
                                      help_text="Målgruppereglen og skæringsdatoen følger med resultatet.")
    tranches_in_order = forms.TypedChoiceField(
        label="Raternes rækkefølge", required=False, empty_value=True, coerce=lambda v: v == "ja", initial="ja",
        choices=[("ja", "I rækkefølge: en senere rate udbetales først, når de tidligere er nået"),
                 ("nej", "Hver rate for sig")],
        help_text="Vores læsning af seed 002 (\"30 pct. ved start, 40 pct. når ..., og 30 pct. når ...\") er "
                  "rækkefølge.")

    open_to = forms.ChoiceField(label="Åben for", choices=OpenTo.choices, initial=OpenTo.ALL, required=False)
    eligible_codes = forms.CharField(
        label="Udvalgte kommuner", required=False, max_length=2000,
        help_text="Kommunekoder adskilt af komma, fx 360, 665. Kun når puljen er åben for udvalgte kommuner.")
    allocation_key = forms.ChoiceField(label="Fordelingsnøgle", choices=AllocationKey.choices,
                                       initial=AllocationKey.COUNT, required=False,
                                       help_text="Fastsatte beløb skrives ved fordelingen og skal give præcis "
                                                 "puljens beløb.")

    notice_days = DanishIntegerField(label="Varsel (dage før en rates seneste dato)", required=False, min_value=0,
                                     initial=30, help_text="Tom: 30 dage.")
    hearing_business_days = DanishIntegerField(label="Svarfrist ved partshøring (arbejdsdage)", required=False,
                                               min_value=1, initial=10, help_text="Tom: 10 arbejdsdage.")

    def __init__(self, *args, results=(), follow_up: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if follow_up:
            self.fields["open_to"].initial = OpenTo.SHORT
        self.fields["target_result"].choices = [("", "Vælg et resultat")] + [
            (str(r.pk), f"{r.rule_name} pr. {kortdato(r.as_of)} ({r.total} personer)") for r in results]
        if follow_up:
            del self.fields["unit"]
            self.fields["target_result"].required = False
            self.fields["target_result"].help_text = "Tom: samme målgruppe som den oprindelige pulje."


    def clean_eligible_codes(self) -> list[int]:
        text = self.cleaned_data.get("eligible_codes") or ""
        parts = [p.strip() for p in re.split(r"[,;\s]+", text) if p.strip()]
        if not all(p.isdigit() for p in parts):
            raise forms.ValidationError("Skriv kommunekoder (tal) adskilt af komma.")
        return [int(p) for p in parts]

    def clean(self):
        d = super().clean()
        d["open_to"] = d.get("open_to") or self.fields["open_to"].initial
        d["allocation_key"] = d.get("allocation_key") or AllocationKey.COUNT
        if d.get("open_to") == OpenTo.LIST and not d.get("eligible_codes") and "eligible_codes" not in self.errors:
            self.add_error("eligible_codes", "Skriv mindst én kommunekode.")
        return d


class TrancheForm(forms.Form):
    percent = number_field("Procent af tilskuddet")
    kind = forms.ChoiceField(label="Milepæl", choices=[("", "Ingen rate")] + MilestoneKind.choices, required=False)
    threshold = number_field("Mindst andel i virksomhedsrettet indsats (%)",
                             help_text="Kun for milepælen om virksomhedsrettet indsats.")
    months = DanishIntegerField(label="Sammenhængende måneder", required=False, min_value=1,
                                help_text="Kun for milepælen om virksomhedsrettet indsats.")
    latest_on = date_field("Seneste dato", required=False)

    def spec(self) -> TrancheSpec | None:
        d = self.cleaned_data
        if not d.get("kind") and not d.get("percent"):
            return None
        return TrancheSpec(percent=d.get("percent") or Decimal(0), kind=d.get("kind") or MilestoneKind.AT_START,
                           latest_on=d.get("latest_on"), threshold=d.get("threshold"), months=d.get("months"))

    def clean(self):
        d = super().clean()
        if d.get("kind") and not d.get("latest_on"):
            self.add_error("latest_on", "Skriv den seneste dato for raten.")
        if d.get("kind") and not d.get("percent"):
            self.add_error("percent", "Skriv raten i procent.")
        return d


def tranche_forms(data=None, initial: list[dict] | None = None) -> list[TrancheForm]:
    initial = initial or []
    return [TrancheForm(data, prefix=f"rate{n}", initial=initial[n - 1] if n <= len(initial) else None)
            for n in range(1, MAX_TRANCHES + 1)]


class ApplicationForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    contact = forms.CharField(label="Kontaktperson", max_length=150)
    description = forms.CharField(label="Kort beskrivelse af indsatsen", required=False, widget=forms.Textarea,
                                  max_length=4000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for role in StaffRole:
            if role not in BUDGET_ONLY_ROLES:
                self.fields[f"fte_{role.value}"] = number_field(f"{role.label}: årsværk")
            self.fields[f"cost_{role.value}"] = DanishDecimalField(
                label=f"{role.label}: udgift (kr.)", required=False, max_digits=14, decimal_places=2, what="beløbet",
                min_value=Decimal(0),
                error_messages={"min_value": "Beløbet må ikke være negativt."})

    def staffing(self) -> list[tuple[str, Decimal, Decimal]]:
        d = self.cleaned_data
        return [(role.value, d.get(f"fte_{role.value}") or Decimal(0), d.get(f"cost_{role.value}") or Decimal(0))
                for role in StaffRole]

    def staffing_fields(self):
        return [(role.label, None if role in BUDGET_ONLY_ROLES else self[f"fte_{role.value}"],
                 self[f"cost_{role.value}"]) for role in StaffRole]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Afgørelse", choices=[("", "Vælg"), ("approve", "Godkend"),
                                                             ("reject", "Afvis")],
                                 error_messages={"required": "Vælg godkend eller afvis."})
    reason = forms.CharField(label="Begrundelse", required=False, widget=forms.Textarea, max_length=4000,
                             help_text="Skal udfyldes ved afslag.")


class EvaluationExtractForm(forms.Form):
    """Name a register extract as evidence for the evaluation's outcomes."""

    extract = forms.ChoiceField(label="Registerudtræk", error_messages={"required": "Vælg et udtræk."})
    data_as_of = date_field("Data opgjort pr.", help_text="Den sidste dag, udtrækkets data dækker. Den kan ikke "
                                                          "ligge efter den dag, udtrækket blev indlæst.")

    def __init__(self, *args, extracts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["extract"].choices = [("", "Vælg et udtræk")] + [
            (str(e.pk), f"{e} (indlæst {kortdato(e.uploaded_at)}, {e.periods} perioder)") for e in extracts]


class AmbassadorForm(forms.Form):
    municipality = forms.TypedChoiceField(label="Kommune", coerce=int, error_messages={"required": "Vælg kommunen."})
    name = forms.CharField(label="Navn", max_length=150)
    title = forms.CharField(label="Stilling", max_length=150, help_text="Fx jobkonsulent eller virksomhedskonsulent.")
    email = forms.EmailField(label="E-mail", error_messages={"invalid": "Skriv en gyldig e-mailadresse."})
    phone = forms.CharField(label="Telefon", max_length=30, required=False)
    results = forms.CharField(label="Gode resultater", widget=forms.Textarea, max_length=4000,
                              help_text="Hvad har virket, fx småjob til udsatte borgere?")

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [("", "Vælg kommune")] + [(m.code, m.name) for m in municipalities]


class WithdrawAmbassadorForm(forms.Form):
    reason = forms.CharField(label="Begrundelse", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "Skriv en begrundelse."})
class BatchDecisionForm(forms.Form):
    """The second officer's decision on an evaluation's proposal."""

    decision = forms.ChoiceField(label="Afgørelse", choices=[("", "Vælg"), ("approve", "Godkend udbetalingerne"),
                                                             ("reject", "Afvis forslaget")],
                                 error_messages={"required": "Vælg godkend eller afvis."})
    reason = forms.CharField(label="Begrundelse", widget=forms.Textarea, max_length=4000,
                             help_text="Skriv, hvad du har kontrolleret, eller hvorfor du afviser.",
                             error_messages={"required": "Skriv en begrundelse for afgørelsen."})


class LateTrancheForm(forms.Form):
    """The officer's choice for a tranche whose latest date passed before the allocation."""

    choice = forms.ChoiceField(label="Valg", choices=[("", "Vælg"), ("move", "Flyt den seneste dato"),
                                                      ("forfeit", "Lad raten bortfalde for alle")],
                               error_messages={"required": "Vælg at flytte fristen eller lade raten bortfalde."})
    new_latest_on = date_field("Ny seneste dato", required=False, help_text="Kun når fristen flyttes.")
    reason = forms.CharField(label="Begrundelse", widget=forms.Textarea, max_length=4000,
                             error_messages={"required": "Skriv en begrundelse for valget."})

    def __init__(self, *args, tranche, **kwargs):
        super().__init__(*args, prefix=f"rate{tranche.number}", **kwargs)
        self.tranche = tranche

    def clean(self):
        d = super().clean()
        if d.get("choice") == "move" and not d.get("new_latest_on"):
            self.add_error("new_latest_on", "Skriv den nye seneste dato.")
        return d


class SetAmountsForm(forms.Form):
    """Amounts set by the officer, one per approved applicant (allocation key "set")."""

    def __init__(self, *args, applicants, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name in applicants:
            self.fields[f"amount_{code}"] = money_field(f"{name} (kr.)")

    def amounts(self) -> dict[int, Decimal]:
        return {int(name.removeprefix("amount_")): value for name, value in self.cleaned_data.items()}


class HearingAnswerForm(forms.Form):
    answer = forms.CharField(label="Kommunens svar", widget=forms.Textarea, max_length=4000,
                             help_text="Skriv de oplysninger, I mener, vi skal kende, før vi træffer afgørelse.",
                             error_messages={"required": "Skriv kommunens svar."})
