import uuid

from django import forms

from helhed.core.formats import kortdato
from helhed.core.forms import DanishDecimalField, DanishIntegerField, date_field
from helhed.register.vocabulary import YDELSER
from helhed.review.measures import BACKDATE_DAYS
from helhed.review.models import (
    ALLOWED_TRANSITIONS,
    CloseReason,
    Denominator,
    EffortKind,
    Exemption,
    RegisterImport,
    RehabOutcome,
    Status,
    Track,
)

TEXT = forms.Textarea(attrs={"rows": 3})
BACKDATE_LABEL = f"Begrundelse, hvis datoen ligger mere end {BACKDATE_DAYS} dage tilbage"
BACKDATE_HELP = "Oplysningen tæller først, når en kollega har godkendt den."


def _blank(label, choices):
    return [("", label), *choices]


class ProgrammeForm(forms.Form):
    result = forms.ChoiceField(label="Målgrupperesultat", error_messages={"required": "Vælg et målgrupperesultat."})
    name = forms.CharField(label="Programmets navn", max_length=150,
                           error_messages={"required": "Giv programmet et navn."})
    started_on = date_field("Startdato")
    review_days = DanishIntegerField(
        what="antallet af dage", label="Frist for gennemgang (dage efter start)", min_value=1, max_value=730,
        initial=90, error_messages={"required": "Skriv fristen i dage."})
    denominator = forms.ChoiceField(label="Nævner i den månedlige andel", choices=Denominator.choices,
                                    help_text="Hvem der tæller som modtager i måneden, når andelen i virksomhedsrettet "
                                              "indsats måles (mindst 40 % i tre måneder i træk). Borgere i "
                                              "bruttomålgruppen, som registeret viser uden en af disse ydelser "
                                              "hele måneden, tæller ikke med. Mangler registeret, tæller "
                                              "borgeren med.")

    def __init__(self, *args, results=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [
            (str(r.pk), f"{r.rule_name} pr. {kortdato(r.as_of)}: {n} borgere i kommunen") for r, n in results
        ]


class CaseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    exemption = forms.ChoiceField(label="Nuværende fritagelse", required=False,
                                  choices=_blank("Ikke angivet", Exemption.choices))
    exemption_grounds = forms.CharField(label="Grundlag for fritagelsen", required=False, widget=TEXT,
                                        max_length=4000)
    health_information = forms.CharField(label="Helbredsoplysninger", required=False, widget=TEXT, max_length=4000)
    medical_assessment = forms.CharField(label="Socialoverlægens vurdering", required=False, widget=TEXT,
                                         max_length=4000, help_text="Kræves, når borgeren er fritaget af "
                                         "helbredsmæssige grunde.")
    skaanehensyn = forms.CharField(label="Skånehensyn", required=False, widget=TEXT, max_length=4000)
    citizen_view = forms.CharField(label="Borgerens egen vurdering", required=False, widget=TEXT, max_length=4000,
                                   help_text="Borgerens egen beskrivelse af sine evner og behov vejer tungt.")
    track = forms.ChoiceField(label="Visitation", required=False, choices=_blank("Ikke besluttet", Track.choices))
    effort_kind = forms.ChoiceField(label="Indsats", required=False, choices=_blank("Ingen", EffortKind.choices),
                                    help_text="Ved virksomhedsrettet eller anden aktiv indsats.")
    rehab_outcome = forms.ChoiceField(label="Rehabiliteringsteamets indstilling", required=False,
                                      choices=_blank("Ingen", RehabOutcome.choices),
                                      help_text="Kun ved visitation til rehabiliteringsteamet.")
    visitation_note = forms.CharField(label="Begrundelse for visitationen", required=False, widget=TEXT,
                                      max_length=4000)


class StatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    to = forms.ChoiceField(label="Ny status", error_messages={"required": "Vælg den nye status."})
    on = date_field("Dato")
    close_reason = forms.ChoiceField(label="Årsag (kun ved lukning)", required=False,
                                     choices=_blank("Ikke lukket", CloseReason.choices))
    close_note = forms.CharField(label="Bemærkning (kun ved lukning)", required=False, max_length=300)
    reason = forms.CharField(label=BACKDATE_LABEL, required=False, max_length=500, help_text=BACKDATE_HELP)

    def __init__(self, *args, status, **kwargs):
        super().__init__(*args, **kwargs)
        # Every status is offered, so that an illegal choice gets the state machine's message.
        allowed = ALLOWED_TRANSITIONS[status]
        self.fields["to"].choices = [(s.value, s.label) for s in Status if s in allowed] + [
            (s.value, s.label) for s in Status if s not in allowed and s != status]


class EffortForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="Type", choices=EffortKind.choices)
    starts_on = date_field("Startdato")
    ends_on = date_field("Slutdato", required=False, help_text="Tom, hvis indsatsen løber endnu.")
    hours_per_week = DanishDecimalField(
        what="timetallet", label="Timer pr. uge", required=False, max_digits=4, decimal_places=1)
    employer = forms.CharField(label="Arbejdsgiver eller sted", required=False, max_length=150,
                               help_text="Skal udfyldes ved praktik, løntilskud og ordinære timer.")
    reason = forms.CharField(label=BACKDATE_LABEL, required=False, max_length=500, help_text=BACKDATE_HELP)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4())
        super().__init__(*args, **kwargs)


class BenefitForm(forms.Form):
    ydelse = forms.ChoiceField(label="Ydelse", choices=sorted(YDELSER.items(), key=lambda kv: kv[1]))
    starts_on = date_field("Første dag")
    ends_on = date_field("Sidste dag", required=False, help_text="Tom, hvis borgeren stadig får ydelsen.")
    reason = forms.CharField(label="Begrundelse for rettelsen", max_length=500, widget=TEXT,
                             help_text="Hvad viser perioden, fx en afgørelse med dato. En kollega skal godkende "
                                       "rettelsen, før den tæller.",
                             error_messages={"required": "Skriv en begrundelse for rettelsen."})


class AssignForm(forms.Form):
    caseworker = forms.ChoiceField(label="Sagsbehandler")

    def __init__(self, *args, caseworkers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].choices = [(str(u.pk), u.get_full_name() or u.username) for u in caseworkers]


class BulkAssignForm(forms.Form):
    caseworkers = forms.MultipleChoiceField(label="Fordel sagerne uden sagsbehandler mellem",
                                            widget=forms.CheckboxSelectMultiple,
                                            error_messages={"required": "Vælg mindst én sagsbehandler."})

    def __init__(self, *args, caseworkers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworkers"].choices = [(str(u.pk), u.get_full_name() or u.username) for u in caseworkers]


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV-fil med indsatser",
                           help_text="Kolonnerne cpr, type, start, slut, timer, arbejdsgiver (UTF-8).",
                           error_messages={"required": "Vælg en fil.", "empty": "Filen er tom."})


class DecisionForm(forms.Form):
    decision_reason = forms.CharField(label="Begrundelse", max_length=500, widget=TEXT,
                                      error_messages={"required": "Skriv en begrundelse for godkendelsen eller "
                                                                  "afvisningen."})
    # Set by the button pressed ("Godkend" or "Afvis"); not rendered as a field.
    decision = forms.ChoiceField(choices=[("approve", "Godkend"), ("reject", "Afvis")],
                                 error_messages={"required": "Vælg godkend eller afvis."})


class RegisterImportForm(forms.Form):
    file = forms.FileField(label="Registerudtræk",
                           help_text="CSV (UTF-8) eller Parquet med kolonnerne cpr, kommunekode, ydelse, start, slut "
                                     "– eller et DREAM-udtræk.",
                           error_messages={"required": "Vælg en fil.", "empty": "Filen er tom."})
    extract_on = date_field("Udtrækkets dato", help_text="Den dag, udtrækket viser ydelserne til og med.")
    kind = forms.ChoiceField(label="Format", choices=RegisterImport.Kind.choices, initial=RegisterImport.Kind.PERIODS)
    codes = forms.FileField(label="Kodeoversættelse (kun DREAM)", required=False,
                            help_text="CSV med kolonnerne code,ydelse.")
