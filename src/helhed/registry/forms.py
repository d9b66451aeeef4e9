from django import forms


class CitizenSearchForm(forms.Form):
    q = forms.CharField(
        label="CPR-nummer eller navn",
        max_length=100,
        help_text="Skriv CPR-nummeret (DDMMÅÅ-XXXX) eller en del af navnet.",
        error_messages={"required": "Skriv et CPR-nummer eller et navn."},
    )
