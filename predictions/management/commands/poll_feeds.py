from django.core.management.base import BaseCommand
from django.db.models import Count

from predictions.models import Candidate, Feed
from predictions.services.newswatch import feeds_poll_cycle


class Command(BaseCommand):
    help = (
        "Run one news-watch cycle synchronously, with the services the Celery tasks call: fetch every active feed "
        "(due or not; never one another poll holds), store new items, match them against the open predictions. "
        "Prints counts per feed. Exits 0 even when some feeds fail; each failure is reported and recorded on its feed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--feed", action="append", type=int, default=[], metavar="ID", help="Only this feed.")

    def handle(self, *args, feed: list[int], **options):
        cycle = feeds_poll_cycle(force=True, feed_ids=feed or None)
        names = dict(Feed.objects.filter(pk__in=[p.feed_id for p in cycle.polls]).values_list("pk", "name"))
        matched_ids = [item_id for poll in cycle.polls for item_id in poll.item_ids]
        per_feed = dict(
            Candidate.objects.filter(news_item_id__in=matched_ids)
            .values("news_item__feed_id")
            .annotate(n=Count("id"))
            .values_list("news_item__feed_id", "n")
        )
        failed = 0
        for poll in cycle.polls:
            label = f"feed {poll.feed_id} ({names.get(poll.feed_id, '?')})"
            if poll.status == "failed":
                failed += 1
                self.stdout.write(f"{label}: FAILED: {poll.error}")
            else:
                http = f", HTTP {poll.http_status}" if poll.http_status else ""
                self.stdout.write(
                    f"{label}: {poll.status}{http}, {poll.new_items} new items, "
                    f"{per_feed.get(poll.feed_id, 0)} candidates"
                )
        self.stdout.write(
            f"{len(cycle.polls)} feeds polled, {failed} failed; {cycle.matching.items} items matched, "
            f"{cycle.matching.candidates} new candidates"
            + (f"; resolved automatically: {cycle.matching.auto_resolved}" if cycle.matching.auto_resolved else "")
        )
