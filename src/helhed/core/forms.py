from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import models

from helhed.core.numbers import DanishNumberError, number_text, parse_number


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Forkert brugernavn eller adgangskode. Bemærk store og små bogstaver.",
        "inactive": "Denne bruger er spærret.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Brugernavn"
        self.fields["password"].label = "Adgangskode"


def date_field(label: str, required: bool = True, help_text: str = "") -> forms.DateField:
    """A date field with the browser's date picker (ISO value) and Danish messages."""
    return forms.DateField(
        label=label, required=required, help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Skriv en dato.", "invalid": "Skriv en gyldig dato."},
    )


class PeriodForm(forms.Form):
    """A period of days for a report or statistics page, read from the address (``?fra=&til=``)."""

    fra = date_field("Fra")
    til = date_field("Til")

    def clean(self):
        data = super().clean()
        if data.get("fra") and data.get("til") and data["til"] < data["fra"]:
            self.add_error("til", "Slutdatoen ligger før startdatoen.")
        return data


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its fields where it names them,
    otherwise above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class DanishDecimalField(forms.DecimalField):
    """An amount or a measure typed the Danish way ("1.250,50", "4.800", "1250"), parsed by
    ``helhed.core.numbers.parse_number``. A text box with the numeric keyboard on phones
    (``type=number`` refuses "4.800"). Negatives only with ``allow_negative=True``."""

    widget = forms.TextInput

    def __init__(self, *, allow_negative: bool = False, what: str = "tallet", **kwargs):
        self.allow_negative = allow_negative
        self.what = what
        kwargs.setdefault("decimal_places", 2)
        kwargs.pop("localize", None)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int):
            return Decimal(value)
        try:
            return parse_number(str(value), places=self.decimal_places if self.decimal_places is not None else 2,
                                allow_negative=self.allow_negative, what=self.what)
        except DanishNumberError as error:
            raise ValidationError(str(error), code="invalid") from None

    def prepare_value(self, value):
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return number_text(value, places=self.decimal_places if self.decimal_places is not None else 2)
        return value

    def widget_attrs(self, widget):
        return {"inputmode": "decimal", "autocomplete": "off"}


class DanishIntegerField(forms.IntegerField):
    """A count or a whole amount typed the Danish way ("4.800", "4800"); refuses "1e3", "1,5"."""

    widget = forms.TextInput

    def __init__(self, *, allow_negative: bool = False, what: str = "tallet", **kwargs):
        self.allow_negative = allow_negative
        self.what = what
        kwargs.pop("localize", None)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(parse_number(str(value), places=0, allow_negative=self.allow_negative, what=self.what))
        except DanishNumberError as error:
            raise ValidationError(str(error), code="invalid") from None

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return number_text(value, places=0)
        return value

    def widget_attrs(self, widget):
        return {"inputmode": "numeric", "autocomplete": "off"}


def danish_formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """``formfield_callback`` for model forms: numbers typed the Danish way."""
    if isinstance(db_field, models.DecimalField):
        return db_field.formfield(form_class=DanishDecimalField, **kwargs)
    if isinstance(db_field, models.IntegerField) and not db_field.choices:
        return db_field.formfield(form_class=DanishIntegerField, **kwargs)
    return db_field.formfield(**kwargs)
