"""Alembic's environment, configured from code (casework.persistence.migrate) rather than an
ini file: it migrates the connection it is handed, or the URL it is given."""
from alembic import context

from casework.models import Base
from casework.search import include_object
from casework.persistence import UTCDateTime, make_engine


def render_item(type_: str, obj, _autogen_context):
    """Write UTCDateTime as the plain column type it stores, so migrations never import app code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run(connection) -> None:
    # Later revisions that alter tables need SQLite's batch mode; the initial one (which only
    # creates tables) is generated without it so that it reads plainly.
    batch = context.config.attributes.get("render_as_batch", connection.dialect.name == "sqlite")
    context.configure(connection=connection, target_metadata=Base.metadata, compare_type=True,
                      render_item=render_item, render_as_batch=batch,
                      include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    engine = make_engine(context.config.get_main_option("sqlalchemy.url"))
    try:
        with engine.begin() as connection:
            run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; pass a database URL.")
main()
