"""The formations app's entry in the site's main navigation: a fixed address that leads to
the catalogue page wherever it lives in the tree, so that no page pays a query for it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def catalogue_entry(request):
    return ("formations", _("Formations"), reverse("formations:catalogue"))
