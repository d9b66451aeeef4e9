from django import forms

from helhed.core.forms import date_field
from helhed.fasttrack.models import ConsentKind, Organisation, OrganisationKind

SCOPE_CHOICES = [
    ("case-status questions", "Se status på sager hos Udbetaling Danmark og spørge Udbetaling Danmark om dem"),
    ("case-status", "Kun se status på sager hos Udbetaling Danmark"),
    ("questions", "Kun spørge Udbetaling Danmark om sager og forhold dér"),
]


class ConsentForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.filter(kind=OrganisationKind.USER_ORGANISATION),
        empty_label=None, error_messages={"required": "Vælg en organisation.",
                                          "invalid_choice": "Vælg en organisation fra listen."})
    kind = forms.ChoiceField(
        label="Type", choices=ConsentKind.choices,
        help_text="Fuldmagt: organisationen må handle for borgeren. Samtykke: den må se oplysningerne.")
    scopes = forms.ChoiceField(label="Omfang", choices=SCOPE_CHOICES)
    valid_from = date_field("Gyldig fra")
    valid_until = date_field(
        "Gyldig til", help_text="Et samtykke gælder højst til den dato, borgeren har skrevet under på.")

    def clean(self):
        data = super().clean()
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            self.add_error("valid_until", "Slutdatoen skal ligge efter startdatoen.")
        return data


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Svar til organisationen", widget=forms.Textarea, max_length=5000,
        help_text="Skriv kort og i et enkelt sprog. Svaret kan læses af organisationen via API'et.",
        error_messages={"required": "Skriv et svar."})


class LookupForm(forms.Form):
    cpr = forms.CharField(
        label="Borgerens CPR-nummer", max_length=20,
        help_text="Skriv DDMMÅÅ-XXXX. Opslaget bliver logget hos borgeren.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        error_messages={"required": "Skriv borgerens CPR-nummer."})


NO_CASE = "ingen"


class KvikQuestionForm(forms.Form):
    """A question to Udbetaling Danmark about one of the citizen's Udbetaling Danmark cases,
    or about a matter there without a case."""

    case = forms.ChoiceField(label="Hvad drejer spørgsmålet sig om?",
                             error_messages={"required": "Vælg en sag eller «Andet hos Udbetaling Danmark».",
                                             "invalid_choice": "Vælg en sag fra listen."})
    subject = forms.CharField(label="Emne", max_length=200, error_messages={"required": "Skriv et emne."})
    body = forms.CharField(label="Spørgsmål", widget=forms.Textarea, max_length=5000,
                           help_text="Udbetaling Danmark svarer inden for 3 arbejdsdage.",
                           error_messages={"required": "Skriv dit spørgsmål."})

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = {str(c.pk): c for c in cases}
        self.fields["case"].choices = [
            *[(str(c.pk), f"Sag {c.reference}: {c.get_benefit_area_display()}") for c in cases],
            (NO_CASE, "Andet hos Udbetaling Danmark (ingen bestemt sag)")]

    def chosen_case(self):
        return self.cases.get(self.cleaned_data["case"])


class GiveConsentForm(forms.Form):
    """A citizen gives a user organisation consent in self-service."""

    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.filter(kind=OrganisationKind.USER_ORGANISATION),
        empty_label="Vælg en organisation",
        error_messages={"required": "Vælg en organisation.", "invalid_choice": "Vælg en organisation fra listen."})
    scopes = forms.ChoiceField(label="Hvad må organisationen?", choices=[
        ("case-status questions", "Se status på mine sager hos Udbetaling Danmark og spørge Udbetaling Danmark "
                                  "om dem"),
        ("case-status", "Kun se status på mine sager hos Udbetaling Danmark"),
        ("questions", "Kun spørge Udbetaling Danmark om mine sager og forhold dér"),
    ], initial="case-status questions",
        error_messages={"required": "Vælg, hvad organisationen må."})
    valid_until = date_field("Gælder til og med", help_text="Højst 2 år. Du kan tilbagekalde samtykket når som helst.")
