"""The WSGI entry point for production servers: `gunicorn 'web.wsgi:app'`."""
import gc
import sys

from web import DatabaseNotReady, create_app
from web.config import ConfigError

try:
    app = create_app()
except (DatabaseNotReady, ConfigError) as problem:  # one line saying what to fix, not a stack trace
    sys.exit(str(problem))

# What start-up built (the app, templates, SQLAlchemy's mappings and compiled statements) lives
# as long as the process: the garbage collector need not walk it again on every collection,
# which took a home page half a millisecond.
gc.freeze()
