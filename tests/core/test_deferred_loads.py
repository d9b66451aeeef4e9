"""The guard behind ``tests.query_counts.count_queries``: it names each column that is
loaded lazily, one row at a time, and nothing else."""

from helhed.core.models import Municipality
from tests.query_counts import deferred_loads


def test_names_a_deferred_column_that_is_loaded_and_not_one_that_was_selected(db):
    Municipality.objects.get_or_create(code=751, defaults={"name": "Aarhus"})
    with deferred_loads() as loaded:
        for m in Municipality.objects.only("code").filter(code=751):
            assert m.code == 751
    assert loaded == []
    with deferred_loads() as loaded:
        for m in Municipality.objects.only("code").filter(code=751):
            assert m.name == "Aarhus"
    assert loaded == ["Municipality.name"]
