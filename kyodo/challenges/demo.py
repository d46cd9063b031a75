"""Demo local issues: ≥ 2,000 (scale 1) to ~50,000 (scale 10) issues in natural Japanese,
with supports, comments, follows, triage, official answers, notifications, a few reports
and hidden posts, and the precomputed theme maps."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from kyodo.accounts.models import User
from kyodo.challenges import demo_text as text
from kyodo.challenges import geo
from kyodo.challenges.models import ContentReport, HiddenContent, Issue, IssueComment, IssueSupport
from kyodo.challenges.services import build_theme_maps
from kyodo.challenges.workflow import IssueStatus
from kyodo.core.demo import VOLUMES, DemoContext, volume_at
from kyodo.guideline.models import District, Field, Tier
from kyodo.notifications.models import Follow, Notification
from kyodo.organizations.models import Organization

# Rough share of issues per district (本庁 is by far the largest).
DISTRICT_WEIGHTS = {
    "honcho": 30,
    "yoshino": 4,
    "furuya": 6,
    "minami-furuya": 9,
    "takashina": 10,
    "fukuhara": 7,
    "daito": 9,
    "kasumigaseki": 9,
    "kasumigaseki-kita": 6,
    "nagusa": 6,
    "yamada": 4,
}


def issue_volume(scale: float) -> int:
    """2,000 at scale 1 (Kawagoe today), 50,000 at scale 10 (the benchmark)."""
    return max(20, volume_at(VOLUMES["local issues"], scale))


def _status_for(age_days: int, rng: random.Random) -> str:
    if age_days < 7:
        return IssueStatus.RECEIVED
    if age_days < 30:
        return rng.choice([IssueStatus.RECEIVED, IssueStatus.REVIEWING, IssueStatus.REVIEWING])
    roll = rng.random()
    if roll < 0.40:
        return IssueStatus.RESOLVED
    if roll < 0.60:
        return IssueStatus.IN_PROGRESS
    if roll < 0.75:
        return IssueStatus.REVIEWING
    if roll < 0.85:
        return IssueStatus.DECLINED
    return IssueStatus.RECEIVED


def _place_on_map(issue: Issue, city: geo.CityMap, code: str, rng: random.Random) -> None:
    """A point around the district's centre when the guideline gives one (about 1.5 km),
    else anywhere in the city's box; always inside the box, so any city's file works.
    One in five is "near a home" and shown rounded, as a resident would choose."""
    south, west, north, east = city.bbox
    centre = city.district_centres.get(code)
    if centre is not None:
        lat = rng.gauss(centre[0], 0.009)
        lon = rng.gauss(centre[1], 0.011)
    else:
        lat = rng.uniform(south, north)
        lon = rng.uniform(west, east)
    lat = round(min(max(lat, south), north), 6)
    lon = round(min(max(lon, west), east), 6)
    near_home = rng.random() < 0.2
    public = geo.coarsen(lat, lon) if near_home else (lat, lon)
    issue.latitude, issue.longitude = lat, lon
    issue.public_latitude, issue.public_longitude = public
    issue.location_coarsened = near_home


def seed(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng_for("challenges")
    named: dict[str, User] = ctx.shared.get("users", {})
    residents: list[int] = list(
        ctx.shared.get("resident_ids")
        or User.objects.filter(is_active=True).order_by("id").values_list("id", flat=True)[:5000]
    )
    if not residents:
        ctx.out.write("  no people yet: run the accounts demo first\n")
        return {}
    departments = ctx.shared.get("departments") or list(Organization.objects.departments())
    dept_by_name = {d.name: d for d in departments}
    coordinator = named.get("coordinator") or User.objects.get(pk=residents[0])
    districts = {d.code: d for d in District.objects.all()}
    fields = {f.code: f for f in Field.objects.all()}
    tiers = {t.code: t for t in Tier.objects.all()}
    district_codes = [c for c in DISTRICT_WEIGHTS if c in districts] or list(districts)
    weights = [DISTRICT_WEIGHTS.get(c, 5) for c in district_codes]
    # The file's fields the demo has words for; a file with none of them gets the general
    # templates under each of its own fields.
    field_codes = [c for c in text.TEMPLATES if c in fields] or list(fields)
    horizon = int(365 * max(2.0, ctx.scale))
    now = ctx.now()
    n = issue_volume(ctx.scale)
    demo_resident = named.get("resident")
    demo_resident_id = demo_resident.pk if demo_resident is not None else None

    city = geo.city_map()
    issues: list[Issue] = []
    for i in range(n):
        code = rng.choices(district_codes, weights)[0]
        field_code = rng.choice(field_codes)
        title_t, details, tier_code, dept_name = rng.choice(
            text.TEMPLATES.get(field_code) or text.TEMPLATES[next(iter(text.TEMPLATES))]
        )
        place = rng.choice(
            text.PLACES.get(code)
            or [
                f"{districts[code].name}{spot}"
                for spot in ("公民館", "駅前", "小学校前", "公園", "交差点")
            ]
        )
        title = title_t.format(place=place)
        opener = rng.choice(text.OPENERS).format(since=rng.choice(text.SINCE))
        description = f"{opener}{rng.choice(details)}{rng.choice(text.CLOSERS)}"
        age = int(horizon * rng.random() ** 1.6)
        created = now - dt.timedelta(days=age, minutes=rng.randint(0, 600))
        author_id = (
            demo_resident_id
            if demo_resident_id is not None and i % 400 == 0
            else rng.choice(residents)
        )
        status = _status_for(age, rng)
        issue = Issue(
            title=title[:120],
            description=description,
            district=districts[code],
            field=fields[field_code],
            author_id=author_id,
            created_at=created,
            status=status,
            place_description=f"{place}の周辺" if rng.random() < 0.5 else "",
        )
        if rng.random() < 0.85:  # most residents place their issue on the map
            _place_on_map(issue, city, code, rng)
        if status != IssueStatus.RECEIVED or (age > 14 and rng.random() < 0.5):
            tier = tier_code if rng.random() < 0.85 else rng.choice(list(tiers))
            issue.tier = tiers.get(tier)
            # Who should act always comes with why (a CHECK constraint): Kawagoe's demo
            # texts, else the tier's own explanation from the city's guideline file.
            issue.tier_explanation = text.EXPLANATIONS.get(tier) or (
                issue.tier.explanation or f"「{issue.tier.name}」で取り組む内容です。"
                if issue.tier is not None
                else ""
            )
            issue.responsible_department = dept_by_name.get(dept_name) or (
                rng.choice(departments) if departments else None
            )
            issue.triaged_at = min(now, created + dt.timedelta(days=min(age, rng.randint(1, 10))))
        if status != IssueStatus.RECEIVED:
            issue.status_changed_at = min(
                now, created + dt.timedelta(days=min(age, rng.randint(3, 60)))
            )
        if status == IssueStatus.DECLINED:
            issue.decline_reason = rng.choice(text.DECLINE_REASONS)
        answer_chance: dict[str, float] = {
            IssueStatus.RESOLVED: 0.8,
            IssueStatus.IN_PROGRESS: 0.6,
            IssueStatus.DECLINED: 0.9,
            IssueStatus.REVIEWING: 0.2,
        }
        tier_code_set = issue.tier.code if issue.tier is not None else ""
        # A resolved issue is always closed with the city's answer (the invariant).
        drawn = bool(tier_code_set) and rng.random() < answer_chance.get(status, 0)
        if status == IssueStatus.RESOLVED or drawn:
            issue.official_answer = issue.decline_reason or text.ANSWERS.get(
                tier_code_set or "public", text.ANSWERS["public"]
            )
            issue.answered_at = (issue.status_changed_at or created) + dt.timedelta(
                days=rng.randint(0, 5)
            )
            if issue.answered_at > now:
                issue.answered_at = now
            issue.answered_by = coordinator
        issues.append(issue)
    created_issues = ctx.insert_objects(Issue, issues, label="local issues")

    supports: list[tuple[int, int, dt.datetime]] = []
    comments: list[IssueComment] = []
    for issue in created_issues:
        k = min(int(rng.paretovariate(1.15)) - 1, 120, len(residents) - 1)
        if k > 0:
            chosen = {u for u in rng.sample(residents, k) if u != issue.author_id}
            for user_id in chosen:
                supports.append(
                    (
                        issue.pk,
                        user_id,
                        min(now, issue.created_at + dt.timedelta(hours=rng.randint(1, 200))),
                    )
                )
            issue.support_count = len(chosen)
        if rng.random() < 0.3:
            for j in range(rng.randint(1, 3)):
                comments.append(
                    IssueComment(
                        issue=issue,
                        author_id=rng.choice(residents),
                        body=rng.choice(text.COMMENTS),
                        created_at=min(
                            now,
                            issue.created_at + dt.timedelta(hours=6 + 30 * j + rng.randint(0, 20)),
                        ),
                    )
                )
    ctx.insert(
        IssueSupport,
        ["issue_id", "user_id", "created_at"],
        supports,
        total=len(supports),
        label="supports (共感)",
    )
    created_comments = ctx.insert_objects(IssueComment, comments, label="comments")
    counts: dict[int, int] = {}
    for c in created_comments:
        counts[c.issue_id] = counts.get(c.issue_id, 0) + 1
    for issue in created_issues:
        issue.comment_count = counts.get(issue.pk, 0)
    _update_counters(created_issues)

    issue_ct = ContentType.objects.get_for_model(Issue)
    follows = [
        Follow(user_id=i.author_id, target_type=issue_ct, target_id=i.pk) for i in created_issues
    ]
    followed: set[tuple[int, int]] = {(f.user_id, f.target_id) for f in follows}
    for person in [u for u in named.values() if u is not None]:
        for issue in rng.sample(created_issues, min(12, len(created_issues))):
            if (person.pk, issue.pk) not in followed:
                followed.add((person.pk, issue.pk))
                follows.append(Follow(user_id=person.pk, target_type=issue_ct, target_id=issue.pk))
    ctx.insert(
        Follow,
        ["user_id", "target_type_id", "target_id"],
        ((f.user_id, f.target_type_id, f.target_id) for f in follows),
        total=len(follows),
        label="follows",
    )

    notifications = _notifications(ctx, rng, created_issues, followed, now)
    moderated = _moderation(ctx, rng, created_issues, created_comments, residents, coordinator, now)
    maps = build_theme_maps()
    return {
        "local issues": len(created_issues),
        "supports": len(supports),
        "comments": len(created_comments),
        "follows": len(follows),
        "notifications": notifications,
        "reports": moderated,
        "theme maps": len(maps),
    }


def _update_counters(issues: list[Issue]) -> None:
    """support_count and comment_count from the rows (one statement, not a bulk_update)."""
    if not issues:
        return
    table = Issue._meta.db_table
    supports = IssueSupport._meta.db_table
    comments = IssueComment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET "  # noqa: S608 (table names from the models)
            f"support_count = (SELECT COUNT(*) FROM {supports} s WHERE s.issue_id = {table}.id), "
            f"comment_count = (SELECT COUNT(*) FROM {comments} c WHERE c.issue_id = {table}.id) "
            "WHERE id BETWEEN %s AND %s",
            [min(i.pk for i in issues), max(i.pk for i in issues)],
        )


def _notifications(
    ctx: DemoContext,
    rng: random.Random,
    issues: list[Issue],
    followed: set[tuple[int, int]],
    now: dt.datetime,
) -> int:
    """What followers were told: status changes and official answers (recent ones unread)."""
    by_issue: dict[int, list[int]] = {}
    for user_id, issue_id in followed:
        by_issue.setdefault(issue_id, []).append(user_id)
    recent = now - dt.timedelta(days=180)
    rows: list[Notification] = []
    labels: dict[str, str] = {
        IssueStatus.REVIEWING: "「{t}」の検討を始めました",
        IssueStatus.IN_PROGRESS: "「{t}」の対応を始めました",
        IssueStatus.RESOLVED: "「{t}」が解決しました",
        IssueStatus.DECLINED: "「{t}」は見送りになりました",
    }
    for issue in issues:
        recipients = by_issue.get(issue.pk, [])
        if not recipients:
            continue
        events: list[tuple[dt.datetime, str, str, str]] = []
        if issue.status_changed_at and issue.status in labels and issue.status_changed_at >= recent:
            events.append(
                (
                    issue.status_changed_at,
                    "challenges.status_changed",
                    labels[issue.status].format(t=issue.title),
                    issue.decline_reason,
                )
            )
        if issue.answered_at and issue.answered_at >= recent:
            events.append(
                (
                    issue.answered_at,
                    "challenges.official_answer",
                    f"市が「{issue.title}」に回答しました",
                    issue.official_answer[:200],
                )
            )
        for when, kind, subject, body in events:
            for user_id in recipients:
                old = when < now - dt.timedelta(days=14)
                rows.append(
                    Notification(
                        recipient_id=user_id,
                        kind=kind,
                        subject=subject[:200],
                        body=body,
                        url=f"/issues/{issue.pk}/",
                        created_at=when,
                        read_at=when + dt.timedelta(days=1) if old and rng.random() < 0.9 else None,
                        emailed_at=when if old else None,
                    )
                )
    ctx.bulk_create(Notification, rows, label="notifications")
    return len(rows)


def _moderation(
    ctx: DemoContext,
    rng: random.Random,
    issues: list[Issue],
    comments: list[IssueComment],
    residents: list[int],
    coordinator: User,
    now: dt.datetime,
) -> int:
    """A few open reports for the coordinators' queue, and two hidden comments."""
    if len(comments) < 10:
        return 0
    comment_ct = ContentType.objects.get_for_model(IssueComment)
    issue_ct = ContentType.objects.get_for_model(Issue)
    reports: list[Any] = []
    reasons = ["個人名が書かれています", "宣伝のように見えます", "言葉がきついと感じました"]
    for c in rng.sample(comments, 4):
        reports.append(
            ContentReport(
                content_type=comment_ct,
                object_id=c.pk,
                reporter_id=rng.choice(residents),
                reason=rng.choice(reasons),
            )
        )
    for i in rng.sample(issues, 2):
        reports.append(
            ContentReport(
                content_type=issue_ct,
                object_id=i.pk,
                reporter_id=rng.choice(residents),
                reason="同じ内容の投稿が重複しています",
            )
        )
    hidden = rng.sample(comments, 2)
    for c in hidden:
        reason = "個人が特定できる情報が含まれていたため"
        c.hidden_at, c.hidden_reason = now, reason
        reports.append(
            ContentReport(
                content_type=comment_ct,
                object_id=c.pk,
                reporter_id=rng.choice(residents),
                reason="個人名が書かれています",
                status="hidden",
                decided_at=now,
                decided_by=coordinator,
            )
        )
    IssueComment.objects.bulk_update(hidden, ["hidden_at", "hidden_reason"])
    HiddenContent.objects.bulk_create(
        [
            HiddenContent(
                content_type=comment_ct,
                object_id=c.pk,
                reason=c.hidden_reason,
                hidden_by=coordinator,
            )
            for c in hidden
        ]
    )
    ContentReport.objects.bulk_create(reports)
    return len(reports)
