"""`flush`, which empties every table, with the append-only triggers lifted for the moment it runs.

On SQLite Django flushes with DELETE, which the triggers of predictions.integrity refuse (PostgreSQL's TRUNCATE
would be refused too); test runs flush after every transactional test. The triggers are put back afterwards."""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from predictions.integrity import append_only_drop, append_only_install


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        append_only_drop(connection)
        try:
            return super().handle(**options)
        finally:
            append_only_install(connection)
