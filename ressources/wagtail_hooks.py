"""Wagtail hooks of the ressources app: document downloads."""

from django.http import Http404
from wagtail import hooks

from .documents import document_can_serve


@hooks.register("before_serve_document")
def check_document_access(document, request):
    # A 404 rather than a 403: a file under review must not even be confirmed to exist.
    if not document_can_serve(request=request, document=document):
        raise Http404
