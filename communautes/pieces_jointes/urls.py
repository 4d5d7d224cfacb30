"""URLs of attachments, included under /communautes/<slug>/pieces-jointes/."""

from django.urls import path

from . import views

urlpatterns = [
    path("<id:pk>/", views.piece_jointe_download, name="piece_jointe"),
]
