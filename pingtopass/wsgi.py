"""
WSGI config for pingtopass project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'pingtopass.settings')

application = get_wsgi_application()

from pingtopass.fragments import precompile  # noqa: E402 -- needs the settings loaded above

precompile()  # the question card's Jinja2 fragments, once per worker before its first request
