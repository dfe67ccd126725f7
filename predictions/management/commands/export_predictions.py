from django.core.management.base import BaseCommand

from predictions.services.importing import predictions_export


class Command(BaseCommand):
    help = "Write every published prediction in the import format (JSON Lines or CSV) to standard output."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")

    def handle(self, *args, format: str, **options):
        # self.stdout (not sys.stdout), so that call_command(stdout=...) captures it; the writers end their own lines.
        self.stdout.ending = ""
        count = predictions_export(out=self.stdout, fmt=format)
        self.stderr.write(f"exported {count} predictions")
