from django.core.management.base import BaseCommand

from claims.demo.seed import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo article, its claims and the demo accounts (reviewer, editor, admin). "
        "Idempotent: existing rows are left as they are."
    )

    def handle(self, *args, **options) -> None:
        load_demo(self.stdout)
