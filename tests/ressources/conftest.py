"""Fixtures of the ressources tests: no Wagtail search updates, the review workflow."""

import pytest

from tests.data import without_wagtail_search_updates


@pytest.fixture(autouse=True)
def _no_wagtail_search_updates(settings):
    settings.WAGTAILSEARCH_BACKENDS = without_wagtail_search_updates(settings)


@pytest.fixture
def moderation_workflow(home_page):
    """Wagtail's default review workflow (a data migration; rebuilt after a flush)."""
    from django.contrib.auth.models import Group
    from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

    existing = home_page.get_workflow()
    if existing is not None:
        return existing
    group, _ = Group.objects.get_or_create(name="Moderators")
    task = GroupApprovalTask.objects.create(name="Relecture")
    task.groups.set([group])
    workflow = Workflow.objects.create(name="Relecture des ressources")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=Page.get_first_root_node())
    return workflow
