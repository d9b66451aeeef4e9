from django import forms

from helhed.core.forms import date_field
from helhed.fasttrack.models import ConsentKind, Organisation, OrganisationKind

SCOPE_CHOICES = [
    ("case-status questions", "Se status på sager og stille spørgsmål om dem"),
    ("case-status", "Kun se status på sager"),
    ("questions", "Kun stille spørgsmål om sager"),
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
