"""The register engine in the application: upload, run, counts for everybody with access,
members only for one's own municipalities, linked to the registry and audited."""

import datetime
import hashlib
import json
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from helhed.core.cpr import cpr_blind_index
from helhed.core.models import AuditRecord
from helhed.core.roles import Role
from helhed.register import services
from helhed.register.models import RegisterExtract, TargetGroupMember, TargetGroupResult
from helhed.registry.services import register_citizen
from tests.factories import UserFactory
from tests.register.helpers import A, B, C

KH_A = "kontanthjaelp_aktivitetsparat"
CSV = (
    "cpr,kommunekode,ydelse,start,slut\n"
    f"{A},751,{KH_A},2010-01-01,\n"  # Aarhus, in the registry
    f"{B},751,{KH_A},2011-03-01,\n"  # Aarhus, not in the registry
    f"{C},101,{KH_A},2009-01-01,\n"  # København
).encode()


def upload_file(content=CSV, name="udtraek.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.fixture
def pool_officer(db):
    return UserFactory(role=Role.POOL_OFFICER, organisation="Beskæftigelsesministeriet", first_name="Puk")


@pytest.fixture
def aarhus_manager(db):
    return UserFactory(role=Role.JOBCENTRE_MANAGER, municipalities=[751], first_name="Jens", last_name="Leder")


@pytest.fixture
def karen(db):
    return register_citizen(cpr=A, first_name="Karen", last_name="Målgruppesen", home_municipality=751)


@pytest.fixture
def result(pool_officer):
    extract = services.upload_extract(user=pool_officer, upload=upload_file(), description="Marts 2017")
    return services.run_target_group(user=pool_officer, extract=extract, rule_name="flere-skal-med-2017",
                                     as_of=datetime.date(2017, 4, 9))


def test_pool_officer_uploads_runs_and_sees_counts_but_no_citizens(client, pool_officer, karen, settings):
    client.force_login(pool_officer)
    page = client.post("/register/udtraek/", {"file": upload_file(), "description": "Marts 2017"})
    assert page.status_code == 302
    extract = RegisterExtract.objects.get()
    assert extract.sha256 == hashlib.sha256(CSV).hexdigest() and extract.periods == 3
    stored = (settings.MEDIA_ROOT / extract.file.name).read_bytes()
    assert "udtraek" not in extract.file.name
    assert b"cpr," not in stored and A.encode() not in stored  # encrypted at rest
    with extract.file.open("rb") as handle:
        assert handle.read() == CSV
    response = client.post(f"/register/udtraek/{extract.pk}/koer/", {"rule": "flere-skal-med-2017",
                                                                     "as_of": "2017-04-09"})
    result = TargetGroupResult.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/register/resultater/{result.pk}/"
    body = client.get(response["Location"]).content.decode()
    assert "3 personer i målgruppen" in body
    assert "<svg" in body and 'role="img"' in body and body.count("<tr><td>") == 98
    assert "Målgruppesen" not in body and "/borgere/" not in body
    assert client.get(f"/register/resultater/{result.pk}/borgere/").status_code == 403
    assert client.get(f"/api/v1/register/results/{result.pk}/members").status_code == 403
    assert not AuditRecord.objects.exists()


def test_result_is_stored_for_reproduction_without_cpr_in_clear(result):
    assert result.rule_name == "flere-skal-med-2017" and result.rule_version == "1"
    assert result.parameters["max_gap_days"] == 90 and result.parameters["years"] == 5
    assert result.input_sha256 == hashlib.sha256(CSV).hexdigest()
    assert result.counts["751"] == 2 and result.counts["101"] == 1 and len(result.counts) == 98
    assert result.total == 3 and result.created_by.role == Role.POOL_OFFICER
    members = TargetGroupMember.objects.filter(result=result)
    assert {m.cpr_index for m in members} == {cpr_blind_index(x) for x in (A, B, C)}
    dumped = json.dumps([list(TargetGroupMember.objects.values_list()), list(TargetGroupResult.objects.values_list())],
                        default=str)
    for cpr in (A, B, C):
        assert cpr not in dumped
    assert members.get(cpr_index=cpr_blind_index(A)).figures == {"stay_start": "2010-01-01", "days_in_stay": 2656}


def test_jobcentre_manager_sees_only_own_municipality_linked_and_audited(client, aarhus_manager, karen, result):
    copenhagen = register_citizen(cpr=C, first_name="Carl", last_name="Københavner", home_municipality=101)
    client.force_login(aarhus_manager)
    body = client.get(f"/register/resultater/{result.pk}/").content.decode()
    assert f"/register/resultater/{result.pk}/borgere/" in body
    page = client.get(f"/register/resultater/{result.pk}/borgere/")
    body = page.content.decode()
    assert page.status_code == 200
    assert f'href="/borgere/{karen.pk}/"' in body and "Karen Målgruppesen" in body
    assert "Findes ikke i borgerregistret" in body  # B, in Aarhus but not in the registry
    assert "Københavner" not in body
    assert "2.656" in body and "01.01.2010" in body  # the figures the Danish way
    for cpr in (A, B, C):
        assert cpr not in body
    record = AuditRecord.objects.get(citizen_uuid=karen.pk)
    assert record.actor == aarhus_manager and record.channel == "web" and record.request_id == page["X-Request-ID"]
    assert not AuditRecord.objects.filter(citizen_uuid=copenhagen.pk).exists()


def test_api_lists_results_counts_and_scoped_members(client, aarhus_manager, karen, result):
    client.force_login(aarhus_manager)
    listed = client.get("/api/v1/register/results").json()
    assert [r["id"] for r in listed] == [str(result.pk)]
    detail = client.get(f"/api/v1/register/results/{result.pk}").json()
    counts = {c["kommunekode"]: c["count"] for c in detail["counts"]}
    assert len(counts) == 98 and counts[751] == 2 and counts[101] == 1 and counts[147] == 0
    members = client.get(f"/api/v1/register/results/{result.pk}/members")
    assert members.status_code == 200
    got = members.json()
    assert {m["kommunekode"] for m in got} == {751} and len(got) == 2
    assert {m["citizen_name"] for m in got} == {"Karen Målgruppesen", None}
    assert AuditRecord.objects.filter(citizen_uuid=karen.pk, channel="api").exists()


@pytest.mark.parametrize(("role", "index", "upload", "members"), [
    (Role.CASEWORKER, 200, 403, 200),
    (Role.BORGERSERVICE, 200, 403, 403),
    (Role.UDK_STAFF, 200, 403, 403),
    (Role.USERORG_MEMBER, 403, 403, 403),
    (Role.CITIZEN, 403, 403, 403),
    (Role.ADMINISTRATOR, 403, 403, 403),
])
def test_who_may_do_what(client, result, role, index, upload, members):
    user = UserFactory(role=role, municipalities=[751], is_staff=role == Role.ADMINISTRATOR,
                       is_superuser=role == Role.ADMINISTRATOR)
    client.force_login(user)
    assert client.get("/register/").status_code == index
    assert client.get(f"/register/resultater/{result.pk}/").status_code == index
    assert client.post("/register/udtraek/", {"file": upload_file()}).status_code == upload
    assert client.get(f"/register/resultater/{result.pk}/borgere/").status_code == members


def test_a_bad_upload_is_refused_with_row_and_problem_and_not_kept(client, pool_officer, settings):
    client.force_login(pool_officer)
    bad = CSV + f"{A},751,{KH_A},2012-01-01,2011-01-01\n".encode()
    page = client.post("/register/udtraek/", {"file": upload_file(bad, "marts.csv")})
    body = page.content.decode()
    assert page.status_code == 400
    assert "marts.csv, række 4: slutdatoen 2011-01-01 ligger før startdatoen 2012-01-01" in body
    assert A not in body and 'aria-invalid="true"' in body
    assert not RegisterExtract.objects.exists()
    assert not settings.MEDIA_ROOT.exists() or not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))


def test_run_form_errors_are_shown(client, pool_officer, result):
    client.force_login(pool_officer)
    page = client.post(f"/register/udtraek/{result.extract.pk}/koer/", {"rule": "ingen", "as_of": "9. april"})
    body = page.content.decode()
    assert page.status_code == 400 and "Vælg en af reglerne." in body and "Skriv datoen som DD.MM.ÅÅÅÅ." in body
    assert "Der er 2 fejl i formularen" in body and 'href="#id_as_of1"' in body  # the one error summary


def test_a_changed_file_is_not_run(pool_officer, result):
    # Without its checked copy (tests/register/test_checked_copy.py) the stored file is read.
    result.extract.refresh_from_db()
    os.unlink(result.extract.file.storage.path(result.extract.checked_name))
    path = result.extract.file.path
    with open(path, "ab") as handle:
        handle.write(b"\n")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="SHA-256"):
        services.run_target_group(user=pool_officer, extract=result.extract, rule_name="flere-skal-med-2017",
                                  as_of=result.as_of)


def test_counts_csv_download(client, pool_officer, result):
    client.force_login(pool_officer)
    response = client.get(f"/register/resultater/{result.pk}/kommuner.csv")
    lines = response.content.decode().splitlines()
    assert response["Content-Type"].startswith("text/csv") and lines[0] == "kommunekode,count" and len(lines) == 99
    assert "101,1" in lines and "751,2" in lines


def test_parquet_upload(client, pool_officer, tmp_path):
    import duckdb

    path = tmp_path / "u.parquet"
    (tmp_path / "u.csv").write_bytes(CSV)
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{tmp_path / 'u.csv'}', all_varchar=true)) TO '{path}' (FORMAT parquet)")
    client.force_login(pool_officer)
    page = client.post("/register/udtraek/", {"file": SimpleUploadedFile("u.parquet", path.read_bytes())})
    assert page.status_code == 302
    assert RegisterExtract.objects.get().file.name.endswith(".parquet")
