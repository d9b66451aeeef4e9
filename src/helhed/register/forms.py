import datetime

from django import forms

from helhed.register.targetgroups import RULES


class ExtractUploadForm(forms.Form):
    file = forms.FileField(
        label="Registerudtræk",
        help_text="Ydelsesperioder som CSV eller Parquet med kolonnerne cpr, kommunekode, ydelse, start og slut.",
        error_messages={"required": "Vælg en fil."},
    )
    description = forms.CharField(
        label="Beskrivelse (valgfri)", max_length=200, required=False,
        help_text="Fx \"Kontanthjælpsudtræk marts 2017\".",
    )


class RunRuleForm(forms.Form):
    rule = forms.ChoiceField(
        label="Regel", choices=[(name, rule.title) for name, rule in RULES.items()],
        error_messages={"required": "Vælg en regel.", "invalid_choice": "Vælg en af reglerne."},
    )
    as_of = forms.DateField(
        label="Skæringsdato", help_text="Skriv datoen som DD.MM.ÅÅÅÅ, fx 09.04.2017.",
        input_formats=["%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d"],
        error_messages={"required": "Skriv en skæringsdato.", "invalid": "Skriv datoen som DD.MM.ÅÅÅÅ."},
    )

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if not datetime.date(1991, 1, 1) <= as_of <= datetime.date(2100, 12, 31):
            raise forms.ValidationError("Skæringsdatoen skal ligge mellem 1991 og 2100.")
        return as_of
