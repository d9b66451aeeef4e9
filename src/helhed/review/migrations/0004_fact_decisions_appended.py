"""A colleague's approval or rejection of a review fact moves off the fact's row into a
``FactDecision`` of its own, and the case's history (``CaseEvent``) becomes append-only like
the casework's: on PostgreSQL a trigger refuses UPDATE and DELETE of both tables.

Existing decisions are copied into decisions; the facts' ``approval`` goes back to what the
fact needed when it was entered (pending)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import helhed.review.clock
from helhed.core.appendonly import append_only_trigger

FACTS = {"event": "caseevent", "effort": "effort", "period": "benefitperiod"}


def decisions_beside_facts(apps, schema_editor):
    Decision = apps.get_model("review", "FactDecision")
    for key, name in FACTS.items():
        model = apps.get_model("review", name)
        decided = model.objects.filter(approval__in=["approved", "rejected"], decided_by__isnull=False)
        Decision.objects.bulk_create(
            Decision(**{key: fact}, approved=fact.approval == "approved", decided_by_id=fact.decided_by_id,
                     decided_by_name=fact.decided_by_name, decided_at=fact.decided_at,
                     reason=fact.decision_reason or "-")
            for fact in decided.iterator())
        decided.update(approval="pending")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks before the ALTER TABLEs


def decisions_back_on_facts(apps, schema_editor):
    Decision = apps.get_model("review", "FactDecision")
    for key, name in FACTS.items():
        model = apps.get_model("review", name)
        for d in Decision.objects.filter(**{f"{key}__isnull": False}):
            model.objects.filter(pk=getattr(d, f"{key}_id")).update(
                approval="approved" if d.approved else "rejected", decided_by_id=d.decided_by_id,
                decided_by_name=d.decided_by_name, decided_at=d.decided_at, decision_reason=d.reason)


class Migration(migrations.Migration):

    dependencies = [
        ('review', '0003_personlige_jobmidler'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='FactDecision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('approved', models.BooleanField(verbose_name='godkendt')),
                ('decided_by_name', models.CharField(max_length=150)),
                ('decided_at', models.DateTimeField(default=helhed.review.clock.now, verbose_name='godkendt/afvist')),
                ('reason', models.CharField(max_length=500, verbose_name='begrundelse for godkendelse/afvisning')),
                ('decided_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('effort', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='decision', to='review.effort')),
                ('event', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='decision', to='review.caseevent')),
                ('period', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='decision', to='review.benefitperiod')),
            ],
            options={
                'verbose_name': 'godkendelse eller afvisning',
                'verbose_name_plural': 'godkendelser og afvisninger',
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('effort__isnull', True), ('event__isnull', False), ('period__isnull', True)), models.Q(('effort__isnull', False), ('event__isnull', True), ('period__isnull', True)), models.Q(('effort__isnull', True), ('event__isnull', True), ('period__isnull', False)), _connector='OR'), name='review_factdecision_one_fact', violation_error_message='En godkendelse gælder netop én oplysning.')],
            },
        ),
        migrations.RunPython(decisions_beside_facts, decisions_back_on_facts),
        migrations.RemoveField(
            model_name='benefitperiod',
            name='decided_at',
        ),
        migrations.RemoveField(
            model_name='benefitperiod',
            name='decided_by',
        ),
        migrations.RemoveField(
            model_name='benefitperiod',
            name='decided_by_name',
        ),
        migrations.RemoveField(
            model_name='benefitperiod',
            name='decision_reason',
        ),
        migrations.RemoveField(
            model_name='caseevent',
            name='decided_at',
        ),
        migrations.RemoveField(
            model_name='caseevent',
            name='decided_by',
        ),
        migrations.RemoveField(
            model_name='caseevent',
            name='decided_by_name',
        ),
        migrations.RemoveField(
            model_name='caseevent',
            name='decision_reason',
        ),
        migrations.RemoveField(
            model_name='effort',
            name='decided_at',
        ),
        migrations.RemoveField(
            model_name='effort',
            name='decided_by',
        ),
        migrations.RemoveField(
            model_name='effort',
            name='decided_by_name',
        ),
        migrations.RemoveField(
            model_name='effort',
            name='decision_reason',
        ),
        migrations.AlterField(
            model_name='caseevent',
            name='approval',
            field=models.CharField(choices=[('not_needed', 'Tæller uden godkendelse'), ('pending', 'Afventer godkendelse'), ('approved', 'Godkendt'), ('rejected', 'Afvist')], default='not_needed', editable=False, max_length=12, verbose_name='godkendelse ved registreringen'),
        ),
        migrations.AlterField(
            model_name='effort',
            name='approval',
            field=models.CharField(choices=[('not_needed', 'Tæller uden godkendelse'), ('pending', 'Afventer godkendelse'), ('approved', 'Godkendt'), ('rejected', 'Afvist')], default='not_needed', editable=False, max_length=12, verbose_name='godkendelse ved registreringen'),
        ),
        append_only_trigger("review_caseevent"),
        append_only_trigger("review_factdecision"),
    ]
