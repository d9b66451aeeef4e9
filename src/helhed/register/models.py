"""Uploaded register extracts and the stored results of target-group rules.

A result keeps what is needed to explain and reproduce it (ARCHITECTURE.md, "Rules as code,
with sources": "A decision the system makes ... stores the rule version and the evidence it
used"): the rule's name, version and parameters, the reference date, the SHA-256 of the input
file, who ran it and when. Members are kept by the CPR blind index only, never the CPR number.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from helhed.core.formats import kortdato
from helhed.core.models import Municipality
from helhed.register.targetgroups import RULES


def extract_upload_to(instance: RegisterExtract, filename: str) -> str:
    # Under MEDIA_ROOT, which is never served (no URL pattern points at MEDIA_URL). The stored
    # name carries no part of the uploaded name, which could hold anything.
    suffix = ".parquet" if filename.lower().endswith(".parquet") else ".csv"
    return f"register/extracts/{timezone.now():%Y/%m}/{instance.pk}{suffix}"


class RegisterExtract(models.Model):
    """A register extract (benefit periods, CSV or Parquet) uploaded to run rules on. The
    file was checked when it was uploaded; its SHA-256 identifies it in every result."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField("fil", upload_to=extract_upload_to, max_length=200)
    original_name = models.CharField("filnavn", max_length=200)
    description = models.CharField("beskrivelse", max_length=200, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.BigIntegerField("størrelse (bytes)")
    periods = models.BigIntegerField("antal perioder")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="uploadet af")
    uploaded_at = models.DateTimeField("uploadet", default=timezone.now)
    # The checked copy (helhed.register.checked): written when the file passed the checks,
    # sealed, beside the stored file; the rules read it instead of checking the file again.
    checked_name = models.CharField("kontrolleret kopi", max_length=200, blank=True)
    checked_source_sha256 = models.CharField("kopien er lavet af (SHA-256)", max_length=64, blank=True)
    checked_sha256 = models.CharField("kopiens SHA-256", max_length=64, blank=True)
    checked_rows = models.BigIntegerField("kopiens antal perioder", null=True, blank=True)
    checked_persons = models.BigIntegerField("kopiens antal personer", null=True, blank=True)
    check_version = models.CharField("kontrollens version", max_length=16, blank=True)
    checked_on = models.DateField("kontrolleret", null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = "registerudtræk"
        verbose_name_plural = "registerudtræk"

    def __str__(self) -> str:
        return self.description or self.original_name

    def checked_copy(self):
        """The record of the checked copy, or None when none has been written."""
        from helhed.register.checked import CheckedCopy

        if not self.checked_name:
            return None
        return CheckedCopy(source_sha256=self.checked_source_sha256, sha256=self.checked_sha256,
                           rows=self.checked_rows, persons=self.checked_persons, check_version=self.check_version,
                           checked_on=self.checked_on.isoformat())

    def record_checked_copy(self, name: str, copy) -> None:
        self.checked_name, self.checked_source_sha256, self.checked_sha256 = name, copy.source_sha256, copy.sha256
        self.checked_rows, self.checked_persons, self.check_version = copy.rows, copy.persons, copy.check_version
        self.checked_on = datetime.date.fromisoformat(copy.checked_on)


class TargetGroupResult(models.Model):
    """One run of a target-group rule on an extract for a reference date."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    extract = models.ForeignKey(RegisterExtract, on_delete=models.PROTECT, related_name="results",
                                verbose_name="udtræk")
    rule_name = models.CharField("regel", max_length=64)
    rule_version = models.CharField("regelversion", max_length=16)
    parameters = models.JSONField("parametre")
    input_sha256 = models.CharField("inddata SHA-256", max_length=64)
    as_of = models.DateField("skæringsdato")
    counts = models.JSONField("antal pr. kommune", help_text="Kommunekode → antal, alle 98 kommuner.")
    total = models.PositiveIntegerField("antal personer")
    periods_read = models.BigIntegerField("perioder læst")
    seconds = models.FloatField("beregningstid (s)")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="kørt af")
    created_at = models.DateTimeField("kørt", default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "målgrupperesultat"
        verbose_name_plural = "målgrupperesultater"

    def __str__(self) -> str:
        return f"{self.rule_name} pr. {kortdato(self.as_of)}"

    @property
    def rule(self):
        """The rule in the rule registry that made this result, if it is still there."""
        return RULES.get(self.rule_name)

    @property
    def rule_title(self) -> str:
        """What people read for the rule: its title, or the stored name of a retired rule."""
        return self.rule.title if self.rule else self.rule_name

    def count_for(self, code: int) -> int:
        return int(self.counts.get(str(code), 0))


class TargetGroupMember(models.Model):
    """A person in a result: the CPR blind index (``helhed.core.cpr.cpr_blind_index``, the
    same key as ``registry.Citizen.cpr_index``), the municipality and the rule's figures."""

    result = models.ForeignKey(TargetGroupResult, on_delete=models.CASCADE, related_name="members")
    cpr_index = models.CharField(max_length=64, editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="kommune")
    figures = models.JSONField("tal")

    class Meta:
        verbose_name = "medlem af målgruppe"
        verbose_name_plural = "medlemmer af målgrupper"
        constraints = [models.UniqueConstraint(fields=["result", "cpr_index"], name="member_once_per_result")]
        indexes = [models.Index(fields=["result", "municipality"]), models.Index(fields=["cpr_index"])]

    def __str__(self) -> str:
        return f"Medlem af {self.result} ({self.municipality_id})"
