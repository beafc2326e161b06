"""Demo data: the seed article, its checkable claims, and demo accounts.

``load_demo`` is idempotent: rows are looked up by their natural keys (the article's slug,
each claim's quote, user names, source URLs) and created only when missing, so a second
run changes nothing — and a reviewer's edits to the demo survive a re-run.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .. import anchoring, editing, roles, workflow
from ..enums import ClaimantKind, ClaimStatus, Rating, SourceKind, Stance
from ..models import Article, Claim

ARTICLE_FILE = Path(__file__).with_name("article.txt")
ARTICLE_SLUG = "in-baku-azerbaijans-president-thanks-herzog-for-israeli-arms-supply"


@dataclass(frozen=True)
class DemoSource:
    url: str
    title: str
    publisher: str
    kind: str
    stance: str = Stance.SUPPORTS
    passage: str = ""


@dataclass(frozen=True)
class DemoClaim:
    quote: str
    statement: str
    claimant: str
    status: str
    claimant_kind: str = ClaimantKind.ORGANIZATION
    tags: tuple[str, ...] = ()
    rating: str = ""
    summary: str = ""
    explanation: str = ""
    sources: tuple[DemoSource, ...] = ()
    notes: tuple[str, ...] = ()


SIPRI_FACT_SHEET = DemoSource(
    url="https://www.sipri.org/sites/default/files/2021-03/fs_2103_at_2020.pdf",
    title="Trends in International Arms Transfers, 2020 (SIPRI Fact Sheet, March 2021)",
    publisher="Stockholm International Peace Research Institute",
    kind=SourceKind.PRIMARY_DATA,
)
SIPRI_DATABASE = DemoSource(
    url="https://www.sipri.org/databases/armstransfers",
    title="SIPRI Arms Transfers Database",
    publisher="Stockholm International Peace Research Institute",
    kind=SourceKind.PRIMARY_DATA,
)

CLAIMANT = "The Times of Israel (Lazar Berman)"

CLAIMS: tuple[DemoClaim, ...] = (
    DemoClaim(
        quote="Israel provided 69 percent of Baku’s major arms imports in 2016-2020",
        statement=(
            "Israel was the source of 69% of Azerbaijan's imports of major arms in 2016–2020, "
            "according to SIPRI."
        ),
        claimant=f"{CLAIMANT}, citing SIPRI",
        status=ClaimStatus.PUBLISHED,
        tags=("arms trade", "Azerbaijan", "SIPRI"),
        rating=Rating.ACCURATE,
        summary="SIPRI's 2020 fact sheet gives Israel 69% of Azerbaijan's major arms imports "
        "in 2016–20.",
        explanation=(
            "SIPRI's fact sheet *Trends in International Arms Transfers, 2020* (March 2021) "
            "lists Israel as the supplier of **69%** of Azerbaijan's imports of major arms "
            "over 2016–20, with Russia a distant second at about 17%.\n\n"
            "Two caveats matter for readers. SIPRI measures the *volume* of transfers in "
            "trend-indicator values (TIV), not their price, so this is a share of military "
            "capability delivered rather than of money spent. And the share depends on the "
            "window: the 2015–19 fact sheet put it at 60% and the 2017–21 one at 61%. For the "
            "period the article names, the figure is exactly right."
        ),
        sources=(SIPRI_FACT_SHEET, SIPRI_DATABASE),
    ),
    DemoClaim(
        quote="accounting for 17% of Jerusalem’s arms exports over that period",
        statement="Azerbaijan received 17% of Israel's exports of major arms in 2016–2020.",
        claimant=f"{CLAIMANT}, citing SIPRI",
        status=ClaimStatus.IN_REVIEW,
        tags=("arms trade", "Israel", "SIPRI"),
        rating=Rating.ACCURATE,
        summary="SIPRI data put Azerbaijan at 17% of Israel's major arms exports, second "
        "only to India.",
        explanation=(
            "SIPRI ranks Azerbaijan as the second-largest recipient of Israeli major arms, "
            "after India. Its 2015–19 figures, reported by The Jerusalem Post in March 2020, "
            "give Azerbaijan **17%** of Israel's exports; a query of the SIPRI Arms Transfers "
            "Database for Israel → Azerbaijan over 2016–2020, as a share of Israel's total "
            "TIV, is needed to confirm the figure for the exact period the article names."
        ),
        sources=(
            DemoSource(
                url="https://www.jpost.com/Israel-News/Israels-arms-exports-over-past-four-years-at-highest-ever-620561",
                title="Israel's arms exports over past four years at highest ever",
                publisher="The Jerusalem Post",
                kind=SourceKind.NEWS_REPORT,
            ),
            SIPRI_DATABASE,
        ),
        notes=(
            "Careful: 17% is also roughly Russia's share of Azerbaijan's *imports* in the "
            "same period. Make sure the figure we confirm is Azerbaijan's share of Israel's "
            "*exports*.",
            "Editor: please confirm the 2016–20 share against the SIPRI database query before "
            "approving; the Jerusalem Post figure is for 2015–19.",
        ),
    ),
    DemoClaim(
        quote="Israel buys over 30 percent of its oil from Baku",
        statement="More than 30% of the crude oil Israel buys comes from Azerbaijan.",
        claimant=CLAIMANT,
        status=ClaimStatus.PUBLISHED,
        tags=("energy", "Azerbaijan", "Israel"),
        rating=Rating.MOSTLY_ACCURATE,
        summary="Every estimate found puts Azerbaijan's share above 30%, but Israel publishes "
        "no official figures.",
        explanation=(
            "Israel does not publish where its crude oil comes from, so every figure is an "
            "estimate built from tanker-tracking and trade data. Those estimates agree with "
            "the article: reporting of the same visit put Azerbaijan at *over a third* of "
            "Israel's oil imports, and later analyses of shipments through the Baku–Tbilisi–"
            "Ceyhan pipeline put it at around 40%. Globes counted 2.24 million tonnes shipped "
            "to Israel in January–November 2023, making Israel the second destination of "
            "Azerbaijani oil.\n\n"
            "We rate the claim mostly accurate rather than accurate because it rests on "
            "estimates, not official statistics, and the share moves from year to year."
        ),
        sources=(
            DemoSource(
                url="https://intellinews.com/details-uncovered-on-continued-azerbaijani-oil-exports-to-israel-via-turkey-327348",
                title="Details uncovered on continued Azerbaijani oil exports to Israel via Turkey",
                publisher="bne IntelliNews",
                kind=SourceKind.NEWS_REPORT,
            ),
            DemoSource(
                url="https://en.globes.co.il/en/article-Azerbaijani-oil-continues-flowing-to-Israel-via-Turkey-1001477929",
                title="Azerbaijani oil continues flowing to Israel via Turkey",
                publisher="Globes",
                kind=SourceKind.NEWS_REPORT,
            ),
        ),
    ),
    DemoClaim(
        quote="six-week war with Armenia, which claimed the lives of more than 6,000 soldiers",
        statement=(
            "The 2020 Nagorno-Karabakh war between Azerbaijan and Armenia lasted six weeks "
            "and killed more than 6,000 soldiers."
        ),
        claimant=CLAIMANT,
        status=ClaimStatus.PUBLISHED,
        tags=("Nagorno-Karabakh", "casualties"),
        rating=Rating.ACCURATE,
        summary="Official tolls add up to about 6,700 soldiers killed in a 44-day war.",
        explanation=(
            "The war ran from 27 September to 10 November 2020: 44 days, so *six weeks* is "
            "fair. Both governments later revised their early partial tolls upwards. "
            "Armenia's final official figure is 3,825 servicemen killed (plus 187 missing); "
            "Azerbaijan's is 2,906 killed (plus 6 missing). Together that is about **6,700**, "
            "comfortably *more than 6,000*.\n\n"
            "Independent researchers believe both official tolls undercount, which only "
            "strengthens the claim."
        ),
        sources=(
            DemoSource(
                url="https://en.wikipedia.org/wiki/Casualties_of_the_Second_Nagorno-Karabakh_War",
                title="Casualties of the Second Nagorno-Karabakh War",
                publisher="Wikipedia",
                kind=SourceKind.OTHER,
                stance=Stance.CONTEXT,
            ),
        ),
    ),
    DemoClaim(
        quote="the March opening of Azerbaijan’s embassy in Tel Aviv",
        statement="Azerbaijan opened its embassy in Tel Aviv in March 2023.",
        claimant="Ilham Aliyev, as reported by The Times of Israel",
        claimant_kind=ClaimantKind.PERSON,
        status=ClaimStatus.PUBLISHED,
        tags=("diplomacy", "Azerbaijan"),
        rating=Rating.ACCURATE,
        summary="The embassy opened on 29 March 2023 with both foreign ministers present.",
        explanation=(
            "Azerbaijan's embassy in Tel Aviv was inaugurated on **29 March 2023**, at a "
            "ceremony attended by Azerbaijan's foreign minister Jeyhun Bayramov and Israel's "
            "foreign minister Eli Cohen. It was the first Azerbaijani embassy in Israel, 30 "
            "years after the two countries established relations."
        ),
        sources=(
            DemoSource(
                url="https://en.trend.az/azerbaijan/politics/3728529.html",
                title="Azerbaijan's embassy in Israel opens",
                publisher="Trend News Agency",
                kind=SourceKind.NEWS_REPORT,
            ),
        ),
    ),
    DemoClaim(
        quote="a Shiite-majority country closely allied with Turkey",
        statement=(
            "Most of Azerbaijan's population is Shia Muslim, and Azerbaijan is a close ally "
            "of Turkey."
        ),
        claimant=CLAIMANT,
        status=ClaimStatus.PUBLISHED,
        tags=("Azerbaijan", "Turkey"),
        rating=Rating.ACCURATE,
        summary="Shia Muslims are a majority in Azerbaijan, and a 2021 treaty formalised its "
        "alliance with Turkey.",
        explanation=(
            "Estimates of the Shia share of Azerbaijan's population range from 55% to 65%, "
            "a clear majority. The Shusha Declaration signed in June 2021 turned the "
            "countries' long-standing closeness into a formal alliance that includes mutual "
            "military assistance."
        ),
        sources=(
            DemoSource(
                url="https://en.wikipedia.org/wiki/Shusha_Declaration",
                title="Shusha Declaration",
                publisher="Wikipedia",
                kind=SourceKind.OTHER,
                stance=Stance.SUPPORTS,
            ),
        ),
    ),
    DemoClaim(
        quote="Health and Interior Minister Moshe Arbel from the Shas party",
        statement="In May 2023 Moshe Arbel, of the Shas party, was Israel's Health and "
        "Interior Minister.",
        claimant=CLAIMANT,
        status=ClaimStatus.PUBLISHED,
        tags=("Israel", "government"),
        rating=Rating.ACCURATE,
        summary="Arbel (Shas) held both portfolios from early 2023.",
        explanation=(
            "Moshe Arbel, a Shas member of the Knesset, took over the health and interior "
            "ministries in January 2023 after the Supreme Court disqualified Aryeh Deri. He "
            "held both at the time of the visit in May 2023."
        ),
        sources=(
            DemoSource(
                url="https://en.wikipedia.org/wiki/Moshe_Arbel",
                title="Moshe Arbel",
                publisher="Wikipedia",
                kind=SourceKind.OTHER,
            ),
        ),
    ),
    DemoClaim(
        quote="Israel stepped up its weapons shipments to Azerbaijan during the 2020 "
        "Nagorno-Karabakh conflict",
        statement="Israel increased its weapons deliveries to Azerbaijan during the 2020 war.",
        claimant=CLAIMANT,
        status=ClaimStatus.RESEARCHING,
        tags=("arms trade", "Nagorno-Karabakh"),
        notes=(
            "The evidence so far is flight-tracking of Azerbaijani cargo aircraft flying from "
            "Ovda air base during the war. Neither government has confirmed what they "
            "carried. Looking for a second, independent source before we rate this.",
        ),
    ),
    DemoClaim(
        quote="celebrating Israel’s 75th birthday",
        statement="Israel marked 75 years of independence in 2023.",
        claimant=CLAIMANT,
        status=ClaimStatus.DRAFT,
        tags=("Israel",),
    ),
)

DEMO_USERS = (
    # username, first name, last name, is_staff, is_superuser, role group
    ("reviewer", "Rita", "Reviewer", False, False, roles.REVIEWERS),
    ("editor", "Eddie", "Editor", False, False, roles.EDITORS),
    ("admin", "Ada", "Administrator", True, True, ""),
)


def read_article_file() -> dict:
    """The seed article: title, standfirst, a byline note, then one paragraph per line."""
    lines = [line.strip() for line in ARTICLE_FILE.read_text(encoding="utf-8").splitlines()]
    title, standfirst, _byline_note, *paragraphs = lines
    return {
        "title": title,
        "standfirst": standfirst,
        "author": "Lazar Berman",
        "outlet": "The Times of Israel",
        "url": "https://www.timesofisrael.com/in-baku-azerbaijans-president-thanks-herzog-for-israeli-arms-supply/",
        "published_at": datetime(2023, 5, 30, 12, 0, tzinfo=UTC),
        "language": "en",
        "body": anchoring.normalise_body("\n\n".join(p for p in paragraphs if p)),
    }


def demo_password() -> tuple[str, str]:
    """The demo accounts' password and where it came from.

    ``DEMO_PASSWORD`` wins; otherwise one is generated once and kept in ``var/`` (readable
    by the owner only) so that re-runs print the same, still valid, password.
    """
    if settings.DEMO_PASSWORD:
        return settings.DEMO_PASSWORD, "DEMO_PASSWORD"
    path = Path(settings.VAR_DIR) / "demo-password.txt"
    if path.exists():
        return path.read_text(encoding="utf-8").strip(), str(path)
    password = secrets.token_urlsafe(12)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(password + "\n", encoding="utf-8")
    return password, f"generated, kept in {path}"


def ensure_users(password: str) -> dict:
    User = get_user_model()
    users = {}
    for username, first, last, is_staff, is_superuser, group in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "is_staff": is_staff,
                "is_superuser": is_superuser,
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
            if group:
                user.groups.add(Group.objects.get_or_create(name=group)[0])
        users[username] = user
    return users


def ensure_article(users: dict) -> Article:
    """The demo article, added by the demo reviewer (revision 1) if it is not there."""
    article = Article.objects.filter(slug=ARTICLE_SLUG).first()
    if article is None:
        article = editing.create_article(
            by=users["reviewer"], slug=ARTICLE_SLUG, **read_article_file()
        )
    return article


def ensure_claim(article: Article, demo: DemoClaim, users: dict) -> bool:
    """Take one demo claim through the real workflow; False if it already exists.

    The reviewer creates, researches, cites and submits; the editor approves. The demo's
    history is therefore the same kind of history real claims have.
    """
    if Claim.objects.filter(article=article, quote=demo.quote).exists():
        return False
    reviewer, editor = users["reviewer"], users["editor"]
    span = anchoring.locate(article.body, demo.quote)
    claim = editing.create_claim(
        article,
        by=reviewer,
        quote=demo.quote,
        start_offset=span.start,
        end_offset=span.end,
        statement=demo.statement,
        claimant=demo.claimant,
        claimant_kind=demo.claimant_kind,
        tags=demo.tags,
    )
    if demo.status == ClaimStatus.DRAFT:
        return True
    workflow.start_claim(claim, by=reviewer, version=claim.version)
    for source in demo.sources:
        editing.add_source(claim, by=reviewer, **asdict(source))
    for body in demo.notes:
        editing.add_note(claim, by=reviewer, body=body)
    verdict = {"rating": demo.rating, "summary": demo.summary, "explanation": demo.explanation}
    if any(verdict.values()):
        workflow.edit_claim(claim, by=reviewer, version=claim.version, changes=verdict)
    if demo.status == ClaimStatus.RESEARCHING:
        return True
    workflow.submit_claim(claim, by=reviewer, version=claim.version)
    if demo.status == ClaimStatus.PUBLISHED:
        workflow.approve_claim(claim, by=editor, version=claim.version)
    return True


def ensure_assignments(users: dict) -> int:
    """The desk's coordination in the demo: the editor gives each claim in research that
    was never assigned to the reviewer, due in three days (through claims.assignment, so
    the history shows it). A claim someone unassigned since stays unassigned."""
    from datetime import timedelta

    from django.utils import timezone

    from .. import assignment
    from ..enums import Action

    due = timezone.localdate() + timedelta(days=3)
    assigned = 0
    never = Claim.objects.filter(status=ClaimStatus.RESEARCHING, assignee__isnull=True).exclude(
        events__action=Action.ASSIGN
    )
    for claim in never.order_by("pk"):
        assignment.update_assignment(
            claim, by=users["editor"], version=claim.version, assignee=users["reviewer"],
            due_date=due,
        )  # fmt: skip
        assigned += 1
    return assigned


def load_demo(out: TextIO) -> None:
    password, origin = demo_password()
    with transaction.atomic():
        users = ensure_users(password)
        article = ensure_article(users)
        created = sum(ensure_claim(article, demo, users) for demo in CLAIMS)
        ensure_assignments(users)
    out.write(f"Demo article: {article.title}\n")
    out.write(f"Demo claims: {created} created, {len(CLAIMS) - created} already there\n")
    out.write(f"Demo logins (password {origin}):\n")
    for username, *_ in DEMO_USERS:
        user = users[username]
        valid = user.check_password(password)
        shown = password if valid else "(changed since it was seeded; not shown)"
        out.write(f"  {username:<9} {shown}\n")
