"""The evaluation's outcomes at 6, 12 and 24 months, measured on a register extract dated at or
after each point, on a generated pair of extracts whose answer is known by construction."""

import csv
import datetime
import hashlib
import io
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from helhed.core.calendar import COPENHAGEN
from helhed.core.cpr import cpr_blind_index
from helhed.pools import export, outcomes
from helhed.pools.models import OutcomeMeasurement
from tests.factories import fictional_cpr
from tests.pools.conftest import make_pool

D = datetime.date
AS_OF = D(2024, 12, 31)
POINTS = {6: D(2025, 6, 30), 12: D(2025, 12, 31), 24: D(2026, 12, 31)}
LATER = D(2027, 1, 31)  # the later extract's data run to this day
TODAY = D(2027, 3, 1)
KH = "kontanthjaelp_aktivitetsparat"

# A person's state in each stretch between points: the periods it writes, and what it means.
STATES = {
    "kh": ([KH], outcomes.KONTANTHJAELP),
    "jobparat": (["kontanthjaelp_jobparat"], outcomes.KONTANTHJAELP),
    "rf": (["ressourceforloeb", KH], outcomes.RESSOURCEFORLOEB),
    "fleks": (["fleksjob"], outcomes.FLEKSJOB),
    "ledig": (["ledighedsydelse"], outcomes.FLEKSJOB),
    "fp": (["foertidspension"], outcomes.FOERTIDSPENSION),
    "none": ([], outcomes.JOB_UDDANNELSE),
    "su": (["su"], outcomes.JOB_UDDANNELSE),
    "syg": (["sygedagpenge"], outcomes.ANDEN_YDELSE),
    "moved": ([KH], outcomes.FLYTTET),  # kontanthjælp in another municipality
}


def generated(n=80, seed=17):
    """``n`` members with random lives after the reference date; each member's expected
    category at each point follows from the story, not from the code under test."""
    rng = random.Random(seed)
    people = []
    bounds = [AS_OF, POINTS[6], POINTS[12], POINTS[24], LATER]
    for i in range(n):
        cpr = fictional_cpr(D(1960, 1, 2) + datetime.timedelta(days=37 * i)).replace("-", "")
        home = rng.choice([751, 101])
        other = 101 if home == 751 else 751
        absent = rng.random() < 0.1
        ceased_stretch = rng.randrange(4) if rng.random() < 0.1 else None
        states = [rng.choice(list(STATES)) for _ in range(4)]
        later, expected = [(cpr, home, KH, "2015-01-01", AS_OF.isoformat(), "")], {}
        ceased = None
        last_with_benefit = None
        for s, state in enumerate(states):
            first, last = bounds[s] + datetime.timedelta(days=1), bounds[s + 1]
            if ceased_stretch == s:
                ceased = first + datetime.timedelta(days=10)
                break
            ydelser, meaning = STATES[state]
            for y in ydelser:
                later.append((cpr, other if state == "moved" else home, y, first.isoformat(), last.isoformat(), ""))
            if ydelser:
                last_with_benefit = state
            if s < 3:
                if not ydelser and last_with_benefit == "moved":
                    meaning = outcomes.FLYTTET  # left benefits after moving: the last municipality is another
                expected[[6, 12, 24][s]] = meaning
        for m in (6, 12, 24):
            if ceased is not None and ceased <= POINTS[m]:
                expected[m] = outcomes.DOED_UDVANDRET
            if absent:
                expected[m] = outcomes.UKENDT
        if ceased is not None:
            later = [(*r[:5], ceased.isoformat()) for r in later]
        people.append({"cpr": cpr, "home": home, "absent": absent, "later": later, "expected": expected})
    return people


def _extract(officer, rows, *, with_ceased, uploaded):
    from helhed.register.models import RegisterExtract

    header = "cpr,kommunekode,ydelse,start,slut" + (",ophoer" if with_ceased else "")
    lines = [",".join(map(str, r if with_ceased else r[:5])) for r in rows]
    content = (header + "\n" + "".join(line + "\n" for line in lines)).encode()
    e = RegisterExtract(original_name="p.csv", sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                        periods=len(rows), uploaded_by=officer,
                        uploaded_at=datetime.datetime.combine(uploaded, datetime.time(12), tzinfo=COPENHAGEN))
    e.file.save("p.csv", ContentFile(content), save=False)
    e.save()
    return e


@pytest.fixture
def pair(officer, settings, tmp_path):
    from helhed.register.models import TargetGroupMember, TargetGroupResult

    settings.MEDIA_ROOT = tmp_path
    people = generated()
    reference = _extract(officer, [(p["cpr"], p["home"], KH, "2015-01-01", "", "") for p in people],
                         with_ceased=False, uploaded=D(2025, 1, 5))
    later = _extract(officer, [r for p in people if not p["absent"] for r in p["later"]], with_ceased=True,
                     uploaded=D(2027, 2, 10))
    result = TargetGroupResult.objects.create(
        extract=reference, rule_name="flere-skal-med-2017", rule_version="1", parameters={}, input_sha256="0" * 64,
        as_of=AS_OF, counts={}, total=len(people), periods_read=len(people), seconds=0.0, created_by=officer)
    TargetGroupMember.objects.bulk_create([
        TargetGroupMember(result=result, cpr_index=cpr_blind_index(p["cpr"]), municipality_id=p["home"], figures={})
        for p in people])
    pool = make_pool(officer, result, total=Decimal(1000000))
    return pool, people, reference, later


def test_each_point_is_measured_on_the_later_extract_with_the_known_answer(pair, officer):
    pool, people, _, later = pair
    outcomes.register_extract(pool=pool, extract=later, data_as_of=LATER, actor=officer, today=TODAY)
    measured = outcomes.measure(pool=pool, today=TODAY)
    assert [(p.months, p.on, p.extract_id, p.extract_data_as_of, p.extract_sha256) for p in measured.points] == [
        (m, POINTS[m], str(later.pk), LATER, later.sha256) for m in (6, 12, 24)]
    for p in people:
        got = {m: measured.category(cpr_blind_index(p["cpr"]), m) for m in (6, 12, 24)}
        assert got == p["expected"], p["later"]
    every = {c for p in people for c in p["expected"].values()}
    assert every >= {outcomes.UKENDT, outcomes.FLYTTET, outcomes.DOED_UDVANDRET, outcomes.KONTANTHJAELP,
                     outcomes.JOB_UDDANNELSE}  # the generated stories reach the categories that matter


def test_the_reference_extract_alone_measures_nothing_and_absence_is_never_success(pair, officer):
    """Before: every point was read from the extract at the reference date, and a member with
    no benefit there (or missing) counted as job/education."""
    pool, people, reference, _ = pair
    data = export.evaluation_rows(pool=pool, today=TODAY)
    col = data.columns.index
    assert {r[col(f"status_{m}_mdr")] for r in data.rows for m in (6, 12, 24)} == {outcomes.IKKE_MAALT}
    assert all(p.reason == "intet registerudtræk dateret på eller efter tidspunktet" for p in data.points)
    with pytest.raises(ValidationError):  # it cannot be named as evidence for a point after its data
        outcomes.register_extract(pool=pool, extract=reference, data_as_of=POINTS[6], actor=officer, today=TODAY)


def test_an_extract_covers_only_the_points_up_to_its_date_and_none_in_the_future(pair, officer):
    pool, people, _, later = pair
    outcomes.register_extract(pool=pool, extract=later, data_as_of=D(2026, 1, 15), actor=officer, today=TODAY)
    measured = outcomes.measure(pool=pool, today=D(2026, 2, 1))
    assert [p.measured for p in measured.points] == [True, True, False]
    assert measured.points[2].reason == "tidspunktet er ikke nået"
    with pytest.raises(ValidationError):
        outcomes.register_extract(pool=pool, extract=later, data_as_of=D(2027, 2, 11), actor=officer,
                                  today=D(2027, 2, 11))  # after the upload day


def test_the_export_stores_which_extract_each_point_used(pair, officer, tmp_path):
    pool, people, _, later = pair
    outcomes.register_extract(pool=pool, extract=later, data_as_of=LATER, actor=officer, today=TODAY)
    out, points = tmp_path / "e.csv", tmp_path / "punkter.csv"
    call_command("pool", "export", "--pool", str(pool.pk), "--out", str(out), "--points", str(points),
                 "--today", TODAY.isoformat(), stdout=io.StringIO())
    rows = list(csv.DictReader(points.open(encoding="utf-8")))
    assert [(r["maaneder"], r["udtraek_id"], r["udtraek_sha256"]) for r in rows] == [
        (str(m), str(later.pk), later.sha256) for m in (6, 12, 24)]
    stored = OutcomeMeasurement.objects.filter(pool=pool).order_by("months")
    assert [(m.months, m.extract_id, m.extract_data_as_of, m.extract_sha256) for m in stored] == [
        (m, later.pk, LATER, later.sha256) for m in (6, 12, 24)]
    unknown = sum(1 for p in people if p["expected"][12] == outcomes.UKENDT)
    assert stored[1].counts[outcomes.UKENDT] == unknown and sum(stored[1].counts.values()) == len(people)


@pytest.mark.parametrize(("kwargs", "category"), [
    ({"in_extract": False}, outcomes.UKENDT),
    ({"ceased_on": D(2025, 1, 1), "ydelser": frozenset({KH})}, outcomes.DOED_UDVANDRET),
    ({"ceased_on": D(2025, 9, 1)}, outcomes.JOB_UDDANNELSE),
    ({"municipality_on_day": 101, "ydelser": frozenset({"foertidspension"})}, outcomes.FLYTTET),
    ({"ydelser": frozenset({"ressourceforloeb", KH})}, outcomes.RESSOURCEFORLOEB),
    ({"ydelser": frozenset({"foertidspension", "fleksjob"})}, outcomes.FOERTIDSPENSION),
    ({"ydelser": frozenset({"su"})}, outcomes.JOB_UDDANNELSE),
    ({"ydelser": frozenset({"dagpenge"})}, outcomes.ANDEN_YDELSE),
])
def test_outcome_category(kwargs, category):
    args = {"in_extract": True, "ceased_on": None, "municipality_on_day": 751, "home": 751,
            "ydelser": frozenset(), "day": D(2025, 6, 30)} | kwargs
    assert outcomes.outcome_category(**args) == category


def test_the_evaluation_page_names_an_extract_and_shows_the_outcomes(client, pair, officer, aarhus_manager,
                                                                     time_machine):
    time_machine.move_to(datetime.datetime(2027, 3, 1, 12, tzinfo=COPENHAGEN))
    pool, people, _, later = pair
    client.force_login(officer)
    url = reverse("pools:evaluation", args=[pool.pk])
    page = client.get(url).content.decode()
    assert page.count("Ikke målt endnu") == 3
    refused = client.post(url, {"extract": str(later.pk), "data_as_of": "2027-02-20"}).content.decode()
    assert "kan ikke indeholde data fra efter den dag" in refused
    client.post(url, {"extract": str(later.pk), "data_as_of": LATER.isoformat()})
    page = client.get(url).content.decode()
    assert "Ikke målt endnu" not in page and page.count("Udtræk med data pr.") == 3
    assert later.sha256[:12] not in page  # which extract: its data date here, its SHA-256 in the API
    expected_unknown = sum(1 for p in people if p["expected"][24] == outcomes.UKENDT)
    api = client.get(f"/api/v1/pools/{pool.pk}/outcomes").json()
    assert [p["extract_sha256"] for p in api] == [later.sha256] * 3
    shown = api[2]["counts"][outcomes.UKENDT]
    assert shown is None if expected_unknown < 5 else shown == expected_unknown
    assert client.get(reverse("pools:export", args=[pool.pk, "maalepunkter"])).status_code == 200
    assert OutcomeMeasurement.objects.filter(pool=pool, extract=later).count() == 3
    client.force_login(aarhus_manager)
    assert client.get(url).status_code == 403
    assert client.get(f"/api/v1/pools/{pool.pk}/outcomes").status_code == 403
