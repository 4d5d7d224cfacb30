"""URLs of a community's events, included under /communautes/<slug>/evenements/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.evenement_list, name="evenements"),
    path("nouveau/", views.evenement_create, name="evenement_create"),
    path("<id:pk>/", views.evenement_detail, name="evenement"),
    path("<id:pk>/modifier/", views.evenement_update, name="evenement_update"),
    path("<id:pk>/annuler/", views.evenement_cancel, name="evenement_cancel"),
    path("<id:pk>/participer/", views.participation, name="evenement_participation"),
    path("<id:pk>/evenement.ics", views.evenement_ics_view, name="evenement_ics"),
]
