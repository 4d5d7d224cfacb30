"""Download of an attachment, after the same membership checks as its publication."""

from django.http import FileResponse, Http404, HttpRequest

from communautes.models import PieceJointe
from communautes.views import communaute_or_404

from .selectors import piece_jointe_get_for


def piece_jointe_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    communaute = communaute_or_404(request, slug)
    try:
        piece = piece_jointe_get_for(user=request.user, communaute=communaute, pk=pk)
    except PieceJointe.DoesNotExist as exc:
        raise Http404 from exc
    try:
        fichier = piece.fichier.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        fichier, as_attachment=True, filename=piece.nom, content_type=piece.type_mime
    )
    # Always a download, never rendered by the browser, never kept by a shared cache.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
