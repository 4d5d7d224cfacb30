"""Wagtail admin registration of the formations app's plain models."""

from django import forms
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem as AdminMenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from .admin_views import (
    INSCRIPTION_ACTIONS,
    SESSION_ACTIONS,
    EditableSessionIndexView,
    SessionCreateView,
    SessionEditView,
    inscription_action,
    inscription_action_allowed,
    session_action,
    session_action_allowed,
)
from .lheo.admin_views import ImportLheoView, lheo_import_allowed
from .models import Inscription, Session


def _action_items(instance, actions, allowed, url_name, user):
    return [
        MenuItem(action.label, url=reverse(url_name, args=[instance.pk, key]), priority=15)
        for key, action in actions.items()
        if allowed(instance, key) and user.has_perm(action.permission)
    ]


class WithoutDeletion:
    """No deletion from the admin: deleting a session or an enrolment would drop people
    without telling them and leave the waiting list behind; cancelling does it right."""

    def get_common_view_kwargs(self, **kwargs):
        return {**super().get_common_view_kwargs(**kwargs), "delete_url_name": None}

    def get_urlpatterns(self):
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "delete"]


class SessionIndexView(EditableSessionIndexView):
    def get_list_more_buttons(self, instance):
        return super().get_list_more_buttons(instance) + _action_items(
            instance,
            SESSION_ACTIONS,
            session_action_allowed,
            "sessions_formation:action",
            self.request.user,
        )


class InscriptionIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        return super().get_list_more_buttons(instance) + _action_items(
            instance,
            INSCRIPTION_ACTIONS,
            inscription_action_allowed,
            "inscriptions_formation:action",
            self.request.user,
        )


class SessionViewSet(WithoutDeletion, ModelViewSet):
    """Sessions: the state changes only through the actions (which tell the people
    concerned), the capacity through the service (which promotes the waiting list)."""

    model = Session
    icon = "date"
    menu_label = _("Sessions")
    add_to_admin_menu = True
    index_view_class = SessionIndexView
    add_view_class = SessionCreateView
    edit_view_class = SessionEditView
    list_display = ["formation", "date_debut", "ville", "capacite", "etat"]
    list_filter = ["etat", "valide_par_responsable"]
    search_fields = ["formation__title", "ville", "numero"]
    panels = [
        FieldPanel("formation"),
        FieldPanel("date_debut"),
        FieldPanel("date_fin"),
        FieldPanel("adresse"),
        FieldPanel("code_postal"),
        FieldPanel("ville"),
        FieldPanel("commune"),
        FieldPanel("latitude"),
        FieldPanel("longitude"),
        FieldPanel("lien_distanciel"),
        FieldPanel("capacite"),
        FieldPanel("politique", widget=forms.RadioSelect),
        FieldPanel("part_max_reseau"),
        FieldPanel("inscriptions_ouverture"),
        FieldPanel("inscriptions_cloture"),
        FieldPanel("etat", read_only=True),
        FieldPanel("formateurs"),
        FieldPanel("valide_par_responsable"),
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("action/<id:pk>/<slug:action>/", session_action, name="action"),
        ]


class InscriptionViewSet(WithoutDeletion, ModelViewSet):
    """Enrolments are made and changed by their holders and trainers; the admin reads them
    and validates those awaiting validation, through the service."""

    model = Inscription
    icon = "user"
    menu_label = _("Inscriptions")
    add_to_admin_menu = True
    index_view_class = InscriptionIndexView
    list_display = ["user", "session", "etat", "position", "cree_le"]
    list_filter = ["etat"]
    search_fields = ["user__email", "session__formation__title"]
    panels = [FieldPanel("etat", read_only=True), FieldPanel("position", read_only=True)]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_index_view_kwargs(self, **kwargs):
        # No "add" button: an enrolment is made by its holder, through the service.
        return {**super().get_index_view_kwargs(**kwargs), "add_url_name": None}

    def get_urlpatterns(self):
        return [
            *(pattern for pattern in super().get_urlpatterns() if pattern.name != "add"),
            path("action/<id:pk>/<slug:action>/", inscription_action, name="action"),
        ]


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [SessionViewSet("sessions_formation"), InscriptionViewSet("inscriptions_formation")]


class ImportLheoMenuItem(AdminMenuItem):
    def is_shown(self, request) -> bool:
        return lheo_import_allowed(request.user)


@hooks.register("register_admin_urls")
def register_import_lheo_url():
    return [
        path("formations/import-lheo/", ImportLheoView.as_view(), name="formations_import_lheo")
    ]


@hooks.register("register_admin_menu_item")
def register_import_lheo_menu_item():
    return ImportLheoMenuItem(
        _("Import LHEO"), reverse("formations_import_lheo"), icon_name="upload", order=310
    )
