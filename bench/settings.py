"""Benchmark settings: the base settings with DEBUG off, the bench URLs, a fresh SQLite file."""

from pathlib import Path

from maillage.settings.base import *  # noqa: F403
from maillage.settings.base import env

RESULTS_DIR = Path(__file__).resolve().parent / "results"

DEBUG = False
SECRET_KEY = "bench-only-insecure-key"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "bench.urls"
# A PostgreSQL DATABASE_URL is used as is; otherwise the harness recreates this file each run.
DATABASES = {
    "default": env.database(
        env.string("DATABASE_URL", f"sqlite:///{RESULTS_DIR / 'bench.sqlite3'}")
    )
}

# BENCH_CHANNEL_LAYER=core|pubsub measures that channels_redis layer instead of the site's own
# (same hosts and options), to compare both in the same conditions.
_LAYERS = {
    "core": "channels_redis.core.RedisChannelLayer",
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}
_layer = env.string("BENCH_CHANNEL_LAYER", "")
if _layer and REDIS_URL:  # noqa: F405
    CHANNEL_LAYERS = {"default": {**CHANNEL_LAYERS["default"], "BACKEND": _LAYERS[_layer]}}  # noqa: F405
