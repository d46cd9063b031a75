"""Every summary and description of the OpenAPI document, as msgids of the api catalogue.

Written by `manage.py api_messages` (do not edit by hand); translated in
kyodo/api/locale/ja/LC_MESSAGES/django.po; used by kyodo.api.openapi_i18n."""

from django.utils.translation import gettext_noop

MESSAGES = [
    gettext_noop("1 for a first application, 2 for the second…"),
    gettext_noop("1 to 5"),
    gettext_noop("1 to 5 (笑)"),
    gettext_noop("10000 = 100%"),
    gettext_noop(
        "A reference-data item (field, district, type …) as it appears inside other objects."
    ),
    gettext_noop(
        "A token was sent but is wrong, revoked or of a deactivated account; or sign-in is needed"
    ),
    gettext_noop("Activity bases (活動拠点) and their rooms."),
    gettext_noop("Actors of collaboration (協働の主体) and the kinds of organization in each."),
    gettext_noop("Annual Statistics"),
    gettext_noop("Bearer"),
    gettext_noop("Calls for collaboration projects, latest fiscal year first."),
    gettext_noop("Cancel Registration"),
    gettext_noop("Cancel your registration; a freed seat goes to the first person waiting."),
    gettext_noop(
        "Collaboration projects, latest fiscal year first. Drafts (構想) appear only to their\npartners, their creator and the coordinators, as on the website."
    ),
    gettext_noop("Comment On Issue"),
    gettext_noop("Comment on an issue (challenges.comment_issue)."),
    gettext_noop("Comments on an issue, oldest first."),
    gettext_noop("Conflict"),
    gettext_noop("Create Application"),
    gettext_noop("Created"),
    gettext_noop("Delete Application Document"),
    gettext_noop("Districts (地区) with their latest published figures."),
    gettext_noop("Every district council with its member organizations and subcommittees."),
    gettext_noop("Fields of activity (分野)"),
    gettext_noop("Fields of the plan. Only the fields you send are changed."),
    gettext_noop(
        "Fiscal years with an annual report (those with any counted project or survey record;\nthe current one when there is none yet)."
    ),
    gettext_noop("Forbidden"),
    gettext_noop("Forms of collaboration (協働の形態)"),
    gettext_noop("Get Application"),
    gettext_noop("Get Call"),
    gettext_noop("Get Council"),
    gettext_noop("Get Event"),
    gettext_noop("Get Facility"),
    gettext_noop("Get Issue"),
    gettext_noop("Get Me"),
    gettext_noop("Get Municipality"),
    gettext_noop("Get My Registration"),
    gettext_noop("Get News"),
    gettext_noop("Get Open Data"),
    gettext_noop("Get Organization"),
    gettext_noop("Get Project"),
    gettext_noop("Issues Geojson"),
    gettext_noop(
        "Keyset pagination: `cursor` from the previous page's `next_cursor`; `limit` 1–100."
    ),
    gettext_noop("Kinds of organization (自治会・町内会, NPO法人, 企業, 所管課 …)."),
    gettext_noop("List Actor Types"),
    gettext_noop("List Call Decisions"),
    gettext_noop("List Calls"),
    gettext_noop("List Councils"),
    gettext_noop("List Districts"),
    gettext_noop("List Evaluation Items"),
    gettext_noop("List Events"),
    gettext_noop("List Facilities"),
    gettext_noop("List Fiscal Years"),
    gettext_noop("List Issue Comments"),
    gettext_noop("List Issues"),
    gettext_noop("List Meetings"),
    gettext_noop("List My Applications"),
    gettext_noop("List My Tokens"),
    gettext_noop("List News"),
    gettext_noop("List Organization Types"),
    gettext_noop("List Organizations"),
    gettext_noop("List Projects"),
    gettext_noop("List Rubric Criteria"),
    gettext_noop("Local issues, newest first."),
    gettext_noop("Malformed request body (not JSON)"),
    gettext_noop("My Evaluations"),
    gettext_noop("News, newest first."),
    gettext_noop("Not Found"),
    gettext_noop("OK"),
    gettext_noop("One activity base."),
    gettext_noop(
        "One application, for those the website shows it to (`calls.view_application`: the\nmembers of the applicant and joint applicant groups, coordinators, the call's\ndepartment once submitted, reviewers without a conflict once submitted)."
    ),
    gettext_noop(
        "One call: its rounds and windows, funding rules (rate, cap, unit), eligibility,\nrequired documents and screening criteria."
    ),
    gettext_noop("One council."),
    gettext_noop("One event, with the questions asked when registering."),
    gettext_noop("One local issue."),
    gettext_noop("One news item."),
    gettext_noop("One organization."),
    gettext_noop(
        "One project: partners, the signed agreement's role-division table, targets,\nmilestones, reports, and the mutual evaluation once every partner has submitted."
    ),
    gettext_noop("Parameters or body do not match this document"),
    gettext_noop("Published (and cancelled) events: upcoming soonest first, or past latest first."),
    gettext_noop("Raise Issue"),
    gettext_noop(
        "Raise a local issue (same rule as the website: challenges.add_issue). Photos can be\nadded on the website."
    ),
    gettext_noop(
        "Register (a seat, or the waiting list when full). Registering again returns the same\nregistration."
    ),
    gettext_noop("Register For Event"),
    gettext_noop("Registered organizations in kana order (suspended ones are not listed)."),
    gettext_noop(
        "Remove an uploaded document (`services.delete_document`); answers the application."
    ),
    gettext_noop("Revoke My Token"),
    gettext_noop(
        "Revoke one of your tokens (for example the one a leaked script used). Same rule as the\ntoken settings page: `api.revoke_token`."
    ),
    gettext_noop(
        "Save a draft (or an application returned for correction): only the fields you send\nchange; `budget` and `roles`, when sent, replace every line. Same rule as the website\n(`calls.change_application`)."
    ),
    gettext_noop("Self, mutual and public help (自助・共助・公助)"),
    gettext_noop(
        "Start an application (a draft) for a group you represent or run (代表者・役員・事務担当),\noptionally with the plan, the budget and the roles. Coordinators may enter a paper\napplication for a group (`on_paper`, `paper_received_on`). Same rules as the website\n(`calls.apply_to_call`, `services.create_application`).\n\nSending the same group, round and title again returns the existing application (200)\ninstead of creating a second one."
    ),
    gettext_noop("Submit Application"),
    gettext_noop("Submit Evaluation"),
    gettext_noop(
        "Submit your organization's evaluation sheet (projects.evaluate_project: a manager of a\npartner organization; mid-term while in progress, final during the evaluation). Every\nitem 1–5; 1 or 2 needs a reason; the final one needs lessons. Once submitted a sheet\ncannot change; the scores are shown to everyone when every partner has submitted."
    ),
    gettext_noop(
        "Submit, inside the round's window by server time (`calls.submit_application`). The\nbudget, the eligibility rules and the required documents are checked; every problem is\nlisted in `details`. Submitting again does nothing (`changed: false`)."
    ),
    gettext_noop("Support (共感) an issue, once per person (challenges.support_issue)."),
    gettext_noop("Support Issue"),
    gettext_noop(
        "The annual collaboration report: counts and breakdowns, money, the funnel from\nconsultation to evaluation, the mean evaluation per principle (groups vs city), event\nparticipation and the guideline's steps. 404 for a year after next fiscal year."
    ),
    gettext_noop(
        'The applications of the groups you are an active member of (as applicant or joint\napplicant), newest first: the website\'s "my applications".'
    ),
    gettext_noop(
        "The council's published meeting records (議事録), newest first. Scheduled and draft\nmeetings are not part of the public record."
    ),
    gettext_noop("The default screening criteria for calls (審査基準)."),
    gettext_noop(
        "The issues layer as GeoJSON (RFC 7946), newest first: visible issues with a point,\npublic points only (a point near a home is rounded to ~200 m). Same filters as the list;\n`bbox` narrows to a box; pages of up to `limit` features with `next_cursor`."
    ),
    gettext_noop("The items of the mutual evaluation sheet (one per principle, plus others)."),
    gettext_noop(
        "The latest open-data package (zip of CSV and JSON with a data dictionary, CC BY 4.0)."
    ),
    gettext_noop("The municipality and its guideline (協働指針)."),
    gettext_noop("The principles of collaboration (協働のルール)"),
    gettext_noop(
        'The public data of Kyodo (協働) as JSON: the guideline, organizations, local issues,\nprojects, calls and decisions, events, news and statistics, and the main actions for\nsigned-in people.\n\n- Reads need no account. Writes need the browser session (with the `X-CSRFToken` header)\n  or a personal access token: `Authorization: Bearer kyodo_…`.\n- Lists return `{"items": [...], "next_cursor": "..."}`; pass `cursor` to get the next page.\n- Errors return `{"error": {"code": "...", "message": "...", "details": ...}}`. Every\n  operation may answer 401 (a wrong or revoked token), 422 (parameters or body that do not\n  match this document: text with NUL characters, integers beyond 64 bits …) and 429\n  (rate limit, see `Retry-After`).\n- Data licence: CC BY 4.0.\n'
    ),
    gettext_noop(
        "The published results (審査結果): for every decided application of a round whose\nresults are published, the committee's conclusion and the city's decision, the amount,\nthe rank, the total and the per-criterion averages. By round, then rank. Only what the\nresults page publishes (the snapshot taken at publication), to everyone alike."
    ),
    gettext_noop("The steps of collaboration (as many as the guideline sets)"),
    gettext_noop("Too Many Requests"),
    gettext_noop("Too many requests: wait Retry-After seconds"),
    gettext_noop("Unauthorized"),
    gettext_noop("Unprocessable Entity"),
    gettext_noop("Update Application"),
    gettext_noop("Upload Application Document"),
    gettext_noop(
        "Upload a document (multipart/form-data: `file`, optional `requirement`): PDF, Office\ndocument or image, checked like on the website (`services.upload_document`)."
    ),
    gettext_noop("WGS84 degrees"),
    gettext_noop(
        "What you may evaluate on this project, for which of your organizations, and your\norganizations' sheets (same choices as the website's evaluation form)."
    ),
    gettext_noop("Withdraw Support"),
    gettext_noop("Withdraw your support."),
    gettext_noop("YYYY-MM-DD"),
    gettext_noop(
        "Your personal access tokens (never the tokens themselves: only their first characters)."
    ),
    gettext_noop(
        'Your public name and how you are authenticated ("token" or "session"). Your e-mail\nand other private data are never returned by the API.'
    ),
    gettext_noop("Your registration for this event (404 if you have none)."),
    gettext_noop("[longitude, latitude] (GeoJSON order)"),
    gettext_noop("a city department (responsible department)"),
    gettext_noop("a round is open now (server time)"),
    gettext_noop("a round's decisions are published"),
    gettext_noop("actor type code"),
    gettext_noop("adopt or reject (the city's own decision)"),
    gettext_noop("adopt, adopt_with_conditions, reject"),
    gettext_noop("amount the city allocated (0 when not adopted)"),
    gettext_noop("application status, e.g. draft"),
    gettext_noop("applications are accepted until (not at) this"),
    gettext_noop("average over the counted reviewers (decimal string)"),
    gettext_noop("by server time: open, upcoming or closed"),
    gettext_noop("citizen (市民提案型) or city (行政提案型)"),
    gettext_noop("citizen or city"),
    gettext_noop("citizen, city or other"),
    gettext_noop("city or groups"),
    gettext_noop("code of the collaboration form in /guideline/forms"),
    gettext_noop("codes in /guideline/organization-types; empty: every kind of group"),
    gettext_noop("codes of /guideline/districts"),
    gettext_noop("codes of /guideline/fields"),
    gettext_noop(
        "collaboration form code (/guideline/forms): subsidy (subsidy and city_theme calls) or commission"
    ),
    gettext_noop("collaboration recorded by the departments' survey"),
    gettext_noop("confirmed, waitlisted or cancelled"),
    gettext_noop("coordinators: a paper application entered for the group"),
    gettext_noop("coordinators: date the city received the paper application"),
    gettext_noop("counts as an eligible cost of the subsidy"),
    gettext_noop("department, form, partner_type, field, district or origin"),
    gettext_noop("district code"),
    gettext_noop("district code (city-wide news included)"),
    gettext_noop(
        "draft, consultation, agreement_drafting, agreed, in_progress, completion_report, evaluation, closed or cancelled"
    ),
    gettext_noop("draft, submitted, returned, eligible, ineligible, adopted, rejected, withdrawn"),
    gettext_noop("e.g. 早期審査, 通常審査"),
    gettext_noop("evaluation item code (/guideline/evaluation-items)"),
    gettext_noop("evaluation item code → score"),
    gettext_noop("event, volunteer, course or exchange"),
    gettext_noop("every partner has submitted: only then are scores shown (to everyone)"),
    gettext_noop("exclude or mean_of_others (conflicts of interest)"),
    gettext_noop("expense categories the subsidy may pay"),
    gettext_noop("false when it was already submitted (nothing done)"),
    gettext_noop("field code"),
    gettext_noop(
        "field code (/guideline/fields): calls whose responsible department works in that field (calls have no field of their own)"
    ),
    gettext_noop("first fiscal year"),
    gettext_noop("fiscal year (年度), e.g. 2026 = 令和8年度"),
    gettext_noop("form of collaboration code"),
    gettext_noop("groups minus city"),
    gettext_noop("hidden by a moderator: author and text are withheld, as on the page"),
    gettext_noop("hidden by a moderator: title and text are withheld"),
    gettext_noop("id in /facilities when held at an activity base"),
    gettext_noop("id in /organizations"),
    gettext_noop("id of a call"),
    gettext_noop("id of a round of this call"),
    gettext_noop("id of the application"),
    gettext_noop("id of the applying group"),
    gettext_noop("id of the call"),
    gettext_noop("id of the call's required document it answers (omit, null or 0: none)"),
    gettext_noop("id of the city's theme it answers (null: none)"),
    gettext_noop("id of the city-proposed theme it answers"),
    gettext_noop("id of the document"),
    gettext_noop("id of the partner organization you evaluate for"),
    gettext_noop("id of the project this one follows on from"),
    gettext_noop("id of the required document it answers"),
    gettext_noop("ids in /issues (hidden issues left out)"),
    gettext_noop("ids of joint applicant groups (replaces the list)"),
    gettext_noop("item code → score"),
    gettext_noop("items per page (1-100)"),
    gettext_noop("kind → ids of your partner organizations that have not submitted yet"),
    gettext_noop(
        "kinds of evaluation you may submit now (midterm while in progress or writing the completion report; final during the evaluation)"
    ),
    gettext_noop("last fiscal year"),
    gettext_noop("mean of the departments' scores"),
    gettext_noop("mean of the group partners' scores"),
    gettext_noop("mean score of the departments"),
    gettext_noop("mean score of the groups (final evaluations)"),
    gettext_noop("midterm or final"),
    gettext_noop("most first; multi-valued (see the report notes)"),
    gettext_noop("must be a registered group verified by the city"),
    gettext_noop("name of the city department"),
    gettext_noop("name of the reporting partner"),
    gettext_noop("names of the parties that approved it"),
    gettext_noop("newest first"),
    gettext_noop("next_cursor of the previous page (a damaged cursor restarts at page 1)"),
    gettext_noop("null: about the whole city"),
    gettext_noop("number of the latest version"),
    gettext_noop("number of the signed version"),
    gettext_noop("one of the call's eligible or excluded categories, or その他"),
    gettext_noop("one score per partner, in `partners` order"),
    gettext_noop("only adopted (true) or not adopted (false)"),
    gettext_noop("only organizations verified by the city"),
    gettext_noop("open (accepting applications now), upcoming or closed (server time)"),
    gettext_noop("open: a round accepts applications now; upcoming: one will; closed"),
    gettext_noop("organization id"),
    gettext_noop("organization id of a partner department"),
    gettext_noop("organization id of any partner (group or department)"),
    gettext_noop("organization id of the responsible party"),
    gettext_noop("organization type code, e.g. npo"),
    gettext_noop("part of the name or kana"),
    gettext_noop("parties of the signed version"),
    gettext_noop("pass as ?cursor= for the next page"),
    gettext_noop("pass, return, ineligible or empty"),
    gettext_noop("past events, latest first (default: upcoming, soonest first)"),
    gettext_noop("people who reached each step of the guideline"),
    gettext_noop("per-criterion averages as published; never a reviewer's own scores"),
    gettext_noop("per-principle means, groups vs city"),
    gettext_noop("planning, implementation or evaluation"),
    gettext_noop("principle code (/guideline/principles)"),
    gettext_noop("projects + survey records"),
    gettext_noop("projects running in this fiscal year"),
    gettext_noop("projects with a signed agreement running in the year"),
    gettext_noop("public name of the person in charge"),
    gettext_noop("public point, WGS84 degrees"),
    gettext_noop("published or archived (coordinators also see calls being prepared: draft)"),
    gettext_noop("published or cancelled"),
    gettext_noop("published total (decimal string)"),
    gettext_noop("purpose in the signed version ('' before signing)"),
    gettext_noop("question id → answer"),
    gettext_noop("received, reviewing, in_progress, resolved, declined"),
    gettext_noop("required for a score of 1 or 2"),
    gettext_noop("required for the final evaluation"),
    gettext_noop("role-division table (役割分担表) of the signed version"),
    gettext_noop("seconds to wait"),
    gettext_noop("shown once the final evaluation is published"),
    gettext_noop("status code (see `status`)"),
    gettext_noop("subsidy (提案型協働事業補助金), commission (協働委託事業), city_theme"),
    gettext_noop(
        "subsidy (本補助金: the amount you request), own_funds, fees, donations, other_grants"
    ),
    gettext_noop("the 20 latest"),
    gettext_noop("the applicant group"),
    gettext_noop("the author's public name (empty when hidden)"),
    gettext_noop("the city's reasons when returned or ineligible"),
    gettext_noop(
        "the fiscal year (April to March); default: the latest one with figures that has begun"
    ),
    gettext_noop("the income lines of source subsidy"),
    gettext_noop("the items to score, 1–5"),
    gettext_noop("the partner's share; null for departments"),
    gettext_noop("the partners differ by 2 points or more"),
    gettext_noop("the place is near a home: publish the point rounded to ~200 m"),
    gettext_noop("the project's page on the website"),
    gettext_noop("the public name of the person who raised it"),
    gettext_noop("the public point, if one was given"),
    gettext_noop("the report page on the website"),
    gettext_noop("the responsible department (organization)"),
    gettext_noop("the round's window (server time)"),
    gettext_noop("the rule for this track and year"),
    gettext_noop("the screening rubric (審査基準)"),
    gettext_noop("the subsidy is a multiple of this"),
    gettext_noop("this partner has submitted (shown before publication)"),
    gettext_noop("tier code (自助・共助・公助)"),
    gettext_noop("totals are out of this"),
    gettext_noop(
        "true when the author said the place is near a home: the point is the centre of a ~200 m grid cell, not the exact spot (which is never published)"
    ),
    gettext_noop("west,south,east,north in degrees (only issues inside it)"),
    gettext_noop("what happened during the year"),
    gettext_noop("what still blocks the submission (while it can be edited), in plain words"),
    gettext_noop("what the page shows instead of a hidden comment (empty otherwise)"),
    gettext_noop("what they do"),
    gettext_noop("what you may do with it now"),
    gettext_noop("who (your group, the city, a partner …)"),
    gettext_noop("words in the title or purpose"),
    gettext_noop("your organizations' evaluation sheets"),
    gettext_noop("令和8年度 (Japanese) or FY2026 (English)"),
    gettext_noop(
        "収支予算書. Replaces every line. A draft may be incomplete; what still blocks the\nsubmission is listed in the application's `problems`."
    ),
    gettext_noop("役割分担 (replaces the list)"),
    gettext_noop("甲, 乙, 丙 …"),
    gettext_noop("自助・共助・公助"),
    gettext_noop("講評"),
]
