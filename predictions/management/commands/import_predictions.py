import io
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from predictions.services.importing import predictions_import, read_records


class Command(BaseCommand):
    help = (
        "Import predictions from JSON Lines or CSV (same column names); idempotent on external_id. "
        "Each bad line is reported by number and reason, and the command exits 1 if any failed; good lines land whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a .jsonl or .csv file, or - for standard input (JSON Lines).")
        parser.add_argument("--format", choices=["jsonl", "csv"], help="Defaults to the file's extension.")

    def handle(self, *args, file: str, format: str | None, **options):
        fmt = format or ("csv" if file.lower().endswith(".csv") else "jsonl")
        if file == "-":
            stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="strict")
        else:
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"No such file: {file}")
            stream = path.open(encoding="utf-8", errors="strict", newline="")
        try:
            with stream:
                report = predictions_import(records=read_records(stream, fmt=fmt))
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start}); nothing was imported"
            ) from exc
        for line, reason in report.errors:
            self.stderr.write(f"line {line}: {reason}")
        self.stdout.write(
            f"created {report.created}, unchanged {report.unchanged}, updated {report.updated}, failed {report.failed}"
        )
        if report.failed:
            sys.exit(1)
