"""Reads for campaign actions: counts, public signatory lists, staff dashboards."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate, TruncHour
from django.utils import timezone
from django.utils.timesince import timesince

from chorus.campaigns.models import (
    CAMPAIGN_UPDATE_EMAIL,
    ActionPage,
    BlockedEmailDomain,
    BlockedIpHash,
    CampaignUpdate,
    DisplayChoice,
    Moderation,
    Signature,
    SignatureCount,
    SignatureKind,
    SignatureStatus,
    domain_hash,
    email_domain,
)
from chorus.campaigns.workflow import ActionState
from chorus.core.cached_reads import CachedReads
from chorus.core.crypto import token_digest
from chorus.core.digest import DigestItem
from chorus.core.ids import parse_id
from chorus.core.models import OutboxMessage, OutboxStatus
from chorus.people.models import ConsentPurpose, ConsentRecord, Person

# Every signing request, confirmation and count.json read starts from the action, and
# every signature from the block lists. They are kept in the shared cache and forgotten,
# in every process at once, when they change: campaigns.receivers for saved, published,
# moved or restricted pages and for block-list rows, and the workflow's transitions for
# state changes (they write with update(), which sends no signal). The time limit only
# bounds a change made some other way.
LIVE_ACTIONS: CachedReads[ActionPage] = CachedReads("campaigns:live-actions", seconds=300)
BLOCK_LISTS: CachedReads[BlockLists] = CachedReads("campaigns:block-lists", seconds=300)


def consent_scope(action_id: int) -> str:
    """The consent scope for choices that apply to one action only."""
    return f"campaigns.action:{action_id}"


def signing_source(action_id: int) -> str:
    """Where consents given by confirming a signature were given (described by campaigns.privacy)."""
    return f"campaigns.sign:{action_id}"


@dataclass(frozen=True)
class ActionCount:
    total: int
    individuals: int
    organisations: int
    refreshed_at: datetime | None

    @property
    def seconds_ago(self) -> int | None:
        if self.refreshed_at is None:
            return None
        return max(0, int((timezone.now() - self.refreshed_at).total_seconds()))


def action_count(*, action_id: int) -> ActionCount:
    """The last refreshed count; never counts rows on a public request."""
    row = SignatureCount.objects.filter(action_id=action_id).first()
    if row is None:
        return ActionCount(total=0, individuals=0, organisations=0, refreshed_at=None)
    return ActionCount(
        total=row.total, individuals=row.individuals, organisations=row.organisations, refreshed_at=row.refreshed_at
    )


def goal_percent(*, total: int, goal: int) -> int:
    """How far towards its goal a petition is, in whole per cent (100 once reached or passed)."""
    return min(100, total * 100 // goal) if goal > 0 else 0


@dataclass(frozen=True)
class ActionCard:
    """An action as a card on the campaigns list: its count, its goal's progress, its deadline."""

    action: ActionPage
    count: ActionCount
    goal: int  # 0 for an action without a goal (open letters)
    goal_percent: int

    @property
    def goal_shown(self) -> int:
        """The bar's value: a count past the goal fills the bar, and the text says the real count."""
        return min(self.count.total, self.goal)


def action_cards(actions: list[ActionPage]) -> list[ActionCard]:
    """Cards for a list of actions, their counts read in one query."""
    rows = {row.action_id: row for row in SignatureCount.objects.filter(action_id__in=[a.pk for a in actions])}
    cards = []
    for action in actions:
        row = rows.get(action.pk)
        count = (
            ActionCount(
                total=row.total,
                individuals=row.individuals,
                organisations=row.organisations,
                refreshed_at=row.refreshed_at,
            )
            if row is not None
            else ActionCount(total=0, individuals=0, organisations=0, refreshed_at=None)
        )
        goal = int(getattr(action, "goal", 0) or 0)
        cards.append(
            ActionCard(action=action, count=count, goal=goal, goal_percent=goal_percent(total=count.total, goal=goal))
        )
    return cards


def live_action(*, key: str) -> ActionPage | None:
    """The live, public action for an id or slug, as its own page type; None if there is none.

    Each call returns its own copy, from the shared cache when it holds one.
    """
    return LIVE_ACTIONS.get(key, lambda: _live_action_from_database(key))


def _live_action_from_database(key: str) -> ActionPage | None:
    pages = ActionPage.objects.live().public()
    if key.isdigit():
        # Digits name an id; a number no id can have (past 2**63 - 1) would crash SQLite.
        pk = parse_id(key)
        if pk is None:
            return None
        found = pages.filter(pk=pk)
    else:
        found = pages.filter(slug=key)
    action: ActionPage | None = found.specific().first()
    return action


def live_action_url(action: ActionPage) -> str:
    """The action's address on the site (Wagtail works it out from the page tree and sites)."""
    return str(action.url)


@dataclass(frozen=True)
class BlockLists:
    ip_hashes: dict[str, datetime]  # hash -> when the block ends
    email_domain_hashes: frozenset[str]

    def blocks(self, *, ip_hash: str, email_domain_hash: str) -> bool:
        if email_domain_hash in self.email_domain_hashes:
            return True
        if ip_hash not in self.ip_hashes:
            return False
        return self.ip_hashes[ip_hash] > timezone.now()


def block_lists() -> BlockLists:
    """Both block lists, read in one go; short lists that change rarely."""
    lists = BLOCK_LISTS.get("lists", _block_lists_from_database)
    assert lists is not None  # the loader always returns lists, if empty ones
    return lists


def _block_lists_from_database() -> BlockLists:
    return BlockLists(
        ip_hashes=dict(BlockedIpHash.objects.values_list("ip_hash", "expires_at")),
        email_domain_hashes=frozenset(BlockedEmailDomain.objects.values_list("domain_hash", flat=True)),
    )


def milestones_reached(*, milestones: list[int], total: int) -> list[int]:
    return [m for m in milestones if m <= total]


def _name_consent_active(action_id: int) -> Exists:
    return Exists(
        ConsentRecord.objects.filter(
            person_id=OuterRef("person_id"),
            purpose=ConsentPurpose.PUBLISH_NAME,
            scope=consent_scope(action_id),
            withdrawn_at__isnull=True,
        )
    )


def update_recipients(*, action_id: int) -> QuerySet[Person]:
    """People an update on this action goes to: a confirmed signature and an active
    "updates on this campaign" consent for this action, both read now (so a withdrawal
    counts from the moment it is made)."""
    return Person.objects.filter(
        Exists(
            ConsentRecord.objects.filter(
                person_id=OuterRef("pk"),
                purpose=ConsentPurpose.CAMPAIGN_UPDATES,
                scope=consent_scope(action_id),
                withdrawn_at__isnull=True,
            )
        ),
        Exists(
            Signature.objects.filter(person_id=OuterRef("pk"), action_id=action_id, status=SignatureStatus.CONFIRMED)
        ),
        erased_at__isnull=True,
    )


def listed_signatures(*, action_id: int) -> QuerySet[Signature]:
    """Who appears publicly: approved organisations first, then individuals who asked to be named.

    An individual is listed only while their "show my name" consent is active, so a
    withdrawal on the privacy page takes them off the list at once.
    """
    # An approved organisation's name was published as its own public act, so it stays
    # listed after retention; individuals' details are gone by then.
    organisations = Q(kind=SignatureKind.ORGANISATION, moderation=Moderation.APPROVED)
    individuals = Q(
        kind=SignatureKind.INDIVIDUAL,
        display__in=[DisplayChoice.FULL_NAME, DisplayChoice.FIRST_NAME_INITIAL],
        name_consent=True,
        anonymised_at__isnull=True,
    )
    return (
        Signature.objects.filter(action_id=action_id, status=SignatureStatus.CONFIRMED)
        .annotate(name_consent=_name_consent_active(action_id))
        .filter(organisations | individuals)
        .order_by("-kind", "confirmed_at", "pk")  # "organisation" sorts after "individual"
    )


def published_organisations(*, action_id: int) -> QuerySet[Signature]:
    return Signature.objects.filter(
        action_id=action_id,
        kind=SignatureKind.ORGANISATION,
        moderation=Moderation.APPROVED,
        status=SignatureStatus.CONFIRMED,
    ).order_by("confirmed_at", "pk")


def organisations_to_moderate(*, action_id: int) -> QuerySet[Signature]:
    return Signature.objects.filter(
        action_id=action_id, kind=SignatureKind.ORGANISATION, moderation=Moderation.PENDING
    ).order_by("created_at", "pk")


def organisations_decided(*, action_id: int) -> QuerySet[Signature]:
    """Organisations already approved or rejected, latest decision first, so one can be changed."""
    return (
        Signature.objects.filter(
            action_id=action_id,
            kind=SignatureKind.ORGANISATION,
            moderation__in=[Moderation.APPROVED, Moderation.REJECTED],
        )
        .exclude(status=SignatureStatus.INVALIDATED)
        .order_by("-changed_at", "-pk")
    )


@dataclass(frozen=True)
class DayCount:
    day: date
    signatures: int
    running_total: int


def signatures_by_day(*, action_id: int) -> list[DayCount]:
    """Confirmed signatures per day, with a running total, for the dashboard chart and table."""
    rows = (
        Signature.objects.counted()
        .filter(action_id=action_id, confirmed_at__isnull=False)
        .annotate(day=TruncDate("confirmed_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    per_day = {row["day"]: row["n"] for row in rows}
    if not per_day:
        return []
    # Quiet days are days too: without them the bars would close up and hide the gaps.
    first, last = min(per_day), max(per_day)
    result: list[DayCount] = []
    running = 0
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        running += per_day.get(day, 0)
        result.append(DayCount(day=day, signatures=per_day.get(day, 0), running_total=running))
    return result


def confirmed_per_hour(*, action_ids: list[int], until: datetime, hours: int = 24) -> dict[int, list[int]]:
    """Signatures confirmed in each of the last ``hours`` hours before ``until``, per action, oldest first."""
    start = until.replace(minute=0, second=0, microsecond=0) - timedelta(hours=hours - 1)
    rows = (
        Signature.objects.counted()
        .filter(action_id__in=action_ids, confirmed_at__gte=start, confirmed_at__lte=until)
        .annotate(hour=TruncHour("confirmed_at"))
        .values("action_id", "hour")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_action = {action_id: [0] * hours for action_id in action_ids}
    for row in rows:
        index = int((row["hour"] - start).total_seconds() // 3600)
        if 0 <= index < hours:
            per_action[row["action_id"]][index] += row["n"]
    return per_action


def organisations_awaiting_moderation() -> list[tuple[ActionPage, int]]:
    """Actions with confirmed organisation signatures still to be approved or rejected, with how many."""
    rows = dict(
        Signature.objects.filter(
            kind=SignatureKind.ORGANISATION, moderation=Moderation.PENDING, status=SignatureStatus.CONFIRMED
        )
        .values_list("action_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    actions = ActionPage.objects.filter(pk__in=rows).order_by("title")
    return [(action, rows[action.pk]) for action in actions]


@dataclass(frozen=True)
class DashboardFigures:
    confirmed: int
    pending: int
    invalidated: int
    organisations_waiting: int


def dashboard_figures(*, action_id: int) -> DashboardFigures:
    by_status = dict(
        Signature.objects.filter(action_id=action_id)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return DashboardFigures(
        confirmed=by_status.get(SignatureStatus.CONFIRMED, 0),
        pending=by_status.get(SignatureStatus.PENDING, 0),
        invalidated=by_status.get(SignatureStatus.INVALIDATED, 0),
        organisations_waiting=organisations_to_moderate(action_id=action_id).count(),
    )


def _ago(then: datetime, now: datetime) -> str:
    """How long ago, in words a dashboard reads at a glance: "12 seconds ago", "3 minutes ago"."""
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return f"{seconds} second{'' if seconds == 1 else 's'} ago"
    return f"{timesince(then, now)} ago"


@dataclass(frozen=True)
class CountExplained:
    """Why "Confirmed" and the public count differ, in parts that add up:
    confirmed = public + changed_since_refresh + organisations_waiting + organisations_rejected."""

    confirmed: int
    public: int
    organisations_waiting: int  # confirmed, waiting for a campaigner: they count once approved
    organisations_rejected: int  # confirmed, turned down: they never count
    refreshed_at: datetime | None
    now: datetime

    @property
    def changed_since_refresh(self) -> int:
        """Counted signatures now, less the public count: new confirmations since the count was
        refreshed, less any that stopped counting (invalidated, or an organisation turned down)."""
        return self.confirmed - self.organisations_waiting - self.organisations_rejected - self.public

    @property
    def sentences(self) -> list[str]:
        if self.refreshed_at is None:
            return ["The public count has not been worked out yet. It is refreshed every few seconds."]
        ago = _ago(self.refreshed_at, self.now)
        if self.confirmed == self.public:
            return [f"The public count includes every confirmed signature. It was last refreshed {ago}."]
        said = []
        changed = self.changed_since_refresh
        if changed > 0:
            said.append(f"{changed} confirmed since the last count refresh, {ago}.")
        elif changed < 0:
            said.append(
                f"{-changed} stopped counting (invalidated or turned down) since the last count refresh, {ago}."
            )
        else:
            said.append(f"The count was last refreshed {ago}.")
        if self.organisations_waiting:
            n = self.organisations_waiting
            said.append(
                f"{n} confirmed organisation{' is' if n == 1 else 's are'} waiting for moderation "
                f"and will count once approved."
            )
        if self.organisations_rejected:
            n = self.organisations_rejected
            said.append(
                f"{n} confirmed organisation{' was' if n == 1 else 's were'} turned down "
                f"and {'does' if n == 1 else 'do'} not count."
            )
        return said


def count_explained(*, action_id: int, now: datetime | None = None) -> CountExplained:
    """The dashboard's "Confirmed 227, public count 223" in words (see CountExplained)."""
    organisation = Q(status=SignatureStatus.CONFIRMED, kind=SignatureKind.ORGANISATION)
    figures = Signature.objects.filter(action_id=action_id).aggregate(
        confirmed=Count("pk", filter=Q(status=SignatureStatus.CONFIRMED)),
        waiting=Count("pk", filter=organisation & Q(moderation=Moderation.PENDING)),
        rejected=Count("pk", filter=organisation & Q(moderation=Moderation.REJECTED)),
    )
    count = action_count(action_id=action_id)
    return CountExplained(
        confirmed=figures["confirmed"],
        public=count.total,
        organisations_waiting=figures["waiting"],
        organisations_rejected=figures["rejected"],
        refreshed_at=count.refreshed_at,
        now=now or timezone.now(),
    )


@dataclass(frozen=True)
class InvalidationCriteria:
    """Which signatures a bulk invalidation touches. Plain domains are hashed before use.

    A domain or an address hash may stand alone or be narrowed by a time window; a time
    window may stand alone only when it has both ends, since an open one could take in
    a whole campaign.
    """

    email_domain: str = ""
    ip_hash: str = ""
    since: datetime | None = None
    until: datetime | None = None

    def as_data(self) -> dict[str, str]:
        # Stored and audited: hashes and times only.
        return {
            "email_domain_hash": domain_hash(self.email_domain) if self.email_domain else "",
            "ip_hash": self.ip_hash,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }

    @property
    def refusal(self) -> str:
        """Why these criteria cannot be used, in plain words; empty when they can."""
        if any(moment is not None and timezone.is_naive(moment) for moment in (self.since, self.until)):
            return "The times must carry a time zone."
        if self.since is not None and self.until is not None and self.until <= self.since:
            return "The time window must end after it starts."
        if not (self.email_domain or self.ip_hash or (self.since is not None and self.until is not None)):
            return "Give an email domain, an address hash, or a time window with both a start and an end."
        return ""


def signatures_matching(*, action_id: int, criteria: InvalidationCriteria) -> QuerySet[Signature]:
    """Valid signatures a bulk invalidation would touch (its preview count uses the same query)."""
    if criteria.refusal:
        return Signature.objects.none()
    qs = Signature.objects.filter(action_id=action_id).exclude(status=SignatureStatus.INVALIDATED)
    if criteria.email_domain:
        qs = qs.filter(email_domain_hash=domain_hash(criteria.email_domain))
    if criteria.ip_hash:
        qs = qs.filter(ip_hash=criteria.ip_hash)
    if criteria.since:
        qs = qs.filter(created_at__gte=criteria.since)
    if criteria.until:
        qs = qs.filter(created_at__lt=criteria.until)
    return qs


@dataclass(frozen=True)
class InvalidationPreview:
    """What a bulk invalidation would do, for its last step: how many match, and how many
    of those the public count includes now."""

    matching: int
    counted: int
    public: int

    @property
    def public_after(self) -> int:
        return max(0, self.public - self.counted)


def invalidation_preview(*, action_id: int, criteria: InvalidationCriteria) -> InvalidationPreview:
    matching = signatures_matching(action_id=action_id, criteria=criteria)
    counted = Signature.objects.counted().filter(pk__in=matching.values("pk")).count()
    return InvalidationPreview(
        matching=matching.count(), counted=counted, public=action_count(action_id=action_id).total
    )


# Each hashed key the trend check follows, and how its alert names it.
TREND_KEYS = (("ip_hash", "address"), ("email_domain_hash", "email domain"))


@dataclass(frozen=True)
class Trend:
    kind: str  # "address" or "email domain"
    key_hash: str
    action_id: int
    signatures: int
    # What the key's usual share of all signing predicts for this action in the same
    # period; 0 when it has no history (or there is no history at all).
    expected: float

    @property
    def expected_in_words(self) -> str:
        if self.expected == 0:
            return "none expected, as it had not signed anything in the days before"
        if self.expected < 1:
            return "fewer than 1 expected from its usual share"
        return f"about {round(self.expected)} expected from its usual share"


def unusual_trends(*, since: datetime, threshold: int, factor: int, baseline_since: datetime) -> list[Trend]:
    """Hashed addresses or domains that signed one action unusually often since ``since``.

    Unusual means more than ``threshold`` signatures, and more than ``factor`` times what
    the key's usual share predicts: its share of all signatures (every action) from
    ``baseline_since`` up to ``since``, times the action's signatures since ``since``.
    A popular email provider in a busy hour is then expected, not alarming.
    """
    recent = Signature.objects.filter(created_at__gte=since)
    candidates = {
        field: list(
            recent.exclude(**{field: ""})
            .values_list("action_id", field)
            .annotate(n=Count("pk"))
            .filter(n__gt=threshold)
            .order_by("-n")
        )
        for field, _kind in TREND_KEYS
    }
    if not any(candidates.values()):
        return []
    # Shares are taken among signatures that still carry the key: address hashes are
    # cleared after CHORUS_CAMPAIGNS_IP_HASH_DAYS and all hashes on anonymisation, and a
    # blank is nobody's share. Invalidated signatures are left out, so an earlier attack
    # does not make the same key look usual.
    carrying = {f"carrying_{field}": Count("pk", filter=~Q(**{field: ""})) for field, _kind in TREND_KEYS}
    action_ids = {action_id for rows in candidates.values() for action_id, _key, _n in rows}
    in_period = {
        action_id: dict(zip(carrying, counts, strict=True))
        for action_id, *counts in recent.filter(action_id__in=action_ids)
        .values("action_id")
        .annotate(**carrying)
        .values_list("action_id", *carrying)
        .order_by()
    }
    baseline = Signature.objects.filter(created_at__gte=baseline_since, created_at__lt=since).exclude(
        status=SignatureStatus.INVALIDATED
    )
    baseline_totals = baseline.aggregate(**carrying)
    trends: list[Trend] = []
    for field, kind in TREND_KEYS:
        rows = candidates[field]
        if not rows:
            continue
        usual = dict(
            baseline.filter(**{f"{field}__in": {key for _action_id, key, _n in rows}})
            .values(field)
            .annotate(n=Count("pk"))
            .values_list(field, "n")
            .order_by()
        )
        for action_id, key, n in rows:
            total = baseline_totals[f"carrying_{field}"]
            share = usual.get(key, 0) / total if total else 0.0
            expected = in_period[action_id][f"carrying_{field}"] * share
            if n > factor * expected:
                trends.append(Trend(kind=kind, key_hash=key, action_id=action_id, signatures=n, expected=expected))
    return trends


def trend_domain(*, email_domain_hash: str) -> str:
    """The domain a hash stands for, read from one signer's address (decrypted only here)."""
    signature = (
        Signature.objects.filter(email_domain_hash=email_domain_hash, person__isnull=False)
        .select_related("person")
        .first()
    )
    if signature is None or signature.person is None:
        return ""
    domain = email_domain(signature.person.email)
    return domain if domain_hash(domain) == email_domain_hash else ""


def actions_for_staff() -> QuerySet[ActionPage]:
    actions: QuerySet[ActionPage] = ActionPage.objects.all().order_by("-latest_revision_created_at", "-pk")
    return actions


def recent_window(hours: int = 1) -> datetime:
    return timezone.now() - timedelta(hours=hours)


# Areas with fewer signers than this are grouped, so a small place never identifies anyone.
AREA_MINIMUM = 5


def postcode_areas(*, action_id: int) -> list[tuple[str, int]]:
    """Counted signatures per postcode area (the letters before the first digit), largest first.

    Postcodes are encrypted, so this decrypts them one by one: a staff-only, occasional
    read. Areas under AREA_MINIMUM are added together as "Other areas".
    """
    counts: dict[str, int] = {}
    rows = Signature.objects.counted().filter(action_id=action_id).values_list("postcode")
    for (postcode,) in rows.iterator(chunk_size=2000):
        area = ""
        postcode = postcode or ""
        for char in postcode:
            if not char.isalpha():
                break
            area += char
        if area:
            counts[area] = counts.get(area, 0) + 1
    shown = sorted(((a, n) for a, n in counts.items() if n >= AREA_MINIMUM), key=lambda item: (-item[1], item[0]))
    other = sum(n for n in counts.values() if n < AREA_MINIMUM)
    return shown + ([("Other areas", other)] if other else [])


def actions_alongside(action: ActionPage, *, limit: int = 3) -> list[ActionPage]:
    """Other actions taking signatures on the same priority areas, for a campaign spotlight."""
    areas = list(action.priority_areas.values_list("pk", flat=True))
    if not areas:
        return []
    others = (
        ActionPage.objects.live()
        .public()
        .filter(state=ActionState.OPEN, priority_areas__in=areas)
        .exclude(pk=action.pk)
        .distinct()
        .order_by("-first_published_at")
        .specific()
    )
    return [other for other in others[: limit * 2] if other.is_open][:limit]


def open_actions_for_area(*, area_id: int, leave_out: list[int], limit: int = 6) -> list[ActionPage]:
    """Actions taking signatures under a priority area, soonest closing first, then newest."""
    actions = (
        ActionPage.objects.live()
        .public()
        .filter(state=ActionState.OPEN, priority_areas=area_id)
        .exclude(pk__in=leave_out)
        .order_by(F("closing_date").asc(nulls_last=True), "-first_published_at")
        .specific()
    )
    return [action for action in actions[: limit * 2] if action.is_open][:limit]


# --- updates already sent -------------------------------------------------------------


@dataclass(frozen=True)
class UpdateFigures:
    """What became of one update's emails. Every queued email is in one of the last five."""

    queued: int
    sent: int
    stopped: int  # not sent: the person stopped updates before it reached them, or has no address
    refused: int  # refused by the mail server for good
    given_up: int  # refused for now until the resume job gave up, or never tried
    to_send: int  # waiting or being sent
    refused_for_now: int  # of those still to send: the next run tries them again


@dataclass(frozen=True)
class SentUpdate:
    update: CampaignUpdate
    figures: UpdateFigures


def _figures(update: CampaignUpdate, live: dict[str, int]) -> UpdateFigures:
    """Counts kept on a finished update; while it is being sent, counts of its outbox rows."""
    if update.finished_at is not None:
        stopped, refused, given_up, sent = update.skipped, update.refused, update.given_up, update.sent
        to_send = refused_for_now = 0
    else:
        stopped, refused, given_up, sent = live["skipped"], live["refused"], live["given_up"], live["sent"]
        to_send, refused_for_now = live["to_send"], live["refused_for_now"]
    return UpdateFigures(
        queued=update.recipients,
        sent=sent,
        stopped=stopped,
        refused=refused,
        given_up=given_up,
        # Not yet listed (sending has not started) counts as still to send.
        to_send=to_send if update.started_at is not None else update.recipients,
        refused_for_now=refused_for_now,
    )


def _live_figures(update_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per update still sending: its outbox rows by outcome, in one aggregate query."""
    from chorus.core.outbox import MAX_ATTEMPTS

    gave_up = Q(status=OutboxStatus.FAILED, attempts__gte=MAX_ATTEMPTS)
    waiting = Q(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING])
    rows = (
        OutboxMessage.objects.filter(kind=CAMPAIGN_UPDATE_EMAIL, about_id__in=update_ids)
        .values("about_id")
        .annotate(
            sent=Count("pk", filter=Q(status=OutboxStatus.SENT)),
            skipped=Count("pk", filter=Q(status=OutboxStatus.SKIPPED)),
            refused=Count("pk", filter=Q(status=OutboxStatus.FAILED) & ~gave_up),
            given_up=Count("pk", filter=gave_up),
            to_send=Count("pk", filter=waiting),
            # Tried and refused for now: the outbox tries them again after a while.
            refused_for_now=Count("pk", filter=waiting & Q(attempts__gt=0) & ~Q(error="")),
        )
        .order_by()
    )
    empty = dict.fromkeys(("sent", "skipped", "refused", "given_up", "to_send", "refused_for_now"), 0)
    figures = {update_id: dict(empty) for update_id in update_ids}
    for row in rows:
        counts: dict[str, Any] = dict(row)
        update_id = counts.pop("about_id")
        if update_id is not None:
            figures[int(update_id)] = {name: int(value) for name, value in counts.items()}
    return figures


def _with_figures(updates: list[CampaignUpdate]) -> list[SentUpdate]:
    live = _live_figures([update.pk for update in updates if update.finished_at is None])
    return [SentUpdate(update=update, figures=_figures(update, live.get(update.pk, {}))) for update in updates]


def _sent_updates(action_id: int) -> QuerySet[CampaignUpdate]:
    return (
        CampaignUpdate.objects.filter(action_id=action_id).select_related("created_by").order_by("-created_at", "-pk")
    )


def sent_updates(*, action_id: int, limit: int | None = None) -> list[SentUpdate]:
    """The updates sent on one action, newest first, with their figures."""
    return _with_figures(list(_sent_updates(action_id)[:limit]))


def public_updates(*, action_id: int) -> list[CampaignUpdate]:
    """Updates emailed to an action's signers, for its public page: newest first, and only
    once sending has started (a draft or a queued update is not news yet)."""
    updates = CampaignUpdate.objects.filter(action_id=action_id, started_at__isnull=False)
    return list(
        updates.only("action_id", "subject", "body", "created_at", "started_at").order_by("-started_at", "-pk")
    )


def sent_update(*, action_id: int, update_id: int) -> SentUpdate | None:
    """One update sent on this action with its figures; None for another action's update."""
    update = _sent_updates(action_id).filter(pk=update_id).first()
    return _with_figures([update])[0] if update is not None else None


# --- confirming a signature ------------------------------------------------------


class ConfirmOutcome(enum.StrEnum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    EXPIRED = "expired"
    INVALID = "invalid"
    CLOSED = "closed"


# What the confirm page shows and confirming needs: the busiest read of a surge, kept narrow.
CONFIRM_FIELDS = [
    "action", "person", "kind", "name", "organisation", "display", "moderation", "status",
    "token_sent_at", "wants_bulletin", "wants_updates", "created_at",
]  # fmt: skip


def signature_for_token(*, token: str) -> Signature | None:
    if not token or len(token) > 100:
        return None
    # Hashes are unique in practice: the first row found, without sorting for it.
    return Signature.objects.only(*CONFIRM_FIELDS).filter(token_hash=token_digest(token)).first()


def confirm_state(signature: Signature | None) -> ConfirmOutcome | None:
    """What a confirm link would do now; None when it can still confirm."""
    if signature is None or signature.status == SignatureStatus.INVALIDATED:
        return ConfirmOutcome.INVALID
    if signature.status == SignatureStatus.CONFIRMED:
        return ConfirmOutcome.ALREADY_CONFIRMED
    action = live_action(key=str(signature.action_id))
    if action is None or not action.confirms_signature_made_at(signature.created_at):
        return ConfirmOutcome.CLOSED
    if signature.token_expired():
        return ConfirmOutcome.EXPIRED
    return None


# --- the weekly bulletin ----------------------------------------------------------------


def bulletin_items(*, since: datetime, until: datetime) -> list[DigestItem]:
    """Actions open for signing in the bulletin's window, by their own dates, for its draft.

    An action is in when it opened before the bulletin goes out (``until``) and still takes
    signatures then: all of them, not only those opened this week, since signing is what
    members can do now and a network has a handful open at a time. Its opening, not when
    its page was first published, decides. Closing soonest first, then those without a
    closing date, most recently opened first; editors drop any they do not want.
    """
    goes_out = timezone.localdate(until)
    actions = (
        ActionPage.objects.live()
        .public()
        .filter(state=ActionState.OPEN)
        # An action opened in code, without the open transition, has no opening time.
        .filter(Q(opened_at__isnull=True) | Q(opened_at__lt=until))
        .filter(Q(closing_date__isnull=True) | Q(closing_date__gte=goes_out))
        .order_by(F("closing_date").asc(nulls_last=True), F("opened_at").desc(nulls_last=True), "pk")
        .prefetch_related("priority_areas")
    )
    return [
        DigestItem(
            section="Take action",
            title=action.title,
            url=action.url or "",
            summary=action.summary
            + (f" Open until {action.closing_date.day} {action.closing_date:%B %Y}." if action.closing_date else ""),
            date=action.closing_date,
            priority_area_ids=tuple(area.pk for area in action.priority_areas.all()),
        )
        for action in actions
    ]
