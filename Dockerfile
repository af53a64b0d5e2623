FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN SECRET_KEY=build-only DEBUG=0 python manage.py collectstatic --noinput
RUN useradd --create-home app && mkdir -p /app/media && chown -R app /app/media
USER app
# Without REDIS_URL the workers share a cache file (pingtopass/cache.py): where the app user can write.
ENV CACHE_PATH=/tmp/pingtopass-cache.sqlite3
EXPOSE 8000
CMD ["gunicorn", "pingtopass.wsgi:application", "--config", "gunicorn.conf.py"]
