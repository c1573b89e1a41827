// The account model as the rule engine sees it: the fact schema of whyd's domain.
//
// Every name a rule pack can use (`user.effective_status`, `tenant.settings.
// lockout_threshold`, `csv.rows`) is declared here, with its type and a one-line
// meaning; docs/facts.md is generated from this (`whyd lint --schema`). The store
// (store.h) fills records of these types for one question; packs are compiled
// against this schema, so a typo in a pack is a lint error, not a silent miss.
//
// Field indices are resolved once (AccountFields) so the fact gatherer sets
// fields by index, never by name, on the request path.
//
// Thread-safety: AccountSchema() is built on first use (thread-safe static) and
// read-only afterwards.
#ifndef WHYD_KNOWLEDGE_ACCOUNT_SCHEMA_H_
#define WHYD_KNOWLEDGE_ACCOUNT_SCHEMA_H_

#include "engine/schema.h"

namespace whyd {

// Field indices of every record type of the account schema.
struct AccountFields {
  const RecordType* root;
  const RecordType* tenant;
  const RecordType* settings;
  const RecordType* group;
  const RecordType* organisation;
  const RecordType* user;
  const RecordType* programme;
  const RecordType* ilr_episode;
  const RecordType* document;
  const RecordType* email;
  const RecordType* sign_in;
  const RecordType* email_lookup;
  const RecordType* csv;
  const RecordType* csv_row;
  const RecordType* api_request;
  const RecordType* question;
  const RecordType* stats;

  struct {
    int tenant, asker, user, other, email, csv, request, question, stats;
  } r;  // root
  struct {
    int id, name, settings;
  } t;  // tenant
  struct {
    int default_subscription_days, lockout_threshold, lockout_minutes, password_valid_days,
        mfa_internal, mfa_external, mfv_enabled, sso_configured, identity_providers,
        classic_default, console_default, process_automation, preferred_name_mandatory,
        data_retention_years;
  } s;  // settings
  struct {
    int id, name, parent, root;
  } g;  // group
  struct {
    int id, name, type;
  } o;  // organisation
  struct {
    int id, type, first_name, last_name, preferred_name, email, username, mobile, phone, status,
        registered_at, invited_at, activated_at, subscription_end, auth_type, sso_unique_id,
        mfa_registered, password_set_at, failed_logins, locked_until, last_login_at,
        classic_access, console_access, roles, permissions, organisation_id, case_owner_id,
        manager_id, mentor_id,
        // derived
        display_name, effective_status, inactive, group_ids, groups, group_lineage, group_roots,
        organisation, case_owner, manager, mentor, programmes, ilr_episodes, documents, emails,
        sign_ins, recent_sign_ins, newest_activation_email, eligible_employers;
  } u;  // user
  struct {
    int id, name, kind, status, start_date, planned_end_date, completed_on;
  } p;  // programme
  struct {
    int id, academic_year, status, in_batch, funded;
  } i;  // ilr_episode
  struct {
    int id, kind, title, status, signatures_required, signed_by;
  } d;  // document
  struct {
    int id, kind, to, sent_at, status;
  } e;  // email
  struct {
    int at, outcome, interface;
  } si;  // sign_in
  struct {
    int address, found, holder, exact;
  } el;  // email_lookup
  struct {
    int header, rows, row_count, has_case_owner_column, has_sso_column;
  } c;  // csv
  struct {
    int row, first_name, last_name, email, case_owner, case_owner_by, case_owner_matches,
        case_owner_candidates, case_owner_suggestions, learner_matches, learner, sso_enabled,
        sso_valid, sso_requested;
  } cr;  // csv_row
  struct {
    int first_name, last_name, email, case_owner, groups, group_roots, organisation_id,
        case_owner_found, case_owner_user;
  } ar;  // api_request
  struct {
    int text, period_days, emails, mentions_self;
  } q;  // question
  struct {
    int overview_count, users_tile_count, cancelled_learners, archived_learners,
        non_learner_full_users, classic_access_users, period_days, due_to_expire;
  } st;  // stats
};

const Schema& AccountSchema();
const AccountFields& Fields();

}  // namespace whyd

#endif  // WHYD_KNOWLEDGE_ACCOUNT_SCHEMA_H_
