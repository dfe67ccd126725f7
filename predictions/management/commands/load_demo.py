from django.core.management.base import BaseCommand

from predictions.demo import demo_load


class Command(BaseCommand):
    help = "Load the seed post (War News Updates, 14 September 2020): its pundit, article, predictions, evidence."

    def handle(self, *args, **options):
        loaded = demo_load()
        self.stdout.write("Demo loaded." if loaded else "Demo already loaded; nothing changed.")
