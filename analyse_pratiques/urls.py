"""URLs of the practice-analysis groups, mounted under /analyse-pratiques/."""

from django.urls import path

from . import views

app_name = "analyse_pratiques"

urlpatterns = [
    path("", views.mes_groupes, name="mes_groupes"),
    path("creer/", views.groupe_creer, name="groupe_creer"),
    path("agenda/lien/", views.agenda_lien, name="agenda_lien"),
    path("agenda/<str:jeton>/seances.ics", views.agenda, name="agenda"),
    path("groupes/<slug:slug>/", views.groupe_detail, name="groupe"),
    path("groupes/<slug:slug>/charte/", views.charte, name="charte"),
    path("groupes/<slug:slug>/candidater/", views.candidater, name="candidater"),
    path("groupes/<slug:slug>/decliner/", views.decliner, name="decliner"),
    path("groupes/<slug:slug>/quitter/", views.quitter, name="quitter"),
    path("groupes/<slug:slug>/animation/", views.animation, name="animation"),
    path("groupes/<slug:slug>/animation/inviter/", views.inviter, name="inviter"),
    path("groupes/<slug:slug>/animation/charte/", views.charte_publier, name="charte_publier"),
    path("groupes/<slug:slug>/animation/seances/", views.seance_planifier, name="planifier"),
    path(
        "groupes/<slug:slug>/animation/membres/<id:user_id>/approuver/",
        views.membre_approuver,
        name="approuver",
    ),
    path(
        "groupes/<slug:slug>/animation/membres/<id:user_id>/retirer/",
        views.membre_retirer,
        name="retirer",
    ),
    path("seances/<id:pk>/", views.seance_detail, name="seance"),
    path("seances/<id:pk>/etat/", views.seance_etat, name="seance_etat"),
    path("seances/<id:pk>/seance.ics", views.seance_ics, name="seance_ics"),
    path("seances/<id:pk>/roles/", views.seance_roles, name="seance_roles"),
    *[
        path(
            f"seances/<id:pk>/{action}/",
            views.seance_pilotage,
            {"action": action},
            name=f"seance_{action}",
        )
        for action in views.PILOTAGE
    ],
    path("seances/<id:pk>/question/", views.seance_ecrit, {"quoi": "question"}, name="question"),
    path("seances/<id:pk>/plan/", views.seance_ecrit, {"quoi": "plan"}, name="plan"),
    path(
        "seances/<id:pk>/apprentissage/",
        views.seance_ecrit,
        {"quoi": "apprentissage"},
        name="apprentissage",
    ),
    path("seances/<id:pk>/notes/", views.seance_ecrit, {"quoi": "note"}, name="note"),
    path("seances/<id:pk>/evaluation/", views.seance_evaluer, name="evaluation"),
    path("seances/<id:pk>/cas/", views.cas_proposer, name="cas_proposer"),
    path("cas/<id:cas_pk>/", views.cas_detail, name="cas"),
    path("cas/<id:cas_pk>/soumettre/", views.cas_soumettre, name="cas_soumettre"),
    path("cas/<id:cas_pk>/modifier/", views.cas_modifier, name="cas_modifier"),
    path(
        "cas/<id:cas_pk>/signalements/remplacer/",
        views.cas_signal_remplacer,
        name="cas_signal_remplacer",
    ),
    path(
        "cas/<id:cas_pk>/signalements/remplacer-tout/",
        views.cas_signaux_remplacer_tous,
        name="cas_signaux_remplacer_tous",
    ),
    path(
        "cas/<id:cas_pk>/signalements/ecarter/",
        views.cas_signal_ecarter,
        name="cas_signal_ecarter",
    ),
    path("cas/<id:cas_pk>/relire/", views.cas_relire, name="cas_relire"),
    path("cas/<id:cas_pk>/retirer/", views.cas_retirer, name="cas_retirer"),
]
