"""manage.py verify_ledger: exits 0 when the public ledger is intact; otherwise exits 1 and names the first entry
(or row) that does not verify. See predictions.services.ledger.ledger_verify for what is checked."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from predictions.integrity import APPEND_ONLY, PREDICTION_TABLE, append_only_installed
from predictions.services.ledger import ledger_head, ledger_verify


class Command(BaseCommand):
    help = "Verify the hash-chained ledger and the rows it vouches for; exit 1 naming the first entry that fails."

    def handle(self, *args, **options):
        verdict = ledger_verify()
        if not verdict.ok:
            where = f"entry #{verdict.first_bad_seq}" if verdict.first_bad_seq is not None else "a row"
            raise CommandError(f"Ledger does NOT verify: first failure at {where}: {verdict.reason}", returncode=1)
        seq, digest = ledger_head()
        missing = {*APPEND_ONLY, PREDICTION_TABLE} - append_only_installed(connection)
        if missing and connection.vendor in ("sqlite", "postgresql"):
            self.stderr.write(
                f"Warning: the append-only triggers are missing on {', '.join(sorted(missing))}; "
                "run manage.py migrate to put them back."
            )
        self.stdout.write(f"Ledger intact: {verdict.reason}; head #{seq} {digest}")
