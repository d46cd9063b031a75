"""The city's own set-up, without a shell: its departments and the one department that
coordinates collaboration. They come from the guideline file (`[[departments]]`, loaded with
the file), from the organizations CSV import (type `department`), and from the set-up page
for administrators (`organizations:city-setup`). Every write goes through here, under the
rule `organizations.manage_city_setup`, with an audit event."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.core.audit import record_event
from kyodo.guideline.models import OrganizationType
from kyodo.organizations.models import Organization, RegistrationStatus
from kyodo.organizations.text import normalise


def department_types() -> list[OrganizationType]:
    """The organization types that are the city's (their actor type is the government)."""
    return list(
        OrganizationType.objects.filter(actor_type__is_government=True).order_by("order", "id")
    )


def _require(actor: Any) -> None:
    if actor is not None and not actor.has_perm("organizations.manage_city_setup", None):
        raise PermissionDenied(_("You do not have permission to do this."))


def _default_type() -> OrganizationType:
    types = department_types()
    if not types:
        raise ValidationError(
            _("The guideline file has no organization type for the city's departments.")
        )
    return types[0]


def save_department(
    *,
    actor: Any,
    department: Organization | None = None,
    name: str,
    kana: str,
    description: str = "",
    org_type: OrganizationType | None = None,
    public_phone: str = "",
    public_address: str = "",
) -> Organization:
    """Create (department=None) or edit one department. `actor` None is the system (the
    guideline loader)."""
    _require(actor)
    name, kana = name.strip(), kana.strip()
    if not name or not kana:
        raise ValidationError(_("Enter the department's name and its reading in kana."))
    org_type = org_type or (department.org_type if department else _default_type())
    if not org_type.actor_type.is_government:
        raise ValidationError(_("Choose a type that belongs to the city."))
    with transaction.atomic():
        clash = Organization.objects.departments().filter(name=name)
        if department is not None:
            clash = clash.exclude(pk=department.pk)
        if clash.exists():
            raise ValidationError(_("There is already a department with this name."))
        now = timezone.now()
        if department is None:
            department = Organization.objects.create(
                name=name,
                kana=kana,
                org_type=org_type,
                description=description,
                public_phone=public_phone,
                public_address=public_address,
                registration_status=RegistrationStatus.VERIFIED,
                verified_at=now,
                declared_not_political=True,
                declared_not_religious=True,
                declared_no_antisocial_ties=True,
                declarations_at=now,
                search_text=normalise(f"{name} {kana} {description}"),
            )
            record_event(
                actor=actor,
                verb="organizations.department.create",
                target=department,
                to_state="created",
            )
            return department
        locked = Organization.objects.select_for_update().get(pk=department.pk)
        if not locked.is_department:
            raise ValidationError(_("This organization is not a city department."))
        before = {"name": locked.name, "kana": locked.kana}
        locked.name, locked.kana, locked.description = name, kana, description
        locked.org_type = org_type
        locked.public_phone, locked.public_address = public_phone, public_address
        locked.search_text = normalise(f"{name} {kana} {description}")
        locked.save()
        record_event(
            actor=actor,
            verb="organizations.department.edit",
            target=locked,
            to_state="edited",
            data={"before": before},
        )
        return locked


def set_coordinating_department(*, actor: Any, department: Organization) -> Organization:
    """Make `department` the one that coordinates collaboration (the others stop)."""
    _require(actor)
    with transaction.atomic():
        current = list(
            Organization.objects.select_for_update()
            .filter(is_coordinating_department=True)
            .exclude(pk=department.pk)
        )
        locked = Organization.objects.select_for_update().get(pk=department.pk)
        if not locked.is_department:
            raise ValidationError(_("Only a city department can coordinate collaboration."))
        for other in current:
            other.is_coordinating_department = False
            other.save(update_fields=["is_coordinating_department", "updated_at"])
            record_event(
                actor=actor,
                verb="organizations.department.coordinating",
                target=other,
                from_state="coordinating",
                to_state="not_coordinating",
            )
        if not locked.is_coordinating_department:
            locked.is_coordinating_department = True
            locked.save(update_fields=["is_coordinating_department", "updated_at"])
            record_event(
                actor=actor,
                verb="organizations.department.coordinating",
                target=locked,
                from_state="not_coordinating",
                to_state="coordinating",
            )
        return locked


def departments_from_guideline(sender: Any, clean: dict[str, Any], **kwargs: Any) -> None:
    """Receiver of guideline_loaded: create the file's departments that do not exist yet
    (matched by name; never deleted or overwritten, since the city may have edited them in
    the site) and set the coordinating one."""
    rows = sorted(clean.get("departments") or [], key=lambda r: r.get("order", 0))
    if not rows:
        return
    types = {t.code: t for t in department_types()}
    existing = {o.name: o for o in Organization.objects.departments()}
    for row in rows:
        org = existing.get(row["name"])
        if org is None:
            org = save_department(
                actor=None,
                name=row["name"],
                kana=row["kana"],
                description=row.get("description", ""),
                org_type=types.get(row.get("org_type") or ""),
            )
        if row.get("coordinating") and not org.is_coordinating_department:
            set_coordinating_department(actor=None, department=org)
    progress = kwargs.get("progress")
    if progress:
        progress(f"departments: {len(rows)}")
