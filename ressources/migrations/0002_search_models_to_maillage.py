"""The search storage models move to the project package (`recherche`): they leave
this app's state only; their tables stay, taken over by `maillage.0006_search_models`."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ressources", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="SearchFacet"),
                migrations.DeleteModel(name="SearchOutbox"),
                migrations.DeleteModel(name="SearchDocument"),
            ],
        )
    ]
