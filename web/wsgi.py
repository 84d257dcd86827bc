"""The WSGI entry point for production servers: `gunicorn 'web.wsgi:app'`."""
import sys

from web import DatabaseNotReady, create_app

try:
    app = create_app()
except DatabaseNotReady as problem:  # one line saying what to run, not a stack trace
    sys.exit(str(problem))
