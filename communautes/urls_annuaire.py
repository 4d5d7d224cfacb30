"""URLs of the member directory, mounted under /annuaire/."""

from django.urls import path

from . import views_annuaire

app_name = "annuaire"

urlpatterns = [
    path("", views_annuaire.professionnels, name="professionnels"),
    path("structures/", views_annuaire.structures, name="structures"),
    path("structures/<id:pk>/", views_annuaire.structure, name="structure"),
]
