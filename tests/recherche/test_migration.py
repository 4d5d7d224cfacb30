"""The search models' move into the `recherche` app keeps their rows, tables, content types
and permissions, and can be undone."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from recherche.models import SearchDocument, SearchOutbox

AVANT = [("maillage", "0006_search_models"), ("recherche", None)]


def _migrer(cibles=None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(cibles or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_rows_content_types_and_permissions_follow_the_models_and_come_back():
    try:
        executor = _migrer(AVANT)
        anciens = executor.loader.project_state(AVANT[:1]).apps
        anciens.get_model("maillage", "SearchOutbox").objects.create(
            model_label="ressources.outilpage", object_pk="7", modifie_le=timezone.now()
        )
        permission = Permission.objects.get(codename="change_searchoutbox")
        assert permission.content_type.app_label == "maillage"

        _migrer()
        assert list(SearchOutbox.objects.values_list("model_label", "object_pk")) == [
            ("ressources.outilpage", "7")
        ]
        assert SearchDocument._meta.db_table == "ressources_searchdocument"
        permission.refresh_from_db()
        assert permission.content_type == ContentType.objects.get_for_model(SearchOutbox)
        assert permission.content_type.app_label == "recherche"
        assert not ContentType.objects.filter(app_label="maillage", model="searchoutbox").exists()

        executor = _migrer(AVANT)
        permission.refresh_from_db()
        assert permission.content_type.app_label == "maillage"
        anciens = executor.loader.project_state(AVANT[:1]).apps
        assert anciens.get_model("maillage", "SearchOutbox").objects.count() == 1
    finally:
        _migrer()
