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


@dataclass
class Dashboard:
    profil: Profil
    sections: list[DashboardSection]

    @property
    def profile_incomplete(self) -> bool:
        return self.profil.structure_id is None or not self.profil.fonction


# Apps register a callable(user) -> DashboardSection here from their AppConfig.ready().
DASHBOARD_PROVIDERS: list = []


def dashboard_for(*, user) -> Dashboard:
    profil = (
        Profil.objects.select_related(
            "structure__reseau", "structure__commune__departement__parent"
        )
        .prefetch_related("territoires", "thematiques")
        .get_or_create(user=user)[0]
    )
    return Dashboard(profil=profil, sections=[provider(user) for provider in DASHBOARD_PROVIDERS])
