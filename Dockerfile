# Image for the web and worker processes of a deployment (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=maillage.settings.production
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext nodejs npm curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=optional --no-audit --no-fund
COPY . .
RUN pip install --no-cache-dir . \
    && DJANGO_SECRET_KEY=build DATABASE_URL=sqlite:///tmp/build.db REDIS_URL=redis://unused \
       DJANGO_ALLOWED_HOSTS=build python manage.py collectstatic --no-input
RUN useradd --system --home /app maillage && mkdir -p /app/var && chown -R maillage /app/var
USER maillage
EXPOSE 8000
# uvicorn with uvloop, httptools and websockets: a live page's event reaches 200 sockets in
# about half the time daphne takes (bench/README.md, `fanout`).
CMD ["uvicorn", "--host", "0.0.0.0", "--port", "8000", "--lifespan", "off", \
     "--timeout-graceful-shutdown", "20", "maillage.asgi:application"]
