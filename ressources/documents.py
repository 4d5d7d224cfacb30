"""Who may download a Wagtail document: what a live page shows, or its editors and reviewers."""

import secrets
from pathlib import PurePath

from django.contrib.contenttypes.models import ContentType
from django.utils.text import slugify
from wagtail.models import Page, ReferenceIndex
from wagtail.permissions import policy_registry

from .models import OutilPage


def document_filename(original: str) -> str:
    """A stored name nobody can guess from the original one: a short readable stem, then
    64 random bits, so that neither /documents/<id>/<name> nor the media folder can be probed."""
    path = PurePath(original or "")
    stem = slugify(path.stem)[:40] or "document"
    return f"{stem}-{secrets.token_hex(8)}{path.suffix.lower()}"


def _pages_using(document) -> list[Page]:
    """Pages whose content points at the document: a tool's file, or a link in any page
    (Wagtail's reference index), each as its specific page."""
    ids = {
        str(pk) for pk in OutilPage.objects.filter(document=document).values_list("pk", flat=True)
    }
    ids.update(
        ReferenceIndex.get_references_to(document)
        .filter(base_content_type=ContentType.objects.get_for_model(Page))
        .values_list("object_id", flat=True)
    )
    return list(Page.objects.filter(pk__in=[int(pk) for pk in ids if pk.isdigit()]).specific())


def _may_review(page: Page, user) -> bool:
    permissions = page.permissions_for_user(user)
    if permissions.can_edit() or permissions.can_publish():
        return True
    task = page.current_workflow_task
    return task is not None and task.specific.user_can_access_editor(page, user)


def document_can_serve(*, request, document) -> bool:
    """A document is public only once a live page shows it to this visitor (page privacy
    applies). Before that (a tool proposal waiting for review, a rejected one, a file no page
    uses) it goes only to its uploader, those who manage documents, and those who may edit
    or review a page using it."""
    user = request.user
    pages = _pages_using(document)
    for page in pages:
        if page.live and all(r.accept_request(request) for r in page.get_view_restrictions()):
            return True
    if not user.is_authenticated:
        return False
    if user.is_superuser or document.uploaded_by_user_id == user.pk:
        return True
    policy = policy_registry.get_by_type(type(document))
    if policy.user_has_permission_for_instance(user, "change", document):
        return True
    return any(_may_review(page, user) for page in pages)
