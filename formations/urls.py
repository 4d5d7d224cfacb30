"""URLs of the formations app outside the page tree, mounted at the site's root."""

from django.urls import path

from . import views

app_name = "formations"

urlpatterns = [
    path("catalogue/", views.catalogue_redirect, name="catalogue"),
]
