"""The benefit vocabulary (ydelse) of the register engine, and the groups the rules use.

A benefit period names its benefit with one of these codes (``ydelse``). The codes follow
the municipal reporting format (DOMAIN.md, "Volumes for realistic data": "Municipal benefit
periods are reported per citizen as (CPR, start date, end date, benefit code, municipality
code)"); the Danish labels are the benefits' names in lov om aktiv socialpolitik, lov om
en aktiv beskæftigelsesindsats, lov om sygedagpenge, lov om arbejdsløshedsforsikring,
SU-loven and lov om social pension. DREAM codes are mapped onto this vocabulary with a
mapping file (see ``helhed.register.dream``).
"""

from __future__ import annotations

YDELSER: dict[str, str] = {
    "kontanthjaelp_aktivitetsparat": "Kontanthjælp, aktivitetsparat",
    "kontanthjaelp_jobparat": "Kontanthjælp, jobparat",
    "uddannelseshjaelp_aktivitetsparat": "Uddannelseshjælp, aktivitetsparat",
    "uddannelseshjaelp_uddannelsesparat": "Uddannelseshjælp, uddannelsesparat",
    "integrationsydelse_aktivitetsparat": "Integrationsydelse, aktivitetsparat",
    "integrationsydelse_jobparat": "Integrationsydelse, jobparat",
    "ressourceforloeb": "Ressourceforløb",
    "jobafklaringsforloeb": "Jobafklaringsforløb",
    "fleksjob": "Fleksjob",
    "ledighedsydelse": "Ledighedsydelse",
    "foertidspension": "Førtidspension",
    "sygedagpenge": "Sygedagpenge",
    "dagpenge": "Arbejdsløshedsdagpenge",
    "su": "Statens Uddannelsesstøtte (SU)",
    "folkepension": "Folkepension",
}

# What a message about an unknown benefit code tells the user to write instead.
YDELSER_ALLOWED = "Brug en af koderne: " + ", ".join(YDELSER) + "."

# "The kontanthjælp system" (DOMAIN.md glossary: kontanthjælp, uddannelseshjælp and
# integrationsydelse "together the kontanthjælp system"): every visitation category of the three.
SYSTEM: frozenset[str] = frozenset(
    y for y in YDELSER
    if y.startswith(("kontanthjaelp_", "uddannelseshjaelp_", "integrationsydelse_"))
)

# Aktivitetsparat recipients in the kontanthjælp system (seed 001: "aktivitetsparate
# kontanthjælpsmodtagere"; seed 002's target group is among them).
AKTIVITETSPARAT: frozenset[str] = frozenset(
    {"kontanthjaelp_aktivitetsparat", "uddannelseshjaelp_aktivitetsparat", "integrationsydelse_aktivitetsparat"}
)

assert AKTIVITETSPARAT <= SYSTEM
