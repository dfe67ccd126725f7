from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token

from predictions.roles import EDITORS_GROUP


class Command(BaseCommand):
    help = "Create the user if needed (in the editors group with --editor) and print its API token on the last line."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--editor", action="store_true", help="Put the user in the editors group.")

    def handle(self, *args, username: str, editor: bool, **options):
        user, created = get_user_model().objects.get_or_create(username=username)
        if created:
            user.set_unusable_password()
            user.save()
        if editor:
            group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
            user.groups.add(group)
            if not user.is_staff:  # editors work at the editors' desk (the admin) too
                user.is_staff = True
                user.save(update_fields=["is_staff"])
        token, _ = Token.objects.get_or_create(user=user)
        role = "editor" if editor or user.groups.filter(name=EDITORS_GROUP).exists() else "API consumer"
        self.stderr.write(f"{'Created' if created else 'Found'} user {username!r} ({role}). Token:")
        self.stdout.write(token.key)
