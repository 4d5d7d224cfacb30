"""Wagtail hooks of the project package: the staff screens for personal data requests and the
search outbox, the way back to the site."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from maillage.rgpd.admin_views import CompteExportView, CompteView, DemandesView
from maillage.search.admin_views import SearchOutboxView
from maillage.search.selectors import is_search_administrator


class RgpdMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return request.user.is_staff and request.user.has_perm("maillage.change_demandesuppression")


@hooks.register("register_admin_urls")
def register_rgpd_urls():
    return [
        path("rgpd/", DemandesView.as_view(), name="rgpd_admin_demandes"),
        path("rgpd/compte/<id:user_id>/", CompteView.as_view(), name="rgpd_admin_compte"),
        path(
            "rgpd/compte/<id:user_id>/export.zip",
            CompteExportView.as_view(),
            name="rgpd_admin_export",
        ),
    ]


@hooks.register("register_settings_menu_item")
def register_rgpd_menu_item():
    return RgpdMenuItem(
        _("Données personnelles"), reverse("rgpd_admin_demandes"), icon_name="user", order=910
    )


class SearchMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return is_search_administrator(request.user)


@hooks.register("register_admin_urls")
def register_search_urls():
    return [path("recherche/en-attente/", SearchOutboxView.as_view(), name="search_outbox")]


@hooks.register("register_settings_menu_item")
def register_search_menu_item():
    return SearchMenuItem(
        _("Index de recherche"), reverse("search_outbox"), icon_name="search", order=900
    )


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item():
    # The admin's own links to the site open new tabs; editors go back to their dashboard
    # (their programmes, indicators and exports) in the same one.
    return MenuItem(
        _("Mon tableau de bord"), reverse("dashboard"), icon_name="arrow-left", order=10000
    )
