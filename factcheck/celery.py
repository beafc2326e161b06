"""The Celery application: `celery -A factcheck worker` and `celery -A factcheck beat`.

Configuration lives in Django settings under the ``CELERY_`` prefix (broker from
``REDIS_URL``, or the embedded filesystem broker), so web and workers read one source.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
