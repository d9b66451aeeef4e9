"""Writes of the register engine: upload an extract, run a rule and store the result.
Each function is one use case; the result and its members are written in one transaction."""

from __future__ import annotations

import datetime
import hashlib
import logging
import tempfile
from pathlib import Path

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from helhed.core.cpr import cpr_blind_index
from helhed.core.models import User
from helhed.core.storage import EncryptedFileError, decrypted_copy
from helhed.register import engine
from helhed.register.checked import CheckedInput, StaleCopy, write_checked_copy
from helhed.register.models import RegisterExtract, TargetGroupMember, TargetGroupResult
from helhed.register.periods import RegisterInputError, open_periods
from helhed.register.targetgroups import get_rule

logger = logging.getLogger(__name__)

MEMBER_BATCH = 5000


def _input_error(error: RegisterInputError, name: str) -> ValidationError:
    """The engine's message with the uploaded file's own name instead of a temporary path."""
    place = f", {error.where} {error.row}" if error.row is not None else ""
    return ValidationError(f"{name}{place}: {error.problem}", code="register_input")


def upload_extract(*, user: User, upload, description: str = "", today: datetime.date | None = None
                   ) -> RegisterExtract:
    """Check an uploaded extract of benefit periods and keep it, with its checked copy
    (``helhed.register.checked``) beside it. A file with bad input is refused with
    ``ValidationError`` (naming the row and the problem) and not kept."""
    if not rules.has_perm("register.run_targetgroup", user):
        raise PermissionDenied
    today = today or timezone.localdate()
    name = Path(upload.name or "udtraek").name[:200]
    digest, size = hashlib.sha256(), 0
    with tempfile.TemporaryDirectory(prefix="helhed-upload-") as tmp:
        path = Path(tmp) / ("upload.parquet" if name.lower().endswith(".parquet") else "upload.csv")
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                digest.update(chunk)
                size += len(chunk)
                handle.write(chunk)
        con = engine.connect()
        try:
            try:
                periods = open_periods(con, path, today=today)
            except RegisterInputError as error:
                raise _input_error(error, name) from None
            extract = RegisterExtract(original_name=name, description=description.strip()[:200],
                                      sha256=digest.hexdigest(), size=size, periods=periods.rows, uploaded_by=user)
            # The files are encrypted and written before the row, outside any transaction, so
            # the database's write lock is held for one insert only; a failed insert removes them.
            with path.open("rb") as handle:
                extract.file.save(path.name, File(handle), save=False)
            try:
                _write_checked_copy(extract, con, periods, today=today)
                extract.save(force_insert=True)
            except BaseException:
                extract.file.delete(save=False)
                _checked_path(extract).unlink(missing_ok=True)
                raise
        finally:
            con.close()
    return extract


def run_target_group(*, user: User, extract: RegisterExtract, rule_name: str, as_of: datetime.date,
                     today: datetime.date | None = None) -> TargetGroupResult:
    """Run a rule on a stored extract and store the result: rule name, version and
    parameters, the input's SHA-256, counts for all 98 municipalities and the members by
    blind index. Reads the extract's checked copy while it is current; otherwise checks the
    stored file (refused when it no longer matches its checksum) and writes the copy anew."""
    if not rules.has_perm("register.run_targetgroup", user):
        raise PermissionDenied
    try:
        rule = get_rule(rule_name)
    except KeyError as error:
        raise ValidationError(str(error.args[0]), code="rule") from None
    today = today or timezone.localdate()
    run = None
    copy = extract.checked_copy()
    if copy is not None:
        checked = CheckedInput(path=Path(extract.file.storage.path(extract.checked_name)), copy=copy,
                               source_sha256=extract.sha256)
        try:
            run = engine.run_target_group(None, rule=rule, as_of=as_of, today=today, checked=checked)
        except StaleCopy as error:
            # Never used as it is: the stored file is checked again and the copy written anew.
            logger.warning("Register extract %s: %s The file is checked again.", extract.pk, error)
    if run is None:
        run = _run_on_stored_file(extract, rule=rule, as_of=as_of, today=today)
    figure_columns = run.columns[2:]
    with transaction.atomic():
        result = TargetGroupResult.objects.create(
            extract=extract, rule_name=rule.name, rule_version=rule.version, parameters=run.parameters,
            input_sha256=extract.sha256, as_of=as_of,
            counts={str(code): n for code, n in run.counts.items()}, total=run.total,
            periods_read=run.periods.rows, seconds=round(run.seconds, 3), created_by=user,
        )
        batch = []
        for cpr, kommunekode, *figures in run.members:
            batch.append(TargetGroupMember(
                result=result, cpr_index=cpr_blind_index(cpr), municipality_id=kommunekode,
                figures={k: (v.isoformat() if isinstance(v, datetime.date) else v)
                         for k, v in zip(figure_columns, figures, strict=True)},
            ))
            if len(batch) >= MEMBER_BATCH:
                TargetGroupMember.objects.bulk_create(batch)
                batch.clear()
        TargetGroupMember.objects.bulk_create(batch)
    return result


def _checked_path(extract: RegisterExtract) -> Path:
    """The checked copy lies beside the stored (encrypted) extract."""
    return Path(extract.file.storage.path(extract.file.name + ".checked"))


def _write_checked_copy(extract: RegisterExtract, con, periods, *, today: datetime.date) -> None:
    """Write the checked copy of the rows just checked on ``con`` and record it on ``extract``
    (not saved)."""
    target = _checked_path(extract)
    target.parent.mkdir(parents=True, exist_ok=True)
    copy = write_checked_copy(con, periods, target, source_sha256=extract.sha256, today=today)
    extract.record_checked_copy(extract.file.name + ".checked", copy)


def _run_on_stored_file(extract: RegisterExtract, *, rule, as_of: datetime.date, today: datetime.date):
    """Check the stored file itself and run the rule on it; the checked copy is written anew
    on the way (an extract from before the copies, or one whose copy could not be used)."""
    # The stored file is encrypted (helhed.core.storage); DuckDB reads a clear copy that is
    # removed as soon as the rule has run.
    changed = ValidationError("Udtrækkets fil er ændret siden upload (SHA-256 passer ikke). Upload den igen.",
                              code="checksum")
    try:
        with decrypted_copy(extract.file) as path:
            if engine.file_sha256(path) != extract.sha256:
                raise changed
            try:
                run = engine.run_target_group(
                    path, rule=rule, as_of=as_of, today=today,
                    after_check=lambda con, periods: _write_checked_copy(extract, con, periods, today=today))
            except RegisterInputError as error:
                raise _input_error(error, extract.original_name) from None
    except EncryptedFileError:
        raise changed from None
    extract.save(update_fields=[f.name for f in RegisterExtract._meta.fields if f.name.startswith("check")])
    return run
