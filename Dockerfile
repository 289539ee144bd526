# The QPI team portal: slim, non-root, `qpi serve` against QPI_DATABASE_URL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    QPI_ENV=production \
    QPI_DATA_DIR=/app/var

RUN useradd --create-home --uid 10001 qpi
WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml README.md ./
COPY app/__init__.py app/__init__.py
RUN pip install --upgrade pip && pip install -e .

COPY . .
RUN mkdir -p /app/var && chown -R qpi:qpi /app/var
USER qpi

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz').status == 200 else 1)"
CMD ["qpi", "serve", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"]
