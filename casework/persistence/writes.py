"""Writes gathered to be run later, together: each statement once, with every row given to
it (one executemany), in the order the statements were first given.

The deadline sweep fires many transitions in one transaction; each would otherwise cost an
UPDATE of its case, an INSERT of its audit entry and the statements that close and open its
deadline rows. Gathered, they cost four statements for the whole transaction. Whoever
gathers must run `flush` before anything reads or writes the rows that are pending."""
from sqlalchemy import Connection, Executable

from casework.errors import StaleVersion


class Writes:
    def __init__(self) -> None:
        self._rows: dict[Executable, list[dict]] = {}
        self._checked: set[Executable] = set()

    def add(self, statement: Executable, rows: dict | list[dict], *, checked: bool = False) -> None:
        """Rows for a statement. `checked`: an UPDATE that must change exactly one row for each
        (a version-checked write), or the flush raises StaleVersion."""
        self._rows.setdefault(statement, []).extend(rows if isinstance(rows, list) else [rows])
        if checked:
            self._checked.add(statement)

    def flush(self, conn: Connection) -> None:
        """Run what is gathered (nothing if nothing is) on the transaction's connection."""
        pending, self._rows = self._rows, {}
        for statement, rows in pending.items():
            if statement in self._checked and not conn.dialect.supports_sane_multi_rowcount:
                changed = sum(conn.execute(statement, row).rowcount for row in rows)
            else:
                changed = conn.execute(statement, rows).rowcount
            if statement in self._checked and changed != len(rows):
                raise StaleVersion()
