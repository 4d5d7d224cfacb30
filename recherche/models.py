"""Search storage: the outbox of pending index changes and the database fallback index.

The tables keep the names they had when these models lived in the ressources app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchOutbox(models.Model):
    """An object whose search document must be recomputed; removed once both stores agree."""

    model_label = models.CharField(max_length=100)
    object_pk = models.CharField(max_length=64)
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField()
    tentatives = models.PositiveIntegerField(default=0)
    derniere_erreur = models.TextField(blank=True)

    class Meta:
        db_table = "ressources_searchoutbox"
        verbose_name = _("changement à indexer")
        verbose_name_plural = _("changements à indexer")
        ordering = ["modifie_le"]
        constraints = [
            models.UniqueConstraint(
                fields=["model_label", "object_pk"], name="search_outbox_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model_label}:{self.object_pk}"


class SearchDocument(models.Model):
    """The public search document of one object, as the database fallback searches it."""

    doc_id = models.CharField(max_length=120, unique=True)
    type = models.CharField(max_length=30, db_index=True)
    title = models.CharField(max_length=500)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    date = models.DateTimeField(null=True, blank=True)
    title_folded = models.CharField(max_length=500)
    content_folded = models.TextField()
    fingerprint = models.CharField(max_length=64)

    class Meta:
        db_table = "ressources_searchdocument"
        verbose_name = _("document de recherche")
        verbose_name_plural = _("documents de recherche")

    def __str__(self) -> str:
        return self.doc_id


class SearchFacet(models.Model):
    """One facet value of a search document (thématique, public, région…)."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="facets")
    name = models.CharField(max_length=30)
    value = models.CharField(max_length=150)

    class Meta:
        db_table = "ressources_searchfacet"
        indexes = [models.Index(fields=["name", "value"], name="search_facet_name_value")]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
