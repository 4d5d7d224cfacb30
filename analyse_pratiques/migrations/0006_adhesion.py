"""`Membership` is renamed `Adhesion`, the word the rest of the platform uses: the table is
renamed in place (rows kept), with its related names, index and unique constraint."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("analyse_pratiques", "0005_jetonagenda_vers_maillage"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(old_name="Membership", new_name="Adhesion"),
        migrations.AlterField(
            model_name="adhesion",
            name="groupe",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="adhesions",
                to="analyse_pratiques.groupe",
            ),
        ),
        migrations.AlterField(
            model_name="adhesion",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="adhesions_ap",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RenameIndex(
            model_name="adhesion",
            new_name="analyse_pra_user_id_be89e3_idx",
            old_name="analyse_pra_user_id_756f1a_idx",
        ),
        migrations.RemoveConstraint(model_name="adhesion", name="membership_groupe_user"),
        migrations.AddConstraint(
            model_name="adhesion",
            constraint=models.UniqueConstraint(
                fields=("groupe", "user"), name="adhesion_groupe_user"
            ),
        ),
    ]
