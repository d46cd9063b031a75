"""Everything in this app is internal: city staff only. Coordinators (地域づくり推進課) run the
survey and see every department; department staff act for their own departments."""

from __future__ import annotations

from typing import Any

import rules

from kyodo.organizations.predicates import department_ids, is_admin, is_city_staff, is_coordinator


@rules.predicate
def is_staff_of_department(user: Any, department: Any) -> bool:
    return department is not None and getattr(department, "pk", department) in department_ids(user)


@rules.predicate
def is_staff_of_requested_department(user: Any, request: Any) -> bool:
    return request is not None and request.to_department_id in department_ids(user)


@rules.predicate
def is_staff_of_requesting_department(user: Any, request: Any) -> bool:
    return request is not None and request.from_department_id in department_ids(user)


staff = is_city_staff | is_admin
manager = is_coordinator | is_admin

rules.add_perm("promotion.view_internal", staff)
rules.add_perm("promotion.manage_liaisons", manager)
rules.add_perm("promotion.name_liaison", manager | is_staff_of_department)
rules.add_perm("promotion.create_coordinationrequest", staff)
rules.add_perm(
    "promotion.view_coordinationrequest",
    manager | is_staff_of_requested_department | is_staff_of_requesting_department,
)
rules.add_perm("promotion.answer_coordinationrequest", is_staff_of_requested_department)
rules.add_perm("promotion.take_course", staff)
rules.add_perm("promotion.manage_survey", manager)
rules.add_perm("promotion.answer_survey", manager | is_staff_of_department)
