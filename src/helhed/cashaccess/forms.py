import uuid

from django import forms

from helhed.cashaccess.models import (
    Acknowledgement,
    ArrangementStatus,
    Benefit,
    CardIncapacity,
    HandoutKind,
    PayoutRoute,
    Schedule,
    Solution,
    SolutionType,
)
from helhed.core.forms import date_field


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
    amount = forms.DecimalField(label="Beløb i kroner", required=False, max_digits=9, decimal_places=2,
                                min_value=0, help_text="Ved kontanter.",
                                error_messages={"invalid": "Skriv et beløb, fx 1500,00."})
    card = forms.CharField(label="Kort", required=False, max_length=100,
                           help_text="Ved kort: kortets type og sidste fire cifre.")
    acknowledgement = forms.ChoiceField(label="Borgerens kvittering", choices=Acknowledgement.choices)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
        self.fields["amount"].localize = True
        self.fields["amount"].widget.is_localized = True


class PeriodForm(forms.Form):
    fra = date_field("Fra")
    til = date_field("Til")

    def clean(self):
        data = super().clean()
        if data.get("fra") and data.get("til") and data["til"] < data["fra"]:
            self.add_error("til", "Slutdatoen ligger før startdatoen.")
        return data
