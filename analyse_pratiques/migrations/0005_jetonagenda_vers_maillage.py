"""The secrets of the séances' feed move to `maillage.JetonCalendrier` (feed « seances »),
so that the links already pasted in calendar applications keep working; then the old table
goes."""

from django.db import migrations

FLUX = "seances"
# The rows are copied in one statement, their dates kept. Only the models' table names,
# quoted, go into its text.
VERS_MAILLAGE = "INSERT INTO {nouveau} (user_id, flux, empreinte, cree_le) SELECT user_id, %s, empreinte, cree_le FROM {ancien}"
RETOUR = "INSERT INTO {ancien} (user_id, empreinte, cree_le) SELECT user_id, empreinte, cree_le FROM {nouveau} WHERE flux = %s"
EFFACER = "DELETE FROM {nouveau} WHERE flux = %s"


def _tables(apps, schema_editor) -> dict[str, str]:
    return {
        "ancien": schema_editor.quote_name(
            apps.get_model("analyse_pratiques", "JetonAgenda")._meta.db_table
        ),
        "nouveau": schema_editor.quote_name(
            apps.get_model("maillage", "JetonCalendrier")._meta.db_table
        ),
    }


def copier(apps, schema_editor):
    schema_editor.execute(VERS_MAILLAGE.format(**_tables(apps, schema_editor)), [FLUX])


def recopier(apps, schema_editor):
    tables = _tables(apps, schema_editor)
    schema_editor.execute(RETOUR.format(**tables), [FLUX])
    schema_editor.execute(EFFACER.format(**tables), [FLUX])


class Migration(migrations.Migration):
    dependencies = [
        ("analyse_pratiques", "0004_decisions_signalements"),
        ("maillage", "0005_jetoncalendrier"),
    ]

    operations = [
        migrations.RunPython(copier, recopier),
        migrations.DeleteModel(name="JetonAgenda"),
    ]
