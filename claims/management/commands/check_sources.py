"""Queue link checks, or run them here and now (``--sync``) with a line per source."""

import time

from django.core.management.base import BaseCommand, CommandError

from claims import checking
from claims.models import LinkCheck, Source


class Command(BaseCommand):
    help = (
        "Check cited sources: --all, --due (the default) or --id N ...; queued for the "
        "workers, or with --sync checked in this process, one line per source."
    )

    def add_arguments(self, parser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--all", action="store_true", help="every source")
        which.add_argument("--due", action="store_true", help="sources whose check is due")
        which.add_argument("--id", type=int, nargs="+", dest="ids", help="these sources")
        parser.add_argument(
            "--sync", action="store_true", help="check here instead of queueing for workers"
        )
        parser.add_argument(
            "--wait", action="store_true", help="after queueing, show progress until done"
        )

    def handle(self, *args, **options) -> None:
        if options["ids"]:
            missing = set(options["ids"]) - set(
                Source.objects.filter(pk__in=options["ids"]).values_list("pk", flat=True)
            )
            if missing:
                raise CommandError(f"No source with id {', '.join(map(str, sorted(missing)))}")
            tickets = checking.hand_out(options["ids"])
        elif options["all"]:
            tickets = checking.hand_out(Source.objects.order_by("pk").values_list("pk", flat=True))
        else:
            tickets = checking.claim_due()
        if not tickets:
            self.stdout.write("Nothing to check (no source due, or checks already under way).")
            return
        if options["sync"]:
            self._run_here(tickets)
        else:
            checking.enqueue(tickets)
            self.stdout.write(f"Queued {len(tickets)} source check(s) for the workers.")
            if options["wait"]:
                self._wait(tickets)

    def _line(self, done: int, total: int, check: LinkCheck) -> str:
        status = check.http_status or "-"
        return (
            f"[{done:>{len(str(total))}}/{total}] source {check.source_id}: {check.outcome} "
            f"{status} → {check.health_after}"
        )

    def _run_here(self, tickets) -> None:
        total, done = len(tickets), 0
        started = time.monotonic()

        def progress(ticket, result, check) -> None:
            nonlocal done
            done += 1
            self.stdout.write(self._line(done, total, check))

        recorded = checking.run_checks(tickets, on_result=progress)
        self.stdout.write(
            f"Checked {recorded} of {total} source(s) in {time.monotonic() - started:.1f} s."
        )

    def _wait(self, tickets, timeout: float = 600) -> None:
        tokens = {t.token for t in tickets}
        seen: set[int] = set()
        deadline = time.monotonic() + timeout
        while len(seen) < len(tokens) and time.monotonic() < deadline:
            for check in LinkCheck.objects.filter(token__in=tokens).exclude(pk__in=seen):
                seen.add(check.pk)
                self.stdout.write(self._line(len(seen), len(tokens), check))
            time.sleep(0.5)
        if len(seen) < len(tokens):
            raise CommandError(f"Timed out: {len(tokens) - len(seen)} check(s) still pending.")
