"""Every access decision in one place.

Views, templates and queries ask this module; nothing else decides who may see or do what.
The rules (DESIGN.md, "Who may see what"):

* Party users (contributors, coordinators, EU reporters) see only their own party's reports,
  documents and shared comments, and only in rounds that are open or closed (not in preparation).
  They never see internal comments.
* Commission reviewers and the secretariat see every party's reports once submitted; a draft
  only as a progress count. They see internal comments.
* Admins manage accounts, parties and the catalogue; they see no report content.
* An object the user may not see answers 404, exactly like one that does not exist.

The rules live in the modules of this package, one area each (access: reports, rounds and the
loaders; review; desk; texts: the Commission's texts; editions_drafts: draft editions and their fact-check;
observers: the API's readers; partner: the work inside one partner; processes: the follow-up
processes recorded). Callers ask
`policy.<rule>`: this module is the one name they import.
"""
from ctportal.policy.access import (
    Permission, EDITABLE_STATES, COMMISSION_ROLES, STAFF_ROLES, SECOND_FACTOR_ROLES, is_party_user,
    is_commission, report_permissions, can, round_permissions, two_factor_mandatory, needs_second_factor,
    may_administer, may_manage_rounds, visible_reports_clause, visible_comments_clause, get_report_or_404,
    entry_of_report_or_404, document_of_report_or_404, comment_of_report_or_404, may_see_comment,
)
from ctportal.policy.review import (
    may_comment, may_resolve_comment, may_assign_reviewer, may_see_assessment,
)
from ctportal.policy.desk import (
    get_round_or_404, may_see_map, may_manage_priorities, may_define_indicators, may_see_audit, may_read_audit_content,
    may_export_round, compiled_permissions,
)
from ctportal.policy.texts import (
    is_final_edition, commission_text_permissions, get_text_round_or_404, may_approve_commission_text,
    may_read_commission_text, is_published_text,
)
from ctportal.policy.editions_drafts import (
    is_draft_edition, is_factcheck_open, may_open_factcheck, factcheck_permissions, may_correct_factcheck,
    get_factcheck_or_404,
)
from ctportal.policy.observers import (
    may_read_catalogue, is_observer, may_manage_consent, observed_party_ids, may_observe_report,
    observed_reports_clause, readable_reports_clause, get_readable_report_or_404, may_read_round,
    get_readable_round_or_404, may_read_edition,
)
from ctportal.policy.partner import (
    Work, work_permissions, get_work_report_or_404, may_mark_ready, may_manage_institutions,
    may_see_institutions, institution_of_party_or_404, may_see_own_priorities,
)
from ctportal.policy.processes import (
    may_record_processes, may_list_processes, process_permissions, sees_internal_of_process, get_process_or_404,
)

__all__ = [
    "Permission",
    "EDITABLE_STATES",
    "COMMISSION_ROLES",
    "STAFF_ROLES",
    "SECOND_FACTOR_ROLES",
    "is_party_user",
    "is_commission",
    "report_permissions",
    "can",
    "round_permissions",
    "two_factor_mandatory",
    "needs_second_factor",
    "may_administer",
    "may_manage_rounds",
    "visible_reports_clause",
    "visible_comments_clause",
    "get_report_or_404",
    "entry_of_report_or_404",
    "document_of_report_or_404",
    "comment_of_report_or_404",
    "may_comment",
    "may_resolve_comment",
    "may_assign_reviewer",
    "may_see_assessment",
    "may_see_comment",
    "get_round_or_404",
    "may_see_map",
    "may_manage_priorities",
    "may_define_indicators",
    "may_see_audit",
    "may_read_audit_content",
    "may_export_round",
    "compiled_permissions",
    "is_final_edition",
    "commission_text_permissions",
    "get_text_round_or_404",
    "may_approve_commission_text",
    "may_read_commission_text",
    "is_published_text",
    "is_draft_edition",
    "is_factcheck_open",
    "may_open_factcheck",
    "factcheck_permissions",
    "may_correct_factcheck",
    "get_factcheck_or_404",
    "may_read_catalogue",
    "is_observer",
    "may_manage_consent",
    "observed_party_ids",
    "may_observe_report",
    "observed_reports_clause",
    "readable_reports_clause",
    "get_readable_report_or_404",
    "may_read_round",
    "get_readable_round_or_404",
    "may_read_edition",
    "Work",
    "work_permissions",
    "get_work_report_or_404",
    "may_mark_ready",
    "may_manage_institutions",
    "may_see_institutions",
    "institution_of_party_or_404",
    "may_see_own_priorities",
    "may_record_processes",
    "may_list_processes",
    "process_permissions",
    "sees_internal_of_process",
    "get_process_or_404",
]
