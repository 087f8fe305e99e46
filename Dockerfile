# twilio-emulator as a CI backend: docker run -p 4010:4010 twilio-emulator
# Built by `make image` (from the package index) or `make image BASE=NAME` (on another base image, from a
# wheelhouse made on the host: build/wheels, for a builder without the package index).
ARG BASE=python:3.11-slim
FROM ${BASE}

COPY . /src
RUN python3 -m venv /opt/twilio-emulator \
 && if [ -d /src/build/wheels ]; then \
      /opt/twilio-emulator/bin/pip install --no-cache-dir --no-index --find-links /src/build/wheels twilio-emulator; \
    else \
      /opt/twilio-emulator/bin/pip install --no-cache-dir /src; \
    fi \
 && rm -rf /src

# Every serve option has its environment variable (twilio-emulator serve --help): TWILIO_ACCOUNT_SID,
# TWILIO_AUTH_TOKEN, TWILIO_EMULATOR_TIMING, _SEED, _DB (a file on a volume), _FIXTURES, _PUBLIC_URL,
# _MEDIA_FETCH, _QUIET, _THROUGHPUT, _WEBHOOK_TIMEOUT.
ENV TWILIO_EMULATOR_HOST=0.0.0.0 \
    TWILIO_EMULATOR_PORT=4010 \
    PATH=/opt/twilio-emulator/bin:$PATH \
    PYTHONUNBUFFERED=1
EXPOSE 4010
VOLUME ["/data"]
HEALTHCHECK --interval=2s --timeout=2s --start-period=10s --retries=3 \
  CMD python3 -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/_emulator/v1/clock' % os.environ.get('TWILIO_EMULATOR_PORT', '4010'), timeout=2)"
# SIGTERM (docker stop): the emulator stops within seconds, exit status 0; a second signal ends it at once.
STOPSIGNAL SIGTERM
# `docker run IMAGE` serves; `docker run IMAGE serve --port 0 …` (the Node package's startEmulator) too.
ENTRYPOINT ["twilio-emulator"]
CMD ["serve"]
