"""Reads of attachments, for the user who asks: never more than they may read."""

from django.db.models import Q

from communautes import permissions
from communautes.models import Communaute, PieceJointe


def piece_jointe_get_for(*, user, communaute: Communaute, pk: int) -> PieceJointe:
    """An attachment of a publication or reply the user may read; DoesNotExist otherwise."""
    adhesion = permissions.adhesion_for(user, communaute)
    if not permissions.can_read_community(user, communaute, adhesion=adhesion):
        raise PieceJointe.DoesNotExist
    queryset = PieceJointe.objects.filter(
        Q(publication__communaute=communaute) | Q(reponse__publication__communaute=communaute)
    )
    if not permissions.can_moderate(user, communaute, adhesion=adhesion):
        queryset = queryset.filter(
            Q(publication__masquee=False)
            | Q(reponse__masquee=False, reponse__publication__masquee=False)
        )
    return queryset.get(pk=pk)
