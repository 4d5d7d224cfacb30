"""Wagtail hooks of the project package: the staff screens for personal data requests, the way
back to the site."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from maillage.rgpd.admin_views import CompteExportView, CompteView, DemandesView


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


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item():
    # The admin's own links to the site open new tabs; editors go back to their dashboard
    # (their programmes, indicators and exports) in the same one.
    return MenuItem(
        _("Mon tableau de bord"), reverse("dashboard"), icon_name="arrow-left", order=10000
    )
