"""What the communautes app puts in the unified index: public communities' visible posts."""

from django.db.models.signals import m2m_changed, post_save, pre_save
from django.utils.translation import gettext_lazy as _

from maillage.models import Territoire
from recherche import registry, sync
from recherche.registry import FacetSpec, Indexable
from recherche.text import html_to_text

from .models import Communaute, Publication

PUBLICATION_LABEL = Publication._meta.label_lower
# What a publication's document takes from its community: a change to any of them resyncs it.
COMMUNITY_FIELDS = ("visibilite", "nom", "slug", "territoire_id")


def _queryset():
    # Members-only and private communities, and hidden publications, are never indexed;
    # deleted publications are gone from the table.
    return (
        Publication.objects.filter(
            masquee=False, communaute__visibilite=Communaute.Visibilite.PUBLIQUE
        )
        .select_related("communaute__territoire__parent")
        .prefetch_related("tags", "communaute__thematiques")
    )


def _is_visible(publication: Publication) -> bool:
    communaute = publication.communaute
    return communaute.visibilite == Communaute.Visibilite.PUBLIQUE and not publication.masquee


def _territories(territoire: Territoire | None) -> dict[str, list[str]]:
    facets: dict[str, list[str]] = {"region": [], "departement": []}
    while territoire is not None:
        if territoire.niveau == Territoire.Niveau.REGION:
            facets["region"].append(territoire.code)
        elif territoire.niveau == Territoire.Niveau.DEPARTEMENT:
            facets["departement"].append(territoire.code)
        territoire = territoire.parent
    return facets


def publication_document(publication: Publication) -> dict:
    communaute = publication.communaute
    thematiques = list(communaute.thematiques.all())
    return {
        "title": publication.titre,
        "url": publication.get_absolute_url(),
        "date": publication.cree_le,
        "keywords": " ".join(
            [
                str(publication.get_nature_display()),
                communaute.nom,
                *(item.nom for item in thematiques),
                *(tag.name for tag in publication.tags.all()),
            ]
        ).strip(),
        "body": html_to_text(publication.corps),
        "facets": {
            "thematique": [item.slug for item in thematiques],
            "nature_publication": [publication.nature],
            **_territories(communaute.territoire),
        },
    }


def _natures(values) -> dict[str, str]:
    labels = dict(Publication.Nature.choices)
    return {value: str(labels[value]) for value in values if value in labels}


def schedule_publications(communaute_id: int) -> None:
    """Resync every publication of a community after commit (it may have left the index)."""
    for pk in Publication.objects.filter(communaute_id=communaute_id).values_list("pk", flat=True):
        sync.schedule(PUBLICATION_LABEL, pk)


def _snapshot(communaute: Communaute) -> tuple:
    return tuple(getattr(communaute, name) for name in COMMUNITY_FIELDS)


def _before_community_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    before = Communaute.objects.filter(pk=instance.pk).values_list(*COMMUNITY_FIELDS).first()
    instance._search_snapshot = before


def _after_community_save(sender, instance, created, raw=False, **kwargs):
    if raw or created:
        return
    before = getattr(instance, "_search_snapshot", None)
    if before is None or before != _snapshot(instance):
        schedule_publications(instance.pk)


def _on_themes_change(sender, instance, action, reverse, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        schedule_publications(instance.pk)


def register() -> None:
    registry.register(
        Indexable(
            model=Publication,
            type="publication",
            type_label=_("Publication de communauté"),
            queryset=_queryset,
            to_document=publication_document,
            is_visible=_is_visible,
        )
    )
    registry.register_facet(FacetSpec("nature_publication", _("Type de publication"), _natures))
    pre_save.connect(
        _before_community_save, sender=Communaute, dispatch_uid="communautes.search.pre", weak=False
    )
    post_save.connect(
        _after_community_save, sender=Communaute, dispatch_uid="communautes.search.post", weak=False
    )
    m2m_changed.connect(
        _on_themes_change,
        sender=Communaute.thematiques.through,
        dispatch_uid="communautes.search.thematiques",
        weak=False,
    )
