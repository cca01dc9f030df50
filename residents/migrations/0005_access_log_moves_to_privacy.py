import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    """The access log moves to the privacy app, with its rows and their history.

    Its history triggers name the tables and the app: they go here, with their functions (which
    write to a table about to be renamed), and privacy.0002 renames the tables and installs its
    own. The tables themselves stay (the state alone forgets them).
    """

    dependencies = [
        ('residents', '0004_resident_anonymised_at'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(model_name='accesslog', name='insert_insert'),
        pgtrigger.migrations.RemoveTrigger(model_name='accesslog', name='update_update'),
        pgtrigger.migrations.RemoveTrigger(model_name='accesslog', name='delete_delete'),
        # Going backwards, the triggers above are installed again with their functions.
        migrations.RunSQL(
            'DROP FUNCTION IF EXISTS pgtrigger_insert_insert_8e4d8();'
            'DROP FUNCTION IF EXISTS pgtrigger_update_update_b6b62();'
            'DROP FUNCTION IF EXISTS pgtrigger_delete_delete_f9cdd();',
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name='accesslogevent', name='pgh_obj'),
                migrations.RemoveField(model_name='accesslogevent', name='pgh_context'),
                migrations.RemoveField(model_name='accesslogevent', name='resident'),
                migrations.RemoveField(model_name='accesslogevent', name='user'),
                migrations.DeleteModel(name='AccessLog'),
                migrations.DeleteModel(name='AccessLogEvent'),
            ],
            database_operations=[],
        ),
    ]
