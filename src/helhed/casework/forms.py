from decimal import Decimal

from django import forms

from helhed.casework.models import BenefitArea, CaseStatus, ComplaintOutcome, RespondedBy, ResponseChannel, TaskKind
from helhed.casework.policy import HEARING_ANSWER_DAYS, HEARING_NOT_REQUIRED_GROUNDS
from helhed.core.forms import DanishDecimalField, DanishIntegerField, date_field

_MONEY_ERRORS = {"required": "Skriv et beløb.",
                 "max_decimal_places": "Skriv højst to decimaler (øre).",
                 "max_digits": "Beløbet er for stort."}


def money_field(label: str, help_text: str = "", allow_negative: bool = False) -> DanishDecimalField:
    return DanishDecimalField(label=label, help_text=help_text, max_digits=10, decimal_places=2, what="beløbet",
                              allow_negative=allow_negative, min_value=None if allow_negative else Decimal("0.01"),
                              error_messages=_MONEY_ERRORS | {"min_value": "Beløbet skal være større end 0 kr."})


def _text(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, widget=forms.Textarea, max_length=4000,
                           error_messages={"required": "Skriv en tekst."})


def _plausible(day):
    if day is not None and not 2000 <= day.year <= 2100:
        raise forms.ValidationError("Skriv en dato mellem år 2000 og 2100.")
    return day


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        for name in ("on", "starts_on", "due_on"):
            if data.get(name) is not None:
                try:
                    _plausible(data[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return data


class ProcessingForm(VersionForm):
    on = date_field("Dato")


class HearingForm(VersionForm):
    on = date_field("Brevet sendes")
    facts = _text("Oplysninger, borgeren høres om", "Skriv kort og i et enkelt sprog. Teksten kommer med i brevet.")
    days = DanishIntegerField(
        what="antallet af dage", label="Svarfrist i dage", min_value=1, max_value=90, initial=HEARING_ANSWER_DAYS,
        help_text="Falder fristen på en weekend eller helligdag, flyttes den til næste "
        "hverdag.",
        error_messages={"required": "Skriv et antal dage.",
        "min_value": "Fristen skal være mindst 1 dag.",
        "max_value": "Fristen kan højst være 90 dage."})


def _responder_fields():
    return (
        forms.ChoiceField(label="Hvem svarer?", choices=RespondedBy.choices, initial=RespondedBy.STAFF,
                          help_text="Vælg »Medarbejder«, når du registrerer et svar, borgeren har givet dig, fx "
                                    "som kontaktperson."),
        forms.ChoiceField(label="Hvordan kom svaret?", choices=ResponseChannel.choices,
                          initial=ResponseChannel.LETTER),
    )


class HearingAnswerForm(VersionForm):
    on = date_field("Svaret er modtaget")
    answer = _text("Borgerens svar")
    responded_by, channel = _responder_fields()


class WaiveForm(VersionForm):
    on = date_field("Afkaldet er modtaget")
    responded_by, channel = _responder_fields()


class ExtendHearingForm(VersionForm):
    on = date_field("Anmodningen er modtaget")
    deadline = date_field("Ny svarfrist", help_text="Falder fristen på en weekend eller helligdag, flyttes den til "
                                                    "næste hverdag.")
    reason = forms.CharField(label="Hvorfor forlænges fristen?", max_length=500, widget=forms.Textarea,
                             error_messages={"required": "Skriv, hvorfor fristen forlænges."})


_GROUNDS = [("", "Der er sendt partshøring")] + list(HEARING_NOT_REQUIRED_GROUNDS.items())


def _no_hearing_fields():
    return (
        forms.ChoiceField(label="Partshøring", required=False, choices=_GROUNDS,
                          help_text="Uden partshøring skal du vælge en grund og skrive en begrundelse "
                                    "(forvaltningsloven § 19, stk. 2)."),
        forms.CharField(label="Begrundelse for ingen partshøring", required=False, max_length=500,
                        widget=forms.Textarea),
    )


class GrantForm(VersionForm):
    on = date_field("Afgørelsesdato")
    monthly_amount = money_field("Månedligt beløb (kr.)")
    starts_on = date_field("Ydelsen begynder")


class RefuseForm(VersionForm):
    on = date_field("Afgørelsesdato")
    reasons = _text("Begrundelse", "Skriv kort og i et enkelt sprog. Teksten kommer med i brevet.")
    no_hearing_ground, no_hearing_reason = _no_hearing_fields()


class CloseForm(VersionForm):
    on = date_field("Dato")


class EfterreguleringForm(VersionForm):
    on = date_field("Dato")
    year = DanishIntegerField(
        what="året", label="År", min_value=2000, max_value=2100,
        error_messages={"required": "Skriv et år.",
        "min_value": "Skriv et år efter 1999.",
        "max_value": "Skriv et år før 2101."})
    difference = money_field("Forskel (kr.)", "Positivt: borgeren har fået for lidt. Negativt: for meget.",
                             allow_negative=True)


class RepaymentForm(VersionForm):
    on = date_field("Dato")
    amount = money_field("Beløb (kr.)")
    reason = _text("Hvorfor skal borgeren betale tilbage?", "Teksten kommer med i brevet.")
    due_on = date_field("Betalingsfrist")
    no_hearing_ground, no_hearing_reason = _no_hearing_fields()


ACTIONS = {
    "behandling": ProcessingForm,
    "partshoering": HearingForm,
    "svar": HearingAnswerForm,
    "afkald": WaiveForm,
    "forlaeng": ExtendHearingForm,
    "bevilg": GrantForm,
    "afslag": RefuseForm,
    "efterregulering": EfterreguleringForm,
    "tilbagebetaling": RepaymentForm,
    "afslut": CloseForm,
}

# Which actions the case page offers in each status (the state machine decides in the end).
ACTIONS_BY_STATUS = {
    CaseStatus.RECEIVED: ["behandling"],
    CaseStatus.PROCESSING: ["partshoering", "bevilg", "afslag"],
    CaseStatus.HEARING: ["svar", "afkald", "forlaeng", "behandling", "bevilg", "afslag"],
    CaseStatus.DECIDED: ["partshoering", "svar", "afkald", "forlaeng", "efterregulering", "tilbagebetaling", "afslut"],
    CaseStatus.COMPLAINT: [],
    CaseStatus.CLOSED: [],
}

ACTION_TITLES = {
    "behandling": "Begynd behandlingen",
    "partshoering": "Send partshøring",
    "svar": "Registrér svar på partshøringen",
    "afkald": "Registrér, at borgeren ikke vil udtale sig",
    "forlaeng": "Forlæng svarfristen",
    "bevilg": "Bevilg",
    "afslag": "Giv afslag",
    "efterregulering": "Efterregulering",
    "tilbagebetaling": "Krav om tilbagebetaling",
    "afslut": "Afslut sagen",
}


class ComplaintForm(forms.Form):
    received_on = date_field("Klagen er modtaget")
    text = _text("Hvad klager borgeren over?")


class CitizenHearingForm(forms.Form):
    response = forms.ChoiceField(label="Dit svar",
                                 choices=[("", "Vælg"), ("answered", "Jeg vil gerne sige noget"),
                                          ("waived", "Jeg har ikke noget at tilføje")],
                                 error_messages={"required": "Vælg, om du vil sige noget."})
    answer = forms.CharField(label="Det vil jeg sige", required=False, widget=forms.Textarea, max_length=4000)

    def clean(self):
        data = super().clean()
        if data.get("response") == "answered" and not (data.get("answer") or "").strip():
            self.add_error("answer", "Skriv, hvad du vil sige.")
        return data


class CitizenComplaintForm(forms.Form):
    text = _text("Hvad er du uenig i?", "Skriv med dine egne ord. Du kan også ringe eller komme forbi.")
    key = forms.UUIDField(widget=forms.HiddenInput)


class ForwardForm(forms.Form):
    on = date_field("Sendt til Ankestyrelsen")
    reasons = _text("Hvorfor fastholdes afgørelsen?", "Begrundelsen sendes til Ankestyrelsen og til borgeren.")


class LateComplaintForm(forms.Form):
    on = date_field("Dato")
    accept = forms.TypedChoiceField(label="Skal klagen behandles?", coerce=lambda v: v == "ja",
                                    choices=[("", "Vælg"), ("ja", "Ja, klagen behandles alligevel"),
                                             ("nej", "Nej, klagen afvises, fordi den kom for sent")],
                                    error_messages={"required": "Vælg, om klagen skal behandles."})
    reason = _text("Begrundelse", "Fx at borgeren var syg, eller at afgørelsen ikke nåede frem.")


class ChangeDecisionForm(forms.Form):
    on = date_field("Ny afgørelse dato")
    monthly_amount = money_field("Månedligt beløb (kr.)")
    starts_on = date_field("Ydelsen begynder")
    reasons = _text("Hvorfor ændres afgørelsen?", "Teksten kommer med i brevet.")


class OutcomeForm(forms.Form):
    on = date_field("Ankestyrelsens afgørelse er dateret")
    outcome = forms.ChoiceField(label="Afgørelse", choices=[("", "Vælg")] + ComplaintOutcome.choices,
                                error_messages={"required": "Vælg Ankestyrelsens afgørelse."})
    note = forms.CharField(label="Bemærkning", required=False, widget=forms.Textarea, max_length=2000)


class CorrectionForm(forms.Form):
    should_have_received_from = date_field("Borgeren skulle have fået ydelsen fra")
    until = date_field("Ydelsen er udbetalt fra", help_text="Efterbetalingen dækker perioden op til denne dato.")
    monthly_rate = money_field("Månedlig sats (kr.)")
    on = date_field("Udbetalingsdato")

    def clean(self):
        data = super().clean()
        for name in ("should_have_received_from", "until", "on"):
            try:
                _plausible(data.get(name))
            except forms.ValidationError as error:
                self.add_error(name, error)
                data.pop(name, None)
        start, until = data.get("should_have_received_from"), data.get("until")
        if start and until and start >= until:
            self.add_error("should_have_received_from", "Datoen skal ligge før den dato, ydelsen er udbetalt fra.")
        return data


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Alle")] + CaseStatus.choices)
    benefit_area = forms.ChoiceField(label="Ydelse", required=False, choices=[("", "Alle")] + BenefitArea.choices)
    mine = forms.ChoiceField(label="Sagsbehandler", required=False, choices=[("", "Alle"), ("1", "Mine sager")])


class TaskFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("open", "Åbne"), ("done", "Løste"), ("", "Alle")])
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Alle")] + TaskKind.choices)
    mine = forms.ChoiceField(label="Tildelt", required=False, choices=[("", "Alle"), ("1", "Mine opgaver")])


class NoteForm(forms.Form):
    text = forms.CharField(label="Notat", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Højst 500 tegn. Notatet kan ses af alle, der kan se sagen.")


class QuestionForm(forms.Form):
    subject = forms.CharField(label="Emne", max_length=200)
    body = forms.CharField(label="Spørgsmål", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
