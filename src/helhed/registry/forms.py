from django import forms

from helhed.core.forms import date_field
from helhed.registry.models import AccountOpenedAt


class CitizenSearchForm(forms.Form):
    q = forms.CharField(
        label="CPR-nummer eller navn",
        max_length=100,
        help_text="Skriv CPR-nummeret (DDMMÅÅ-XXXX) eller en del af navnet.",
        error_messages={"required": "Skriv et CPR-nummer eller et navn."},
    )


class AccountOpenedForm(forms.Form):
    opened_at = forms.ChoiceField(label="Hvor har borgeren åbnet kontoen?",
                                  choices=[("", "Vælg"), *AccountOpenedAt.choices],
                                  error_messages={"required": "Vælg, hvor kontoen er åbnet.",
                                                  "invalid_choice": "Vælg, hvor kontoen er åbnet."})
    opened_on = date_field("Kontoen er åbnet den")
