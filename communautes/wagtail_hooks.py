"""Wagtail admin registration of the communities and their memberships."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Adhesion, Communaute


class CommunauteViewSet(ModelViewSet):
    model = Communaute
    icon = "group"
    menu_label = _("Communautés")
    list_display = ["nom", "nature", "visibilite", "mode_adhesion", "territoire"]
    list_filter = ["nature", "visibilite", "mode_adhesion"]
    search_fields = ["nom", "description"]
    form_fields = [
        "nom",
        "slug",
        "description",
        "nature",
        "visibilite",
        "mode_adhesion",
        "charte",
        "charte_version",
        "evenements_par_membres",
        "territoire",
        "thematiques",
        "session",
    ]


class AdhesionViewSet(ModelViewSet):
    """Where administrators appoint the managers (animateurs) of a community."""

    model = Adhesion
    icon = "user"
    menu_label = _("Adhésions")
    list_display = ["user", "communaute", "role", "etat", "cree_le"]
    list_filter = ["role", "etat"]
    search_fields = ["user__email", "user__last_name", "communaute__nom"]
    form_fields = ["user", "communaute", "role", "etat", "bannie_jusqu_au"]


class CommunautesGroup(ViewSetGroup):
    menu_label = _("Communautés")
    menu_icon = "group"
    items = (
        CommunauteViewSet("communautes_admin"),
        AdhesionViewSet("adhesions_communaute_admin"),
    )


@hooks.register("register_admin_viewset")
def register_viewsets():
    return CommunautesGroup()
