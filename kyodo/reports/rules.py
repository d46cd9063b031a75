from __future__ import annotations

import rules

from kyodo.organizations.predicates import is_admin, is_city_staff, is_coordinator

# The annual report and statistics are public (情報公開); dashboards are for city staff.
rules.add_perm("reports.view_annual_report", rules.always_allow)
rules.add_perm("reports.view_dashboard", is_city_staff | is_coordinator | is_admin)
rules.add_perm("reports.view_citywide_dashboard", is_coordinator | is_admin)
