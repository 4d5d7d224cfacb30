"""Writes of the case pipeline: propose, edit, resolve flags, review twice, publish, withdraw.

Nothing reaches the library while a flag is unresolved: each flagged token is replaced by the
placeholder of its kind, or dismissed by a reviewer with a reason (never the kinds that are
not publishable at all). The case page is built from the resolved text, which is also what
the reviewers see, so the page, its search document, the e-mails and the API carry only it.
"""

import html
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Lower, StrIndex
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from analyse_pratiques import permissions, selectors
from analyse_pratiques.models import CasPropose, DecisionSignal, Seance
from analyse_pratiques.permissions import Acces
from maillage.models import Commune, Reseau, Structure

from .pseudonymisation import CHECKLIST, NATURES, References, candidats, remplacer, signaler

CHAMPS = ("titre", "situation", "questions", "tentatives", "resultat", "enseignements")
MOTIF_MAX = 500


# --- flags -------------------------------------------------------------------------------


def references_for(textes: Iterable[str]) -> References:
    """The names the platform knows that occur in `textes` (four queries whatever the text)."""
    textes = [t for t in textes if t]
    noms = set().union(*(candidats(t) for t in textes)) if textes else set()
    bas = "\n".join(textes).lower()
    communes = set()
    membres: dict[str, set[str]] = {}
    if noms:
        communes = {
            n.lower()
            for n in Commune.objects.annotate(n=Lower("nom"))
            .filter(n__in=noms)
            .values_list("nom", flat=True)
        }
        for prenom, nom in (
            get_user_model()
            .objects.annotate(n=Lower("last_name"))
            .filter(n__in=noms)
            .values_list("first_name", "last_name")
        ):
            membres.setdefault(nom.lower(), set()).add(prenom.lower())
    structures = set()
    if bas:
        # Structure names are several words long: look for each one inside the text.
        structures = {
            n.lower()
            for n in Structure.objects.annotate(pos=StrIndex(Value(bas), Lower(F("nom"))))
            .filter(pos__gt=0)
            .values_list("nom", flat=True)
            if len(n) >= 3
        }
    non_identifiants = {
        mot.lower()
        for nom in Reseau.objects.values_list("nom", flat=True)
        for mot in nom.replace("'", " ").split()
    }
    return References(
        communes=communes,
        membres=membres,
        structures=structures,
        non_identifiants=non_identifiants,
    )


def cas_signaux(*, cas: CasPropose) -> list[dict]:
    """The automatic flags of every field of a proposal, with the field each lies in."""
    textes = {champ: getattr(cas, champ) for champ in CHAMPS}
    references = references_for(textes.values())
    return [
        {"champ": champ, **signal.as_dict()}
        for champ, texte in textes.items()
        for signal in signaler(texte, references=references)
    ]


def _ecartes(cas: CasPropose) -> set[tuple[str, str]]:
    return {
        (nature, texte)
        for nature, texte in DecisionSignal.objects.filter(
            cas=cas, action=DecisionSignal.Action.ECARTE
        ).values_list("nature", "texte")
        if not NATURES[nature].jamais_publiable
    }


def signaux_ouverts(*, cas: CasPropose, signaux: list[dict] | None = None) -> list[dict]:
    """The flags neither replaced nor dismissed: while one is left, nothing is published."""
    ecartes = _ecartes(cas)
    signaux = cas.signaux if signaux is None else signaux
    return [s for s in signaux if (s["nature"], s["texte"]) not in ecartes]


def _recompute(cas: CasPropose) -> list[dict]:
    """Run the detection again on the current text; the open flags."""
    cas.signaux = cas_signaux(cas=cas)
    return signaux_ouverts(cas=cas)


# --- permissions -------------------------------------------------------------------------


def _lock(cas: CasPropose) -> CasPropose:
    return (
        CasPropose.objects.select_for_update()
        .select_related("seance__groupe", "client")
        .get(pk=cas.pk)
    )


def _check_client(*, user, cas: CasPropose) -> None:
    if not permissions.can_edit_cas(user, cas):
        raise PermissionDenied(_("Seul le client de la séance peut modifier ce cas."))


def check_can_replace(*, user, cas: CasPropose) -> None:
    """The client replaces in the draft; a reviewer, during the review."""
    if cas.etat not in (CasPropose.Etat.BROUILLON, CasPropose.Etat.EN_RELECTURE):
        raise ValidationError(_("Ce cas ne peut plus être modifié."), code="etat")
    if not permissions.can_replace_signals(user, cas):
        if cas.etat == CasPropose.Etat.BROUILLON:
            raise PermissionDenied(_("Seul le client de la séance peut modifier ce cas."))
        raise PermissionDenied(_("Vous ne pouvez pas relire ce cas."))


def _check_fields(fields: dict) -> dict:
    fields = {k: (v or "").strip() for k, v in fields.items() if k in CHAMPS}
    if not fields.get("titre") or not fields.get("situation"):
        raise ValidationError(_("Le titre et la situation sont obligatoires."), code="requis")
    return fields


# --- proposal and edition ----------------------------------------------------------------


@transaction.atomic
def cas_propose_from_seance(*, user, seance: Seance, consentement: bool, **fields) -> CasPropose:
    """The client of a séance proposes their situation, giving explicit consent."""
    if not permissions.can_propose_cas(user, seance):
        if seance.client_id != user.pk:
            raise PermissionDenied(_("Seul le client de la séance peut proposer sa situation."))
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


def _cles(signaux: list[dict]) -> dict[tuple[str, str], int]:
    compte: dict[tuple[str, str], int] = {}
    for s in signaux:
        compte[s["nature"], s["texte"]] = compte.get((s["nature"], s["texte"]), 0) + 1
    return compte


@transaction.atomic
def cas_update(*, user, cas: CasPropose, **fields) -> CasPropose:
    """The client edits the draft; the flags are computed again.

    A flagged token the client rewrote is recorded as replaced, without keeping it.
    """
    cas = _lock(cas)
    _check_client(user=user, cas=cas)
    if cas.etat != CasPropose.Etat.BROUILLON:
        raise ValidationError(_("Seul un brouillon peut être modifié."), code="etat")
    avant = _cles(signaux_ouverts(cas=cas))
    for champ, valeur in _check_fields({**{c: getattr(cas, c) for c in CHAMPS}, **fields}).items():
        setattr(cas, champ, valeur)
    cas.full_clean()
    apres = _cles(_recompute(cas))
    cas.save()
    disparus = [(nature, n) for (nature, texte), n in avant.items() if (nature, texte) not in apres]
    DecisionSignal.objects.bulk_create(
        DecisionSignal(
            cas=cas,
            action=DecisionSignal.Action.REMPLACE,
            nature=nature,
            occurrences=n,
            motif=_("Réécrit dans le texte"),
            par=user,
        )
        for nature, n in disparus
    )
    return cas


def _replace(*, user, cas: CasPropose, cibles: list[dict]) -> CasPropose:
    """Replace the flagged spans `cibles` by their placeholders and record it."""
    par_champ: dict[str, list[dict]] = {}
    for signal in cibles:
        par_champ.setdefault(signal["champ"], []).append(signal)
    for champ, signaux in par_champ.items():
        setattr(cas, champ, remplacer(getattr(cas, champ), signaux))
    if cas.etat == CasPropose.Etat.EN_RELECTURE:
        # The text changed: an approval given to the former one no longer holds.
        cas.relu_animateur_le = cas.relu_second_le = cas.second_relecteur = None
    _recompute(cas)
    cas.save()
    DecisionSignal.objects.bulk_create(
        DecisionSignal(
            cas=cas,
            action=DecisionSignal.Action.REMPLACE,
            nature=nature,
            occurrences=n,
            par=user,
        )
        for (nature, _texte), n in _cles(cibles).items()
    )
    return cas


@transaction.atomic
def cas_signal_replace(*, user, cas: CasPropose, nature: str, texte: str) -> CasPropose:
    """Replace every occurrence of one flagged token by the placeholder of its kind."""
    cas = _lock(cas)
    check_can_replace(user=user, cas=cas)
    cibles = [s for s in _recompute(cas) if s["nature"] == nature and s["texte"] == texte]
    if not cibles:
        raise ValidationError(_("Cet élément n'est plus signalé."), code="inconnu")
    return _replace(user=user, cas=cas, cibles=cibles)


@transaction.atomic
def cas_signaux_replace_all(*, user, cas: CasPropose) -> CasPropose:
    """Replace every open flag by its placeholder (until the detection finds nothing more)."""
    cas = _lock(cas)
    check_can_replace(user=user, cas=cas)
    ouverts = _recompute(cas)
    if not ouverts:
        raise ValidationError(_("Aucun élément signalé à remplacer."), code="rien")
    # A replacement can reveal a surname next to "[prénom]": a few passes at most.
    for _passe in range(3):
        if not ouverts:
            break
        cas = _replace(user=user, cas=cas, cibles=ouverts)
        ouverts = signaux_ouverts(cas=cas)
    return cas


@transaction.atomic
def cas_signal_dismiss(*, user, cas: CasPropose, nature: str, texte: str, motif: str) -> CasPropose:
    """A reviewer keeps a flagged token, saying why; never for the kinds never publishable."""
    cas = _lock(cas)
    if not permissions.can_review_cas(user, cas):
        raise PermissionDenied(_("Seuls les relecteurs peuvent écarter un signalement."))
    if cas.etat != CasPropose.Etat.EN_RELECTURE:
        raise ValidationError(_("Ce cas n'est pas en relecture."), code="etat")
    if nature not in NATURES:
        raise ValidationError(_("Ce type de signalement n'existe pas."), code="nature")
    if NATURES[nature].jamais_publiable:
        raise ValidationError(
            _("Un élément de type « %(nature)s » ne peut jamais être publié : remplacez-le.")
            % {"nature": NATURES[nature].libelle},
            code="jamais_publiable",
        )
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError(
            _("Indiquez pourquoi cet élément peut être publié tel quel."), code="motif"
        )
    if len(motif) > MOTIF_MAX:
        raise ValidationError(
            _("Le motif ne doit pas dépasser %(max)d caractères.") % {"max": MOTIF_MAX},
            code="motif",
        )
    ouverts = [s for s in _recompute(cas) if s["nature"] == nature and s["texte"] == texte]
    if not ouverts:
        raise ValidationError(_("Cet élément n'est plus signalé."), code="inconnu")
    cas.save()
    DecisionSignal.objects.create(
        cas=cas,
        action=DecisionSignal.Action.ECARTE,
        nature=nature,
        texte=texte,
        occurrences=len(ouverts),
        motif=motif,
        par=user,
    )
    return cas


# --- review and publication --------------------------------------------------------------


def _message_ouverts(ouverts: list[dict]) -> str:
    n = len(_cles(ouverts))
    return ngettext(
        "%(n)d élément signalé n'est pas résolu : remplacez-le, ou faites-le écarter par un "
        "relecteur avec un motif.",
        "%(n)d éléments signalés ne sont pas résolus : remplacez-les, ou faites-les écarter par "
        "un relecteur avec un motif.",
        n,
    ) % {"n": n}


@transaction.atomic
def cas_submit(*, user, cas: CasPropose, checklist: dict) -> CasPropose:
    """The client confirms every pseudonymisation check; the case goes to review.

    What can never be published (phone, e-mail, address, NIR, date of birth, names of the
    platform's users and structures) must be replaced first: no reviewer could let it through.
    """
    cas = _lock(cas)
    _check_client(user=user, cas=cas)
    if cas.etat != CasPropose.Etat.BROUILLON:
        raise ValidationError(_("Ce cas n'est pas un brouillon."), code="etat")
    manquants = [cle for cle in CHECKLIST if checklist.get(cle) is not True]
    if manquants:
        raise ValidationError(
            _("Toutes les vérifications de pseudonymisation doivent être cochées."),
            code="checklist",
        )
    interdits = [s for s in _recompute(cas) if NATURES[s["nature"]].jamais_publiable]
    if interdits:
        n = len(_cles(interdits))
        raise ValidationError(
            ngettext(
                "%(n)d élément ne peut jamais être publié (téléphone, e-mail, adresse, numéro de "
                "sécurité sociale, date de naissance, nom d'une personne ou d'une structure "
                "inscrite) : remplacez-le avant l'envoi en relecture.",
                "%(n)d éléments ne peuvent jamais être publiés (téléphone, e-mail, adresse, "
                "numéro de sécurité sociale, date de naissance, nom d'une personne ou d'une "
                "structure inscrite) : remplacez-les avant l'envoi en relecture.",
                n,
            )
            % {"n": n},
            code="jamais_publiable",
        )
    cas.checklist = {cle: True for cle in CHECKLIST}
    cas.etat = CasPropose.Etat.EN_RELECTURE
    cas.relu_animateur_le = cas.relu_second_le = cas.second_relecteur = None
    cas.save()
    relecteurs = [
        m.user_id
        for m in selectors.membres_actifs(groupe=cas.seance.groupe)
        if m.user_id != cas.client_id
    ]
    if cas.seance.groupe.animateur_id not in relecteurs:
        relecteurs.append(cas.seance.groupe.animateur_id)
    cas_id = cas.pk
    transaction.on_commit(lambda: _taches().envoyer_cas_a_relire.enqueue(relecteurs, cas_id))
    return cas


@transaction.atomic
def cas_review(*, user, cas: CasPropose, approuve: bool) -> CasPropose:
    """A review by the facilitator or by one other member; two approvals publish the case.

    An approval needs every flag resolved. A refusal sends the case back to the client as a
    draft, both reviews cleared.
    """
    cas = _lock(cas)
    groupe = cas.seance.groupe
    acces = permissions.acces_for(user=user, groupe=groupe)
    if not permissions.can_review_cas(user, cas, acces=acces):
        raise PermissionDenied(_("Vous ne pouvez pas relire ce cas."))
    if cas.etat != CasPropose.Etat.EN_RELECTURE:
        raise ValidationError(_("Ce cas n'est pas en relecture."), code="etat")
    if acces == Acces.MEMBRE and cas.second_relecteur_id not in (None, user.pk):
        raise ValidationError(_("Un autre membre a déjà relu ce cas."), code="deja_relu")
    if not approuve:
        cas.etat = CasPropose.Etat.BROUILLON
        cas.relu_animateur_le = cas.relu_second_le = cas.second_relecteur = None
        cas.save()
        client_id, cas_id = cas.client_id, cas.pk
        transaction.on_commit(lambda: _taches().envoyer_cas_renvoye.enqueue(client_id, cas_id))
        return cas
    ouverts = _recompute(cas)
    if ouverts:
        raise ValidationError(_message_ouverts(ouverts), code="signaux")
    now = timezone.now()
    if acces == Acces.ANIMATEUR:
        cas.relu_animateur_le = now
    else:
        cas.second_relecteur, cas.relu_second_le = user, now
    if cas.relu_animateur_le and cas.relu_second_le:
        page = _publish(cas)
        cas.cas_page_id = page.pk
        cas.etat = CasPropose.Etat.PUBLIE
        client_id, page_id = cas.client_id, page.pk
        transaction.on_commit(lambda: _taches().envoyer_cas_publie.enqueue(client_id, page_id))
    cas.save()
    return cas


def _taches():
    from . import tasks

    return tasks


def _paragraphes(texte: str) -> str:
    return "".join(f"<p>{html.escape(p.strip())}</p>" for p in texte.split("\n\n") if p.strip())


def texte_publie(cas: CasPropose) -> dict[str, str]:
    """The case as the library will publish it: what reviewers preview is exactly this."""
    return {
        "title": cas.titre,
        **{champ: _paragraphes(getattr(cas, champ)) for champ in CHAMPS if champ != "titre"},
    }


def _slug_libre(index, titre: str) -> str:
    base = slugify(titre)[:70] or "cas"
    pris = set(index.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in pris:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _publish(cas: CasPropose):
    """Publish the resolved case with its consent record (no identity of anyone).

    The detection runs once more here: a flag left open (a name registered since, say)
    stops the publication, and the caller's transaction writes nothing.
    """
    from ressources.models import CasIndexPage, CasPage

    ouverts = _recompute(cas)
    if ouverts:
        raise ValidationError(_message_ouverts(ouverts), code="signaux")
    index = CasIndexPage.objects.live().first()
    if index is None:
        raise ValidationError(_("La bibliothèque de cas n'existe pas encore."), code="sans_index")
    contenu = texte_publie(cas)
    page = CasPage(
        slug=_slug_libre(index, contenu["title"]),
        provenance=CasPage.Provenance.ANALYSE_PRATIQUES,
        consentement={
            "cas_propose": cas.pk,
            "donne_le": cas.consentement_donne_le.isoformat(),
            "checklist": sorted(cas.checklist),
            "relu_animateur_le": cas.relu_animateur_le.isoformat(),
            "relu_second_le": cas.relu_second_le.isoformat(),
        },
        **contenu,
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def cas_consentement_withdraw(*, user, cas: CasPropose) -> CasPropose:
    """The client withdraws consent at any time: the page is unpublished at once.

    Unpublishing fires Wagtail's `page_unpublished`, on which ressources removes it from search.
    The client may withdraw even after leaving the group.
    """
    cas = CasPropose.objects.select_for_update().get(pk=cas.pk)
    if not permissions.can_withdraw_consentement(user, cas):
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
