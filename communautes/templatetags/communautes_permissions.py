"""The rules of communautes.permissions, asked from templates as simple tags.

`{% can_edit_publication user publication adhesion=discussion.adhesion as peut_modifier %}`:
pass the membership the view already read, so that asking costs no query.
"""

from django import template

from .. import permissions

register = template.Library()

for predicate in (
    permissions.can_accept_reponse,
    permissions.can_announce,
    permissions.can_edit_publication,
    permissions.can_edit_reponse,
    permissions.can_moderate,
    permissions.can_post,
    permissions.can_propose_evenement,
    permissions.can_read_community,
    permissions.can_reply,
    permissions.can_report,
    permissions.can_see_community,
    permissions.can_see_evenement,
    permissions.can_see_members,
    permissions.can_see_visio_link,
    permissions.is_active_member,
):
    register.simple_tag(predicate)
