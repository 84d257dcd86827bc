"""Schema migrations with Alembic, configured in code so they run from any directory and from
the installed package. `upgrade(engine)` brings a database to the latest schema; the
migration scripts live in casework/persistence/migrations."""
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

SCRIPTS = Path(__file__).with_name("migrations")


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """An Alembic configuration for this package: a database URL, or an open connection."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration the database has not had yet, in one transaction."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection=connection), revision)


def generate_revision(url: str, message: str) -> None:
    """Autogenerate the next revision from casework.models: `url` names an empty database,
    which is first brought to the latest revision, so the new one holds only what changed."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine

    config = alembic_config(url)
    head = ScriptDirectory.from_config(config).get_current_head()
    engine = create_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    command.revision(config, message=message, autogenerate=True, rev_id=f"{int(head or 0) + 1:04d}")


if __name__ == "__main__":  # used by scripts/new-migration.sh
    generate_revision(sys.argv[1], sys.argv[2])
