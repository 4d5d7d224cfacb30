"""URLs of the practice-analysis groups, mounted under /analyse-pratiques/."""

from django.urls import path

from . import views

app_name = "analyse_pratiques"

urlpatterns = [
    path("", views.mes_groupes, name="mes_groupes"),
    path("agenda/lien/", views.agenda_lien, name="agenda_lien"),
    path("agenda/<str:jeton>/seances.ics", views.agenda, name="agenda"),
    path("groupes/<slug:slug>/", views.groupe_detail, name="groupe"),
    path("groupes/<slug:slug>/charte/", views.charte, name="charte"),
    path("groupes/<slug:slug>/candidater/", views.candidater, name="candidater"),
    path("groupes/<slug:slug>/quitter/", views.quitter, name="quitter"),
    path("groupes/<slug:slug>/animation/", views.animation, name="animation"),
    path("groupes/<slug:slug>/animation/inviter/", views.inviter, name="inviter"),
    path("groupes/<slug:slug>/animation/charte/", views.charte_publier, name="charte_publier"),
    path("groupes/<slug:slug>/animation/seances/", views.seance_planifier, name="planifier"),
    path(
        "groupes/<slug:slug>/animation/membres/<int:user_id>/approuver/",
        views.membre_approuver,
        name="approuver",
    ),
    path(
        "groupes/<slug:slug>/animation/membres/<int:user_id>/retirer/",
        views.membre_retirer,
        name="retirer",
    ),
    path("seances/<int:pk>/", views.seance_detail, name="seance"),
    path("seances/<int:pk>/etat/", views.seance_etat, name="seance_etat"),
    path("seances/<int:pk>/seance.ics", views.seance_ics, name="seance_ics"),
    path("seances/<int:pk>/roles/", views.seance_roles, name="seance_roles"),
    *[
        path(
            f"seances/<int:pk>/{action}/",
            views.seance_pilotage,
            {"action": action},
            name=f"seance_{action}",
        )
        for action in views.PILOTAGE
    ],
    path("seances/<int:pk>/question/", views.seance_ecrit, {"quoi": "question"}, name="question"),
    path("seances/<int:pk>/plan/", views.seance_ecrit, {"quoi": "plan"}, name="plan"),
    path(
        "seances/<int:pk>/apprentissage/",
        views.seance_ecrit,
        {"quoi": "apprentissage"},
        name="apprentissage",
    ),
    path("seances/<int:pk>/notes/", views.seance_ecrit, {"quoi": "note"}, name="note"),
    path("seances/<int:pk>/evaluation/", views.seance_evaluer, name="evaluation"),
    path("seances/<int:pk>/cas/", views.cas_proposer, name="cas_proposer"),
    path("cas/<int:cas_pk>/", views.cas_detail, name="cas"),
    path("cas/<int:cas_pk>/soumettre/", views.cas_soumettre, name="cas_soumettre"),
    path("cas/<int:cas_pk>/relire/", views.cas_relire, name="cas_relire"),
    path("cas/<int:cas_pk>/retirer/", views.cas_retirer, name="cas_retirer"),
]
