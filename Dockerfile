# Bookworm, named: its postgresql-client is 15, the major version of docker-compose.yml's database
# (pg_dump refuses a newer server, and the backups and `manage.py deploy` run it).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN SECRET_KEY=build-only DEBUG=0 python manage.py collectstatic --noinput
# Backups hold every row: readable by the app user only. A new named volume mounted there starts
# with this folder's owner and mode.
RUN useradd --create-home app \
    && mkdir -p /app/media /app/backups \
    && chown -R app /app/media /app/backups \
    && chmod 700 /app/backups
USER app
# Without REDIS_URL the workers share a cache file (pingtopass/cache.py): where the app user can write.
ENV CACHE_PATH=/tmp/pingtopass-cache.sqlite3
# What each backup's manifest records (ops/version.py), e.g.
# `APP_VERSION=$(git describe --tags --always) docker compose build`; the image has no git to ask.
ARG APP_VERSION=""
ENV APP_VERSION=$APP_VERSION
EXPOSE 8000
CMD ["gunicorn", "pingtopass.wsgi:application", "--config", "gunicorn.conf.py"]
