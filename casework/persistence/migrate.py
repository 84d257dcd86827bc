"""Schema migrations with Alembic, configured in code so they run from any directory and from
the installed package. `upgrade(engine)` brings a database to the latest schema;
`adopt_unrecorded_schema` stamps one whose tables were made without Alembic, if they match.
The migration scripts live in casework/persistence/migrations."""
import sys
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, inspect

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


class UnrecordedSchema(Exception):
    """The database has tables but no schema version, and they do not match the models."""


#: How many schema differences `adopt_unrecorded_schema` lists before saying how many more there are.
SHOWN_DIFFERENCES = 10


def adopt_unrecorded_schema(engine: Engine) -> bool:
    """Stamp a database whose tables were made without Alembic (say by create_all) if they
    match the models; refuse with a readable message if they do not. False when the database
    has a schema version already, or none of our tables, so that upgrading is safe."""
    from casework.models import Base
    from casework.search import include_object
    with engine.begin() as connection:
        tables = set(inspect(connection).get_table_names())
        if "alembic_version" in tables or not tables & set(Base.metadata.tables):
            return False
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
        # Tables of some other application in the same database are none of our business.
        differences = [d for d in compare_metadata(context, Base.metadata)
                       if not (isinstance(d, tuple) and d[0] == "remove_table")]
        if differences:
            raise UnrecordedSchema(_unrecorded_schema_message(differences))
        command.stamp(alembic_config(connection=connection), "head")
    return True


def _unrecorded_schema_message(differences: list) -> str:
    lines = [f"  - {_describe(d)}" for d in differences[:SHOWN_DIFFERENCES]]
    if len(differences) > SHOWN_DIFFERENCES:
        lines.append(f"  - and {len(differences) - SHOWN_DIFFERENCES} more")
    return "\n".join([
        "This database already has tables, but no record of which schema version they are "
        "(there is no alembic_version table), and they do not match this version of the service:",
        *lines,
        "Nothing was changed. Back up the database, then either point CASEWORK_DATABASE_URL at a "
        "new, empty database, or make these tables match, and run `casework init-db` again. "
        "For a demo database, `casework demo --reset` deletes everything and starts again.",
    ])


def _describe(difference) -> str:
    """One Alembic autogenerate difference in words, like 'missing column people.name'."""
    if isinstance(difference, list):  # changes to one column come as a list
        _, _, table, column, *_ = difference[0]
        return f"different column {table}.{column}"
    kind, *rest = difference
    change = {"add": "missing", "remove": "unexpected"}.get(kind.partition("_")[0], "different")
    what = kind.partition("_")[2].replace("fk", "foreign key")
    if what == "table":
        return f"{change} table {rest[0].name}"
    if what == "column":
        return f"{change} column {rest[1]}.{rest[2].name}"
    item = rest[0]
    table = getattr(getattr(item, "table", None), "name", None) or getattr(item, "parent", None)
    name = getattr(item, "name", None) or ""
    return " ".join(str(part) for part in (change, what, name, f"on {table}" if table is not None else "") if part)


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
