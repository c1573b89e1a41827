// Declares the account fact schema; see account_schema.h for what each name is for.
#include "knowledge/account_schema.h"

namespace whyd {
namespace {

struct Built {
  Schema schema;
  AccountFields f;
};

Built* Build() {
  auto* b = new Built;
  Schema& s = b->schema;
  AccountFields& f = b->f;
  const Type kStr = Type::Scalar(Kind::kString);
  const Type kInt = Type::Scalar(Kind::kInt);
  const Type kBool = Type::Scalar(Kind::kBool);
  const Type kDate = Type::Scalar(Kind::kDate);
  const Type kTime = Type::Scalar(Kind::kTime);
  const Type kStrs = Type::ListOf(Kind::kString);

  RecordType* root = s.AddRecordType("facts");
  RecordType* tenant = s.AddRecordType("tenant");
  RecordType* settings = s.AddRecordType("settings");
  RecordType* group = s.AddRecordType("group");
  RecordType* org = s.AddRecordType("organisation");
  RecordType* user = s.AddRecordType("user");
  RecordType* programme = s.AddRecordType("programme");
  RecordType* ilr = s.AddRecordType("ilr_episode");
  RecordType* doc = s.AddRecordType("document");
  RecordType* email = s.AddRecordType("email");
  RecordType* sign_in = s.AddRecordType("sign_in");
  RecordType* lookup = s.AddRecordType("email_lookup");
  RecordType* csv = s.AddRecordType("csv");
  RecordType* row = s.AddRecordType("csv_row");
  RecordType* req = s.AddRecordType("api_request");
  RecordType* question = s.AddRecordType("question");
  RecordType* stats = s.AddRecordType("stats");
  f.root = root; f.tenant = tenant; f.settings = settings; f.group = group;
  f.organisation = org; f.user = user; f.programme = programme; f.ilr_episode = ilr;
  f.document = doc; f.email = email; f.sign_in = sign_in; f.email_lookup = lookup;
  f.csv = csv; f.csv_row = row; f.api_request = req; f.question = question; f.stats = stats;
  s.set_root(root);

  auto& r = f.r;
  r.tenant = root->AddField("tenant", Type::RecordOf(tenant), "the tenant the question is about");
  r.asker = root->AddField("asker", Type::RecordOf(user), "the person on whose behalf the client asks");
  r.user = root->AddField("user", Type::RecordOf(user), "the subject user (in user+user subjects: the learner)");
  r.other = root->AddField("other", Type::RecordOf(user), "the second user of a user+user subject (the employer)");
  r.email = root->AddField("email", Type::RecordOf(lookup), "an email address asked about, looked up in the tenant");
  r.csv = root->AddField("csv", Type::RecordOf(csv), "an attached learner-import CSV, resolved against the tenant");
  r.request = root->AddField("request", Type::RecordOf(req), "an attached user-creation API request, resolved against the tenant");
  r.question = root->AddField("question", Type::RecordOf(question), "what the question text itself says");
  r.stats = root->AddField("stats", Type::RecordOf(stats), "tenant-wide counts and lists, limited to what the asker may see");

  auto& t = f.t;
  t.id = tenant->AddField("id", kStr, "tenant id");
  t.name = tenant->AddField("name", kStr, "tenant display name");
  t.settings = tenant->AddField("settings", Type::RecordOf(settings), "tenant settings");

  auto& st = f.s;
  st.default_subscription_days = settings->AddField("default_subscription_days", kInt, "subscription length given to new learners, days");
  st.lockout_threshold = settings->AddField("lockout_threshold", kInt, "failed sign-ins before the account locks");
  st.lockout_minutes = settings->AddField("lockout_minutes", kInt, "how long a lock lasts, minutes");
  st.password_valid_days = settings->AddField("password_valid_days", kInt, "password lifetime in days; 0 = never expires");
  st.mfa_internal = settings->AddField("mfa_internal", kBool, "MFA required for admins");
  st.mfa_external = settings->AddField("mfa_external", kBool, "MFA required for learners and employers");
  st.mfv_enabled = settings->AddField("mfv_enabled", kBool, "multi-factor verification: mobile mandatory until full user");
  st.sso_configured = settings->AddField("sso_configured", kBool, "a SAML identity provider is set up");
  st.identity_providers = settings->AddField("identity_providers", kStrs, "names of the configured identity providers");
  st.classic_default = settings->AddField("classic_default", kBool, "new accounts get Classic access");
  st.console_default = settings->AddField("console_default", kBool, "new accounts get Console access");
  st.process_automation = settings->AddField("process_automation", kBool, "programme changes go through trackers");
  st.preferred_name_mandatory = settings->AddField("preferred_name_mandatory", kBool, "the preferred name is required on profiles");
  st.data_retention_years = settings->AddField("data_retention_years", kInt, "years after last activity before personal data is anonymised");

  auto& g = f.g;
  g.id = group->AddField("id", kStr, "group id");
  g.name = group->AddField("name", kStr, "group name");
  g.parent = group->AddField("parent", kStr, "parent group id; null for a root group");
  g.root = group->AddField("root", kStr, "id of the root group of this group's tree");

  auto& o = f.o;
  o.id = org->AddField("id", kStr, "organisation id");
  o.name = org->AddField("name", kStr, "organisation name");
  o.type = org->AddField("type", kStr, "employer|referrer|training|other");

  auto& u = f.u;
  u.id = user->AddField("id", kStr, "user id");
  u.type = user->AddField("type", kStr, "learner|employer|admin|referrer; fixed at creation");
  u.first_name = user->AddField("first_name", kStr, "first name");
  u.last_name = user->AddField("last_name", kStr, "last name");
  u.preferred_name = user->AddField("preferred_name", kStr, "preferred name; null when not set");
  u.email = user->AddField("email", kStr, "email address as stored");
  u.username = user->AddField("username", kStr, "username as stored");
  u.mobile = user->AddField("mobile", kStr, "mobile number; null when not set");
  u.phone = user->AddField("phone", kStr, "phone number; null when not set");
  u.status = user->AddField("status", kStr, "stored status: prospect|invited|full_user|expired|cancelled|archived");
  u.registered_at = user->AddField("registered_at", kTime, "when the account was created");
  u.invited_at = user->AddField("invited_at", kTime, "when the invitation was sent");
  u.activated_at = user->AddField("activated_at", kTime, "when the account was activated");
  u.subscription_end = user->AddField("subscription_end", kDate, "last day of the subscription");
  u.auth_type = user->AddField("auth_type", kStr, "password|sso");
  u.sso_unique_id = user->AddField("sso_unique_id", kStr, "identity-provider id of an SSO user");
  u.mfa_registered = user->AddField("mfa_registered", kBool, "the user has registered an MFA method");
  u.password_set_at = user->AddField("password_set_at", kTime, "when the password was last set; null = never");
  u.failed_logins = user->AddField("failed_logins", kInt, "consecutive failed sign-ins since the last success");
  u.locked_until = user->AddField("locked_until", kTime, "set while the account is locked; null when not locked");
  u.last_login_at = user->AddField("last_login_at", kTime, "last successful sign-in");
  u.classic_access = user->AddField("classic_access", kBool, "may sign in to Classic");
  u.console_access = user->AddField("console_access", kBool, "may sign in to Console");
  u.roles = user->AddField("roles", kStrs, "admin roles (supervisor, create_users, edit_learner_details, bulk_upload, ...)");
  u.permissions = user->AddField("permissions", kStrs, "employer permissions (view_all_in_assigned_groups, learners_progress, ...)");
  u.organisation_id = user->AddField("organisation_id", kStr, "the user's (or learner's employer) organisation id");
  u.case_owner_id = user->AddField("case_owner_id", kStr, "learner only: id of the case-owner admin");
  u.manager_id = user->AddField("manager_id", kStr, "learner only: id of the manager (employer user)");
  u.mentor_id = user->AddField("mentor_id", kStr, "learner only: id of the mentor (employer user)");
  u.display_name = user->AddField("display_name", kStr, "derived: first_name + ' ' + last_name");
  u.effective_status = user->AddField("effective_status", kStr, "derived: status, with a full_user past subscription_end counted as expired");
  u.inactive = user->AddField("inactive", kBool, "derived: effective status is cancelled, archived or expired");
  u.group_ids = user->AddField("group_ids", kStrs, "ids of the user's own groups");
  u.groups = user->AddField("groups", Type::ListOfRecords(group), "the user's own groups");
  u.group_lineage = user->AddField("group_lineage", kStrs, "derived: ids of the user's groups and all their ancestors");
  u.group_roots = user->AddField("group_roots", kStrs, "derived: ids of the root groups of the user's group trees");
  u.organisation = user->AddField("organisation", Type::RecordOf(org), "the organisation record");
  u.case_owner = user->AddField("case_owner", Type::RecordOf(user), "learner only: the case-owner admin");
  u.manager = user->AddField("manager", Type::RecordOf(user), "learner only: the manager");
  u.mentor = user->AddField("mentor", Type::RecordOf(user), "learner only: the mentor");
  u.programmes = user->AddField("programmes", Type::ListOfRecords(programme), "learner's programmes");
  u.ilr_episodes = user->AddField("ilr_episodes", Type::ListOfRecords(ilr), "learner's ILR episodes");
  u.documents = user->AddField("documents", Type::ListOfRecords(doc), "learner's reviews and compliance documents");
  u.emails = user->AddField("emails", Type::ListOfRecords(email), "emails sent to the user, oldest first");
  u.sign_ins = user->AddField("sign_ins", Type::ListOfRecords(sign_in), "all recorded sign-in attempts, oldest first (newest last)");
  u.recent_sign_ins = user->AddField("recent_sign_ins", Type::ListOfRecords(sign_in), "derived: the last 10 sign-ins no older than 30 days before now, newest last");
  u.newest_activation_email = user->AddField("newest_activation_email", Type::RecordOf(email), "derived: the activation email with the greatest sent_at (ties: later in the snapshot); null when none");
  u.eligible_employers = user->AddField("eligible_employers", Type::ListOfRecords(user), "derived, learners: employer users in the manager/mentor dropdown (not inactive, same organisation, shared group tree)");

  auto& p = f.p;
  p.id = programme->AddField("id", kStr, "programme id");
  p.name = programme->AddField("name", kStr, "programme name");
  p.kind = programme->AddField("kind", kStr, "onboarding|delivery");
  p.status = programme->AddField("status", kStr, "onboarding|ready_to_enrol|active|on_break|entered_epa|pending_change|complete|stopped");
  p.start_date = programme->AddField("start_date", kDate, "start date");
  p.planned_end_date = programme->AddField("planned_end_date", kDate, "planned end date");
  p.completed_on = programme->AddField("completed_on", kDate, "completion date; null while not complete");

  auto& i = f.i;
  i.id = ilr->AddField("id", kStr, "ILR episode id");
  i.academic_year = ilr->AddField("academic_year", kStr, "academic year, e.g. 2025/26");
  i.status = ilr->AddField("status", kStr, "draft|qa_verified|completed");
  i.in_batch = ilr->AddField("in_batch", kBool, "included in the tenant's ILR batch export");
  i.funded = ilr->AddField("funded", kBool, "false = marked unfunded / excluded from the funding claim");

  auto& d = f.d;
  d.id = doc->AddField("id", kStr, "document id");
  d.kind = doc->AddField("kind", kStr, "compliance|review");
  d.title = doc->AddField("title", kStr, "document title");
  d.status = doc->AddField("status", kStr, "awaiting_signatures|signed|void");
  d.signatures_required = doc->AddField("signatures_required", kStrs, "learner|employer|provider");
  d.signed_by = doc->AddField("signed_by", kStrs, "who has signed so far");

  auto& e = f.e;
  e.id = email->AddField("id", kStr, "email id");
  e.kind = email->AddField("kind", kStr, "activation|password_reset|notification");
  e.to = email->AddField("to", kStr, "the address it was sent to");
  e.sent_at = email->AddField("sent_at", kTime, "when it was sent");
  e.status = email->AddField("status", kStr, "queued|delivered|deferred|bounced|blocked|spam_complaint");

  auto& si = f.si;
  si.at = sign_in->AddField("at", kTime, "when the attempt happened");
  si.outcome = sign_in->AddField("outcome", kStr, "success|bad_password|locked|sso_required|not_activated|expired|cancelled|no_interface_access|mfa_failed|unknown_user");
  si.interface = sign_in->AddField("interface", kStr, "console|classic");

  auto& el = f.el;
  el.address = lookup->AddField("address", kStr, "the address as asked, trimmed");
  el.found = lookup->AddField("found", kBool, "some user's email or username equals it, ignoring case and surrounding spaces");
  el.holder = lookup->AddField("holder", Type::RecordOf(user), "the user who holds the address (absent when not found)");
  el.exact = lookup->AddField("exact", kBool, "the stored address equals the one asked, byte for byte");

  auto& c = f.c;
  c.header = csv->AddField("header", kStrs, "the header cells, normalised (lower case, spaces as underscores)");
  c.rows = csv->AddField("rows", Type::ListOfRecords(row), "the data rows");
  c.row_count = csv->AddField("row_count", kInt, "number of data rows");
  c.has_case_owner_column = csv->AddField("has_case_owner_column", kBool, "a case_owner column is present");
  c.has_sso_column = csv->AddField("has_sso_column", kBool, "an sso_enabled column is present");

  auto& cr = f.cr;
  cr.row = row->AddField("row", kInt, "row number as a spreadsheet shows it (the header is row 1)");
  cr.first_name = row->AddField("first_name", kStr, "first_name cell");
  cr.last_name = row->AddField("last_name", kStr, "last_name cell");
  cr.email = row->AddField("email", kStr, "learner email cell");
  cr.case_owner = row->AddField("case_owner", kStr, "case_owner cell as written; absent without the column");
  cr.case_owner_by = row->AddField("case_owner_by", kStr, "email (the value contains @) or name");
  cr.case_owner_matches = row->AddField("case_owner_matches", kInt, "admins who are not inactive matching the value");
  cr.case_owner_candidates = row->AddField("case_owner_candidates", Type::ListOfRecords(user), "those admins");
  cr.case_owner_suggestions = row->AddField("case_owner_suggestions", kStrs, "closest existing admin display names (edit distance), for an unmatched value");
  cr.learner_matches = row->AddField("learner_matches", kInt, "users whose email equals the row's email (0 or 1)");
  cr.learner = row->AddField("learner", Type::RecordOf(user), "the existing user with the row's email");
  cr.sso_enabled = row->AddField("sso_enabled", kStr, "SSO Enabled cell as written; absent without the column");
  cr.sso_valid = row->AddField("sso_valid", kBool, "the SSO Enabled cell is blank or one of true/false/yes/no/1/0 (any case)");
  cr.sso_requested = row->AddField("sso_requested", kBool, "the SSO Enabled cell is true/yes/1");

  auto& ar = f.ar;
  ar.first_name = req->AddField("first_name", kStr, "first_name in the request");
  ar.last_name = req->AddField("last_name", kStr, "last_name in the request");
  ar.email = req->AddField("email", kStr, "email in the request");
  ar.case_owner = req->AddField("case_owner", kStr, "case_owner in the request: a user id or an email");
  ar.groups = req->AddField("groups", kStrs, "group ids in the request");
  ar.group_roots = req->AddField("group_roots", kStrs, "root group ids of the request's groups");
  ar.organisation_id = req->AddField("organisation_id", kStr, "organisation_id in the request");
  ar.case_owner_found = req->AddField("case_owner_found", kBool, "case_owner matches a user of the tenant (by id, or by email ignoring case)");
  ar.case_owner_user = req->AddField("case_owner_user", Type::RecordOf(user), "that user");

  auto& q = f.q;
  q.text = question->AddField("text", kStr, "the question as asked");
  q.period_days = question->AddField("period_days", kInt, "a period the question states ('next 60 days' = 60, '2 weeks' = 14, 'next month' = 30); absent when none");
  q.emails = question->AddField("emails", kStrs, "email addresses written in the question");
  q.mentions_self = question->AddField("mentions_self", kBool, "the question speaks of the asker (I, me, my account)");

  auto& sts = f.st;
  sts.overview_count = stats->AddField("overview_count", kInt, "Users Overview tile: learners that are full_user, cancelled or archived");
  sts.users_tile_count = stats->AddField("users_tile_count", kInt, "Users tile: users of every type that are full_user");
  sts.cancelled_learners = stats->AddField("cancelled_learners", kInt, "learners with status cancelled");
  sts.archived_learners = stats->AddField("archived_learners", kInt, "learners with status archived");
  sts.non_learner_full_users = stats->AddField("non_learner_full_users", kInt, "full_user accounts that are not learners");
  sts.classic_access_users = stats->AddField("classic_access_users", kInt, "users with classic_access true");
  sts.period_days = stats->AddField("period_days", kInt, "the look-ahead period used for due_to_expire, days");
  sts.due_to_expire = stats->AddField("due_to_expire", Type::ListOfRecords(user), "effective full_user accounts the asker may see with subscription_end from today to today + period_days, soonest first");
  return b;
}

const Built& Get() {
  static const Built* built = Build();
  return *built;
}

}  // namespace

const Schema& AccountSchema() { return Get().schema; }
const AccountFields& Fields() { return Get().f; }

}  // namespace whyd
