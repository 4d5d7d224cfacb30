"""Django application configuration for communautes."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunautesConfig(AppConfig):
    name = "communautes"
    verbose_name = _("Communautés")

    def ready(self) -> None:
        from maillage.selectors import DASHBOARD_PROVIDERS

        from .search import register
        from .selectors import dashboard_section

        if dashboard_section not in DASHBOARD_PROVIDERS:
            DASHBOARD_PROVIDERS.append(dashboard_section)
        from .evenements.selectors import dashboard_section as evenements_section

        if evenements_section not in DASHBOARD_PROVIDERS:
            DASHBOARD_PROVIDERS.append(evenements_section)
        register()
        self._follow_sessions()

    def _follow_sessions(self) -> None:
        """A session's participants join and leave its community as their enrolment goes."""
        from formations import events

        from .services import (
            communaute_session_participant_add,
            communaute_session_participant_remove,
        )

        def joined(sender, *, session, user, **kwargs):
            communaute_session_participant_add(session=session, user=user)

        def left(sender, *, session, user, **kwargs):
            communaute_session_participant_remove(session=session, user=user)

        events.participant_confirmed.connect(joined, weak=False, dispatch_uid="communautes.join")
        events.participant_left.connect(left, weak=False, dispatch_uid="communautes.leave")
