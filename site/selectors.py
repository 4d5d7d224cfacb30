"""Reads for site-wide pages; each takes the user it reads for."""

from dataclasses import dataclass, field

from maillage.models import Profil


@dataclass
class DashboardSection:
    """One block of the dashboard, filled by an app (sessions, communities, activity…)."""

    key: str
    title: str
    items: list = field(default_factory=list)
    empty_message: str = ""
    action_label: str = ""
    action_url: str = ""
    # A template of the app's own for rich rows; the generic list otherwise.
    template: str = ""


@dataclass
class Dashboard:
    profil: Profil
    sections: list[DashboardSection]

    @property
    def profile_incomplete(self) -> bool:
        return self.profil.structure_id is None or not self.profil.fonction


# Apps register a callable(user) -> DashboardSection | None (None: not for this user) here
# from their AppConfig.ready().
DASHBOARD_PROVIDERS: list = []


def dashboard_for(*, user) -> Dashboard:
    profil = (
        Profil.objects.select_related(
            "structure__reseau", "structure__commune__departement__parent"
        )
        .prefetch_related("territoires", "thematiques")
        .get_or_create(user=user)[0]
    )
    sections = [section for provider in DASHBOARD_PROVIDERS if (section := provider(user))]
    return Dashboard(profil=profil, sections=sections)
