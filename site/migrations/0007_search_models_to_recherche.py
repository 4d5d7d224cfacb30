"""The search storage models move to the `recherche` app: they leave this app's state only;
their tables stay, taken over by `recherche.0001_initial`."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("maillage", "0006_search_models")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="SearchFacet"),
                migrations.DeleteModel(name="SearchOutbox"),
                migrations.DeleteModel(name="SearchDocument"),
            ],
        )
    ]
