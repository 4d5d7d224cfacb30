"""URLs of the member's data pages, under /profil/."""

from django.urls import path

from . import views

urlpatterns = [
    path("mes-donnees/", views.mes_donnees, name="rgpd_mes_donnees"),
    path("mes-donnees/export.zip", views.export_telecharger, name="rgpd_export"),
    path("supprimer-mon-compte/", views.compte_supprimer, name="rgpd_compte_supprimer"),
    path(
        "supprimer-mon-compte/annuler/",
        views.suppression_annuler,
        name="rgpd_suppression_annuler",
    ),
]
