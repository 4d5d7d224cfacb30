"""The site's JSON API root: each app adds its router here."""

from django.conf import settings
from ninja import NinjaAPI, Schema

from formations.api import router as sessions_router
from ressources.api import router as recherche_router

api = NinjaAPI(
    title="API Maillage",
    version="1.0.0",
    description=(
        "API publique de Maillage : offre de professionnalisation, ressources et recherche."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


class RootOut(Schema):
    name: str
    version: str
    openapi: str
    docs: str


@api.get("/", response=RootOut, summary="Racine de l'API", tags=["site"])
def api_root(request):
    return {
        "name": settings.WAGTAIL_SITE_NAME,
        "version": api.version,
        "openapi": request.build_absolute_uri("/api/openapi.json"),
        "docs": request.build_absolute_uri("/api/docs"),
    }


api.add_router("/sessions/", sessions_router)
api.add_router("/recherche/", recherche_router)
