import uuid

from django import forms

from helhed.cashaccess.models import (
    Acknowledgement,
    ArrangementStatus,
    Benefit,
    CardIncapacity,
    ExpectedHandout,
    Handout,
    HandoutKind,
    PayoutRoute,
    Schedule,
    Solution,
    SolutionType,
)
from helhed.core.formats import kortdato, kroner
from helhed.core.forms import DanishDecimalField, danish_formfield, date_field


class SolutionForm(forms.ModelForm):
    starts_on = date_field("Startdato")
    ends_on = date_field("Slutdato", required=False, help_text="Tom, hvis løsningen løber indtil videre.")
    contract_starts_on = date_field("Kontrakt fra", required=False, help_text="Kun for krav i bankudbuddet.")
    contract_ends_on = date_field("Kontrakt til", required=False, help_text="Kun for krav i bankudbuddet.")

    class Meta:
        model = Solution
        fields = ["kind", "name", "provider", "description", "locations", "capacity", "starts_on", "ends_on",
                  "requirement_text", "bank", "contract_starts_on", "contract_ends_on", "card_kept_by",
                  "handout_place"]
        formfield_callback = danish_formfield
        help_texts = {
            "requirement_text": "Kun for krav i bankudbuddet: kravet, som det står i udbuddet.",
            "bank": "Kun for krav i bankudbuddet.",
            "card_kept_by": "Kun for håndtering af betalingskort.",
            "handout_place": "Kun for håndtering af betalingskort.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = SolutionType.choices


class ArrangementForm(forms.Form):
    solution = forms.ModelChoiceField(label="Løsning", queryset=Solution.objects.none(),
                                      empty_label=None,
                                      error_messages={"required": "Vælg en af kommunens løsninger."})
    incapacity = forms.ChoiceField(label="Hvorfor kan borgeren ikke bruge betalings- eller hævekort?",
                                   choices=CardIncapacity.choices)
    incapacity_note = forms.CharField(label="Uddybning", required=False, max_length=1000,
                                      widget=forms.Textarea(attrs={"rows": 3}))
    benefit = forms.ChoiceField(label="Ydelse", choices=Benefit.choices)
    payout_route = forms.ChoiceField(label="Ydelsen udbetales som", choices=PayoutRoute.choices,
                                     help_text="En borger uden NemKonto skal have ydelsen på anden måde, "
                                               "fx kontant. Den må ikke holdes tilbage.")
    schedule = forms.ChoiceField(label="Hvor ofte", choices=Schedule.choices)
    handed_out_by = forms.CharField(label="Hvem udleverer kontanter eller kort", max_length=150,
                                    error_messages={"required": "Skriv, hvem der udleverer."})
    starts_on = date_field("Startdato")
    ends_on = date_field("Slutdato", required=False, help_text="Tom, hvis ordningen løber indtil videre.")

    def __init__(self, *args, solutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["solution"].queryset = solutions


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Ny status", choices=ArrangementStatus.choices)
    on = date_field("Dato")
    reason = forms.CharField(label="Begrundelse", max_length=300,
                             error_messages={"required": "Skriv en begrundelse."})
    following_payout_route = forms.ChoiceField(
        label="Ydelsen udbetales herefter som", required=False,
        choices=[("", "Vælg (kræves ved bero og afslutning)"), *PayoutRoute.choices],
    )


class HandoutForm(forms.Form):
    """The hidden ``idempotency_key`` is made when the form is shown; posting the same form
    twice logs one hand-out."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    handed_out_on = date_field("Udleveret den")
    kind = forms.ChoiceField(label="Hvad blev udleveret", choices=HandoutKind.choices)
    amount = DanishDecimalField(what="beløbet", label="Beløb i kroner", required=False, max_digits=9, decimal_places=2,
                                min_value=0, help_text="Ved kontanter.")
    card = forms.CharField(label="Kort", required=False, max_length=100,
                           help_text="Ved kort: kortets type og sidste fire cifre.")
    acknowledgement = forms.ChoiceField(label="Borgerens kvittering", choices=Acknowledgement.choices)
    expected = forms.ModelChoiceField(label="Bekræfter udbetalingen", required=False,
                                      queryset=ExpectedHandout.objects.none(), empty_label="Ingen bestemt udbetaling",
                                      help_text="Vælg den kontante udbetaling, som borgeren henter nu.")

    def __init__(self, *args, expected=(), **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        ids = [e.pk for e in expected]
        if ids:
            self.fields["expected"].queryset = ExpectedHandout.objects.filter(pk__in=ids).select_related("payment")
            self.fields["expected"].label_from_instance = (
                lambda e: f"{kroner(e.amount)} udbetalt {kortdato(e.payment.paid_on)}")
        else:
            del self.fields["expected"]


class ReversalForm(forms.Form):
    """Correct a mistake in the hand-out log with an appended reversal."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    handout = forms.ModelChoiceField(label="Udlevering, der er registreret forkert", queryset=Handout.objects.none(),
                                     empty_label="Vælg",
                                     error_messages={"required": "Vælg den udlevering, der skal tilbageføres."})
    reason = forms.CharField(label="Begrundelse", max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "Skriv, hvorfor udleveringen tilbageføres."})

    def __init__(self, *args, handouts=(), **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["handout"].queryset = Handout.objects.filter(pk__in=[h.pk for h in handouts])
        self.fields["handout"].label_from_instance = lambda h: (
            f"{kortdato(h.handed_out_on)}: "
            + (kroner(h.amount) if h.amount is not None else h.card))


class ReconcileForm(forms.Form):
    month = forms.DateField(label="Måned", input_formats=["%Y-%m"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                            error_messages={"required": "Vælg en måned.", "invalid": "Skriv måneden som ÅÅÅÅ-MM."})


