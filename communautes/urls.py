"""URLs of the community pages, mounted under /communautes/."""

from django.urls import include, path

from . import views
from .moderation import views as moderation_views
from .notifications import views as notifications_views

app_name = "communautes"

urlpatterns = [
    path("", views.communaute_list, name="list"),
    # Notifications (before "<slug>/", which would otherwise catch these words).
    path("notifications/", notifications_views.notification_list, name="notifications"),
    path(
        "notifications/tout-lu/",
        notifications_views.notification_read_all,
        name="notifications_read_all",
    ),
    path(
        "notifications/<id:pk>/lue/",
        notifications_views.notification_read,
        name="notification_read",
    ),
    path(
        "desabonnement/<str:token>/",
        notifications_views.desabonnement_view,
        name="desabonnement",
    ),
    path(
        "<slug:slug>/notifications/",
        notifications_views.niveau_notification,
        name="niveau_notification",
    ),
    path("<slug:slug>/", views.communaute_detail, name="detail"),
    path("<slug:slug>/rejoindre/", views.communaute_join, name="join"),
    path("<slug:slug>/quitter/", views.communaute_leave, name="leave"),
    path("<slug:slug>/publier/", views.publication_create, name="publication_create"),
    path("<slug:slug>/moderation/", moderation_views.moderation, name="moderation"),
    path("<slug:slug>/membres/", views.membres, name="membres"),
    path(
        "<slug:slug>/membres/mentions/",
        views.membres_suggestions,
        name="membres_suggestions",
    ),
    path("<slug:slug>/salon/", views.salon, name="salon"),
    path("<slug:slug>/publications/<id:pk>/", views.publication_detail, name="publication"),
    path(
        "<slug:slug>/publications/<id:pk>/reponses/",
        views.publication_reponses,
        name="publication_reponses",
    ),
    path(
        "<slug:slug>/publications/<id:pk>/reponses/<id:reponse_pk>/",
        views.reponse_permalink,
        name="reponse",
    ),
    path(
        "<slug:slug>/publications/<id:pk>/modifier/",
        views.publication_update,
        name="publication_update",
    ),
    path("<slug:slug>/publications/<id:pk>/repondre/", views.reponse_create, name="reponse_create"),
    path("<slug:slug>/publications/<id:pk>/reagir/", views.reaction_toggle, name="reaction"),
    path(
        "<slug:slug>/publications/<id:pk>/signaler/",
        moderation_views.signalement_create,
        name="signalement",
    ),
    path(
        "<slug:slug>/publications/<id:pk>/moderer/",
        moderation_views.publication_moderate,
        name="publication_moderate",
    ),
    path(
        "<slug:slug>/publications/<id:pk>/deplacer/",
        moderation_views.publication_move,
        name="publication_move",
    ),
    path(
        "<slug:slug>/publications/<id:pk>/options/",
        moderation_views.publication_flags,
        name="publication_flags",
    ),
    path(
        "<slug:slug>/publications/<id:pk>/accepter/<id:reponse_pk>/",
        views.reponse_accept,
        name="reponse_accept",
    ),
    path("<slug:slug>/evenements/", include("communautes.evenements.urls")),
    path("<slug:slug>/pieces-jointes/", include("communautes.pieces_jointes.urls")),
]
