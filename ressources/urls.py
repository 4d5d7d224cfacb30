"""URLs of the ressources app (included at the site root, before Wagtail's catch-all)."""

from django.urls import path

from . import views

urlpatterns = [
    path("recherche/", views.recherche, name="recherche"),
    path("ressources/proposer-un-cas/", views.cas_propose, name="cas_propose"),
    path("ressources/partager-un-outil/", views.outil_propose, name="outil_propose"),
    path(
        "ressources/outils/<id:outil_id>/retour/",
        views.retour_usage_create,
        name="retour_usage_create",
    ),
]
