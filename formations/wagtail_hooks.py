"""Wagtail admin registration of the formations app's plain models."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Inscription, Session


class SessionViewSet(ModelViewSet):
    model = Session
    icon = "date"
    menu_label = _("Sessions")
    add_to_admin_menu = True
    list_display = ["formation", "date_debut", "ville", "capacite", "etat"]
    list_filter = ["etat", "valide_par_responsable"]
    search_fields = ["formation__title", "ville", "numero"]
    form_fields = [
        "formation",
        "date_debut",
        "date_fin",
        "adresse",
        "code_postal",
        "ville",
        "commune",
        "latitude",
        "longitude",
        "lien_distanciel",
        "capacite",
        "inscriptions_ouverture",
        "inscriptions_cloture",
        "etat",
        "formateurs",
        "valide_par_responsable",
    ]


class InscriptionViewSet(ModelViewSet):
    model = Inscription
    icon = "user"
    menu_label = _("Inscriptions")
    add_to_admin_menu = True
    list_display = ["user", "session", "etat", "position", "cree_le"]
    list_filter = ["etat"]
    search_fields = ["user__email", "session__formation__title"]
    form_fields = ["etat"]
    inspect_view_enabled = True


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [SessionViewSet("sessions_formation"), InscriptionViewSet("inscriptions_formation")]
