"""URLs of the formations app outside the page tree, mounted at the site's root.

Everything about one session, programme or attestation lives under the fixed /catalogue/
address, whatever the catalogue page's slug: links in e-mails, calendars and printed
attestations do not depend on the page tree. The catalogue page itself only lists."""

from django.urls import path

from . import views

app_name = "formations"

urlpatterns = [
    path("catalogue/", views.catalogue_redirect, name="catalogue"),
    path("catalogue/sessions/<id:pk>/calendrier/", views.session_ics, name="session_ics"),
    path(
        "catalogue/sessions/<id:pk>/inscription/",
        views.session_inscription,
        name="session_inscription",
    ),
    path(
        "catalogue/sessions/<id:pk>/annulation/",
        views.session_annulation,
        name="session_annulation",
    ),
    path(
        "catalogue/sessions/<id:pk>/emargement/<id:creneau_pk>/",
        views.emargement,
        name="emargement",
    ),
    path(
        "catalogue/sessions/<id:pk>/attestation/",
        views.attestation_telecharger,
        name="attestation_telecharger",
    ),
    path("catalogue/sessions/<id:pk>/evaluation/<str:type_>/", views.evaluation, name="evaluation"),
    path(
        "catalogue/sessions/<id:pk>/evaluations/",
        views.session_evaluations,
        name="session_evaluations",
    ),
    path(
        "catalogue/programmes/<id:pk>/indicateurs/",
        views.programme_indicateurs,
        name="programme_indicateurs",
    ),
    path(
        "catalogue/attestations/<str:code>/",
        views.attestation_verifier,
        name="attestation_verifier",
    ),
    path("catalogue/agenda/<str:jeton>/", views.agenda_prive, name="agenda_prive"),
    path("catalogue/agenda-lien/", views.agenda_lien, name="agenda_lien"),
]
