"""The record of collaboration as open data: projects with their partners, the public parts of
agreements (every version's facts, the signed version's text, parties and role-division table),
published evaluations, calls, rounds, published screening results with per-criterion means,
grants with their confirmed amounts, local issues, councils, subcommittees, published meeting
records, events, facilities and rooms, and the annual report's figures.

Privacy: each dataset reads what the public pages show and nothing more. No column names a
person: roles name the party (an organization), councils list member organizations, not the
chair; a draft project, a hidden issue, an unpublished meeting, an unpublished result or an
evaluation not yet submitted by every partner is left out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse

from kyodo.api.opendata.schema import ID, C, Dataset, ref

YEN = "円"
PROJECT = ref("project", "integer", "協働事業のID", "Project ID", "projects.id")
ORGANIZATION = ref("organization", "integer", "団体のID", "Organization ID", "organizations.id")
ORG_NAME = C("organization_name", "string", "団体名", "Organization name")
DISTRICTS = C(
    "districts",
    "list",
    "地区のコード",
    "District codes",
    "districts.code を ; で区切ったもの",
    "districts.code separated by ;",
)
FIELDS = C(
    "fields",
    "list",
    "活動分野のコード",
    "Field codes",
    "fields.code を ; で区切ったもの",
    "fields.code separated by ;",
)
URL = C("url", "string", "ページのURL", "Page URL", "サイト内のパス", "Path on the site")


def _codes(items: Any) -> list[str]:
    return sorted(i.code for i in items.all())


# --- projects --------------------------------------------------------------------------------

PROJECT_COLUMNS = (
    ID("/projects/{id}"),
    C("title", "string", "事業名", "Title"),
    C("purpose", "string", "目的", "Purpose"),
    C("summary", "string", "事業の内容", "What the project does"),
    C("status", "string", "状態", "Status", "状態のコード", "Status code"),
    C("status_label", "string", "状態（表示名）", "Status label"),
    C("origin", "string", "提案の型", "Origin", "市民提案型・行政提案型など", "Who proposed it"),
    C("fiscal_year", "integer", "開始年度", "First fiscal year", "西暦の年度", "Fiscal year (AD)"),
    C("fiscal_year_end", "integer", "終了年度", "Last fiscal year"),
    C(
        "forms",
        "list",
        "協働の形態のコード",
        "Form codes",
        "forms.code を ; で区切ったもの",
        "forms.code separated by ;",
    ),
    FIELDS,
    DISTRICTS,
    ref("theme", "integer", "協働テーマのID", "Theme ID", "行政が示したテーマ"),
    ref("predecessor", "integer", "前の事業のID", "Previous project ID", "projects.id"),
    C("city_share_yen", "integer", "市の負担額（円）", "City's share (yen)"),
    C("agreed_on", "date", "協定締結日", "Agreement signed on"),
    C("closed_on", "date", "終了日", "Closed on"),
    URL,
)


def _project_rows() -> Iterator[dict[str, Any]]:
    from django.utils import timezone

    from kyodo.projects.models import Project
    from kyodo.projects.workflow import ProjectStatus

    queryset = (
        Project.objects.public().prefetch_related("forms", "fields", "districts").order_by("id")
    )
    for p in queryset.iterator(chunk_size=500):
        yield {
            "id": p.pk,
            "title": p.title,
            "purpose": p.purpose,
            "summary": p.summary,
            "status": p.status,
            "status_label": str(ProjectStatus(p.status).label),
            "origin": p.origin,
            "fiscal_year": p.fiscal_year,
            "fiscal_year_end": p.fiscal_year_end,
            "forms": _codes(p.forms),
            "fields": _codes(p.fields),
            "districts": _codes(p.districts),
            "theme": p.theme_id,
            "predecessor": p.predecessor_id,
            "city_share_yen": int(p.city_share_yen),
            "agreed_on": timezone.localtime(p.agreed_at).date() if p.agreed_at else None,
            "closed_on": timezone.localtime(p.closed_at).date() if p.closed_at else None,
            "url": p.get_absolute_url(),
        }


PARTNER_COLUMNS = (
    PROJECT,
    ORGANIZATION,
    ORG_NAME,
    C("is_lead", "boolean", "代表団体か", "Lead partner"),
    C("is_department", "boolean", "市の担当課か", "Is a city department"),
    C("role_label", "string", "事業での役割", "Role in the project"),
    C(
        "share_yen",
        "integer",
        "負担額（円）",
        "Share of the cost (yen)",
        "市の担当課の負担は projects.city_share_yen に含まれるため空欄",
        "Empty for a city department: the city's share is projects.city_share_yen",
    ),
    C("in_kind", "string", "金銭以外の負担", "In-kind contribution"),
)


def _partner_rows() -> Iterator[dict[str, Any]]:
    from kyodo.projects.models import Project, ProjectPartner

    queryset = (
        ProjectPartner.objects.filter(project__in=Project.objects.public())
        .select_related("organization__org_type__actor_type")
        .order_by("project_id", "-is_lead", "id")
    )
    for p in queryset.iterator(chunk_size=2000):
        department = bool(p.organization.org_type.actor_type.is_government)
        yield {
            "project": p.project_id,
            "organization": p.organization_id,
            "organization_name": p.organization.name,
            "is_lead": p.is_lead,
            "is_department": department,
            "role_label": p.role_label,
            "share_yen": None if department else int(p.share_yen),
            "in_kind": p.in_kind,
        }


# --- agreements ------------------------------------------------------------------------------

VERSION = C("version", "integer", "版", "Version", "協定書の版番号（1から）", "Version number")
AGREEMENT_COLUMNS = (
    PROJECT,
    VERSION,
    C("created_on", "date", "作成日", "Created on"),
    C("change_note", "string", "変更の内容", "What changed", "変更協定の要旨", "Change summary"),
    C("period_start", "date", "協定期間の初日", "Period from"),
    C("period_end", "date", "協定期間の末日", "Period until"),
    C("is_current", "boolean", "現在の版か", "Current version"),
    C("is_signed", "boolean", "締結された版か", "Signed version"),
    C(
        "approved_by",
        "list",
        "承認した団体のID",
        "Organizations that approved",
        "organizations.id を ; で区切ったもの",
        "organizations.id separated by ;",
    ),
    C(
        "purpose",
        "string",
        "協定の目的",
        "Purpose",
        "締結された版のみ記載",
        "Given for the signed version only",
    ),
    C("cost_note", "string", "経費の負担", "Cost sharing", "締結された版のみ", "Signed only"),
    C("clause_information", "string", "情報の共有と公開", "Information sharing"),
    C("clause_responsibility", "string", "責任と保険", "Responsibility and insurance"),
    C("clause_change", "string", "変更と解除", "Change and termination"),
    C("clause_results", "string", "成果の帰属", "Ownership of results"),
)
TEXT_FIELDS = (
    "purpose",
    "cost_note",
    "clause_information",
    "clause_responsibility",
    "clause_change",
    "clause_results",
)


def _agreement_rows() -> Iterator[dict[str, Any]]:
    from django.utils import timezone

    from kyodo.projects.models import AgreementVersion, Project

    queryset = (
        AgreementVersion.objects.filter(agreement__project__in=Project.objects.public())
        .select_related("agreement")
        .prefetch_related("approvals")
        .order_by("agreement__project_id", "number")
    )
    for v in queryset.iterator(chunk_size=500):
        agreement = v.agreement
        signed = agreement.signed_version_id == v.pk
        row = {
            "project": agreement.project_id,
            "version": v.number,
            "created_on": timezone.localtime(v.created_at).date(),
            "change_note": v.change_note,
            "period_start": v.period_start,
            "period_end": v.period_end,
            "is_current": agreement.current_version_id == v.pk,
            "is_signed": signed,
            "approved_by": sorted(a.organization_id for a in v.approvals.all()),
        }
        row.update({name: getattr(v, name) if signed else "" for name in TEXT_FIELDS})
        yield row


PARTY_COLUMNS = (
    PROJECT,
    VERSION,
    C("designation", "string", "甲乙の別", "Designation", "甲・乙・丙…", "甲, 乙, 丙 …"),
    ORGANIZATION,
    ORG_NAME,
    C("share_yen", "integer", "負担額（円）", "Cost share (yen)"),
    C("in_kind", "string", "金銭以外の負担", "In-kind contribution"),
)
ROLE_COLUMNS = (
    PROJECT,
    VERSION,
    C("order", "integer", "順番", "Order"),
    C("phase", "string", "段階", "Stage", "段階のコード", "Stage code"),
    C("phase_label", "string", "段階（表示名）", "Stage label"),
    C("task", "string", "役割", "Task"),
    ref("party", "integer", "担う団体のID", "Party (organization ID)", "organizations.id"),
    C("party_name", "string", "担う団体", "Party"),
    ref("tier", "string", "自助・共助・公助のコード", "Tier code", "tiers.code"),
)


def _signed_versions() -> Any:
    from kyodo.projects.models import Agreement, AgreementVersion, Project

    signed = Agreement.objects.filter(
        project__in=Project.objects.public(), signed_version__isnull=False
    ).values("signed_version_id")
    return AgreementVersion.objects.filter(pk__in=signed)


def _party_rows() -> Iterator[dict[str, Any]]:
    from kyodo.projects.models import AgreementParty

    queryset = (
        AgreementParty.objects.filter(version__in=_signed_versions())
        .select_related("version__agreement", "organization")
        .order_by("version__agreement__project_id", "order", "id")
    )
    for p in queryset.iterator(chunk_size=2000):
        yield {
            "project": p.version.agreement.project_id,
            "version": p.version.number,
            "designation": p.designation,
            "organization": p.organization_id,
            "organization_name": p.organization.name,
            "share_yen": int(p.share_yen),
            "in_kind": p.in_kind,
        }


def _role_rows() -> Iterator[dict[str, Any]]:
    from kyodo.projects.models import Role

    queryset = (
        Role.objects.filter(version__in=_signed_versions())
        .select_related("version__agreement", "party", "tier")
        .order_by("version__agreement__project_id", "order", "id")
    )
    for r in queryset.iterator(chunk_size=2000):
        yield {
            "project": r.version.agreement.project_id,
            "version": r.version.number,
            "order": r.order,
            "phase": r.phase,
            "phase_label": str(r.get_phase_display()),
            "task": r.task,
            "party": r.party_id,
            "party_name": r.party.name if r.party_id else "",
            "tier": r.tier.code if r.tier_id else None,
        }


# --- evaluations -----------------------------------------------------------------------------

EVALUATION_COLUMNS = (
    PROJECT,
    C("kind", "string", "評価の種類", "Kind", "mid=中間評価, final=最終評価", "mid, final"),
    ORGANIZATION,
    ORG_NAME,
    C("is_department", "boolean", "市の担当課か", "Is a city department"),
    C("overall_satisfaction", "integer", "総合満足度", "Overall satisfaction"),
    C("lessons", "string", "次に活かすこと", "Lessons"),
    C("submitted_on", "date", "提出日", "Submitted on"),
)
EVALUATION_SCORE_COLUMNS = (
    PROJECT,
    C("kind", "string", "評価の種類", "Kind"),
    ORGANIZATION,
    ref("item", "string", "評価項目のコード", "Evaluation item code", "evaluation_items.code"),
    C("score", "integer", "評点", "Score"),
    C("comment", "string", "コメント", "Comment"),
)


def _published_evaluations() -> list[Any]:
    """Submitted evaluations of public projects whose every partner has submitted that kind
    (the rule of the project page: nothing is shown until both sides have written)."""
    from kyodo.projects.models import Evaluation, Project, ProjectPartner

    public = Project.objects.public()
    partners: dict[int, set[int]] = defaultdict(set)
    for project_id, org_id in ProjectPartner.objects.filter(project__in=public).values_list(
        "project_id", "organization_id"
    ):
        partners[project_id].add(org_id)
    evaluations = list(
        Evaluation.objects.filter(project__in=public, submitted_at__isnull=False)
        .select_related("organization__org_type__actor_type")
        .prefetch_related("scores__item")
        .order_by("project_id", "kind", "organization_id")
    )
    submitted: dict[tuple[int, str], set[int]] = defaultdict(set)
    for e in evaluations:
        submitted[(e.project_id, e.kind)].add(e.organization_id)
    return [
        e
        for e in evaluations
        if partners[e.project_id] and partners[e.project_id] <= submitted[(e.project_id, e.kind)]
    ]


def _evaluation_rows() -> Iterator[dict[str, Any]]:
    from django.utils import timezone

    for e in _published_evaluations():
        yield {
            "project": e.project_id,
            "kind": e.kind,
            "organization": e.organization_id,
            "organization_name": e.organization.name,
            "is_department": bool(e.organization.org_type.actor_type.is_government),
            "overall_satisfaction": e.overall_satisfaction,
            "lessons": e.lessons,
            "submitted_on": timezone.localtime(e.submitted_at).date(),
        }


def _evaluation_score_rows() -> Iterator[dict[str, Any]]:
    for e in _published_evaluations():
        for s in sorted(e.scores.all(), key=lambda s: (s.item.order, s.item_id)):
            yield {
                "project": e.project_id,
                "kind": e.kind,
                "organization": e.organization_id,
                "item": s.item.code,
                "score": s.score,
                "comment": s.comment,
            }


# --- calls, screening and grants -------------------------------------------------------------

CALL = ref("call", "integer", "公募のID", "Call ID", "calls.id")
CALL_COLUMNS = (
    ID("/calls/{id}"),
    C("kind", "string", "公募の種類", "Kind of call"),
    C("fiscal_year", "integer", "年度", "Fiscal year"),
    C("title", "string", "公募名", "Title"),
    C("summary", "string", "概要", "Summary"),
    ref("department", "integer", "担当課のID", "Department ID", "organizations.id"),
    C("department_name", "string", "担当課", "Department"),
    C("status", "string", "状態", "Status"),
    C("published_on", "date", "公開日", "Published on"),
    C("total_budget_yen", "integer", "予算総額（円）", "Total budget (yen)"),
    C("adoption_threshold", "integer", "採択の基準点", "Adoption threshold"),
    C("normalise_to", "integer", "得点の満点", "Scores normalised to"),
    URL,
)
ROUND_COLUMNS = (
    ID("/calls/{call}"),
    CALL,
    C("name", "string", "回", "Round"),
    C("order", "integer", "順番", "Order"),
    C("opens_at", "datetime", "受付開始", "Applications open"),
    C("closes_at", "datetime", "受付締切", "Applications close"),
    C("presentation_date", "date", "公開プレゼンテーションの日", "Presentation date"),
    C("decision_date", "date", "決定日", "Decision date"),
    C("results_published_at", "datetime", "結果の公表日時", "Results published at"),
)


def _listed_calls() -> Any:
    from kyodo.calls.models import Call
    from kyodo.calls.workflow import CallStatus

    return Call.objects.exclude(status=CallStatus.DRAFT)


def _call_rows() -> Iterator[dict[str, Any]]:
    from django.utils import timezone

    queryset = _listed_calls().select_related("department").order_by("id")
    for c in queryset.iterator(chunk_size=500):
        yield {
            "id": c.pk,
            "kind": c.kind,
            "fiscal_year": c.fiscal_year,
            "title": c.title,
            "summary": c.summary,
            "department": c.department_id,
            "department_name": c.department.name if c.department_id else "",
            "status": c.status,
            "published_on": timezone.localtime(c.published_at).date() if c.published_at else None,
            "total_budget_yen": int(c.total_budget_yen),
            "adoption_threshold": c.adoption_threshold,
            "normalise_to": c.normalise_to,
            "url": reverse("calls:detail", args=[c.pk]),
        }


def _round_rows() -> Iterator[dict[str, Any]]:
    from kyodo.calls.models import Round

    queryset = Round.objects.filter(call__in=_listed_calls()).order_by("call_id", "order", "id")
    for r in queryset.iterator(chunk_size=2000):
        yield {
            "id": r.pk,
            "call": r.call_id,
            "name": r.name,
            "order": r.order,
            "opens_at": r.opens_at,
            "closes_at": r.closes_at,
            "presentation_date": r.presentation_date,
            "decision_date": r.decision_date,
            "results_published_at": r.results_published_at,
        }


APPLICATION = ref("application", "integer", "申請のID", "Application ID", "screening_results")
RESULT_COLUMNS = (
    C("application", "integer", "申請のID", "Application ID"),
    CALL,
    ref("round", "integer", "回のID", "Round ID", "call_rounds.id"),
    C("title", "string", "事業名", "Project title"),
    ORGANIZATION,
    ORG_NAME,
    C("rank", "integer", "順位", "Rank"),
    C("total_score", "number", "得点", "Total score"),
    C("out_of", "integer", "満点", "Out of"),
    C("committee_conclusion", "string", "審査会の結論", "Committee's conclusion"),
    C("committee_comment", "string", "講評", "Committee's comments"),
    C("city_decision", "string", "市の決定", "City's decision"),
    C("adopted", "boolean", "採択", "Adopted"),
    C("amount_yen", "integer", "採択額（円）", "Amount allocated (yen)"),
    C("published_at", "datetime", "公表日時", "Published at"),
)
CRITERION_MEAN_COLUMNS = (
    APPLICATION,
    C("criterion", "string", "審査基準のコード", "Criterion code"),
    C("name", "string", "審査基準", "Criterion"),
    C("mean", "number", "平均点", "Mean score", "利害関係のある委員を除く", "Conflicted excluded"),
    C("max", "integer", "満点", "Maximum"),
)


def _published_decisions() -> Any:
    from kyodo.calls.models import Decision

    return Decision.objects.filter(
        application__call__in=_listed_calls(),
        application__round__results_published_at__isnull=False,
        published_at__isnull=False,
    )


def _result_rows() -> Iterator[dict[str, Any]]:
    queryset = (
        _published_decisions()
        .select_related("application__organization", "application__call")
        .order_by("application__call_id", "application__round_id", "published_rank", "id")
    )
    for d in queryset.iterator(chunk_size=1000):
        a = d.application
        adopted = d.city_decision == "adopt"
        yield {
            "application": a.pk,
            "call": a.call_id,
            "round": a.round_id,
            "title": a.title,
            "organization": a.organization_id,
            "organization_name": a.organization.name,
            "rank": d.published_rank,
            "total_score": d.published_total,
            "out_of": a.call.normalise_to,
            "committee_conclusion": d.committee_conclusion,
            "committee_comment": d.committee_comment,
            "city_decision": d.city_decision,
            "adopted": adopted,
            "amount_yen": int(d.city_amount_yen) if adopted else 0,
            "published_at": d.published_at,
        }


def _criterion_mean_rows() -> Iterator[dict[str, Any]]:
    queryset = _published_decisions().order_by("application_id")
    for application_id, criteria in queryset.values_list(
        "application_id", "published_criteria"
    ).iterator(chunk_size=2000):
        for c in criteria or []:
            if isinstance(c, dict):
                yield {
                    "application": application_id,
                    "criterion": str(c.get("code", "")),
                    "name": str(c.get("name", "")),
                    "mean": c.get("mean"),
                    "max": int(c.get("max") or 0),
                }


GRANT_COLUMNS = (
    ID("/grants"),
    APPLICATION,
    CALL,
    ORGANIZATION,
    ORG_NAME,
    C("title", "string", "事業名", "Project title"),
    C("notice_number", "string", "交付決定の番号", "Notice number"),
    C("status", "string", "状態", "Status"),
    C("decided_amount_yen", "integer", "交付決定額（円）", "Decided amount (yen)"),
    C("decided_on", "date", "交付決定日", "Decided on"),
    C("confirmed_amount_yen", "integer", "確定額（円）", "Confirmed amount (yen)"),
    C("confirmed_on", "date", "額の確定日", "Confirmed on"),
)


def _grant_rows() -> Iterator[dict[str, Any]]:
    from django.utils import timezone

    from kyodo.calls.models import Grant

    queryset = (
        Grant.objects.filter(application__decision__in=_published_decisions())
        .select_related("application__organization")
        .order_by("id")
    )
    for g in queryset.iterator(chunk_size=1000):
        a = g.application
        yield {
            "id": g.pk,
            "application": a.pk,
            "call": a.call_id,
            "organization": a.organization_id,
            "organization_name": a.organization.name,
            "title": a.title,
            "notice_number": g.notice_number,
            "status": g.status,
            "decided_amount_yen": int(g.decided_amount_yen),
            "decided_on": timezone.localtime(g.decided_at).date(),
            "confirmed_amount_yen": g.confirmed_amount_yen,
            "confirmed_on": timezone.localtime(g.confirmed_at).date() if g.confirmed_at else None,
        }


# --- local issues ----------------------------------------------------------------------------

ISSUE_COLUMNS = (
    ID("/issues/{id}"),
    C("title", "string", "課題", "Title"),
    C("description", "string", "内容", "Description"),
    ref("district", "string", "地区のコード", "District code", "districts.code"),
    ref("field", "string", "分野のコード", "Field code", "fields.code"),
    C("place", "string", "場所", "Place"),
    C(
        "latitude",
        "number",
        "緯度",
        "Latitude",
        "公開用の位置（自宅の近くは約200m四方に丸めた位置）。世界測地系",
        "The public point (rounded to a ~200 m cell near a home), WGS84",
    ),
    C("longitude", "number", "経度", "Longitude", "公開用の位置", "The public point"),
    C("location_rounded", "boolean", "位置を丸めたか", "Point rounded"),
    C("status", "string", "状態", "Status"),
    ref("tier", "string", "自助・共助・公助のコード", "Tier code", "tiers.code"),
    C("tier_explanation", "string", "区分の理由", "Why this tier"),
    ref("responsible_department", "integer", "担当課のID", "Department ID", "organizations.id"),
    C("official_answer", "string", "市の回答", "City's answer"),
    C("answered_on", "date", "回答日", "Answered on"),
    C("support_count", "integer", "賛同数", "Supporters"),
    C("raised_on", "date", "提起日", "Raised on"),
    URL,
)


def _issue_rows() -> Iterator[dict[str, Any]]:
    from django.utils import timezone

    from kyodo.challenges.models import Issue

    queryset = (
        Issue.objects.filter(hidden_at__isnull=True)
        .select_related("district", "field", "tier")
        .order_by("id")
    )
    for i in queryset.iterator(chunk_size=2000):
        yield {
            "id": i.pk,
            "title": i.title,
            "description": i.description,
            "district": i.district.code if i.district_id else None,
            "field": i.field.code if i.field_id else None,
            "place": i.place_description,
            # The public point only, never the precise one of a rounded point.
            "latitude": i.public_latitude,
            "longitude": i.public_longitude,
            "location_rounded": i.location_coarsened if i.public_latitude is not None else None,
            "status": i.status,
            "tier": i.tier.code if i.tier else None,
            "tier_explanation": i.tier_explanation,
            "responsible_department": i.responsible_department_id,
            "official_answer": i.official_answer,
            "answered_on": timezone.localtime(i.answered_at).date() if i.answered_at else None,
            "support_count": i.support_count,
            "raised_on": timezone.localtime(i.created_at).date(),
            "url": i.get_absolute_url(),
        }


# --- districts: councils, subcommittees, meetings --------------------------------------------

COUNCIL = ref("council", "integer", "地域会議のID", "Council ID", "councils.id")
COUNCIL_COLUMNS = (
    ID("/councils/{id}"),
    ref("district", "string", "地区のコード", "District code", "districts.code"),
    C("name", "string", "名称", "Name"),
    C("description", "string", "活動内容", "What the council does"),
    C("founded_year", "integer", "設立年", "Year founded"),
    C(
        "members",
        "list",
        "構成団体のID",
        "Member organizations",
        "organizations.id を ; で区切ったもの",
        "organizations.id separated by ;",
    ),
)
SUBCOMMITTEE_COLUMNS = (
    ID("/councils/{council}"),
    COUNCIL,
    C("name", "string", "部会名", "Name"),
    C("theme", "string", "テーマ", "Theme"),
    ref("field", "string", "分野のコード", "Field code", "fields.code"),
    ref("lead", "integer", "中心となる団体のID", "Lead organization ID", "organizations.id"),
    C(
        "issues",
        "list",
        "担当する地域の課題のID",
        "Local issues it owns",
        "local_issues.id を ; で区切ったもの",
        "local_issues.id separated by ;",
    ),
)
MEETING_COLUMNS = (
    ID("/councils/{council}/meetings"),
    COUNCIL,
    C("title", "string", "会議名", "Title"),
    C("held_at", "datetime", "開催日時", "Held at"),
    C("place", "string", "場所", "Place"),
    C("agenda", "string", "議題", "Agenda"),
    C("decisions", "string", "決定事項", "Decisions"),
    C("record", "string", "議事録", "Record"),
    C("published_at", "datetime", "公開日時", "Published at"),
)


def _council_rows() -> Iterator[dict[str, Any]]:
    from kyodo.districts.models import Council, CouncilMember

    queryset = (
        Council.objects.select_related("district")
        .prefetch_related(
            Prefetch(
                "members", queryset=CouncilMember.objects.only("council_id", "organization_id")
            )
        )
        .order_by("district__order", "id")
    )
    for c in queryset.iterator(chunk_size=500):
        yield {
            "id": c.pk,
            "district": c.district.code,
            "name": c.name,
            "description": c.description,
            "founded_year": c.founded_year,
            "members": sorted(m.organization_id for m in c.members.all()),
        }


def _subcommittee_rows() -> Iterator[dict[str, Any]]:
    from kyodo.districts.models import Subcommittee

    queryset = (
        Subcommittee.objects.select_related("field")
        .prefetch_related("issues")
        .order_by("council_id", "id")
    )
    for s in queryset.iterator(chunk_size=500):
        yield {
            "id": s.pk,
            "council": s.council_id,
            "name": s.name,
            "theme": s.theme,
            "field": s.field.code if s.field else None,
            "lead": s.lead_id,
            "issues": sorted(i.pk for i in s.issues.all() if i.hidden_at is None),
        }


def _meeting_rows() -> Iterator[dict[str, Any]]:
    from kyodo.districts.models import Meeting, MeetingStatus

    queryset = Meeting.objects.filter(status=MeetingStatus.PUBLISHED).order_by("held_at", "id")
    for m in queryset.iterator(chunk_size=1000):
        yield {
            "id": m.pk,
            "council": m.council_id,
            "title": m.title,
            "held_at": m.held_at,
            "place": m.place,
            "agenda": m.agenda,
            "decisions": m.decisions,
            "record": m.record,
            "published_at": m.published_at,
        }


# --- events and facilities -------------------------------------------------------------------

EVENT_COLUMNS = (
    ID("/events/{id}"),
    C("title", "string", "イベント名", "Title"),
    C("kind", "string", "種類", "Kind"),
    C("status", "string", "状態", "Status", "published=公開中, cancelled=中止", "Status code"),
    C("summary", "string", "概要", "Summary"),
    C("description", "string", "内容", "Description"),
    ORGANIZATION,
    ORG_NAME,
    PROJECT,
    C("starts_at", "datetime", "開始日時", "Starts at"),
    C("ends_at", "datetime", "終了日時", "Ends at"),
    ref("room", "integer", "部屋のID", "Room ID", "rooms.id"),
    C("place_name", "string", "会場", "Place"),
    C("address", "string", "住所", "Address"),
    ref("district", "string", "地区のコード", "District code", "districts.code"),
    FIELDS,
    C("capacity", "integer", "定員", "Capacity"),
    C("cost_yen", "integer", "参加費（円）", "Cost (yen)"),
    C("registration_opens_at", "datetime", "申込み開始", "Registration opens"),
    C("registration_closes_at", "datetime", "申込み締切", "Registration closes"),
    C("accessibility", "string", "バリアフリー情報", "Accessibility"),
    URL,
)


def listed_events() -> Any:
    from kyodo.events.models import Event

    return (
        Event.objects.listed()
        .select_related("organization", "room__facility", "district")
        .prefetch_related("fields")
        .order_by("starts_at", "id")
    )


def _event_rows() -> Iterator[dict[str, Any]]:
    for e in listed_events().iterator(chunk_size=1000):
        facility = e.room.facility if e.room_id else None
        yield {
            "id": e.pk,
            "title": e.title,
            "kind": e.kind,
            "status": e.status,
            "summary": e.summary,
            "description": e.description,
            "organization": e.organization_id,
            "organization_name": e.organization.name if e.organization_id else "",
            "project": e.project_id,
            "starts_at": e.starts_at,
            "ends_at": e.ends_at,
            "room": e.room_id,
            "place_name": e.place_name or (f"{facility.name} {e.room.name}" if facility else ""),
            "address": e.address or (facility.address if facility else ""),
            "district": e.district.code if e.district_id else None,
            "fields": _codes(e.fields),
            "capacity": e.capacity,
            "cost_yen": int(e.cost_yen),
            "registration_opens_at": e.opens_at,
            "registration_closes_at": e.closes_at,
            "accessibility": e.accessibility,
            "url": reverse("events:detail", args=[e.pk]),
        }


FACILITY_COLUMNS = (
    ID("/bases/{id}"),
    C("name", "string", "名称", "Name"),
    C("kana", "string", "よみがな", "Name in kana"),
    ref("district", "string", "地区のコード", "District code", "districts.code"),
    C("address", "string", "住所", "Address"),
    C("description", "string", "説明", "Description"),
    C("accessibility", "string", "バリアフリー情報", "Accessibility"),
    C("opening_hours", "string", "開館時間", "Opening hours"),
    C(
        "closed_weekday",
        "integer",
        "休館日の曜日",
        "Closed weekday",
        "0=月曜…6=日曜",
        "0=Mon…6=Sun",
    ),
    C("phone", "string", "電話番号", "Phone"),
    ref("managed_by", "integer", "管理する団体のID", "Managed by", "organizations.id"),
)
ROOM_COLUMNS = (
    ID("/bases/{facility}"),
    ref("facility", "integer", "施設のID", "Facility ID", "facilities.id"),
    C("name", "string", "部屋名", "Name"),
    C("capacity", "integer", "定員", "Capacity"),
    C("equipment", "string", "設備", "Equipment"),
    C("accessibility", "string", "バリアフリー情報", "Accessibility"),
    C("fee_note", "string", "使用料", "Fees"),
    C("is_bookable", "boolean", "団体が予約できる", "Bookable by groups"),
)


def facilities() -> Any:
    from kyodo.events.models import Facility

    return Facility.objects.select_related("district").order_by("kana", "id")


def _facility_rows() -> Iterator[dict[str, Any]]:
    for f in facilities().iterator(chunk_size=500):
        yield {
            "id": f.pk,
            "name": f.name,
            "kana": f.kana,
            "district": f.district.code if f.district_id else None,
            "address": f.address,
            "description": f.description,
            "accessibility": f.accessibility,
            "opening_hours": f.opening_hours,
            "closed_weekday": f.closed_weekday,
            "phone": f.phone,
            "managed_by": f.managed_by_id,
        }


def _room_rows() -> Iterator[dict[str, Any]]:
    from kyodo.events.models import Room

    names = [c.name for c in ROOM_COLUMNS]
    yield from Room.objects.order_by("facility_id", "id").values(*names).iterator(chunk_size=2000)


# --- the annual report's figures -------------------------------------------------------------

FIGURE_COLUMNS = (
    C("fiscal_year", "integer", "年度", "Fiscal year", "西暦の年度", "Fiscal year (AD)"),
    C("section", "string", "区分", "Section", "totals, breakdown:…, funnel, steps …", "Section"),
    C("key", "string", "項目のコード", "Item code"),
    C("label", "string", "項目", "Item"),
    C("value", "number", "値", "Value"),
)


def _figure_rows() -> Iterator[dict[str, Any]]:
    from kyodo.reports.selectors import annual_report, report_years

    for fy in sorted(report_years()):
        report = annual_report(fy)
        totals = {
            "projects": report.projects,
            "survey_records": report.survey_records,
            "total": report.total,
            "new": report.new,
            "continuing": report.continuing,
            "city_share_yen": report.city_share_yen,
            "partner_share_yen": report.partner_share_yen,
            "departments_total": report.departments_total,
            "departments_active": report.departments_active,
        }
        for key, value in totals.items():
            yield {"fiscal_year": fy, "section": "totals", "key": key, "label": key, "value": value}
        for name, breakdown in report.breakdowns.items():
            for label, count in breakdown.rows:
                yield {
                    "fiscal_year": fy,
                    "section": f"breakdown:{name}",
                    "key": label,
                    "label": label,
                    "value": count,
                }
        for section, rows in (("funnel", report.funnel), ("steps", report.steps)):
            for key, label, count in rows:
                yield {
                    "fiscal_year": fy,
                    "section": section,
                    "key": key,
                    "label": label,
                    "value": count,
                }
        for mean in report.principle_means:
            for side, mean_value in (("groups", mean.groups), ("city", mean.city)):
                if mean_value is not None:
                    yield {
                        "fiscal_year": fy,
                        "section": f"principle_mean:{side}",
                        "key": mean.principle.code,
                        "label": mean.principle.short_name,
                        "value": mean_value,
                    }


def record_datasets() -> list[Dataset]:
    """The record of collaboration, in the order of the data dictionary."""
    return [
        Dataset(
            "projects",
            "協働事業",
            "Collaboration projects",
            "公開されている協働事業（下書きを除く）",
            "Public collaboration projects (drafts excluded)",
            PROJECT_COLUMNS,
            _project_rows,
        ),
        Dataset(
            "project_partners",
            "協働事業の主体",
            "Project partners",
            "協働事業に参加する団体と市の担当課、負担",
            "The organizations and city departments taking part, and their shares",
            PARTNER_COLUMNS,
            _partner_rows,
            key=("project", "organization"),
        ),
        Dataset(
            "agreements",
            "協定書（版）",
            "Agreements (versions)",
            "協定書の各版（変更協定を含む）。本文は締結された版のみ",
            "Every version of each agreement (change agreements included); the text of the "
            "signed version",
            AGREEMENT_COLUMNS,
            _agreement_rows,
            key=("project", "version"),
        ),
        Dataset(
            "agreement_parties",
            "協定の当事者",
            "Parties to the agreements",
            "締結された協定の当事者（甲・乙…）と負担",
            "The parties (甲, 乙 …) to each signed agreement and their shares",
            PARTY_COLUMNS,
            _party_rows,
            key=("project", "version", "organization"),
        ),
        Dataset(
            "role_divisions",
            "役割分担表",
            "Role-division tables",
            "締結された協定の役割分担（段階・役割・担う団体・自助/共助/公助）",
            "The division of roles of each signed agreement (stage, task, party, tier)",
            ROLE_COLUMNS,
            _role_rows,
            key=("project", "version", "order", "party", "task"),
        ),
        Dataset(
            "evaluations",
            "相互評価",
            "Mutual evaluations",
            "すべての主体が提出した中間評価・最終評価",
            "Mid-term and final evaluations, once every partner has submitted",
            EVALUATION_COLUMNS,
            _evaluation_rows,
            key=("project", "kind", "organization"),
        ),
        Dataset(
            "evaluation_scores",
            "相互評価の評点",
            "Evaluation scores",
            "公開された相互評価の項目ごとの評点",
            "Item scores of the published evaluations",
            EVALUATION_SCORE_COLUMNS,
            _evaluation_score_rows,
            key=("project", "kind", "organization", "item"),
        ),
        Dataset(
            "calls",
            "公募",
            "Calls",
            "協働事業の提案募集・補助金の公募",
            "Calls for proposals and subsidy calls",
            CALL_COLUMNS,
            _call_rows,
        ),
        Dataset(
            "call_rounds",
            "公募の回",
            "Rounds of calls",
            "公募ごとの受付期間と審査・決定の日程",
            "Application windows and screening dates per call",
            ROUND_COLUMNS,
            _round_rows,
        ),
        Dataset(
            "screening_results",
            "審査結果",
            "Screening results",
            "公表された審査結果（順位、得点、審査会の結論、市の決定、採択額）",
            "Published results: rank, score, the committee's conclusion, the city's decision, "
            "the amount",
            RESULT_COLUMNS,
            _result_rows,
            key=("application",),
        ),
        Dataset(
            "screening_criteria_means",
            "審査基準ごとの平均点",
            "Mean score per criterion",
            "公表された審査結果の審査基準ごとの平均点",
            "Per-criterion means of the published results",
            CRITERION_MEAN_COLUMNS,
            _criterion_mean_rows,
            key=("application", "criterion"),
        ),
        Dataset(
            "grants",
            "補助金の交付",
            "Grants",
            "審査結果が公表された補助金の交付決定額と確定額",
            "Decided and confirmed amounts of grants whose results are published",
            GRANT_COLUMNS,
            _grant_rows,
        ),
        Dataset(
            "local_issues",
            "地域の課題",
            "Local issues",
            "市民が提起した地域の課題と市の回答（非表示のものを除く）",
            "Local issues raised by residents and the city's answers (hidden ones excluded)",
            ISSUE_COLUMNS,
            _issue_rows,
        ),
        Dataset(
            "councils",
            "地域会議",
            "District councils",
            "地区ごとの地域会議と構成団体",
            "The council of each district and its member organizations",
            COUNCIL_COLUMNS,
            _council_rows,
        ),
        Dataset(
            "subcommittees",
            "部会",
            "Subcommittees",
            "地域会議の部会と担当する課題",
            "The councils' subcommittees and the issues they own",
            SUBCOMMITTEE_COLUMNS,
            _subcommittee_rows,
        ),
        Dataset(
            "meetings",
            "会議の記録",
            "Meeting records",
            "公開された地域会議の会議録",
            "Published records of council meetings",
            MEETING_COLUMNS,
            _meeting_rows,
        ),
        Dataset(
            "events",
            "イベント",
            "Events",
            "公開中・中止のイベント",
            "Published and cancelled events",
            EVENT_COLUMNS,
            _event_rows,
        ),
        Dataset(
            "facilities",
            "活動拠点",
            "Activity bases",
            "市民活動の拠点施設",
            "Facilities for civic activity",
            FACILITY_COLUMNS,
            _facility_rows,
        ),
        Dataset(
            "rooms",
            "活動拠点の部屋",
            "Rooms",
            "活動拠点の部屋と定員・設備",
            "The rooms of the bases, their capacity and equipment",
            ROOM_COLUMNS,
            _room_rows,
        ),
        Dataset(
            "annual_figures",
            "協働の実施状況（年度別）",
            "Annual figures of collaboration",
            "年次報告の数値（件数、内訳、事業の流れ、ステップ、原則ごとの評価の平均）",
            "The annual report's figures: counts, breakdowns, funnel, steps, principle means",
            FIGURE_COLUMNS,
            _figure_rows,
            key=("fiscal_year", "section", "key"),
        ),
    ]
