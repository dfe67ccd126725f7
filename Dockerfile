FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 DJANGO_SETTINGS_MODULE=project.settings.production
WORKDIR /app
COPY pyproject.toml requirements.lock ./
RUN pip install -r requirements.lock
COPY . .
RUN pip install --no-deps -e . \
 && SECRET_KEY=build-only-collectstatic-key-0123456789abcdefghijklmnopqrstuvwxyz python manage.py collectstatic --noinput \
 && useradd --create-home reckoner && mkdir -p /app/var && chown reckoner /app/var
USER reckoner
EXPOSE 8000
CMD ["gunicorn", "project.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", "--access-logfile", "-"]
