import uuid

from django import forms

from helhed.casework.models import BenefitArea
from helhed.core.forms import date_field
from helhed.intake.models import GuidanceChannel, HelpKind, SubmittedBy
from helhed.registry.models import DigitalPostGround, NeedsConclusion, NeedsFactor, RepresentationScope

REQUIRED = {"required": "Udfyld feltet."}
AREA_CHOICES = [("", "Vælg ydelse"), *BenefitArea.choices]


def new_token() -> str:
    return uuid.uuid4().hex


class TokenForm(forms.Form):
    """A hidden token per rendered form: the same form sent twice creates one thing."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_token())


class BenefitAreaForm(forms.Form):
    benefit_area = forms.ChoiceField(label="Hvilken ydelse vil du søge?", choices=AREA_CHOICES,
                                     error_messages={"required": "Vælg en ydelse.",
                                                     "invalid_choice": "Vælg en ydelse."})


class StaffApplicationForm(TokenForm):
    channel = forms.ChoiceField(label="Kanal", error_messages=REQUIRED)
    received_on = date_field("Modtaget", help_text="Den dag, ansøgningen kom ind (papir: poststemplet dag).")
    submitted_by = forms.ChoiceField(label="Hvem indsendte ansøgningen?", choices=SubmittedBy.choices,
                                     initial=SubmittedBy.CITIZEN)
    representation = forms.ChoiceField(label="Repræsentantens fuldmagt", required=False,
                                       help_text="Kun når en repræsentant med fuldmagt indsendte ansøgningen.")
    help_kind = forms.ChoiceField(label="Hvilken hjælp fik borgeren?", choices=HelpKind.choices)
    help_text = forms.CharField(label="Hjælpen beskrevet", required=False, max_length=2000, widget=forms.Textarea,
                                help_text="Fx »Vi udfyldte ansøgningen sammen ved skranken; borgeren læste den "
                                          "igennem og godkendte den«.")
    call_note = forms.CharField(label="Notat fra telefonsamtalen", required=False, max_length=4000,
                                widget=forms.Textarea, help_text="Kun for ansøgninger pr. telefon.")
    attachment = forms.FileField(label="Scannet ansøgning (PDF, PNG eller JPEG, højst 10 MB)", required=False,
                                 help_text="Kun for papiransøgninger.")
    duplicate_confirmed = forms.TypedChoiceField(
        label="Borgeren har en åben sag om samme ydelse. Registrér alligevel?", required=False,
        coerce=lambda v: v == "ja", empty_value=False,
        choices=[("", "Nej"), ("ja", "Ja, det er en ny ansøgning, fx for en ny periode")])

    def __init__(self, *args, channels, representations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [(c.value, c.label) for c in channels]
        self.fields["representation"].choices = [("", "Ingen"), *[
            (str(r.pk), f"{r.representative.full_name}: {r.scope}") for r in representations]]


class GrantRepresentationForm(forms.Form):
    representative_cpr = forms.CharField(
        label="Repræsentantens CPR-nummer", max_length=20,
        help_text="Repræsentanten skal være registreret som borger. Skriv DDMMÅÅ-XXXX.",
        error_messages={"required": "Skriv repræsentantens CPR-nummer."})
    scope_kind = forms.ChoiceField(label="Hvad må repræsentanten?", choices=RepresentationScope.choices,
                                   initial=RepresentationScope.FULL)
    benefit_areas = forms.MultipleChoiceField(label="Ydelser (kun når fuldmagten gælder bestemte ydelser)",
                                              choices=BenefitArea.choices, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    valid_from = date_field("Gælder fra")
    valid_until = date_field("Gælder til", required=False, help_text="Lad feltet stå tomt, hvis fuldmagten "
                                                                       "gælder, indtil den bliver tilbagekaldt.")


class AssessmentForm(forms.Form):
    factors = forms.MultipleChoiceField(label="Forhold, der indgår i vurderingen", choices=NeedsFactor.choices,
                                        required=False, widget=forms.CheckboxSelectMultiple)
    factors_note = forms.CharField(label="Forholdene beskrevet", required=False, max_length=4000,
                                   widget=forms.Textarea)
    citizen_description = forms.CharField(
        label="Borgerens egen beskrivelse af sine evner og behov", max_length=4000, widget=forms.Textarea,
        help_text="Skal udfyldes. Borgerens egen beskrivelse skal tillægges betydelig vægt i vurderingen "
                  "(lov om Udbetaling Danmark § 3).",
        error_messages={"required": "Skriv borgerens egen beskrivelse af sine evner og behov."})
    conclusion = forms.ChoiceField(label="Konklusion", choices=[("", "Vælg"), *NeedsConclusion.choices],
                                   error_messages={"required": "Vælg en konklusion."})
    reasoning = forms.CharField(label="Begrundelse", max_length=4000, widget=forms.Textarea,
                                error_messages={"required": "Skriv en begrundelse."})
    contact_person = forms.ChoiceField(label="Kontaktperson i kommunen", required=False,
                                       help_text="Skal vælges, når borgeren har særlige behov (§ 3, stk. 3).")
    assessed_on = date_field("Vurderet")
    review_on = date_field("Revurderes senest")

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_person"].choices = [("", "Ingen"), *[
            (str(u.pk), u.get_full_name() or u.username) for u in colleagues]]


class ExemptionForm(forms.Form):
    ground = forms.ChoiceField(label="Grund til fritagelsen", choices=[("", "Vælg"), *DigitalPostGround.choices],
                               error_messages={"required": "Vælg en grund."})
    registered_on = date_field("Registreret")
    expires_on = date_field("Udløber", required=False,
                            help_text="Tomt: 1. november i det andet kalenderår efter registreringen.")
    who_came = forms.ChoiceField(label="Hvem kom og underskrev erklæringen?",
                                 choices=[("citizen", "Borgeren selv"),
                                          ("representative", "En repræsentant med fuldmagt")])
    representation = forms.ChoiceField(label="Repræsentantens fuldmagt", required=False)
    declaration = forms.FileField(label="Underskrevet erklæring (PDF, PNG eller JPEG, højst 10 MB)",
                                  error_messages={"required": "Vedhæft den underskrevne erklæring."})

    def __init__(self, *args, representations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["representation"].choices = [("", "Ingen"), *[
            (str(r.pk), f"{r.representative.full_name}: {r.scope}") for r in representations]]


class ReferralForm(TokenForm):
    reason = forms.CharField(label="Hvorfor har borgeren brug for kommunens hjælp?", max_length=4000,
                             widget=forms.Textarea, error_messages={"required": "Skriv en begrundelse."},
                             help_text="Beskriv, hvad borgeren fortalte, og hvad du oplevede i kontakten.")


class ReferralAnswerForm(forms.Form):
    outcome = forms.ChoiceField(label="Kommunens svar", choices=[
        ("accept", "Kommunen overtager kontakten (borgeren får hjælp efter § 3)"),
        ("answer", "Borgeren har ikke brug for kommunens hjælp")])
    answer = forms.CharField(label="Svar til Udbetaling Danmark", max_length=4000, widget=forms.Textarea,
                             error_messages={"required": "Skriv et svar."})


class StatisticsForm(forms.Form):
    kommune = forms.ChoiceField(label="Kommune", required=False)
    ydelse = forms.ChoiceField(label="Ydelse", required=False, choices=[("", "Alle ydelser"), *BenefitArea.choices])

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kommune"].choices = [("", "Alle kommuner"), *[(str(m.code), m.name) for m in municipalities]]


class GuidanceForm(forms.Form):
    """Udbetaling Danmark's guidance contact, quick to fill in during or right after a call."""

    channel = forms.ChoiceField(label="Kanal", choices=GuidanceChannel.choices, initial=GuidanceChannel.PHONE,
                                error_messages={"required": "Vælg, hvordan kontakten foregik.",
                                                "invalid_choice": "Vælg en kanal fra listen."})
    contacted_on = date_field("Dato for kontakten")
    benefit_area = forms.ChoiceField(label="Ydelse", choices=[("", "Ingen bestemt ydelse"), *BenefitArea.choices],
                                     required=False,
                                     error_messages={"invalid_choice": "Vælg en ydelse fra listen."})
    topic = forms.CharField(label="Emne", max_length=200, help_text="Hvad spurgte borgeren om?",
                            error_messages={"required": "Skriv, hvad borgeren spurgte om."})
    advice = forms.CharField(label="Vejledningen", max_length=4000, widget=forms.Textarea,
                             help_text="Hvad blev borgeren vejledt om? Skriv det, så en anden kan forstå det senere.",
                             error_messages={"required": "Skriv, hvad borgeren blev vejledt om."})
    refer = forms.ChoiceField(label="Henvist til kommunen?", choices=[
        ("nej", "Nej"), ("ja", "Ja, henvis borgeren til kommunen nu (mulige særlige behov)")], initial="nej")
    referral_reason = forms.CharField(
        label="Begrundelse for henvisningen", max_length=4000, widget=forms.Textarea, required=False,
        help_text="Kun ved henvisning. Tomt: emnet og vejledningen sendes som begrundelse.")
