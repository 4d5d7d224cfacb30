"""URLs of the member directory, mounted under /annuaire/."""

from django.urls import path

from . import views

app_name = "annuaire"

urlpatterns = [
    path("", views.professionnels, name="professionnels"),
    path("structures/", views.structures, name="structures"),
    path("structures/<id:pk>/", views.structure, name="structure"),
]
