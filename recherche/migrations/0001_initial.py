"""The search storage models, moved from the project package (`maillage`), where they had
come from the ressources app: they enter this app's state on their existing tables
(`db_table`), and their content types follow them, so that permissions and admin history
stay attached."""

import django.db.models.deletion
from django.db import migrations, models

MODELS = ("searchdocument", "searchfacet", "searchoutbox")


def _move_content_types(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            ContentType.objects.using(db).filter(app_label=source, model=model).update(
                app_label=target
            )


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "maillage", "recherche")


def backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "recherche", "maillage")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("maillage", "0007_search_models_to_recherche"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchDocument",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("doc_id", models.CharField(max_length=120, unique=True)),
                        ("type", models.CharField(db_index=True, max_length=30)),
                        ("title", models.CharField(max_length=500)),
                        ("body", models.TextField(blank=True)),
                        ("url", models.CharField(max_length=500)),
                        ("date", models.DateTimeField(blank=True, null=True)),
                        ("title_folded", models.CharField(max_length=500)),
                        ("content_folded", models.TextField()),
                        ("fingerprint", models.CharField(max_length=64)),
                    ],
                    options={
                        "verbose_name": "document de recherche",
                        "verbose_name_plural": "documents de recherche",
                        "db_table": "ressources_searchdocument",
                    },
                ),
                migrations.CreateModel(
                    name="SearchOutbox",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("model_label", models.CharField(max_length=100)),
                        ("object_pk", models.CharField(max_length=64)),
                        ("cree_le", models.DateTimeField(auto_now_add=True)),
                        ("modifie_le", models.DateTimeField()),
                        ("tentatives", models.PositiveIntegerField(default=0)),
                        ("derniere_erreur", models.TextField(blank=True)),
                    ],
                    options={
                        "verbose_name": "changement à indexer",
                        "verbose_name_plural": "changements à indexer",
                        "db_table": "ressources_searchoutbox",
                        "ordering": ["modifie_le"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("model_label", "object_pk"),
                                name="search_outbox_unique_key",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="SearchFacet",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=30)),
                        ("value", models.CharField(max_length=150)),
                        (
                            "document",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="facets",
                                to="recherche.searchdocument",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "ressources_searchfacet",
                        "indexes": [
                            models.Index(fields=["name", "value"], name="search_facet_name_value")
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards, elidable=True),
    ]
