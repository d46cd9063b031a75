"""Demo participation data: activity bases with rooms and bookings, events (5,000 at scale 1
over three years: 2.5 years past, half a year ahead; 50,000 at scale 10 over ten years and a
half), with registrations (about 20 per event: ≈ 1,000,000 at scale 10), waiting lists,
check-ins and satisfaction feedback. Counters on each event match its registrations (set
by one UPDATE from the registrations at the end).

Written as plain rows (ctx.insert: executemany / COPY), registrations streamed without
holding them all in memory. People and organizations come from the database (the accounts
and organizations demo data run before this one).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection

from kyodo.accounts.models import User
from kyodo.core.demo import DEMO_PASSWORD, DemoContext
from kyodo.events.models import (
    BookingLottery,
    Event,
    EventKind,
    Facility,
    Feedback,
    Question,
    Registration,
    Room,
    RoomBooking,
    Slot,
)
from kyodo.events.selectors import slots_of
from kyodo.events.workflow import BookingStatus, EventStatus, RegistrationStatus
from kyodo.guideline.models import District, Field
from kyodo.organizations.models import Organization
from kyodo.organizations.models import RegistrationStatus as OrgStatus

# The activity bases: two central ones named after the city, in its first district, and a
# 市民センター in each other district of the guideline file.
ROOMS_HALL = [
    ("多目的ホール", 200, "プロジェクター、音響設備、ステージ"),
    ("活動室1", 40, "ホワイトボード、長机"),
    ("活動室2", 24, "ホワイトボード"),
    ("創作室", 30, "流し台、作業台"),
]
ROOMS_SUPPORT = [
    ("会議室A", 20, "ホワイトボード、プロジェクター"),
    ("会議室B", 12, "ホワイトボード"),
    ("作業スペース", 8, "印刷機、紙折り機"),
]
ROOMS_CENTER = [("会議室", 30, "長机、いす"), ("和室", 20, "座卓"), ("多目的室", 60, "音響設備")]


TITLES: dict[str, list[str]] = {
    EventKind.EVENT: [
        "{district}ふれあいまつり",
        "{field}を考えるつどい",
        "{district}防災フェア",
        "親子で楽しむ{field}の日",
        "{district}ごみゼロ運動",
        "{district}{field}ウォーク",
        "{district}夏祭り",
        "{field}パネル展",
    ],
    EventKind.VOLUNTEER: [
        "{district}清掃ボランティア募集",
        "{district}まつり運営ボランティア",
        "{field}活動のお手伝い募集",
        "子ども食堂ボランティア（{district}）",
        "防犯パトロール参加者募集（{district}）",
        "{field}イベントの受付スタッフ募集",
    ],
    EventKind.COURSE: [
        "はじめての{field}講座",
        "{field}リーダー養成講座",
        "地域で学ぶ{field}入門",
        "市民活動のための会計講座",
        "チラシづくり講座",
        "{field}連続講座（全3回）",
    ],
    EventKind.EXCHANGE: [
        "市民活動団体交流会",
        "{district}地域会議 団体交流会",
        "{field}分野の団体交流カフェ",
        "協働事業報告・交流会",
        "市民活動フォーラム",
    ],
}
KIND_WEIGHTS = [
    (EventKind.EVENT, 40),
    (EventKind.VOLUNTEER, 25),
    (EventKind.COURSE, 25),
    (EventKind.EXCHANGE, 10),
]
CAPACITIES = [10, 12, 15, 20, 20, 25, 30, 30, 40, 40, 50, 60, 80]
ACCESS = [
    "車いすでご来場いただけます。",
    "手話通訳があります（事前申込）。",
    "託児があります（要予約）。",
    "会場は2階です。エレベーターがあります。",
    "",
]
QUESTIONS = [
    ("参加人数（ご家族を含む）", "", ""),
    ("アレルギーの有無", "", ""),
    ("昼食", "", "要\n不要"),
    ("このイベントを何で知りましたか", "", "市の広報紙\nウェブサイト\n知人\nその他"),
]
RATINGS = [5, 5, 5, 4, 4, 4, 4, 3, 3, 2, 1]
COMMENTS = [
    "とても楽しかったです。",
    "また参加したいです。",
    "説明がわかりやすかった。",
    "会場が少し狭かった。",
    "地域の人と知り合えてよかった。",
    "",
    "",
    "",
]


def _weighted(rng: random.Random, items: list[tuple[Any, int]]) -> Any:
    return rng.choices([i for i, _w in items], weights=[w for _i, w in items])[0]


def _people(ctx: DemoContext) -> list[tuple[int, int | None]]:
    people: list[tuple[int, int | None]] = list(
        User.objects.filter(is_active=True, deleted_at__isnull=True, is_superuser=False)
        .order_by("id")
        .values_list("id", "district_id")
    )
    if len(people) >= 50:
        return people
    # Running alone (no accounts demo data): a small pool of residents.
    rng = ctx.rng_for("events:people")
    districts: list[int | None] = list(District.objects.values_list("id", flat=True)) or [None]
    password = make_password(DEMO_PASSWORD)
    User.objects.bulk_create(
        [
            User(
                email=f"event-resident{i}@example.jp",
                display_name=f"参加者{i}",
                password=password,
                district_id=rng.choice(districts),
            )
            for i in range(200)
        ],
        ignore_conflicts=True,
    )
    return list(
        User.objects.filter(is_active=True, is_superuser=False)
        .order_by("id")
        .values_list("id", "district_id")
    )


def seed(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng_for("events")
    districts = {d.code: d for d in District.objects.all()}
    fields = list(Field.objects.order_by("order"))
    groups = list(
        Organization.objects.groups()
        .exclude(registration_status=OrgStatus.SUSPENDED)
        .order_by("id")
    )
    departments = list(Organization.objects.departments().order_by("id"))
    if not groups and not departments:
        ctx.out.write(
            "  events: no organizations in the database; run the organizations demo first\n"
        )
        return {}
    coordinating = next(
        (d for d in departments if d.is_coordinating_department),
        departments[0] if departments else None,
    )
    people = _people(ctx)
    person_ids = [p for p, _d in people]

    facilities, rooms = _seed_facilities(ctx, districts, coordinating)
    n_bookings = _seed_bookings(
        ctx,
        rng,
        rooms,
        [g for g in groups if g.registration_status == OrgStatus.VERIFIED] or groups,
    )

    # --- Events --------------------------------------------------------------------------
    total = ctx.volume("events", minimum=20)
    past_days = int(365 * ctx.years)
    start = ctx.today - dt.timedelta(days=past_days)
    span_days = past_days + 182
    organizers = groups * 3 + departments if groups else departments
    district_list: list[District | None] = list(districts.values()) or [None]
    events: list[Event] = []
    event_fields: list[tuple[int, int]] = []
    # A room slot holds at most one confirmed use (docs/events.md): an event is placed in a
    # room only where no other group's confirmed booking or event already is.
    slot_holder: dict[tuple[int, dt.date, str], int] = {
        (room_id, date, slot): org_id
        for room_id, date, slot, org_id in RoomBooking.objects.filter(
            room__in=rooms, status=BookingStatus.CONFIRMED
        ).values_list("room_id", "date", "slot", "organization_id")
    }
    room_times: dict[int, list[tuple[dt.datetime, dt.datetime, int]]] = defaultdict(list)

    def room_is_free(room: Room, starts: dt.datetime, ends: dt.datetime, org_id: int) -> bool:
        if any(
            slot_holder.get((room.pk, date, slot), org_id) != org_id
            for date, slot in slots_of(starts, ends)
        ):
            return False
        return not any(s < ends and e > starts and o != org_id for s, e, o in room_times[room.pk])

    for i in range(total):
        kind = _weighted(rng, KIND_WEIGHTS)
        org = rng.choice(organizers)
        day = start + dt.timedelta(days=int(span_days * i / total) + rng.randint(0, 2))
        hour = rng.choice([9, 10, 10, 13, 14, 18])
        starts = ctx.aware(day, hour, rng.choice([0, 0, 30]))
        ends = starts + dt.timedelta(hours=rng.choice([1, 2, 2, 3, 4]))
        room = rng.choice(rooms) if rooms and rng.random() < 0.5 else None
        if room is not None:
            if room_is_free(room, starts, ends, org.pk):
                room_times[room.pk].append((starts, ends, org.pk))
                for date, slot in slots_of(starts, ends):
                    slot_holder[(room.pk, date, slot)] = org.pk
            else:
                room = None
        district = room.facility.district if room else rng.choice(district_list)
        field = rng.choice(fields) if fields else None
        title = rng.choice(TITLES[kind]).format(
            district=district.name if district else ctx.city.short,
            field=field.name if field else "地域",
        )
        capacity = min(rng.choice(CAPACITIES), room.capacity) if room else rng.choice(CAPACITIES)
        status = EventStatus.PUBLISHED
        roll = rng.random()
        if roll < 0.02:
            status = EventStatus.CANCELLED
        elif roll < 0.05 and day > ctx.today:
            status = EventStatus.DRAFT
        opens = starts - dt.timedelta(days=rng.choice([14, 21, 30, 45]))
        events.append(
            Event(
                title=title,
                kind=kind,
                status=status,
                summary=f"{title}を開催します。どなたでもご参加いただけます。",
                description=f"{org.name}が主催します。\n\n持ち物：筆記用具、飲み物",
                organization=org,
                starts_at=starts,
                ends_at=ends,
                room=room,
                place_name="" if room else f"{district.name if district else '市内'}公民館",
                address="" if room else f"{ctx.city.name}内",
                district=district,
                capacity=capacity,
                opens_at=opens,
                closes_at=starts - dt.timedelta(hours=rng.choice([1, 24, 48])),
                accessibility=rng.choice(ACCESS),
                cost_yen=rng.choice([0, 0, 0, 0, 300, 500, 1000]),
                asks_real_name=kind in (EventKind.VOLUNTEER, EventKind.COURSE),
                asks_phone=kind == EventKind.VOLUNTEER,
                published_at=opens if status != EventStatus.DRAFT else None,
                cancelled_at=opens + dt.timedelta(days=3)
                if status == EventStatus.CANCELLED
                else None,
                cancel_reason="荒天のため中止します。" if status == EventStatus.CANCELLED else "",
            )
        )
    created = ctx.insert_objects(Event, events, label="events")
    through = Event.fields.through
    for e in created:
        for f in rng.sample(fields, k=min(len(fields), rng.choice([1, 1, 2]))):
            event_fields.append((e.pk, f.pk))
    ctx.insert(
        through,
        ["event_id", "field_id"],
        event_fields,
        total=len(event_fields),
        label="event fields",
    )
    questions = []
    for e in created:
        if rng.random() < 0.1:
            for order, (label, hint, choices) in enumerate(
                rng.sample(QUESTIONS, k=rng.choice([1, 2])), 1
            ):
                questions.append(
                    Question(event=e, order=order, label=label, help_text=hint, choices=choices)
                )
    ctx.bulk_create(Question, questions, label="questions")

    # --- Registrations, streamed event by event ---------------------------------------------
    now = ctx.now()
    counts = {"registrations": 0, "waitlisted": 0, "attended": 0, "feedback": 0}
    feedback: list[tuple[int, int, int, str, dt.datetime]] = []
    confirmed_status = str(RegistrationStatus.CONFIRMED)
    waitlisted_status = str(RegistrationStatus.WAITLISTED)
    cancelled_status = str(RegistrationStatus.CANCELLED)

    def registrations() -> Any:
        for e in created:
            if e.status == EventStatus.DRAFT or not e.opens_at < now:
                continue
            demand = int(e.capacity * rng.uniform(0.3, 1.35))
            if e.closes_at > now:  # registration still open: part of the demand so far
                demand = int(demand * rng.uniform(0.2, 0.8))
            chosen = rng.sample(person_ids, k=min(demand, len(person_ids)))
            window = max(1, int((min(e.closes_at, now) - e.opens_at).total_seconds()))
            times = sorted(e.opens_at + dt.timedelta(seconds=rng.randrange(window)) for _ in chosen)
            past = e.ends_at < now
            cancelled_event = e.status == EventStatus.CANCELLED
            confirmed = 0
            for uid, at in zip(chosen, times, strict=True):
                if confirmed < e.capacity:
                    reg_status = confirmed_status
                elif e.status == EventStatus.PUBLISHED:
                    reg_status = waitlisted_status
                else:
                    continue
                counts["registrations"] += 1
                if cancelled_event or rng.random() < 0.04:
                    yield (
                        e.pk,
                        uid,
                        cancelled_status,
                        at,
                        None,
                        at + dt.timedelta(days=1),
                        None,
                        None,
                        False,
                        False,
                    )
                    continue
                is_confirmed = reg_status == confirmed_status
                attended = past and is_confirmed and rng.random() < 0.85
                yield (
                    e.pk,
                    uid,
                    reg_status,
                    at,
                    at if is_confirmed else None,
                    None,
                    e.starts_at if attended else None,
                    e.starts_at - dt.timedelta(days=1) if past and is_confirmed else None,
                    e.asks_real_name and rng.random() < 0.6,
                    e.asks_phone and rng.random() < 0.4,
                )
                if is_confirmed:
                    confirmed += 1
                    if attended:
                        counts["attended"] += 1
                        if rng.random() < 0.4:
                            feedback.append(
                                (
                                    e.pk,
                                    uid,
                                    rng.choice(RATINGS),
                                    rng.choice(COMMENTS),
                                    e.ends_at + dt.timedelta(hours=rng.randint(1, 72)),
                                )
                            )
                else:
                    counts["waitlisted"] += 1

    ctx.insert(
        Registration,
        [
            "event_id",
            "user_id",
            "status",
            "queued_at",
            "confirmed_at",
            "cancelled_at",
            "checked_in_at",
            "reminded_at",
            "share_real_name",
            "share_phone",
        ],
        registrations(),
        total=len(created) * 20,
        label="registrations",
    )
    counts["feedback"] = ctx.insert(
        Feedback,
        ["event_id", "user_id", "rating", "comment", "created_at"],
        feedback,
        total=len(feedback),
        label="feedback",
    )
    _update_counters(created)
    return {
        "activity bases": len(facilities),
        "rooms": len(rooms),
        "room bookings": n_bookings,
        "events": len(created),
        **counts,
    }


def _update_counters(events: list[Event]) -> None:
    """Each event's confirmed and waiting counters from its registrations (one statement)."""
    if not events:
        return
    event_table = Event._meta.db_table
    reg_table = Registration._meta.db_table
    count = f"(SELECT COUNT(*) FROM {reg_table} r WHERE r.event_id = {event_table}.id AND r.status = %s)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {event_table} SET confirmed_count = {count}, waitlist_count = {count} "  # noqa: S608
            "WHERE id BETWEEN %s AND %s",
            [
                RegistrationStatus.CONFIRMED.value,
                RegistrationStatus.WAITLISTED.value,
                min(e.pk for e in events),
                max(e.pk for e in events),
            ],
        )


def _seed_facilities(
    ctx: DemoContext, districts: dict[str, District], manager: Organization | None
) -> tuple[list[Facility], list[Room]]:
    city = ctx.city
    ordered = sorted(districts.values(), key=lambda d: d.order)
    first = ordered[0] if ordered else None
    where = f"{city.name}{first.name}地区" if first else city.name
    specs: list[tuple[str, str, str, str, list[tuple[str, int, str]]]] = [
        (
            f"{city.name}市民活動交流プラザ",
            f"{city.kana}しみんかつどうこうりゅうぷらざ",
            first.code if first else "",
            where,
            ROOMS_HALL,
        ),
        (
            f"{city.name}市民活動支援センター",
            f"{city.kana}しみんかつどうしえんせんたー",
            first.code if first else "",
            where,
            ROOMS_SUPPORT,
        ),
    ]
    for district in ordered[1:]:
        specs.append(
            (
                f"{district.name}市民センター",
                f"{district.kana or district.name}しみんせんたー",
                district.code,
                f"{city.name}{district.name}地区",
                ROOMS_CENTER,
            )
        )
    facilities: list[Facility] = []
    rooms: list[Room] = []
    for name, kana, code, address, room_specs in specs:
        facility = Facility.objects.create(
            name=name,
            kana=kana,
            district=districts.get(code),
            address=address,
            managed_by=manager,
            description=f"{name}は、市民活動や地域の交流に使える施設です。",
            accessibility="入口にスロープ、多目的トイレ、エレベーターがあります。",
            opening_hours="9:00〜21:30（年末年始を除く）",
            closed_weekday=0 if "市民センター" in name else None,
            phone=city.phone or city.phone_number(ctx.rng_for("events:facilities")),
            booking_opens_day=1,
            booking_months_ahead=3,
            booking_rules="登録団体のみ予約できます。利用日の3か月前の月の1日から申し込めます。初日の申込みは抽選です。",
        )
        facilities.append(facility)
        for room_name, capacity, equipment in room_specs:
            rooms.append(
                Room.objects.create(
                    facility=facility,
                    name=room_name,
                    capacity=capacity,
                    equipment=equipment,
                    accessibility="車いすで利用できます。",
                    fee_note="登録団体は無料",
                )
            )
    return facilities, rooms


def _seed_bookings(
    ctx: DemoContext, rng: random.Random, rooms: list[Room], groups: list[Organization]
) -> int:
    if not groups or not rooms:
        return 0
    bookings: list[RoomBooking] = []
    for room in rooms:
        closed = room.facility.closed_weekday
        for offset in range(-60, 61):
            day = ctx.today + dt.timedelta(days=offset)
            if closed is not None and day.weekday() == closed:
                continue
            for slot in Slot.values:
                if rng.random() > 0.45:
                    continue
                org = rng.choice(groups)
                status = BookingStatus.CONFIRMED
                if offset > 0 and rng.random() < 0.25:
                    status = BookingStatus.REQUESTED
                bookings.append(
                    RoomBooking(
                        room=room,
                        date=day,
                        slot=slot,
                        organization=org,
                        purpose=rng.choice(["定例会", "総会", "講座の準備", "交流会"]),
                        expected_people=max(1, min(room.capacity, rng.randint(5, 30))),
                        status=status,
                    )
                )
                if status == BookingStatus.CONFIRMED and offset > 20 and rng.random() < 0.1:
                    loser = rng.choice(groups)
                    if loser.pk != org.pk:
                        bookings[-1].lottery_day = room.facility.window_opens_on(day)
                        bookings.append(
                            RoomBooking(
                                room=room,
                                date=day,
                                slot=slot,
                                organization=loser,
                                purpose="定例会",
                                expected_people=10,
                                status=BookingStatus.LOST_LOTTERY,
                                lottery_day=room.facility.window_opens_on(day),
                            )
                        )
    ctx.bulk_create(RoomBooking, bookings, label="room bookings")
    # Record the lotteries the demo losers took part in (seeded, like real draws).
    days = sorted({(b.room.facility_id, b.lottery_day) for b in bookings if b.lottery_day})
    for facility_id, day in days:
        BookingLottery.objects.get_or_create(
            facility_id=facility_id,
            opening_day=day,
            defaults={"seed": f"demo-{ctx.seed}", "results": []},
        )
    return len(bookings)
