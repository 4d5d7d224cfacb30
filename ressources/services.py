"""Writes of the ressources app: tool feedback, case and tool proposals."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.html import escape, linebreaks
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model

from .documents import document_filename
from .models import CasIndexPage, CasPage, OutilIndexPage, OutilPage, RetourUsage
from .uploads import check_document

Document = get_document_model()
RICH_TEXT_FIELDS = ("situation", "questions", "tentatives", "resultat", "enseignements")


def retour_usage_create(
    *,
    user: AbstractBaseUser,
    outil: OutilPage,
    texte: str,
    note: int,
    resultat: str = "",
) -> RetourUsage:
    """Record how a member used a published tool; one account per member and tool."""
    if not user.is_authenticated:
        raise ValidationError(_("Connectez-vous pour donner votre retour sur un outil."))
    if not outil.live:
        raise ValidationError(_("Cet outil n'est pas publié."))
    retour = RetourUsage(outil=outil, user=user, texte=texte, resultat=resultat, note=note)
    # The one-per-member rule is enforced by the database constraint, with our own message.
    retour.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            retour.save()
    except IntegrityError as exc:
        raise ValidationError(_("Vous avez déjà donné votre retour sur cet outil.")) from exc
    return retour


def _rich_text(value: str) -> str:
    """A member's plain text as rich text: escaped, paragraphs kept."""
    return linebreaks(escape(value.strip())) if value.strip() else ""


def cas_propose(
    *,
    user: AbstractBaseUser,
    title: str,
    situation: str,
    questions: str = "",
    tentatives: str = "",
    resultat: str = "",
    enseignements: str = "",
    dispositif: str = "",
    publics=(),
    actes_metier=(),
    thematiques=(),
) -> CasPage:
    """Save a member's case as a draft and submit it to the library's review workflow."""
    if not user.is_authenticated:
        raise ValidationError(_("Connectez-vous pour proposer un cas."))
    index = CasIndexPage.objects.first()
    if index is None:
        raise ValidationError(_("La bibliothèque de cas n'est pas encore ouverte."))
    texts = {"questions": questions, "tentatives": tentatives, "resultat": resultat}
    texts.update(situation=situation, enseignements=enseignements)
    cas = CasPage(
        title=title.strip(),
        slug=_free_slug(index, title),
        live=False,
        owner=user,
        dispositif=dispositif,
        provenance=CasPage.Provenance.DIRECTE,
        **{name: _rich_text(texts[name]) for name in RICH_TEXT_FIELDS},
    )
    cas.publics.set(publics)
    cas.actes_metier.set(actes_metier)
    cas.thematiques.set(thematiques)
    _submit(index, cas, user)
    return cas


def outil_propose(
    *,
    user: AbstractBaseUser,
    title: str,
    nature: str,
    description: str,
    licence: str,
    mode_emploi: str = "",
    fichier=None,
    publics=(),
    actes_metier=(),
    thematiques=(),
) -> OutilPage:
    """Save a member's tool (and its checked file) as a draft submitted for review."""
    if not user.is_authenticated:
        raise ValidationError(_("Connectez-vous pour proposer un outil."))
    index = OutilIndexPage.objects.first()
    if index is None:
        raise ValidationError(_("La banque d'outils n'est pas encore ouverte."))
    structure = getattr(getattr(user, "profil", None), "structure", None)
    outil = OutilPage(
        title=title.strip(),
        slug=_free_slug(index, title),
        live=False,
        owner=user,
        nature=nature,
        description=description.strip(),
        mode_emploi=_rich_text(mode_emploi),
        licence=licence,
        structure_auteur=structure,
    )
    outil.publics.set(publics)
    outil.actes_metier.set(actes_metier)
    outil.thematiques.set(thematiques)
    with transaction.atomic():
        if fichier is not None:
            check_document(fichier)
            fichier.name = document_filename(fichier.name)
            outil.document = Document.objects.create(
                title=title.strip(), file=fichier, uploaded_by_user=user
            )
        _submit(index, outil, user)
    return outil


def _submit(index, page, user) -> None:
    with transaction.atomic():
        index.add_child(instance=page)
        page.save_revision(user=user, log_action=True)
        workflow = page.get_workflow()
        if workflow is None:
            raise ValidationError(_("Aucun circuit de relecture n'est configuré."))
        workflow.start(page, user)


def _free_slug(index, title: str) -> str:
    base = slugify(title)[:70] or "ressource"
    taken = set(index.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
