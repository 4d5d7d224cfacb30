"""Wagtail hooks of search: the staff screen of the outbox (changes waiting to be indexed)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import SearchOutboxView
from .selectors import is_search_administrator


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
