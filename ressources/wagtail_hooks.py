"""Wagtail hooks of the ressources app: the search outbox screen, document downloads."""

from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import SearchOutboxView
from .documents import document_can_serve
from .selectors import is_search_administrator


class AdministratorMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return is_search_administrator(request.user)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "recherche/en-attente/",
            SearchOutboxView.as_view(),
            name="ressources_search_outbox",
        )
    ]


@hooks.register("register_settings_menu_item")
def register_search_outbox_menu_item():
    return AdministratorMenuItem(
        _("Index de recherche"),
        reverse("ressources_search_outbox"),
        icon_name="search",
        order=900,
    )


@hooks.register("before_serve_document")
def check_document_access(document, request):
    # A 404 rather than a 403: a file under review must not even be confirmed to exist.
    if not document_can_serve(request=request, document=document):
        raise Http404
