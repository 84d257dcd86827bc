"""Access to the composition root's container from inside a request."""
from flask import current_app

from web.composition import Container


def container() -> Container:
    return current_app.extensions["casework"]
