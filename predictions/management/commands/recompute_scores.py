from django.core.management.base import BaseCommand, CommandError

from predictions.models import Pundit
from predictions.services.scores import pundit_scores_recompute, scores_differences
from predictions.services.skill import skill_differences, skill_recompute_all


class Command(BaseCommand):
    help = (
        "Rebuild the stored track-record statistics of every pundit (or of --pundit SLUG). With --check, change "
        "nothing: recompute from scratch in memory, compare with what is stored, and exit 1 naming the first "
        "pundit and tag whose stored figures differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Compare only; exit 1 if any stored figure differs.")
        parser.add_argument("--pundit", action="append", default=[], metavar="SLUG", help="Only this pundit.")

    def handle(self, *args, check: bool, pundit: list[str], **options):
        pundits = Pundit.objects.order_by("pk")
        if pundit:
            pundits = pundits.filter(slug__in=pundit)
            missing = set(pundit) - set(pundits.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"No such pundit: {', '.join(sorted(missing))}")
        ids = list(pundits.values_list("pk", flat=True))
        if check:
            first = next(scores_differences(pundit_ids=ids), None)
            if first is not None:
                raise CommandError(f"stored scores differ from a recomputation: {first}")
            first = next(skill_differences(), None)
            if first is not None:
                raise CommandError(f"stored skill figures differ from a recomputation: {first}")
            self.stdout.write(f"ok: the stored scores of {len(ids)} pundits equal a recomputation from scratch")
            return
        pundit_scores_recompute(pundit_ids=ids)
        if not pundit:
            skill_recompute_all()
        self.stdout.write(f"recomputed the stored scores of {len(ids)} pundits")
