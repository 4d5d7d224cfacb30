"""The replies of a discussion page as HTML, cached by their content for every reader alike."""

import functools
import hashlib

from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from . import permissions
from .forms import ReactionForm
from .selectors import Discussion

TEMPLATE = "communautes/includes/reponses.html"
# Entries are keyed by what they show, so a change never reads an old one: they only expire.
CACHE_SECONDS = 600


@functools.cache
def _template_version() -> str:
    """Changes with the template's source, so that a deployment never serves an old rendering."""
    source = get_template(TEMPLATE).template.source
    return hashlib.blake2b(source.encode(), digest_size=8).hexdigest()


def _variante(request, discussion: Discussion) -> dict:
    """What the shared rendering depends on besides the replies: the kind of reader only."""
    publication = discussion.publication
    user = request.user
    return {
        "membre": discussion.membre,
        "authentifie": user.is_authenticated,
        "peut_accepter": (
            publication.nature == publication.Nature.QUESTION
            and not publication.reponse_acceptee_id
            and permissions.can_accept_reponse(user, publication, adhesion=discussion.adhesion)
        ),
    }


def _empreinte(discussion: Discussion, variante: dict) -> str:
    """A digest of everything the rendering shows: any change to it gives another key."""
    publication = discussion.publication
    contenu = [
        _template_version(),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        sorted(variante.items()),
        publication.pk,
        publication.communaute.slug,
        publication.reponse_acceptee_id,
        [
            (
                r.pk,
                r.corps,
                r.cree_le.isoformat(),
                r.masquee,
                r.auteur_id,
                r.auteur.first_name,
                r.auteur.last_name,
                sorted(r.reaction_summary.counts.items()),
                [(p.pk, p.nom, p.taille) for p in r.pieces],
            )
            for r in discussion.reponses
        ],
    ]
    return hashlib.blake2b(repr(contenu).encode(), digest_size=16).hexdigest()


def reponses_html(*, request, discussion: Discussion, urls: dict) -> SafeString:
    """The `<li>` of the page's replies, then the reader's own reactions marked as pressed.

    Managers see moderation forms, which carry their CSRF token: their rendering is not
    shared. Everyone else gets the rendering cached for their kind of reader, which holds
    nothing of a particular reader (the buttons post through the page's own form).
    """
    variante = _variante(request, discussion)
    context = {
        **variante,
        **urls,
        "reponses": discussion.reponses,
        "publication": discussion.publication,
        "communaute": discussion.publication.communaute,
        "peut_moderer": discussion.moderateur,
        "natures_reaction": ReactionForm.base_fields["nature"].choices,
    }
    if discussion.moderateur:
        html = render_to_string(TEMPLATE, context, request=request)
    else:
        key = f"communautes:reponses:{discussion.publication.pk}:{_empreinte(discussion, variante)}"
        html = cache.get(key)
        if html is None:
            html = render_to_string(TEMPLATE, context)
            cache.set(key, html, CACHE_SECONDS)
    for reponse_id, nature in discussion.mes_reactions:
        bouton = f'value="{reponse_id}:{nature}" aria-pressed="false"'
        html = html.replace(bouton, bouton.replace('"false"', '"true"'))
    return mark_safe(html)  # noqa: S308 - rendered by our template, escaped there
