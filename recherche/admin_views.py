"""Wagtail admin view of search: the outbox and its replay."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import selectors, services


class SearchOutboxView(WagtailAdminTemplateMixin, TemplateView):
    """Changes waiting to reach the search indexes; POST replays them now."""

    template_name = "recherche/admin/outbox.html"
    page_title = gettext_lazy("Index de recherche : changements en attente")
    header_icon = "search"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["outbox"] = selectors.search_outbox_summary(user=self.request.user)
        return context

    def post(self, request, *args, **kwargs):
        summary = services.search_outbox_replay(user=request.user)
        if summary["failed"]:
            messages.error(
                request,
                _(
                    "%(replayed)s changement(s) envoyé(s) ; l'index n'a pas accepté le suivant : "
                    "%(pending)s restent en attente."
                )
                % summary,
            )
        else:
            messages.success(
                request,
                _("%(replayed)s changement(s) envoyé(s) à l'index ; %(pending)s en attente.")
                % summary,
            )
        return redirect(reverse("search_outbox"))
