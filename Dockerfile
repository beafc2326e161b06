# factcheck: one image for web (gunicorn), worker and beat (celery).
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DEBUG=false \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system factcheck && useradd --system --gid factcheck --home /app factcheck
WORKDIR /app

# Dependencies first, in their own layer: rebuilt only when pyproject.toml changes.
COPY pyproject.toml README.md ./
RUN mkdir -p factcheck claims && touch factcheck/__init__.py claims/__init__.py \
    && pip install . \
    && pip uninstall --yes factcheck \
    && rm -rf factcheck claims build

COPY . .
RUN pip install --no-deps . \
    && DEBUG=false SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
       STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput \
    && mkdir -p /app/var && chown -R factcheck:factcheck /app/var

USER factcheck
ENV STATIC_ROOT=/app/staticfiles VAR_DIR=/app/var
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"
CMD ["gunicorn", "factcheck.wsgi:application", "--config", "factcheck/gunicorn.conf.py"]
