"""WSGI entry point for gunicorn (`samskab serve`)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samskab.settings")
application = get_wsgi_application()

from samskab.web.startup import refuse_insecure_start, warm_up  # noqa: E402 - needs the apps loaded

refuse_insecure_start(settings)
# In gunicorn's master (--preload), before the workers fork: a worker's first requests do not
# import and compile what every worker needs (measured: 0.6-0.7 s of CPU per worker start).
warm_up()
