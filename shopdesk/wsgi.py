"""WSGI entry point (gunicorn shopdesk.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopdesk.settings")
application = get_wsgi_application()
