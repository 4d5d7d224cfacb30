"""Benchmark URLs: the site's own, plus a bare Django view that serves as the baseline."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [
    path("bench/bare/", bare_view, name="bench_bare"),
    path("", include("maillage.urls")),
]
