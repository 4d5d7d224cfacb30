"""Writes of the case pipeline: propose, check, review twice, publish as a CasPage, withdraw."""

import html

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from analyse_pratiques import selectors
from analyse_pratiques.models import CasPropose, Seance
from analyse_pratiques.selectors import Acces
from maillage.models import Commune

from .pseudonymisation import CHECKLIST, candidats_communes, signaler

CHAMPS = ("titre", "situation", "questions", "tentatives", "resultat", "enseignements")


def cas_signaux(*, cas: CasPropose) -> list[dict]:
    """The automatic flags of every field of a proposal (one query for commune names)."""
    textes = {champ: getattr(cas, champ) for champ in CHAMPS}
    candidats = set().union(*(candidats_communes(t) for t in textes.values()))
    communes = set(Commune.objects.filter(nom__in=candidats).values_list("nom", flat=True))
    return [
        {"champ": champ, **signal.as_dict()}
        for champ, texte in textes.items()
        for signal in signaler(texte, communes=communes)
    ]


def _check_client(*, user, cas: CasPropose) -> None:
    if cas.client_id != user.pk or selectors.acces_for(user=user, groupe=cas.seance.groupe) not in (
        Acces.MEMBRE,
        Acces.ANIMATEUR,
    ):
        raise PermissionDenied(_("Seul le client de la séance peut modifier ce cas."))


def _check_fields(fields: dict) -> dict:
    fields = {k: (v or "").strip() for k, v in fields.items() if k in CHAMPS}
    if not fields.get("titre") or not fields.get("situation"):
        raise ValidationError(_("Le titre et la situation sont obligatoires."), code="requis")
    return fields


@transaction.atomic
def cas_proposer(*, user, seance: Seance, consentement: bool, **fields) -> CasPropose:
    """The client of a séance proposes their situation, giving explicit consent."""
    if seance.client_id != user.pk:
        raise PermissionDenied(_("Seul le client de la séance peut proposer sa situation."))
    if selectors.acces_for(user=user, groupe=seance.groupe) != Acces.MEMBRE:
        raise PermissionDenied(_("Vous devez être membre du groupe."))
    if seance.etat == Seance.Etat.PLANIFIEE:
        raise ValidationError(_("La séance n'a pas encore eu lieu."), code="pas_commencee")
    if consentement is not True:
        raise ValidationError(_("Votre consentement explicite est nécessaire."), code="consent")
    cas = CasPropose(
        seance=seance, client=user, consentement_donne_le=timezone.now(), **_check_fields(fields)
    )
    cas.full_clean()
    cas.signaux = cas_signaux(cas=cas)
    cas.save()
    return cas


@transaction.atomic
def cas_modifier(*, user, cas: CasPropose, **fields) -> CasPropose:
    """The client edits the draft; the flags are computed again."""
    cas = CasPropose.objects.select_for_update().select_related("seance__groupe").get(pk=cas.pk)
    _check_client(user=user, cas=cas)
    if cas.etat != CasPropose.Etat.BROUILLON:
        raise ValidationError(_("Seul un brouillon peut être modifié."), code="etat")
    for champ, valeur in _check_fields({**{c: getattr(cas, c) for c in CHAMPS}, **fields}).items():
        setattr(cas, champ, valeur)
    cas.full_clean()
    cas.signaux = cas_signaux(cas=cas)
    cas.save()
    return cas


@transaction.atomic
def cas_soumettre(*, user, cas: CasPropose, checklist: dict) -> CasPropose:
    """The client confirms every pseudonymisation check; the case goes to review."""
    cas = CasPropose.objects.select_for_update().select_related("seance__groupe").get(pk=cas.pk)
    _check_client(user=user, cas=cas)
    if cas.etat != CasPropose.Etat.BROUILLON:
        raise ValidationError(_("Ce cas n'est pas un brouillon."), code="etat")
    manquants = [cle for cle in CHECKLIST if checklist.get(cle) is not True]
    if manquants:
        raise ValidationError(
            _("Toutes les vérifications de pseudonymisation doivent être cochées."),
            code="checklist",
        )
    cas.checklist = {cle: True for cle in CHECKLIST}
    cas.etat = CasPropose.Etat.EN_RELECTURE
    cas.relu_animateur_le = cas.relu_second_le = cas.second_relecteur = None
    cas.save()
    return cas


@transaction.atomic
def cas_relire(*, user, cas: CasPropose, approuve: bool) -> CasPropose:
    """A review by the facilitator or by one other member; two approvals publish the case.

    A refusal sends the case back to the client as a draft, both reviews cleared.
    """
    cas = (
        CasPropose.objects.select_for_update()
        .select_related("seance__groupe", "client")
        .get(pk=cas.pk)
    )
    groupe = cas.seance.groupe
    acces = selectors.acces_for(user=user, groupe=groupe)
    if acces not in (Acces.MEMBRE, Acces.ANIMATEUR) or user.pk == cas.client_id:
        raise PermissionDenied(_("Vous ne pouvez pas relire ce cas."))
    if cas.etat != CasPropose.Etat.EN_RELECTURE:
        raise ValidationError(_("Ce cas n'est pas en relecture."), code="etat")
    if acces == Acces.MEMBRE and cas.second_relecteur_id not in (None, user.pk):
        raise ValidationError(_("Un autre membre a déjà relu ce cas."), code="deja_relu")
    if not approuve:
        cas.etat = CasPropose.Etat.BROUILLON
        cas.relu_animateur_le = cas.relu_second_le = cas.second_relecteur = None
        cas.save()
        return cas
    now = timezone.now()
    if acces == Acces.ANIMATEUR:
        cas.relu_animateur_le = now
    else:
        cas.second_relecteur, cas.relu_second_le = user, now
    if cas.relu_animateur_le and cas.relu_second_le:
        page = _publier(cas)
        cas.cas_page_id = page.pk
        cas.etat = CasPropose.Etat.PUBLIE
    cas.save()
    return cas


def _paragraphes(texte: str) -> str:
    return "".join(f"<p>{html.escape(p.strip())}</p>" for p in texte.split("\n\n") if p.strip())


def _publier(cas: CasPropose):
    """Publish the case in the library with its consent record (no identity of anyone)."""
    from ressources.models import CasIndexPage, CasPage

    index = CasIndexPage.objects.live().first()
    if index is None:
        raise ValidationError(_("La bibliothèque de cas n'existe pas encore."), code="sans_index")
    page = CasPage(
        title=cas.titre,
        situation=_paragraphes(cas.situation),
        questions=_paragraphes(cas.questions),
        tentatives=_paragraphes(cas.tentatives),
        resultat=_paragraphes(cas.resultat),
        enseignements=_paragraphes(cas.enseignements),
        provenance=CasPage.Provenance.ANALYSE_PRATIQUES,
        consentement={
            "cas_propose": cas.pk,
            "donne_le": cas.consentement_donne_le.isoformat(),
            "checklist": sorted(cas.checklist),
            "relu_animateur_le": cas.relu_animateur_le.isoformat(),
            "relu_second_le": cas.relu_second_le.isoformat(),
        },
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def cas_retirer_consentement(*, user, cas: CasPropose) -> CasPropose:
    """The client withdraws consent at any time: the page is unpublished at once.

    Unpublishing fires Wagtail's `page_unpublished`, on which ressources removes it from search.
    The client may withdraw even after leaving the group.
    """
    cas = CasPropose.objects.select_for_update().get(pk=cas.pk)
    if cas.client_id != user.pk:
        raise PermissionDenied(_("Seul le client peut retirer son consentement."))
    if cas.consentement_retire_le is not None:
        return cas
    now = timezone.now()
    cas.consentement_retire_le = now
    cas.etat = CasPropose.Etat.RETIRE
    cas.save()
    if cas.cas_page_id:
        from ressources.models import CasPage

        page = CasPage.objects.filter(pk=cas.cas_page_id).first()
        if page is not None:
            # In the latest revision too, so that republishing it from the admin keeps the record.
            page.consentement = {**page.consentement, "retire_le": now.isoformat()}
            page.save(update_fields=["consentement"])
            page.save_revision()
            if page.live:
                page.unpublish()
    return cas
