"""The waiting-list promotion shared by training sessions and community events."""

from collections.abc import Callable

from django.db.models import Model, QuerySet


def waitlist_promote(
    *,
    attente: QuerySet,
    places: int | None,
    valeurs: dict[str, object],
    prend_place: Callable[[Model], bool] | None = None,
) -> tuple[list[Model], list[Model]]:
    """Give `places` free places (None: no limit) to the waiting rows, in their order.

    `attente` holds the rows still waiting that may take a place; rows have a `position` on
    the list and `cree_le`, `modifie_le` dates. They are locked (FOR UPDATE) and read by
    position, then date, then id. A promoted row gets `valeurs` and leaves the list (no
    position). `prend_place`, when given, is asked about each row in turn, until the places
    run out, and may pass one over (it stays as it is, on the list): being called in order and
    once per row, it may count the places it grants. The caller holds the row lock of what
    the places belong to. Returns (the promoted rows, the rows passed over)."""
    if places is not None and places <= 0:
        return [], []
    lignes = attente.select_for_update().order_by("position", "cree_le", "pk")
    if prend_place is None and places is not None:
        lignes = lignes[:places]
    champs = [*valeurs, "position", "modifie_le"]
    promues, ecartees = [], []
    for ligne in lignes:
        if places is not None and len(promues) == places:
            break
        if prend_place is not None and not prend_place(ligne):
            ecartees.append(ligne)
            continue
        for champ, valeur in valeurs.items():
            setattr(ligne, champ, valeur)
        ligne.position = None
        ligne.save(update_fields=champs)
        promues.append(ligne)
    return promues, ecartees
