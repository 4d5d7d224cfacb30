"""Signal receivers: every change to an indexable row is written to the outbox, then synced."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_slug_changed, page_unpublished, post_page_move

from . import registry, sync


def _on_save(sender, instance, raw=False, **kwargs):
    if not raw:
        sync.schedule(sender._meta.label_lower, instance.pk)


def _on_delete(sender, instance, **kwargs):
    sync.schedule(sender._meta.label_lower, instance.pk)


def _schedule_subtree(page: Page) -> None:
    """A move or a view restriction changes the URL or the visibility of a whole subtree."""
    labels = {indexable.label for indexable in registry.indexables()}
    descendants = Page.objects.descendant_of(page, inclusive=True).select_related("content_type")
    by_label: dict[str, list[int]] = {}
    for pk, app_label, model in descendants.values_list(
        "pk", "content_type__app_label", "content_type__model"
    ):
        label = f"{app_label}.{model}"
        if label in labels:
            by_label.setdefault(label, []).append(pk)
    for label, pks in by_label.items():
        sync.schedule_many(label, pks)


def _on_page_change(sender, instance, **kwargs):
    _schedule_subtree(instance)


def _on_restriction_change(sender, instance, raw=False, **kwargs):
    if not raw and instance.page_id:
        page = Page.objects.filter(pk=instance.page_id).first()
        if page is not None:
            _schedule_subtree(page)


def connect_model(model) -> None:
    uid = f"recherche.{model._meta.label_lower}"
    post_save.connect(_on_save, sender=model, dispatch_uid=f"{uid}.save", weak=False)
    post_delete.connect(_on_delete, sender=model, dispatch_uid=f"{uid}.delete", weak=False)


def connect_pages() -> None:
    post_page_move.connect(_on_page_change, dispatch_uid="recherche.move", weak=False)
    page_slug_changed.connect(_on_page_change, dispatch_uid="recherche.slug", weak=False)
    page_unpublished.connect(_on_page_change, dispatch_uid="recherche.unpublish", weak=False)
    for signal in (post_save, post_delete):
        signal.connect(
            _on_restriction_change,
            sender=PageViewRestriction,
            dispatch_uid=f"recherche.restriction.{id(signal)}",
            weak=False,
        )
