import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from predictions.services.importing import open_text, predictions_import, read_records


class Command(BaseCommand):
    help = (
        "Import predictions from JSON Lines or CSV (same column names); idempotent on external_id. "
        "Each bad line is reported by number and reason, and the command exits 1 if any failed; good lines land "
        "whole. The file is read and written in batches, so memory does not grow with its length."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a .jsonl or .csv file, or - for standard input (JSON Lines).")
        parser.add_argument("--format", choices=["jsonl", "csv"], help="Defaults to the file's extension.")

    def handle(self, *args, file: str, format: str | None, **options):
        fmt = format or ("csv" if file.lower().endswith(".csv") else "jsonl")
        if file == "-":
            stream = open_text(sys.stdin.buffer)
        else:
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"No such file: {file}")
            stream = open_text(path.open("rb"))

        def on_error(line: int, reason: str) -> None:
            self.stderr.write(f"line {line}: {reason}")

        with stream:
            report = predictions_import(records=read_records(stream, fmt=fmt), on_error=on_error)
        self.stdout.write(
            f"created {report.created}, unchanged {report.unchanged}, updated {report.updated}, failed {report.failed}"
        )
        if report.failed:
            sys.exit(1)
