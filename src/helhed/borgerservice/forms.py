import datetime
import uuid

from django import forms
from django.utils import timezone

from helhed.borgerservice.models import (
    WEEKDAYS,
    HelpTopic,
    LegalBasis,
    Mode,
    ServicePoint,
    ServicePointKind,
)
from helhed.borgerservice.slots import COPENHAGEN
from helhed.core.formats import ugedag_dato_klokken
from helhed.core.forms import DanishIntegerField, danish_formfield, date_field


def _time(label):
    return forms.TimeField(label=label, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                           error_messages={"required": "Skriv et klokkeslæt.",
                                           "invalid": "Skriv et klokkeslæt, fx 09:30."})


class IdempotentForm(forms.Form):
    """The hidden ``idempotency_key`` is made when the form is shown; posting the same form
    twice does the thing once."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4())
        super().__init__(*args, **kwargs)


class ServicePointForm(forms.ModelForm):
    class Meta:
        model = ServicePoint
        fields = ["kind", "name", "address", "accessibility", "slot_minutes"]
        formfield_callback = danish_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ServicePointKind.choices


class ModeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    mode = forms.ChoiceField(label="Driftstilstand", choices=Mode.choices)
    reason = forms.CharField(label="Begrundelse, som borgerne ser", required=False, max_length=300,
                             help_text="Skal udfyldes ved »kun akutte« og »lukket«.")
    mode_from = date_field("Fra", required=False)
    mode_until = date_field("Til", required=False, help_text="Tom, hvis det gælder indtil videre.")


class OfferForm(forms.Form):
    service = forms.ModelChoiceField(label="Ydelse", queryset=None, empty_label=None)
    capacity = DanishIntegerField(
        what="antallet af pladser", label="Pladser pr. tid", min_value=1, max_value=20, initial=1,
        error_messages={
        "min_value": "Mindst 1 plads.", "max_value": "Højst 20 pladser."})

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services


class HoursForm(forms.Form):
    weekday = forms.TypedChoiceField(label="Ugedag", choices=WEEKDAYS, coerce=int)
    opens = _time("Åbner")
    closes = _time("Lukker")


class ClosedDayForm(forms.Form):
    date = date_field("Dato")
    reason = forms.CharField(label="Årsag", required=False, max_length=150)


def slot_choices(days) -> list[tuple[str, str]]:
    return [(s.starts_at.isoformat(), ugedag_dato_klokken(s.starts_at))
            for d in days for s in d.slots]


class SlotField(forms.ChoiceField):
    def to_python(self, value):
        return value

    def clean(self, value):
        value = super().clean(value)
        try:
            moment = datetime.datetime.fromisoformat(value)
        except (TypeError, ValueError) as error:
            raise forms.ValidationError("Vælg en tid på listen.") from error
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=COPENHAGEN)
        return moment


def _slot_field(label="Tid"):
    return SlotField(label=label, widget=forms.RadioSelect,
                     error_messages={"required": "Vælg en tid.",
                                     "invalid_choice": "Tiden er ikke længere ledig. Vælg en anden."})


class BookForm(IdempotentForm):
    starts_at = _slot_field()

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].choices = slot_choices(slots)


class PublicBookForm(BookForm):
    contact_name = forms.CharField(label="Dit navn", max_length=150,
                                   error_messages={"required": "Skriv dit navn."})
    contact_phone = forms.CharField(label="Dit telefonnummer", max_length=20,
                                    help_text="Vi sender en bekræftelse og en påmindelse på SMS.",
                                    error_messages={"required": "Skriv dit telefonnummer."})


class AcuteForm(IdempotentForm):
    acute_reason = forms.ModelChoiceField(label="Hvorfor er det akut?", queryset=None, empty_label=None,
                                          widget=forms.RadioSelect,
                                          error_messages={"required": "Vælg, hvorfor din henvendelse er akut."})
    travel_date = date_field("Rejsedato", required=False, help_text="Kun ved pas til en rejse.")
    acute_description = forms.CharField(label="Beskriv dit behov", required=False, max_length=1000,
                                        widget=forms.Textarea(attrs={"rows": 3}),
                                        help_text="Skal udfyldes ved »andet«.")

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acute_reason"].queryset = reasons


class PublicAcuteForm(AcuteForm):
    contact_name = forms.CharField(label="Dit navn", max_length=150, error_messages={"required": "Skriv dit navn."})
    contact_phone = forms.CharField(label="Dit telefonnummer", max_length=20,
                                    error_messages={"required": "Skriv dit telefonnummer."})


class StaffBookForm(BookForm):
    """Staff book by phone, for a citizen in the registry or for a name and phone number."""

    contact_name = forms.CharField(label="Navn (hvis borgeren ikke er fundet i registret)", required=False,
                                   max_length=150)
    contact_phone = forms.CharField(label="Telefonnummer", required=False, max_length=20)


class ApproveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    starts_at = _slot_field("Tid til borgeren")

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].choices = slot_choices(slots)
        self.fields["starts_at"].widget = forms.Select()


class DeclineForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Begrundelse", max_length=300,
                             error_messages={"required": "Skriv en begrundelse til borgeren."})
    advice = forms.CharField(label="Hvor kan borgeren få hjælp i stedet?", max_length=300,
                             initial="Brug borger.dk, eller ring til Borgerservice.",
                             error_messages={"required": "Skriv, hvor borgeren kan få hjælp i stedet."})


class MoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    starts_at = _slot_field("Ny tid")

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].choices = slot_choices(slots)


class HelpForm(IdempotentForm):
    topic = forms.ChoiceField(label="Hvad fik borgeren hjælp til?", choices=HelpTopic.choices)
    legal_basis = forms.ChoiceField(label="Hjemmel", choices=LegalBasis.choices,
                                    help_text="Stk. 3 gælder borgere med særlige behov, som kommunen hjælper med "
                                              "ansøgninger og kontakten til Udbetaling Danmark.")
    description = forms.CharField(label="Uddybning", required=False, max_length=1000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    given_on = date_field("Dato")


class CancelByReferenceForm(forms.Form):
    reference = forms.CharField(label="Din reference", max_length=20,
                                help_text="Du fik den, da du bestilte tiden, fx ABCD-EFGH-JKLM.",
                                error_messages={"required": "Skriv din reference."})


class FindByReferenceForm(CancelByReferenceForm):
    """Find a booked time again: the reference and the phone number given at booking, so
    that a guessed reference alone shows no one's appointment."""

    contact_phone = forms.CharField(label="Dit telefonnummer", max_length=20,
                                    help_text="Det nummer, du skrev, da du bestilte tiden.",
                                    error_messages={"required": "Skriv dit telefonnummer."})


class WalkInHelpForm(HelpForm):
    """Help given without an appointment (a walk-in at the library or on a housing facility)."""

    service_point = forms.ModelChoiceField(label="Servicested", queryset=None, empty_label=None)

    def __init__(self, *args, points, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_point"].queryset = points
        self.order_fields(["service_point"])
