import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

MOVED = ['accesslog', 'accesslogevent']


def rename_tables(old_app, new_app):
    return ''.join(
        f'ALTER TABLE "{old_app}_{model}" RENAME TO "{new_app}_{model}";' for model in MOVED
    )


def move_content_types(old_app, new_app):
    """The content types (and so the permissions) follow the models, keeping their ids."""

    def move(apps, schema_editor):
        ContentType = apps.get_model('contenttypes', 'ContentType')
        present = ContentType.objects.filter(app_label=new_app).values_list('model', flat=True)
        ContentType.objects.filter(app_label=old_app, model__in=MOVED).exclude(
            model__in=list(present)
        ).update(app_label=new_app)

    return move


class Migration(migrations.Migration):
    """The access log comes from the residents app (residents.0005), with its rows and their
    history: its two tables are renamed, the models added to the state, and the history triggers
    installed again under the new names."""

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('pghistory', '0007_auto_20250421_0444'),
        ('privacy', '0001_initial'),
        ('residents', '0005_access_log_moves_to_privacy'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    rename_tables('residents', 'privacy'),
                    reverse_sql=rename_tables('privacy', 'residents'),
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name='AccessLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                        ('kind', models.CharField(choices=[('view', 'Viewed'), ('export', 'Exported')], default='view', max_length=8, verbose_name='access')),
                        ('page', models.CharField(blank=True, max_length=200, verbose_name='page')),
                        ('resident', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='access_logs', to='residents.resident', verbose_name='resident')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'verbose_name': 'case file access',
                        'verbose_name_plural': 'case file accesses',
                        'ordering': ['-at', '-pk'],
                        'indexes': [models.Index(fields=['resident', '-at'], name='accesslog_resident_at')],
                    },
                ),
                migrations.CreateModel(
                    name='AccessLogEvent',
                    fields=[
                        ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                        ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                        ('pgh_label', models.TextField(help_text='The event label.')),
                        ('id', models.BigIntegerField()),
                        ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                        ('kind', models.CharField(choices=[('view', 'Viewed'), ('export', 'Exported')], default='view', max_length=8, verbose_name='access')),
                        ('page', models.CharField(blank=True, max_length=200, verbose_name='page')),
                        ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                        ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='privacy.accesslog')),
                        ('resident', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='residents.resident', verbose_name='resident')),
                        ('user', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'abstract': False,
                    },
                ),
            ],
        ),
        migrations.RunPython(
            move_content_types('residents', 'privacy'), move_content_types('privacy', 'residents')
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='accesslog',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "privacy_accesslogevent" ("at", "id", "kind", "page", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "resident_id", "user_id") VALUES (NEW."at", NEW."id", NEW."kind", NEW."page", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."resident_id", NEW."user_id"); RETURN NULL;', hash='869b93df696399830e8c8ecef8d6f8fcd720c9fc', operation='INSERT', pgid='pgtrigger_insert_insert_227db', table='privacy_accesslog', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='accesslog',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "privacy_accesslogevent" ("at", "id", "kind", "page", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "resident_id", "user_id") VALUES (NEW."at", NEW."id", NEW."kind", NEW."page", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."resident_id", NEW."user_id"); RETURN NULL;', hash='1e099d78bb5c5c05d567b42c6c7084d510983bde', operation='UPDATE', pgid='pgtrigger_update_update_02e99', table='privacy_accesslog', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='accesslog',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "privacy_accesslogevent" ("at", "id", "kind", "page", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "resident_id", "user_id") VALUES (OLD."at", OLD."id", OLD."kind", OLD."page", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."resident_id", OLD."user_id"); RETURN NULL;', hash='52790b91539e6a6b1ec83f2b148eb14543715d41', operation='DELETE', pgid='pgtrigger_delete_delete_309f6', table='privacy_accesslog', when='AFTER')),
        ),
    ]
