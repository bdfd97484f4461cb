# The bot as a container: slim Python, a non-root user, one volume (/data) for the database and
# the key file. Build: docker build -t peer-companion-bot .   Check: examples/container_demo.sh
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /venv
# Dependencies first (pinned by the lock), so code changes reuse this layer.
COPY requirements.lock ./
RUN /venv/bin/pip install -r requirements.lock
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY content ./content
# bot/sandbox/demo_scripts links to these; the wheel gets copies.
COPY examples ./examples
RUN /venv/bin/pip install --no-deps . && /venv/bin/python -m bot --version

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATABASE_PATH=/data/companion.sqlite3 \
    PSEUDONYM_KEY_FILE=/data/pseudonym.key \
    MPLCONFIGDIR=/tmp/matplotlib \
    PATH=/venv/bin:$PATH
RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin companion \
    && mkdir -p /data && chown companion:companion /data && chmod 700 /data
COPY --from=build /venv /venv
USER companion
WORKDIR /data
VOLUME ["/data"]
# The same checks as `python -m bot status`: exit 1 when something needs a person.
HEALTHCHECK --interval=60s --timeout=30s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "status"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
