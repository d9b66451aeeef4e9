import uuid

import pytest
from django.db import DatabaseError, connection, transaction

from helhed.core.audit import record_read
from helhed.core.models import AuditRecord


@pytest.fixture
def record(aarhus_caseworker):
    record_read(actor=aarhus_caseworker, citizen_uuids=[uuid.uuid4()], what="Stamdata",
                purpose="Test", channel="web")
    return AuditRecord.objects.get()


def test_a_read_is_recorded_with_who_what_why(record, aarhus_caseworker):
    assert record.actor == aarhus_caseworker
    assert record.actor_role == "caseworker"
    assert record.actor_organisation == "Aarhus Kommune"
    assert record.actor_name == "Lene Skov"
    assert (record.what, record.purpose, record.channel) == ("Stamdata", "Test", "web")


def test_a_record_cannot_be_changed(record):
    record.what = "noget andet"
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(pk=record.pk).update(what="noget andet")
    record.refresh_from_db()
    assert record.what == "Stamdata"


def test_a_record_cannot_be_deleted(record):
    with pytest.raises(PermissionError):
        record.delete()
    with pytest.raises(PermissionError):
        AuditRecord.objects.all().delete()
    assert AuditRecord.objects.count() == 1


def test_admin_shows_the_log_but_cannot_change_or_delete_it(client, record, admin_user):
    client.force_login(admin_user)
    assert client.get(f"/admin/core/auditrecord/{record.pk}/change/").status_code == 200
    assert client.post(f"/admin/core/auditrecord/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post("/admin/core/auditrecord/", {
        "action": "delete_selected", "_selected_action": [record.pk], "post": "yes",
    }).status_code in (200, 302)
    assert AuditRecord.objects.filter(pk=record.pk).exists()


def test_the_same_citizen_read_twice_in_one_call_is_one_record(aarhus_caseworker):
    citizen = uuid.uuid4()
    assert record_read(actor=aarhus_caseworker, citizen_uuids=[citizen, citizen], what="x",
                       purpose="y", channel="api") == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL")
def test_postgresql_refuses_changes_even_in_raw_sql(record):
    for sql in ("UPDATE core_auditrecord SET what = 'x'", "DELETE FROM core_auditrecord"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql)
    assert AuditRecord.objects.get().what == "Stamdata"
