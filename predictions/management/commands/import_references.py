import io
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from predictions.services.questions import reference_records, references_import


class Command(BaseCommand):
    help = (
        "Import reference forecasts {question, source, probability, at} from JSON Lines or CSV (same column names); "
        "idempotent on question + source + at. Each bad line is reported by number and reason and the command exits "
        "1 if any failed; good lines land. The skill figures are up to date when it returns."
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
                report = references_import(records=reference_records(stream, fmt=fmt))
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
        for line, reason in report.errors:
            self.stderr.write(f"line {line}: {reason}")
        self.stdout.write(f"created {report.created}, unchanged {report.unchanged}, failed {report.failed}")
        if report.failed:
            sys.exit(1)
