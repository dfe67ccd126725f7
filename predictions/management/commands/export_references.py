from django.core.management.base import BaseCommand

from predictions.services.questions import references_export


class Command(BaseCommand):
    help = "Write every reference point in the import_references format (JSON Lines or CSV) to standard output."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")

    def handle(self, *args, format: str, **options):
        self.stdout.ending = ""
        count = references_export(out=self.stdout, fmt=format)
        self.stderr.write(f"exported {count} reference points")
