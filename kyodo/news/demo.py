"""Demo news: from the city's departments and from groups, over the last years."""

from __future__ import annotations

from kyodo.accounts.models import User
from kyodo.challenges import demo_text as text
from kyodo.core.demo import DemoContext
from kyodo.guideline.models import District
from kyodo.news.models import NewsItem
from kyodo.organizations.models import Organization


def seed(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng_for("news")
    departments: list[Organization] = ctx.shared.get("departments") or list(
        Organization.objects.departments()
    )
    groups: list[Organization] = ctx.shared.get("verified_organizations") or list(
        Organization.objects.groups()[:200]
    )
    members: dict[int, list[int]] = ctx.shared.get("memberships_by_org", {})
    named: dict[str, User] = ctx.shared.get("users", {})
    fallback = (
        named.get("coordinator") or User.objects.filter(is_active=True).order_by("id").first()
    )
    if fallback is None or not (departments or groups):
        ctx.out.write("  no organizations yet: run the organizations demo first\n")
        return {}
    districts = list(District.objects.all())
    horizon = int(365 * max(2.0, ctx.scale))
    items: list[NewsItem] = []
    for _i in range(ctx.count(150)):
        from_city = bool(departments) and (rng.random() < 0.6 or not groups)
        org = rng.choice(departments if from_city else groups)
        district = rng.choice(districts) if districts and rng.random() < 0.6 else None
        day = ctx.days_ago(int(horizon * rng.random() ** 1.5))
        fill = {
            "district": district.name if district else "市内各",
            "month": (day.month % 12) + 1,
            "n": rng.randint(20, 120),
            "org": org.name,
        }
        title_t, body_t = rng.choice(text.NEWS_CITY if from_city else text.NEWS_GROUP)
        author_ids = members.get(org.pk) or [fallback.pk]
        items.append(
            NewsItem(
                title=title_t.format(**fill)[:150],
                body=body_t.format(**fill),
                organization=org,
                is_from_city=from_city,
                district=district,
                author_id=rng.choice(author_ids),
                published_at=min(
                    ctx.now(), ctx.aware(day, rng.randint(8, 18), rng.choice([0, 15, 30, 45]))
                ),
            )
        )
    created = ctx.bulk_create(NewsItem, items, label="news")
    return {"news": len(created)}
