# The bot in a container: non-root, its data (database, attachments, audit key and anchor) on a volume.
#
#   docker build -t backoffice-bot .
#   docker run -d --name backoffice --env-file acme/.env \
#     -e BACKOFFICE_KNOWLEDGE_DIR=/srv/backoffice/knowledge \
#     -v "$PWD/acme/knowledge:/srv/backoffice/knowledge:ro" \
#     -v backoffice-var:/srv/backoffice/var -v backoffice-backups:/srv/backoffice/backups \
#     -p 127.0.0.1:3000:3000 backoffice-bot
#
# acme/ is a company folder made by `backoffice init acme`; its .env names the folder as it is on the host, hence
# the -e line. Without a knowledge folder the bot runs the demo company shipped in the package. Slack over Socket
# Mode (SLACK_APP_TOKEN) needs no port at all; Chatwork's webhooks (and Slack in HTTP mode) arrive on port 3000,
# behind an https reverse proxy (deploy/Caddyfile, deploy/nginx.conf).
#
# Backups, while it runs:  docker exec backoffice backoffice backup /srv/backoffice/backups/2026-12-01
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Installed from a copy of the sources that is removed afterwards: the image holds the installed package only
# (the demo and the prompts inside it as package data), every dependency at the version constraints.txt pins.
COPY pyproject.toml README.md constraints.txt /tmp/src/
COPY bot /tmp/src/bot
COPY handlers /tmp/src/handlers
COPY knowledge /tmp/src/knowledge
COPY prompts /tmp/src/prompts
RUN python -m pip install -c /tmp/src/constraints.txt /tmp/src && rm -rf /tmp/src

RUN groupadd --system --gid 10001 backoffice \
    && useradd --system --uid 10001 --gid backoffice --home-dir /srv/backoffice --shell /usr/sbin/nologin backoffice \
    && mkdir -p /srv/backoffice/var /srv/backoffice/backups \
    && chown -R backoffice:backoffice /srv/backoffice \
    && chmod 0700 /srv/backoffice/var /srv/backoffice/backups

WORKDIR /srv/backoffice
USER backoffice
# var/: backoffice.db, attachments/, audit.key, audit.anchor. backups/: where `backoffice backup` writes.
VOLUME ["/srv/backoffice/var", "/srv/backoffice/backups"]
EXPOSE 3000

# SIGTERM (docker stop) makes serve stop taking messages and finish the ones in hand (10 s); give it longer
# than that: docker stop --time 30.
STOPSIGNAL SIGTERM
CMD ["backoffice", "serve"]
