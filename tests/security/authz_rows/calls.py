"""Authorization rows for kyodo.calls (calls, rounds, applications, screening, grants).

One published call of `w.department` with one open round. `reviewer` and
`reviewer_conflict` are both assigned to the round; `reviewer_conflict` is also an active
member of the applicant group `w.org`, so every application of `w.org` is a conflict of
interest for them (kyodo.calls.selectors.conflict_reasons). Applications of `w.org`, made
by its representative through the services:

- "draft": a draft (editable, not yet visible to reviewers or the department);
- "submitted": submitted, waiting for the eligibility check;
- "eligible": passed the check, under review (scored by `reviewer`), with a document;
- "adopted": adopted by the city, with a grant (decided, settlement not yet submitted),
  a pending change request and a saved settlement line with a receipt.

What each role gets, from kyodo/calls/rules.py:
- an application is visible (`calls.view_application`) to members of the applicant
  group, the coordinator and admins, the call's department once submitted, and assigned
  reviewers without a conflict once submitted; everyone else gets 404 (its existence is
  private), anonymous people are sent to log in;
- who can see it but may not act gets 403;
- the conflicted reviewer sees the application only as a member of the applicant group,
  and may never score it; a reviewer who is not a member but declared a conflict does not
  see it at all (tests/security/test_authz_states.py);
- administrators are granted calls permissions explicitly (`is_admin` in
  `can_manage_calls`), never implicitly: withdrawing or reporting for a group stays the
  group's act.

State-dependent answers (draft call, closed window, already checked, declared conflict,
department staff before and after submission) are in tests/security/test_authz_states.py.
"""

from __future__ import annotations

from typing import Any

from tests.security.authz_table import (
    FORBIDDEN,
    NOT_FOUND,
    Row,
    World,
    only,
    public,
    signed_in,
)


def calls_world(w: World) -> dict[str, Any]:
    """Build (once) the call, its round, reviewers and the applications described above."""
    if "calls" in w.objects:
        return w.objects["calls"]  # type: ignore[no-any-return]
    from kyodo.calls import services
    from kyodo.calls.tests.factories import (
        full_scores,
        make_application,
        make_call,
        pdf_upload,
    )
    from kyodo.organizations.predicates import forget_memberships
    from kyodo.organizations.tests.factories import MembershipFactory

    coordinator = w.users["coordinator"]
    rep = w.users["representative"]
    reviewer = w.users["reviewer"]
    conflicted = w.users["reviewer_conflict"]

    call = make_call(coordinator=coordinator, department=w.department, budget=2_000_000)
    rnd = call.rounds.get()
    services.assign_reviewer(actor=coordinator, round=rnd, reviewer=reviewer)
    services.assign_reviewer(actor=coordinator, round=rnd, reviewer=conflicted)
    MembershipFactory(user=conflicted, organization=w.org)
    forget_memberships(conflicted)

    def application(title: str) -> Any:
        return make_application(call, org=w.org, rep=rep, title=title)

    draft = application("下書きの提案")

    submitted = application("要件審査待ちの提案")
    services.submit_application(actor=rep, application=submitted)

    eligible = application("審査中の提案")
    document = services.upload_document(
        actor=rep, application=eligible, requirement=None, upload=pdf_upload("事業計画書.pdf")
    )
    services.submit_application(actor=rep, application=eligible)
    services.check_eligibility(actor=coordinator, application=eligible, outcome="pass")
    services.save_scores(actor=reviewer, application=eligible, scores=full_scores(call, 4))

    adopted = application("採択された提案")
    services.submit_application(actor=rep, application=adopted)
    services.check_eligibility(actor=coordinator, application=adopted, outcome="pass")
    services.save_scores(actor=reviewer, application=adopted, scores=full_scores(call, 5))
    services.record_committee_conclusion(
        actor=coordinator, application=adopted, conclusion="adopt", comment="地域への波及が大きい。"
    )
    services.record_city_decision(
        actor=coordinator, application=adopted, decision="adopt", amount_yen=300_000
    )
    adopted.refresh_from_db()
    grant = services.decide_grant(actor=coordinator, application=adopted, amount_yen=300_000)
    change = services.request_change(
        actor=rep, grant=grant, description="講座を1回減らす", reason="会場の都合"
    )
    services.save_settlement(
        actor=rep,
        grant=grant,
        results="講座を9回開いた。",
        participants=50,
        lines=[
            {
                "category": "報償費",
                "description": "講師謝礼",
                "amount_yen": 180_000,
                "is_eligible": True,
                "receipt": pdf_upload("領収書.pdf"),
            }
        ],
    )
    line = grant.settlement_lines.get()

    draft_call = make_call(coordinator=coordinator, department=w.department, publish=False)

    for app in (draft, submitted, eligible, adopted):
        app.refresh_from_db()
    w.objects["calls"] = {
        "call": call,
        "round": rnd,
        "draft_call": draft_call,
        "draft": draft,
        "submitted": submitted,
        "eligible": eligible,
        "adopted": adopted,
        "document": document,
        "grant": grant,
        "change": change,
        "receipt_line": line,
    }
    return w.objects["calls"]  # type: ignore[no-any-return]


def _pk(key: str) -> Any:
    return lambda w: {"pk": calls_world(w)[key].pk}


def _no_args(w: World) -> dict[str, Any]:
    calls_world(w)  # the same world for every row, whatever the order
    return {}


CALL = _pk("call")
ROUND = _pk("round")

MANAGERS = only("coordinator", "admin")

# An application of w.org once submitted (also "adopted"): who can see it at all.
_VISIBLE_SUBMITTED = (
    "member",
    "representative",
    "coordinator",
    "reviewer",
    "reviewer_conflict",
    "admin",
)


def _application(allowed: tuple[str, ...], visible: tuple[str, ...]) -> dict[str, str]:
    """OK for `allowed`, 403 for those who see the application but may not act, 404 for
    everyone else, login for anonymous."""
    expect = only(*allowed, refused=NOT_FOUND)
    for role in visible:
        if role not in allowed:
            expect[role] = FORBIDDEN
    return expect


# A draft: members of the applicant group (reviewer_conflict included), coordinator, admin.
_VISIBLE_DRAFT = ("member", "representative", "coordinator", "reviewer_conflict", "admin")
# A grant: members of the applicant group, coordinator, admin (not reviewers).
_VISIBLE_GRANT = ("member", "representative", "coordinator", "reviewer_conflict", "admin")

ROWS: dict[str, Row] = {
    # --- public pages of a published call
    "calls:list": Row(public(), kwargs=_no_args),
    "calls:detail": Row(public(), kwargs=CALL),
    "calls:results": Row(public(), kwargs=CALL),
    "calls:adopted-export": Row(public(), kwargs=CALL, note="the public list of adopted projects"),
    # --- applicants
    "calls:apply": Row(
        signed_in(),
        kwargs=CALL,
        note="anyone signed in sees the form; only groups they manage can be chosen",
    ),
    "calls:my-applications": Row(signed_in(), kwargs=_no_args),
    "calls:application-detail": Row(
        _application(_VISIBLE_SUBMITTED, _VISIBLE_SUBMITTED),
        kwargs=_pk("eligible"),
        note="reviewer_conflict sees it only as a member of the applicant group",
    ),
    "calls:document-download": Row(
        _application(_VISIBLE_SUBMITTED, _VISIBLE_SUBMITTED),
        kwargs=_pk("document"),
        note="a document of the application under review: same audience as the application",
    ),
    "calls:application-edit": Row(
        _application(("representative", "coordinator", "admin"), _VISIBLE_DRAFT),
        kwargs=_pk("draft"),
        note="group managers; the coordinator enters paper applications on a group's behalf",
    ),
    "calls:application-budget": Row(
        _application(("representative", "coordinator", "admin"), _VISIBLE_DRAFT),
        kwargs=_pk("draft"),
    ),
    "calls:application-roles": Row(
        _application(("representative", "coordinator", "admin"), _VISIBLE_DRAFT),
        kwargs=_pk("draft"),
    ),
    "calls:application-documents": Row(
        _application(("representative", "coordinator", "admin"), _VISIBLE_DRAFT),
        kwargs=_pk("draft"),
    ),
    "calls:application-submit": Row(
        _application(("representative", "coordinator", "admin"), _VISIBLE_DRAFT),
        method="POST",
        kwargs=_pk("draft"),
    ),
    "calls:application-withdraw": Row(
        _application(("representative",), _VISIBLE_DRAFT),
        method="POST",
        kwargs=_pk("draft"),
        note="withdrawing is the group's own act: not even the coordinator or an admin",
    ),
    # --- coordinators: configuring calls (the call is public, so others get 403)
    "calls:call-create": Row(MANAGERS, kwargs=_no_args),
    "calls:manage": Row(MANAGERS, kwargs=CALL),
    "calls:call-edit": Row(MANAGERS, kwargs=CALL),
    "calls:call-publish": Row(
        only("coordinator", "admin", refused=NOT_FOUND),
        method="POST",
        kwargs=_pk("draft_call"),
        note="a call being prepared: its existence is hidden from everyone else",
    ),
    "calls:round-create": Row(MANAGERS, kwargs=CALL),
    "calls:round-edit": Row(
        MANAGERS,
        kwargs=lambda w: {"pk": calls_world(w)["call"].pk, "round_pk": calls_world(w)["round"].pk},
    ),
    "calls:funding-rules": Row(MANAGERS, kwargs=CALL),
    "calls:criteria": Row(MANAGERS, kwargs=CALL),
    "calls:required-documents": Row(MANAGERS, kwargs=CALL),
    "calls:round-reviewers": Row(MANAGERS, kwargs=ROUND),
    "calls:round-ranking": Row(
        MANAGERS,
        kwargs=ROUND,
        note="every reviewer's scores: never the reviewers themselves",
    ),
    "calls:round-publish": Row(MANAGERS, method="POST", kwargs=ROUND),
    # --- screening
    "calls:application-check": Row(
        _application(("coordinator", "admin"), _VISIBLE_SUBMITTED),
        kwargs=_pk("submitted"),
    ),
    "calls:application-presentation": Row(
        _application(("coordinator", "admin"), _VISIBLE_SUBMITTED),
        kwargs=_pk("eligible"),
    ),
    "calls:application-decide": Row(
        _application(("coordinator", "admin"), _VISIBLE_SUBMITTED),
        kwargs=_pk("eligible"),
    ),
    # --- reviewers
    "calls:my-reviews": Row(signed_in(), kwargs=_no_args),
    "calls:application-score": Row(
        _application(("reviewer",), _VISIBLE_SUBMITTED),
        kwargs=_pk("eligible"),
        note="the conflicted reviewer is refused; so are the coordinator and admins",
    ),
    "calls:application-conflict": Row(
        only("reviewer", "reviewer_conflict", refused=NOT_FOUND),
        kwargs=_pk("eligible"),
        note="only reviewers assigned to the round declare conflicts",
    ),
    # --- grants
    "calls:grant-decide": Row(
        _application(("coordinator", "admin"), _VISIBLE_SUBMITTED),
        kwargs=_pk("adopted"),
    ),
    "calls:grant-detail": Row(
        _application(_VISIBLE_GRANT, _VISIBLE_GRANT),
        kwargs=_pk("grant"),
        note="the grant is the group's and the city's business, not the reviewers'",
    ),
    "calls:grant-notice": Row(_application(_VISIBLE_GRANT, _VISIBLE_GRANT), kwargs=_pk("grant")),
    "calls:grant-confirmed-notice": Row(
        only(refused=NOT_FOUND),
        kwargs=_pk("grant"),
        note="the world's grant is not yet confirmed: no 額の確定通知書 exists, for anyone; who "
        "may download a confirmed one: kyodo/calls/tests (applicant and staff, 404 to others)",
    ),
    "calls:receipt-download": Row(
        _application(_VISIBLE_GRANT, _VISIBLE_GRANT), kwargs=_pk("receipt_line")
    ),
    "calls:grant-change": Row(
        _application(("representative",), _VISIBLE_GRANT),
        kwargs=_pk("grant"),
        note="the group's managers ask; the city decides",
    ),
    "calls:grant-settlement": Row(
        _application(("representative",), _VISIBLE_GRANT), kwargs=_pk("grant")
    ),
    "calls:grant-action": Row(
        _application(("coordinator", "admin"), _VISIBLE_GRANT),
        method="POST",
        kwargs=lambda w: {"pk": calls_world(w)["grant"].pk, "action": "confirm"},
        note="authorisation only: the settlement is not submitted, so confirming is refused with a message",
    ),
    "calls:change-decide": Row(
        _application(("coordinator", "admin"), _VISIBLE_GRANT),
        method="POST",
        kwargs=_pk("change"),
        data=lambda w: {"approve": "yes", "note": "承認します。"},
    ),
}
