"""Reads of attachments, for the user who asks: never more than they may read."""

from django.db.models import Q

from communautes import selectors as communaute_selectors
from communautes.models import Communaute, PieceJointe


def piece_jointe_get_for(*, user, communaute: Communaute, pk: int) -> PieceJointe:
    """An attachment of a publication or reply the user may read; DoesNotExist otherwise."""
    if not communaute_selectors.can_view(user=user, communaute=communaute):
        raise PieceJointe.DoesNotExist
    queryset = PieceJointe.objects.filter(
        Q(publication__communaute=communaute) | Q(reponse__publication__communaute=communaute)
    )
    if not communaute_selectors.can_moderate(user=user, communaute=communaute):
        queryset = queryset.filter(
            Q(publication__masquee=False)
            | Q(reponse__masquee=False, reponse__publication__masquee=False)
        )
    return queryset.get(pk=pk)
