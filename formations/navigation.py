"""The formations app's entry in the site's main navigation."""

from django.utils.translation import gettext_lazy as _

from .selectors import catalogue_url


def catalogue_entry(request):
    url = catalogue_url()
    return ("formations", _("Formations"), url) if url else None
