-- The benchmark's floor: the main path of the dbt project (typed, versioned and quarantined
-- staging of the six entities, quarantine_rows, int_account_versions, int_build_as_of, the core
-- dims and facts, mart_nps_monthly, mart_nps_summary, and the finance headline marts
-- mart_churn_by_score and mart_revenue_at_risk as of the build date) as ONE hand-written DuckDB
-- script, the way a DuckDB expert would write it without dbt: each landing file set read once,
-- straight into an in-memory validated table; only the tables the dbt project also persists are
-- written to the database file (schema floor). DuckDB-only functions are fine here: this is not a
-- model.
--
-- Placeholders filled by nps_warehouse.bench (plain text substitution, values already quoted),
-- written here without their braces:
--   raw_dir        the landing folder, as a SQL string literal
--   seed_dir       the project's seeds/ folder, as a SQL string literal
--   as_of          the build's 'now' as a SQL timestamp expression, or null for the latest event
--   pii_salt       NPS_PII_SALT, as a SQL string literal
--   landing_views  one view per entity over the files the contract reads (bench.landing_views)
--
-- Limits (the dbt project handles these, the floor does not need to for the benchmark): every
-- entity folder must hold at least one readable file, and headers named exactly as the contract
-- (case aside). Empty (0-byte) files are skipped, as dbt skips them. The churn horizons (90, 180,
-- 365 days) and the decision-maker window (365 days) are the dbt vars' values, written here.
-- The rules are the README's; tests/python/test_bench.py and every bench run check that the
-- floor's marts equal dbt's.

set TimeZone = 'UTC';
set variable raw_dir = {raw_dir};
set variable seed_dir = {seed_dir};

create schema if not exists floor;

-- Parsers: the same rules as macros/parsing.sql, as DuckDB macros (inlined by the planner).
create or replace temp macro clean(x) as nullif(trim(x), '');
create or replace temp macro enum(x) as
    nullif(regexp_replace(regexp_replace(lower(trim(x)), '[^a-z0-9]+', '_', 'g'), '^_+|_+$', '', 'g'), '');
create or replace temp macro int_or_null(x) as
    case when regexp_full_match(trim(x), '[+-]?[0-9]{1,18}') then cast(trim(x) as bigint) end;
create or replace temp macro dec_or_null(x) as
    case when regexp_full_match(trim(x), '[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)')
        then cast(trim(x) as numeric(28, 6)) end;
create or replace temp macro date_or_null(x) as
    case when regexp_full_match(trim(x), '[0-9]{4}-[0-9]{2}-[0-9]{2}') then try_cast(trim(x) as date) end;
create or replace temp macro ts_or_null(x) as
    case when regexp_full_match(
        trim(x),
        '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?'
    ) then cast(try_cast(trim(x) as timestamptz) as timestamp) end;  -- the session zone is UTC (above)
create or replace temp macro tags_or_null(x) as
    nullif(regexp_replace(regexp_replace(lower(trim(x)), '[[:space:]]*;[[:space:];]*', ';', 'g'), '^;+|;+$', '', 'g'), '');
create or replace temp macro pii(x) as
    case when clean(x) is not null then md5({pii_salt} || lower(clean(x))) end;
-- One JSON string value for raw_values: the text as it arrived, or null.
create or replace temp macro js(x) as
    coalesce('"' || replace(replace(replace(replace(replace(x, '\', '\\'), '"', '\"'), chr(10), '\n'), chr(13), '\r'), chr(9), '\t') || '"', 'null');
-- A row's fate from its id, updated_at, version rank and first failing entity rule.
create or replace temp macro reason(id, updated_at_text, updated_at, version_rank, row_problem) as
    case
        when id is null then 'missing_id'
        when updated_at_text is null then 'missing_updated_at'
        when updated_at is null then 'invalid_updated_at'
        when version_rank > 1 then null
        else row_problem
    end;
create or replace temp macro status(id, updated_at, version_rank, row_problem) as
    case
        when id is null or updated_at is null then 'quarantined'
        when version_rank > 1 then 'superseded'
        when row_problem is not null then 'quarantined'
        else 'staged'
    end;
-- The landing readers: every file of an entity folder the contract reads (*.csv, *.csv.gz,
-- *.parquet, any case, any mix, one format only included), all text, with file name and 1-based
-- row. nps_warehouse.bench lists the files (quality.landing_files, the dbt rule's Python twin)
-- and writes one view per entity, landing_<entity>, as a union of these readers over the formats
-- present (the placeholder below).
create or replace temp macro csv_files(files, packing) as table
    select
        * exclude (filename, _scan_position),
        filename as _file_name,
        _scan_position - min(_scan_position) over (partition by filename) + 1 as _row_number
    from (
        select *, row_number() over () as _scan_position
        from read_csv(
            files, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"',
            strict_mode = true, union_by_name = true, filename = true, compression = packing
        )
    );
create or replace temp macro parquet_files(files) as table
    select
        * exclude (filename, file_row_number),
        filename as _file_name,
        file_row_number + 1 as _row_number
    from read_parquet(files, union_by_name = true, filename = true, file_row_number = true);
{landing_views}

-- Reference data (the seeds, with the column types pinned in seeds/_seeds.yml).
create or replace table floor.fx_rates as
select * from read_csv(
    getvariable('seed_dir') || '/fx_rates.csv', header = true,
    columns = {'currency_code': 'varchar', 'usd_per_unit': 'double', 'rate_date': 'date', 'rate_source': 'varchar'}
);
create or replace table floor.sla_targets as
select * from read_csv(
    getvariable('seed_dir') || '/sla_targets.csv', header = true,
    columns = {'priority': 'varchar', 'first_response_target_minutes': 'integer', 'resolution_target_minutes': 'integer'}
);
create or replace table floor.business_schedules as
select * from read_csv(
    getvariable('seed_dir') || '/business_schedules.csv', header = true,
    columns = {'region': 'varchar', 'time_zone': 'varchar', 'holiday_country': 'varchar',
        'iso_day_of_week': 'integer', 'open_minute': 'integer', 'close_minute': 'integer'}
);
create or replace table floor.public_holidays as
select * from read_csv(
    getvariable('seed_dir') || '/public_holidays.csv', header = true,
    columns = {'holiday_country': 'varchar', 'holiday_date': 'date', 'holiday_name': 'varchar'}
);

-- crm_accounts ---------------------------------------------------------------------------------
create or replace temp table accounts_validated as
with
landing as (
    select *, row_number() over () as _row_id from landing_crm_accounts
),
typed as materialized (
    select
        landing._row_id,
        landing._file_name,
        landing._row_number,
        landing as raw,
        clean(account_id) as account_id,
        clean(account_name) as account_name,
        enum(industry) as industry,
        clean(region) as region,
        clean(country) as country,
        enum(plan) as plan,
        clean(employee_count) as employee_count_text,
        int_or_null(employee_count) as employee_count,
        clean(arr) as arr_text,
        dec_or_null(arr) as arr_amount,
        upper(clean(currency)) as currency_code,
        clean(contract_start_date) as contract_start_date_text,
        date_or_null(contract_start_date) as contract_start_date,
        clean(renewal_date) as renewal_date_text,
        date_or_null(renewal_date) as renewal_date,
        clean(churned_at) as churned_at_text,
        ts_or_null(churned_at) as churned_at,
        clean(churn_reason) as churn_reason,
        clean(updated_at) as updated_at_text,
        ts_or_null(updated_at) as updated_at
    from landing
),
ranked as (
    -- The version rank on a narrow projection, joined back by row id: sorting the wide rows
    -- inside the window costs about three times as much.
    select
        _row_id,
        row_number() over (
            partition by account_id
            order by updated_at desc nulls last, _file_name desc, _row_number desc
        ) as version_rank
    from typed
),
checked as (
    select
        typed.*,
        fx.usd_per_unit,
        ranked.version_rank,
        -- Value problems: the value is nulled below and listed in value_problems; no row problem.
        case
            when typed.arr_text is not null and typed.arr_amount is null then 'invalid_arr'
            when typed.arr_amount < 0 then 'negative_arr'
        end as arr_problem,
        case
            when typed.arr_amount is not null and typed.currency_code is null then 'missing_currency'
            when typed.currency_code is not null and fx.currency_code is null then 'unknown_currency'
        end as currency_problem,
        case
            when typed.employee_count_text is not null and typed.employee_count is null then 'invalid_employee_count'
            when typed.employee_count < 0 then 'invalid_employee_count'
        end as employee_count_problem,
        case when typed.contract_start_date_text is not null and typed.contract_start_date is null
            then 'invalid_contract_start_date' end as contract_start_date_problem,
        case when typed.renewal_date_text is not null and typed.renewal_date is null
            then 'invalid_renewal_date' end as renewal_date_problem,
        case when typed.churned_at_text is not null and typed.churned_at is null
            then 'invalid_churned_at' end as churned_at_problem,
        cast(null as varchar) as row_problem
    from typed
    inner join ranked on typed._row_id = ranked._row_id
    left join floor.fx_rates as fx on typed.currency_code = fx.currency_code
)
select
    * replace (
        case when arr_problem is null then arr_amount end as arr_amount,
        case when currency_problem is null then currency_code end as currency_code,
        case when employee_count_problem is null then employee_count end as employee_count,
        case when contract_start_date_problem is null then contract_start_date end as contract_start_date,
        case when renewal_date_problem is null then renewal_date end as renewal_date,
        case when churned_at_problem is null then churned_at end as churned_at
    ),
    reason(account_id, updated_at_text, updated_at, version_rank, row_problem) as quarantine_reason,
    status(account_id, updated_at, version_rank, row_problem) as row_status
from checked;

-- crm_contacts ---------------------------------------------------------------------------------
create or replace temp table contacts_validated as
with
landing as (
    select *, row_number() over () as _row_id from landing_crm_contacts
),
accounts as (
    select account_id, row_problem from accounts_validated
    where account_id is not null and updated_at is not null and version_rank = 1
),
typed as materialized (
    select
        landing._row_id,
        landing._file_name,
        landing._row_number,
        landing as raw,
        clean(contact_id) as contact_id,
        clean(account_id) as account_id,
        pii(email) as email_hash,
        clean(role) as role_text,
        enum(role) as role,
        clean(job_title) as job_title,
        clean(created_at) as created_at_text,
        ts_or_null(created_at) as created_at,
        clean(updated_at) as updated_at_text,
        ts_or_null(updated_at) as updated_at
    from landing
),
ranked as (
    select
        _row_id,
        row_number() over (
            partition by contact_id
            order by updated_at desc nulls last, _file_name desc, _row_number desc
        ) as version_rank
    from typed
),
checked as (
    select
        typed.*,
        ranked.version_rank,
        case
            when typed.account_id is null then 'missing_account_id'
            when accounts.account_id is null then 'unknown_account'
            when accounts.row_problem is not null then 'account_quarantined'
        end as row_problem,
        case
            when typed.role_text is null then 'missing_role'
            when typed.role not in ('end_user', 'decision_maker') then 'invalid_role'
        end as role_problem,
        case when typed.created_at_text is not null and typed.created_at is null
            then 'invalid_created_at' end as created_at_problem
    from typed
    inner join ranked on typed._row_id = ranked._row_id
    left join accounts on typed.account_id = accounts.account_id
)
select
    * replace (
        case when role_problem is null then role end as role,
        case when created_at_problem is null then created_at end as created_at
    ),
    reason(contact_id, updated_at_text, updated_at, version_rank, row_problem) as quarantine_reason,
    status(contact_id, updated_at, version_rank, row_problem) as row_status
from checked;

-- support_tickets ------------------------------------------------------------------------------
create or replace temp table tickets_validated as
with
landing as (
    select *, row_number() over () as _row_id from landing_support_tickets
),
accounts as (
    select account_id, row_problem from accounts_validated
    where account_id is not null and updated_at is not null and version_rank = 1
),
typed as materialized (
    select
        landing._row_id,
        landing._file_name,
        landing._row_number,
        landing as raw,
        clean(ticket_id) as ticket_id,
        clean(account_id) as account_id,
        clean(requester_contact_id) as requester_contact_id,
        enum(category) as category,
        enum(priority) as priority,
        enum(channel) as channel,
        enum(status) as status,
        clean(created_at) as created_at_text,
        ts_or_null(created_at) as created_at,
        clean(first_response_at) as first_response_at_text,
        ts_or_null(first_response_at) as first_response_at,
        clean(solved_at) as solved_at_text,
        ts_or_null(solved_at) as solved_at,
        clean(reopened_count) as reopened_count_text,
        int_or_null(reopened_count) as reopened_count,
        clean(downtime_minutes) as downtime_minutes_text,
        dec_or_null(downtime_minutes) as downtime_minutes,
        clean(updated_at) as updated_at_text,
        ts_or_null(updated_at) as updated_at
    from landing
),
ranked as (
    select
        _row_id,
        row_number() over (
            partition by ticket_id
            order by updated_at desc nulls last, _file_name desc, _row_number desc
        ) as version_rank
    from typed
),
checked as (
    select
        typed.*,
        ranked.version_rank,
        case
            when typed.account_id is null then 'missing_account_id'
            when typed.created_at_text is null then 'missing_created_at'
            when typed.created_at is null then 'invalid_created_at'
            when accounts.account_id is null then 'unknown_account'
            when accounts.row_problem is not null then 'account_quarantined'
        end as row_problem,
        case
            when typed.first_response_at_text is not null and typed.first_response_at is null then 'invalid_first_response_at'
            when typed.first_response_at < typed.created_at then 'first_response_before_created'
        end as first_response_at_problem,
        case
            when typed.solved_at_text is not null and typed.solved_at is null then 'invalid_solved_at'
            when typed.solved_at < typed.created_at then 'solved_before_created'
        end as solved_at_problem,
        case
            when typed.reopened_count_text is not null and typed.reopened_count is null then 'invalid_reopened_count'
            when typed.reopened_count < 0 then 'invalid_reopened_count'
        end as reopened_count_problem,
        case
            when typed.downtime_minutes_text is not null and typed.downtime_minutes is null then 'invalid_downtime_minutes'
            when typed.downtime_minutes < 0 then 'invalid_downtime_minutes'
        end as downtime_minutes_problem
    from typed
    inner join ranked on typed._row_id = ranked._row_id
    left join accounts on typed.account_id = accounts.account_id
)
select
    * replace (
        case when first_response_at_problem is null then first_response_at end as first_response_at,
        case when solved_at_problem is null then solved_at end as solved_at,
        case when reopened_count_problem is null then reopened_count end as reopened_count,
        case when downtime_minutes_problem is null then downtime_minutes end as downtime_minutes
    ),
    reason(ticket_id, updated_at_text, updated_at, version_rank, row_problem) as quarantine_reason,
    status(ticket_id, updated_at, version_rank, row_problem) as row_status
from checked;

-- survey_invitations ---------------------------------------------------------------------------
create or replace temp table invitations_validated as
with
landing as (
    select *, row_number() over () as _row_id from landing_survey_invitations
),
contacts as (
    select contact_id, row_problem from contacts_validated
    where contact_id is not null and updated_at is not null and version_rank = 1
),
typed as materialized (
    select
        landing._row_id,
        landing._file_name,
        landing._row_number,
        landing as raw,
        clean(invitation_id) as invitation_id,
        clean(campaign_id) as campaign_id,
        clean(contact_id) as contact_id,
        clean(survey_type) as survey_type_text,
        enum(survey_type) as survey_type,
        clean(trigger_ticket_id) as trigger_ticket_id,
        enum(channel) as channel,
        clean(sent_at) as sent_at_text,
        ts_or_null(sent_at) as sent_at,
        clean(updated_at) as updated_at_text,
        ts_or_null(updated_at) as updated_at
    from landing
),
ranked as (
    select
        _row_id,
        row_number() over (
            partition by invitation_id
            order by updated_at desc nulls last, _file_name desc, _row_number desc
        ) as version_rank
    from typed
),
checked as (
    select
        typed.*,
        ranked.version_rank,
        case
            when typed.contact_id is null then 'missing_contact_id'
            when typed.survey_type_text is null then 'missing_survey_type'
            when typed.survey_type not in ('relationship', 'transactional') then 'invalid_survey_type'
            when typed.sent_at_text is null then 'missing_sent_at'
            when typed.sent_at is null then 'invalid_sent_at'
            when contacts.contact_id is null then 'unknown_contact'
            when contacts.row_problem is not null then 'contact_quarantined'
        end as row_problem
    from typed
    inner join ranked on typed._row_id = ranked._row_id
    left join contacts on typed.contact_id = contacts.contact_id
)
select
    *,
    reason(invitation_id, updated_at_text, updated_at, version_rank, row_problem) as quarantine_reason,
    status(invitation_id, updated_at, version_rank, row_problem) as row_status
from checked;

-- survey_responses -----------------------------------------------------------------------------
create or replace temp table responses_validated as
with
landing as (
    select *, row_number() over () as _row_id from landing_survey_responses
),
invitations as (
    select invitation_id, contact_id, sent_at, row_problem from invitations_validated
    where invitation_id is not null and updated_at is not null and version_rank = 1
),
contacts as (
    select contact_id, row_problem from contacts_validated
    where contact_id is not null and updated_at is not null and version_rank = 1
),
typed as materialized (
    select
        landing._row_id,
        landing._file_name,
        landing._row_number,
        landing as raw,
        clean(response_id) as response_id,
        clean(invitation_id) as invitation_id,
        clean(campaign_id) as campaign_id,
        clean(contact_id) as contact_id,
        clean(score) as score_text,
        int_or_null(score) as score,
        clean(comment) as comment,
        tags_or_null(tags) as tags,
        clean(responded_at) as responded_at_text,
        ts_or_null(responded_at) as responded_at,
        clean(updated_at) as updated_at_text,
        ts_or_null(updated_at) as updated_at
    from landing
),
ranked as (
    select
        _row_id,
        row_number() over (
            partition by response_id
            order by updated_at desc nulls last, _file_name desc, _row_number desc
        ) as version_rank
    from typed
),
checked as (
    select
        typed.*,
        ranked.version_rank,
        case
            when typed.invitation_id is null then 'missing_invitation_id'
            when typed.contact_id is null then 'missing_contact_id'
            when typed.score_text is null then 'missing_score'
            when typed.score is null then 'invalid_score'
            when typed.score < 0 or typed.score > 10 then 'score_out_of_range'
            when typed.responded_at_text is null then 'missing_responded_at'
            when typed.responded_at is null then 'invalid_responded_at'
            when invitations.invitation_id is null then 'unknown_invitation'
            when invitations.row_problem is not null then 'invitation_quarantined'
            when contacts.contact_id is null then 'unknown_contact'
            when contacts.row_problem is not null then 'contact_quarantined'
            when typed.contact_id <> invitations.contact_id then 'contact_mismatch'
            when typed.responded_at < invitations.sent_at then 'response_before_invitation'
        end as row_problem
    from typed
    inner join ranked on typed._row_id = ranked._row_id
    left join invitations on typed.invitation_id = invitations.invitation_id
    left join contacts on typed.contact_id = contacts.contact_id
)
select
    *,
    reason(response_id, updated_at_text, updated_at, version_rank, row_problem) as quarantine_reason,
    status(response_id, updated_at, version_rank, row_problem) as row_status
from checked;

-- loop_followups -------------------------------------------------------------------------------
create or replace temp table followups_validated as
with
landing as (
    select *, row_number() over () as _row_id from landing_loop_followups
),
responses as (
    select response_id, responded_at, row_problem from responses_validated
    where response_id is not null and updated_at is not null and version_rank = 1
),
typed as materialized (
    select
        landing._row_id,
        landing._file_name,
        landing._row_number,
        landing as raw,
        clean(followup_id) as followup_id,
        clean(response_id) as response_id,
        clean(owner) as owner,
        enum(action) as action,
        enum(outcome) as outcome,
        clean(followed_up_at) as followed_up_at_text,
        ts_or_null(followed_up_at) as followed_up_at,
        clean(updated_at) as updated_at_text,
        ts_or_null(updated_at) as updated_at
    from landing
),
ranked as (
    select
        _row_id,
        row_number() over (
            partition by followup_id
            order by updated_at desc nulls last, _file_name desc, _row_number desc
        ) as version_rank
    from typed
),
checked as (
    select
        typed.*,
        ranked.version_rank,
        case
            when typed.response_id is null then 'missing_response_id'
            when typed.followed_up_at_text is null then 'missing_followed_up_at'
            when typed.followed_up_at is null then 'invalid_followed_up_at'
            when responses.response_id is null then 'unknown_response'
            when responses.row_problem is not null then 'response_quarantined'
            when typed.followed_up_at < responses.responded_at then 'followup_before_response'
        end as row_problem
    from typed
    inner join ranked on typed._row_id = ranked._row_id
    left join responses on typed.response_id = responses.response_id
)
select
    *,
    reason(followup_id, updated_at_text, updated_at, version_rank, row_problem) as quarantine_reason,
    status(followup_id, updated_at, version_rank, row_problem) as row_status
from checked;

-- Staging: the winning valid rows, typed -------------------------------------------------------
create or replace table floor.stg_crm__accounts as
select
    account_id, account_name, industry, region, country, plan, currency_code, employee_count, arr_amount,
    arr_amount * usd_per_unit as arr_usd, churn_reason, contract_start_date, renewal_date, churned_at, updated_at
from accounts_validated where row_status = 'staged';

create or replace table floor.stg_crm__contacts as
select contact_id, account_id, email_hash, role, job_title, created_at, updated_at
from contacts_validated where row_status = 'staged';

create or replace table floor.stg_support__tickets as
select
    ticket_id, account_id, requester_contact_id, category, priority, channel, status, reopened_count,
    downtime_minutes, created_at, first_response_at, solved_at, first_response_at_problem,
    solved_at_problem, reopened_count_problem, downtime_minutes_problem, updated_at
from tickets_validated where row_status = 'staged';

create or replace table floor.stg_survey__invitations as
select invitation_id, campaign_id, contact_id, trigger_ticket_id, survey_type, channel, sent_at, updated_at
from invitations_validated where row_status = 'staged';

create or replace table floor.stg_survey__responses as
select response_id, invitation_id, campaign_id, contact_id, score, comment, tags, responded_at, updated_at
from responses_validated where row_status = 'staged';

create or replace table floor.stg_loop__followups as
select followup_id, response_id, owner, action, outcome, followed_up_at, updated_at
from followups_validated where row_status = 'staged';

-- Quarantine: every unusable landing row, its reason and what arrived (emails and names hashed)
create or replace table floor.quarantine_rows as
select
    'crm_accounts' as entity, account_id as raw_id, quarantine_reason as reason,
    '{"account_id":' || js(raw.account_id) || ',"account_name":' || js(raw.account_name)
    || ',"industry":' || js(raw.industry) || ',"region":' || js(raw.region) || ',"country":' || js(raw.country)
    || ',"employee_count":' || js(raw.employee_count) || ',"plan":' || js(raw.plan) || ',"arr":' || js(raw.arr)
    || ',"currency":' || js(raw.currency) || ',"contract_start_date":' || js(raw.contract_start_date)
    || ',"renewal_date":' || js(raw.renewal_date) || ',"churned_at":' || js(raw.churned_at)
    || ',"churn_reason":' || js(raw.churn_reason) || ',"updated_at":' || js(raw.updated_at) || '}' as raw_values,
    parse_filename(_file_name) as source_file_name, _row_number as source_row_number
from accounts_validated where row_status = 'quarantined'
union all
select
    'crm_contacts', contact_id, quarantine_reason,
    '{"contact_id":' || js(raw.contact_id) || ',"account_id":' || js(raw.account_id)
    || ',"email":' || coalesce('"' || pii(raw.email) || '"', 'null')
    || ',"full_name":' || coalesce('"' || pii(raw.full_name) || '"', 'null')
    || ',"role":' || js(raw.role) || ',"job_title":' || js(raw.job_title) || ',"created_at":' || js(raw.created_at)
    || ',"updated_at":' || js(raw.updated_at) || '}',
    parse_filename(_file_name), _row_number
from contacts_validated where row_status = 'quarantined'
union all
select
    'survey_invitations', invitation_id, quarantine_reason,
    '{"invitation_id":' || js(raw.invitation_id) || ',"campaign_id":' || js(raw.campaign_id)
    || ',"contact_id":' || js(raw.contact_id) || ',"survey_type":' || js(raw.survey_type)
    || ',"trigger_ticket_id":' || js(raw.trigger_ticket_id) || ',"channel":' || js(raw.channel)
    || ',"sent_at":' || js(raw.sent_at) || ',"updated_at":' || js(raw.updated_at) || '}',
    parse_filename(_file_name), _row_number
from invitations_validated where row_status = 'quarantined'
union all
select
    'survey_responses', response_id, quarantine_reason,
    '{"response_id":' || js(raw.response_id) || ',"invitation_id":' || js(raw.invitation_id)
    || ',"campaign_id":' || js(raw.campaign_id) || ',"contact_id":' || js(raw.contact_id)
    || ',"score":' || js(raw.score) || ',"comment":' || js(raw.comment) || ',"tags":' || js(raw.tags)
    || ',"responded_at":' || js(raw.responded_at) || ',"updated_at":' || js(raw.updated_at) || '}',
    parse_filename(_file_name), _row_number
from responses_validated where row_status = 'quarantined'
union all
select
    'support_tickets', ticket_id, quarantine_reason,
    '{"ticket_id":' || js(raw.ticket_id) || ',"account_id":' || js(raw.account_id)
    || ',"requester_contact_id":' || js(raw.requester_contact_id) || ',"category":' || js(raw.category)
    || ',"priority":' || js(raw.priority) || ',"channel":' || js(raw.channel) || ',"status":' || js(raw.status)
    || ',"created_at":' || js(raw.created_at) || ',"first_response_at":' || js(raw.first_response_at)
    || ',"solved_at":' || js(raw.solved_at) || ',"reopened_count":' || js(raw.reopened_count)
    || ',"downtime_minutes":' || js(raw.downtime_minutes) || ',"updated_at":' || js(raw.updated_at) || '}',
    parse_filename(_file_name), _row_number
from tickets_validated where row_status = 'quarantined'
union all
select
    'loop_followups', followup_id, quarantine_reason,
    '{"followup_id":' || js(raw.followup_id) || ',"response_id":' || js(raw.response_id)
    || ',"owner":' || js(raw.owner) || ',"action":' || js(raw.action) || ',"followed_up_at":' || js(raw.followed_up_at)
    || ',"outcome":' || js(raw.outcome) || ',"updated_at":' || js(raw.updated_at) || '}',
    parse_filename(_file_name), _row_number
from followups_validated where row_status = 'quarantined';

-- Account versions: the staged accounts' valid rows across exports, as intervals --------------
create or replace table floor.int_account_versions as
with ordered as (
    select
        v.account_id, v.industry, v.region, v.country, v.plan, v.employee_count,
        v.arr_amount * v.usd_per_unit as arr_usd,
        v.updated_at,
        row_number() over w as version_number,
        lead(v.updated_at) over w as next_updated_at
    from accounts_validated as v
    semi join floor.stg_crm__accounts as s on v.account_id = s.account_id
    where v.account_id is not null and v.updated_at is not null and v.row_problem is null
    window w as (partition by v.account_id order by v.updated_at, v._file_name, v._row_number)
)
select
    account_id, version_number, industry, region, country, plan, employee_count, arr_usd,
    case when version_number > 1 then updated_at end as valid_from,
    next_updated_at as valid_to
from ordered;

-- The build's 'now': as_of when given, else the latest staged survey, ticket or follow-up event
create or replace table floor.int_build_as_of as
select coalesce(
    {as_of},
    greatest(
        (select max(responded_at) from floor.stg_survey__responses),
        (select max(sent_at) from floor.stg_survey__invitations),
        (select max(greatest(created_at, first_response_at, solved_at)) from floor.stg_support__tickets),
        (select max(followed_up_at) from floor.stg_loop__followups)
    )
) as as_of_at;
set variable as_of_at = (select as_of_at from floor.int_build_as_of);

-- Dimensions and facts -------------------------------------------------------------------------
create or replace table floor.dim_contacts as
select contact_id, account_id, email_hash, role, job_title, role = 'decision_maker' as is_decision_maker, created_at
from floor.stg_crm__contacts;

create or replace table floor.dim_accounts as
with contact_counts as (
    select
        account_id,
        count(*) as contacts,
        count(*) filter (where role = 'decision_maker') as decision_makers
    from floor.stg_crm__contacts
    group by account_id
)
select
    a.account_id, a.account_name,
    coalesce(a.industry, 'unknown') as industry,
    coalesce(a.region, 'unknown') as region,
    a.country,
    coalesce(a.plan, 'unknown') as plan,
    a.currency_code, a.churn_reason, a.employee_count, a.arr_amount, a.arr_usd,
    coalesce(c.contacts, 0) as contacts,
    coalesce(c.decision_makers, 0) as decision_makers,
    a.churned_at is not null and a.churned_at <= getvariable('as_of_at') as is_churned,
    a.contract_start_date, a.renewal_date,
    case when a.churned_at <= getvariable('as_of_at') then a.churned_at end as churned_at,
    getvariable('as_of_at') as as_of_at
from floor.stg_crm__accounts as a
left join contact_counts as c on a.account_id = c.account_id;

create or replace table floor.fct_support_tickets as
with in_scope as (
    select
        t.* exclude (first_response_at, solved_at, updated_at),
        case when t.first_response_at <= getvariable('as_of_at') then t.first_response_at end as first_response_at,
        case when t.solved_at <= getvariable('as_of_at') then t.solved_at end as solved_at
    from floor.stg_support__tickets as t
    where t.created_at <= getvariable('as_of_at')
),
-- Business minutes: each local working day of a region's schedule as one UTC interval.
working_intervals as (
    select
        s.region,
        timezone('UTC', timezone(s.time_zone, d + s.open_minute * interval 1 minute)) as opens_at,
        timezone('UTC', timezone(s.time_zone, d + s.close_minute * interval 1 minute)) as closes_at
    from range(
        (select min(created_at)::date - 1 from in_scope)::timestamp,
        getvariable('as_of_at')::date + 2, interval 1 day
    ) as days(d)
    inner join floor.business_schedules as s on isodow(d) = s.iso_day_of_week
    anti join floor.public_holidays as h
        on s.holiday_country = h.holiday_country and d::date = h.holiday_date
),
ticket_spans as (
    select
        t.ticket_id, v.region,
        t.created_at,
        coalesce(t.first_response_at, getvariable('as_of_at')) as first_response_until,
        coalesce(t.solved_at, getvariable('as_of_at')) as resolution_until
    from in_scope as t
    left join floor.int_account_versions as v
        on t.account_id = v.account_id
        and (v.valid_from is null or v.valid_from <= t.created_at)
        and (v.valid_to is null or t.created_at < v.valid_to)
),
business as (
    select
        t.ticket_id,
        sum(case when t.first_response_until > w.opens_at then date_diff('minute',
            greatest(t.created_at, w.opens_at), least(t.first_response_until, w.closes_at)) else 0 end)
            as first_response_elapsed,
        sum(case when t.resolution_until > w.opens_at then date_diff('minute',
            greatest(t.created_at, w.opens_at), least(t.resolution_until, w.closes_at)) else 0 end)
            as resolution_elapsed
    from ticket_spans as t
    inner join working_intervals as w
        on t.region = w.region
        and greatest(t.first_response_until, t.resolution_until) > w.opens_at
        and t.created_at < w.closes_at
    group by t.ticket_id
),
ticket_business as (
    select
        t.ticket_id,
        s.region as schedule_region,
        case when s.region is not null then coalesce(b.first_response_elapsed, 0) end as first_response_elapsed,
        case when s.region is not null then coalesce(b.resolution_elapsed, 0) end as resolution_elapsed,
        s.region is not null as has_business_schedule
    from ticket_spans as t
    left join business as b on t.ticket_id = b.ticket_id
    left join (select distinct region from floor.business_schedules) as s on t.region = s.region
),
measured as (
    select
        t.ticket_id, t.account_id, t.requester_contact_id, t.category, t.priority, t.channel, t.status,
        t.reopened_count, t.downtime_minutes,
        date_diff('minute', t.created_at, t.first_response_at) as first_response_calendar_minutes,
        date_diff('minute', t.created_at, t.solved_at) as resolution_calendar_minutes,
        case when t.first_response_at is not null then tb.first_response_elapsed end
            as first_response_business_minutes,
        case when t.solved_at is not null then tb.resolution_elapsed end as resolution_business_minutes,
        tb.schedule_region,
        sla.first_response_target_minutes,
        sla.resolution_target_minutes,
        c.contact_id is not null as has_known_requester,
        t.solved_at is not null as is_solved,
        coalesce(t.reopened_count, 0) > 0 as is_reopened,
        case when t.first_response_at_problem is null then
            coalesce(coalesce(t.first_response_at, getvariable('as_of_at'))
            > t.created_at + cast(sla.first_response_target_minutes as bigint) * interval 1 minute, false)
        end as is_first_response_sla_breached,
        case when t.solved_at_problem is null then
            coalesce(coalesce(t.solved_at, getvariable('as_of_at'))
            > t.created_at + cast(sla.resolution_target_minutes as bigint) * interval 1 minute, false)
        end as is_resolution_sla_breached,
        case when t.first_response_at_problem is null and tb.has_business_schedule then
            coalesce(tb.first_response_elapsed > sla.first_response_target_minutes, false)
        end as is_first_response_business_sla_breached,
        case when t.solved_at_problem is null and tb.has_business_schedule then
            coalesce(tb.resolution_elapsed > sla.resolution_target_minutes, false)
        end as is_resolution_business_sla_breached,
        coalesce(t.first_response_at_problem, t.solved_at_problem, t.reopened_count_problem,
            t.downtime_minutes_problem) is not null as has_unusable_values,
        t.created_at, t.first_response_at, t.solved_at
    from in_scope as t
    left join floor.sla_targets as sla on t.priority = sla.priority
    left join floor.stg_crm__contacts as c on t.requester_contact_id = c.contact_id
    left join ticket_business as tb on t.ticket_id = tb.ticket_id
)
select
    *,
    is_first_response_sla_breached or is_resolution_sla_breached as is_sla_breached,
    is_first_response_business_sla_breached or is_resolution_business_sla_breached as is_business_sla_breached
from measured;

create or replace table floor.fct_survey_invitations as
with responses_by_invitation as (
    select invitation_id, count(*) as responses, min(responded_at) as first_responded_at
    from floor.stg_survey__responses
    where responded_at <= getvariable('as_of_at')
    group by invitation_id
)
select
    i.invitation_id, i.campaign_id, i.contact_id, c.account_id, i.trigger_ticket_id, i.survey_type, i.channel,
    coalesce(c.role, 'unknown') as respondent_role,
    coalesce(v.region, 'unknown') as region,
    coalesce(v.plan, 'unknown') as plan,
    coalesce(v.industry, 'unknown') as industry,
    coalesce(r.responses, 0) as responses,
    t.ticket_id is not null as has_known_trigger_ticket,
    r.invitation_id is not null as is_responded,
    i.sent_at,
    cast(date_trunc('month', i.sent_at) as date) as sent_month,
    r.first_responded_at
from floor.stg_survey__invitations as i
inner join floor.stg_crm__contacts as c on i.contact_id = c.contact_id
left join floor.int_account_versions as v
    on c.account_id = v.account_id
    and (v.valid_from is null or v.valid_from <= i.sent_at)
    and (v.valid_to is null or i.sent_at < v.valid_to)
left join responses_by_invitation as r on i.invitation_id = r.invitation_id
left join floor.stg_support__tickets as t on i.trigger_ticket_id = t.ticket_id
where i.sent_at <= getvariable('as_of_at');

create or replace table floor.fct_nps_responses as
select
    r.response_id, r.invitation_id, r.campaign_id, r.contact_id, c.account_id, i.trigger_ticket_id, i.survey_type,
    coalesce(c.role, 'unknown') as respondent_role,
    coalesce(v.region, 'unknown') as region,
    coalesce(v.plan, 'unknown') as plan,
    coalesce(v.industry, 'unknown') as industry,
    v.country,
    r.score,
    case when r.score >= 9 then 'promoter' when r.score >= 7 then 'passive' when r.score >= 0 then 'detractor' end
        as nps_category,
    r.comment, r.tags, v.employee_count, v.arr_usd,
    date_diff('minute', i.sent_at, r.responded_at) as response_lag_calendar_minutes,
    r.comment is not null as has_comment,
    coalesce(a.churned_at <= r.responded_at, false) as is_after_account_churn,
    r.responded_at,
    cast(date_trunc('month', r.responded_at) as date) as response_month,
    i.sent_at
from floor.stg_survey__responses as r
inner join floor.stg_survey__invitations as i on r.invitation_id = i.invitation_id
inner join floor.stg_crm__contacts as c on r.contact_id = c.contact_id
inner join floor.stg_crm__accounts as a on c.account_id = a.account_id
left join floor.int_account_versions as v
    on c.account_id = v.account_id
    and (v.valid_from is null or v.valid_from <= r.responded_at)
    and (v.valid_to is null or r.responded_at < v.valid_to)
where r.responded_at <= getvariable('as_of_at');

-- Marts ------------------------------------------------------------------------------------------
create or replace table floor.mart_nps_monthly as
with
responses_by_account as (
    select
        response_month as month, survey_type, respondent_role, region, plan, industry, account_id,
        count(*) as responses,
        count(*) filter (where nps_category = 'promoter') as promoters,
        count(*) filter (where nps_category = 'passive') as passives,
        count(*) filter (where nps_category = 'detractor') as detractors,
        count(*) filter (where has_comment) as comments
    from floor.fct_nps_responses
    group by all
),
responses_by_segment as (
    select
        month, survey_type, respondent_role, region, plan, industry,
        sum(responses) as responses, sum(promoters) as promoters, sum(passives) as passives,
        sum(detractors) as detractors, sum(comments) as comments,
        count(*) as accounts,
        sum(promoters - detractors) as y,
        sum((promoters - detractors) * (promoters - detractors)) as yy,
        sum((promoters - detractors) * responses) as yn,
        sum(responses * responses) as nn
    from responses_by_account
    group by all
),
invitations_by_segment as (
    select
        sent_month as month, survey_type, respondent_role, region, plan, industry,
        count(*) as invitations,
        count(*) filter (where is_responded) as responded_invitations
    from floor.fct_survey_invitations
    group by all
),
segments as (
    select
        month, survey_type, respondent_role, region, plan, industry,
        coalesce(r.responses, 0) as responses,
        coalesce(r.promoters, 0) as promoters,
        coalesce(r.passives, 0) as passives,
        coalesce(r.detractors, 0) as detractors,
        coalesce(r.comments, 0) as comments,
        coalesce(r.accounts, 0) as accounts, r.y, r.yy, r.yn, r.nn,
        coalesce(i.invitations, 0) as invitations,
        coalesce(i.responded_invitations, 0) as responded_invitations
    from responses_by_segment as r
    full outer join invitations_by_segment as i
        using (month, survey_type, respondent_role, region, plan, industry)
),
variances as (
    select
        *,
        case when responses > 0 then (1.0 * promoters / responses) + (1.0 * detractors / responses)
            - ((1.0 * promoters / responses) - (1.0 * detractors / responses))
            * ((1.0 * promoters / responses) - (1.0 * detractors / responses)) end as svar,
        case when accounts >= 2 then 1.0 * accounts / (accounts - 1)
            * greatest(1.0 * yy - 2.0 * (1.0 * y / responses) * yn + (1.0 * y / responses) * (1.0 * y / responses) * nn, 0.0)
            / (1.0 * responses * responses) end as clvar
    from segments
)
select
    * exclude (accounts, y, yy, yn, nn, svar, clvar),
    case when responses > 0 then 100.0 * (promoters - detractors) / responses end as nps,
    case when responses > 0 then 196.0 * sqrt(greatest(
        (1.0 * promoters / responses) + (1.0 * detractors / responses)
        - ((1.0 * promoters / responses) - (1.0 * detractors / responses))
        * ((1.0 * promoters / responses) - (1.0 * detractors / responses)),
        0.0) / responses) end as nps_moe_95,
    -- accounts as clusters: t(0.975, k - 1) * sqrt(k/(k-1) * sum((y_i - r n_i)^2) / n^2)
    case when clvar is not null then 100.0 * (case
        when accounts - 1 < 10 then [12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622][accounts - 1]
        else 1.96 + 2.3724 / (accounts - 1) + 2.8226 / ((accounts - 1) ^ 2) + 2.5561 / ((accounts - 1) ^ 3)
    end) * sqrt(clvar) end as nps_moe_95_clustered,
    case when svar > 0 then clvar / (svar / responses) end as design_effect,
    case when svar > 0 and clvar > 0 then responses / (clvar / (svar / responses)) end as effective_responses,
    case when invitations > 0 then 1.0 * responded_invitations / invitations end as response_rate,
    case when responses > 0 then 1.0 * comments / responses end as comment_rate
from variances;

create or replace table floor.mart_nps_summary as
with
totals as (
    select
        count(*) as responses,
        count(*) filter (where nps_category = 'promoter') as promoters,
        count(*) filter (where nps_category = 'passive') as passives,
        count(*) filter (where nps_category = 'detractor') as detractors
    from floor.fct_nps_responses
),
invitation_totals as (
    select count(*) as invitations, count(*) filter (where is_responded) as responded_invitations
    from floor.fct_survey_invitations
),
by_account as (
    select
        count(*) filter (where nps_category = 'promoter') - count(*) filter (where nps_category = 'detractor') as y,
        count(*) as n
    from floor.fct_nps_responses
    group by account_id
),
variances as (
    select
        case when t.responses > 0 then (1.0 * t.promoters / t.responses) + (1.0 * t.detractors / t.responses)
            - ((1.0 * t.promoters / t.responses) - (1.0 * t.detractors / t.responses))
            * ((1.0 * t.promoters / t.responses) - (1.0 * t.detractors / t.responses)) end as svar,
        case when count(*) >= 2 then 1.0 * count(*) / (count(*) - 1)
            * greatest(sum(b.y * b.y) - 2.0 * (1.0 * sum(b.y) / t.responses) * sum(b.y * b.n)
                + (1.0 * sum(b.y) / t.responses) * (1.0 * sum(b.y) / t.responses) * sum(b.n * b.n), 0.0)
            / (1.0 * t.responses * t.responses) end as clvar,
        count(*) as accounts
    from by_account as b
    cross join totals as t
    group by t.responses, t.promoters, t.detractors
)
select
    getvariable('as_of_at') as as_of_at,
    t.responses, t.promoters, t.passives, t.detractors,
    case when t.responses > 0 then 100.0 * (t.promoters - t.detractors) / t.responses end as nps,
    case when t.responses > 0 then 196.0 * sqrt(greatest(
        (1.0 * t.promoters / t.responses) + (1.0 * t.detractors / t.responses)
        - ((1.0 * t.promoters / t.responses) - (1.0 * t.detractors / t.responses))
        * ((1.0 * t.promoters / t.responses) - (1.0 * t.detractors / t.responses)),
        0.0) / t.responses) end as nps_moe_95,
    case when v.clvar is not null then 100.0 * (case
        when v.accounts - 1 < 10 then [12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622][v.accounts - 1]
        else 1.96 + 2.3724 / (v.accounts - 1) + 2.8226 / ((v.accounts - 1) ^ 2) + 2.5561 / ((v.accounts - 1) ^ 3)
    end) * sqrt(v.clvar) end as nps_moe_95_clustered,
    case when v.svar > 0 then v.clvar / (v.svar / t.responses) end as design_effect,
    case when v.svar > 0 and v.clvar > 0 then t.responses / (v.clvar / (v.svar / t.responses)) end as effective_responses,
    i.invitations, i.responded_invitations,
    case when i.invitations > 0 then 1.0 * i.responded_invitations / i.invitations end as response_rate,
    (select count(*) from floor.quarantine_rows) as quarantined_rows,
    (
        select count(*) from accounts_validated
        cross join unnest([arr_problem, currency_problem, employee_count_problem,
            contract_start_date_problem, renewal_date_problem, churned_at_problem]) as p(problem)
        where row_status = 'staged' and problem is not null
    ) + (
        select count(*) from contacts_validated
        cross join unnest([role_problem, created_at_problem]) as p(problem)
        where row_status = 'staged' and problem is not null
    ) + (
        select count(*) from tickets_validated
        cross join unnest([first_response_at_problem, solved_at_problem, reopened_count_problem,
            downtime_minutes_problem]) as p(problem)
        where row_status = 'staged' and problem is not null
    ) as unusable_values
from totals as t
cross join invitation_totals as i
left join variances as v on true;

-- Finance headline marts, as of the build date only ---------------------------------------------
-- (dbt also computes every earlier quarter end for the backtest; these two marts keep only the
-- build's as_of, so the floor computes that date alone.)
create or replace table floor.churn_rate_priors as
select * from read_csv(
    getvariable('seed_dir') || '/churn_rate_priors.csv', header = true,
    columns = {'horizon_days': 'integer', 'prior_alpha': 'double', 'prior_beta': 'double', 'prior_source': 'varchar'}
);
create or replace table floor.flat_rule_rates as
select * from read_csv(
    getvariable('seed_dir') || '/flat_rule_rates.csv', header = true,
    columns = {'nps_category': 'varchar', 'effect': 'varchar', 'revenue_share': 'double',
        'within_days': 'integer', 'rule_source': 'varchar'}
);

-- Each response up to as_of from an account not yet churned: did the account churn within each
-- horizon, counted only when the whole horizon lies before as_of (right-censoring).
create or replace temp table churn_outcomes as
select
    r.score, r.nps_category,
    case when a.churned_at <= getvariable('as_of_at') then date_diff('day', r.responded_at, a.churned_at) end
        as days_to_churn,
    r.responded_at + interval 90 day <= getvariable('as_of_at') as is_eligible_90d,
    coalesce(r.responded_at + interval 90 day <= getvariable('as_of_at')
        and a.churned_at <= r.responded_at + interval 90 day, false) as is_churned_within_90d,
    r.responded_at + interval 180 day <= getvariable('as_of_at') as is_eligible_180d,
    coalesce(r.responded_at + interval 180 day <= getvariable('as_of_at')
        and a.churned_at <= r.responded_at + interval 180 day, false) as is_churned_within_180d,
    r.responded_at + interval 365 day <= getvariable('as_of_at') as is_eligible_365d,
    coalesce(r.responded_at + interval 365 day <= getvariable('as_of_at')
        and a.churned_at <= r.responded_at + interval 365 day, false) as is_churned_within_365d
from floor.fct_nps_responses as r
inner join floor.stg_crm__accounts as a on r.account_id = a.account_id
where not r.is_after_account_churn;

create or replace table floor.mart_churn_by_score as
with
counted as (
    select
        case when grouping(score) = 0 then cast(score as varchar) else nps_category end as score_group,
        case when grouping(score) = 0 then 'score' else 'category' end as group_type,
        count(*) as responses,
        count(*) filter (where is_eligible_90d) as e90,
        count(*) filter (where is_churned_within_90d) as c90,
        count(*) filter (where is_eligible_180d) as e180,
        count(*) filter (where is_churned_within_180d) as c180,
        count(*) filter (where is_eligible_365d) as e365,
        count(*) filter (where is_churned_within_365d) as c365,
        count(days_to_churn) as churned_by_as_of,
        quantile_cont(days_to_churn, 0.5) as median_days_to_churn
    from churn_outcomes
    group by grouping sets ((score, nps_category), (nps_category))
),
grid as (
    select
        cast(s as varchar) as score_group, 'score' as group_type, s as score,
        case when s >= 9 then 'promoter' when s >= 7 then 'passive' else 'detractor' end as nps_category
    from range(11) as t(s)
    union all
    select c, 'category', null, c from (values ('detractor'), ('passive'), ('promoter')) as t(c)
),
filled as (
    select
        g.score_group, g.group_type, g.score, g.nps_category,
        coalesce(c.responses, 0) as responses,
        coalesce(c.e90, 0) as e90, coalesce(c.c90, 0) as c90,
        coalesce(c.e180, 0) as e180, coalesce(c.c180, 0) as c180,
        coalesce(c.e365, 0) as e365, coalesce(c.c365, 0) as c365,
        coalesce(c.churned_by_as_of, 0) as churned_by_as_of,
        c.median_days_to_churn
    from grid as g
    left join counted as c on g.group_type = c.group_type and g.score_group = c.score_group
)
select
    score_group, group_type, score, nps_category, responses,
    e90 as responses_eligible_90d, c90 as churned_within_90d,
    case when e90 > 0 then cast(c90 as double) / e90 end as churn_rate_90d,
    e180 as responses_eligible_180d, c180 as churned_within_180d,
    case when e180 > 0 then cast(c180 as double) / e180 end as churn_rate_180d,
    e365 as responses_eligible_365d, c365 as churned_within_365d,
    case when e365 > 0 then cast(c365 as double) / e365 end as churn_rate_365d,
    churned_by_as_of, median_days_to_churn
from filled;

create or replace table floor.mart_revenue_at_risk as
with
-- Churn probability by current category: Beta-smoothed rate of the responses with a complete
-- horizon ('unsurveyed' has none: the prior mean).
probabilities as (
    select
        k.nps_category,
        coalesce(o.e90, 0) as e90,
        coalesce(o.e365, 0) as e365,
        (p90.prior_alpha + coalesce(o.c90, 0)) / (p90.prior_alpha + p90.prior_beta + coalesce(o.e90, 0)) as p90,
        (p365.prior_alpha + coalesce(o.c365, 0)) / (p365.prior_alpha + p365.prior_beta + coalesce(o.e365, 0)) as p365
    from (values ('detractor'), ('passive'), ('promoter'), ('unsurveyed')) as k(nps_category)
    left join (
        select
            nps_category,
            count(*) filter (where is_eligible_90d) as e90,
            count(*) filter (where is_churned_within_90d) as c90,
            count(*) filter (where is_eligible_365d) as e365,
            count(*) filter (where is_churned_within_365d) as c365
        from churn_outcomes
        group by nps_category
    ) as o on k.nps_category = o.nps_category
    cross join (select * from floor.churn_rate_priors where horizon_days = 90) as p90
    cross join (select * from floor.churn_rate_priors where horizon_days = 365) as p365
),
-- The current category: the latest decision-maker response of the 365 days to as_of, else the
-- latest response of anyone.
current_categories as (
    select
        account_id, response_id, nps_category, responded_at,
        case when respondent_role = 'decision_maker' and responded_at > getvariable('as_of_at') - interval 365 day
            then 'decision_maker_365d' else 'latest_response' end as category_source
    from floor.fct_nps_responses
    qualify row_number() over (
        partition by account_id
        order by
            case when respondent_role = 'decision_maker'
                and responded_at > getvariable('as_of_at') - interval 365 day then 0 else 1 end,
            responded_at desc, response_id desc
    ) = 1
),
active_accounts as (
    select
        a.account_id, a.renewal_date,
        coalesce(v.region, 'unknown') as region,
        coalesce(v.plan, 'unknown') as plan,
        coalesce(v.industry, 'unknown') as industry,
        v.arr_usd
    from floor.stg_crm__accounts as a
    left join floor.int_account_versions as v
        on a.account_id = v.account_id
        and (v.valid_from is null or v.valid_from <= getvariable('as_of_at'))
        and (v.valid_to is null or getvariable('as_of_at') < v.valid_to)
    where (a.contract_start_date is null or a.contract_start_date <= cast(getvariable('as_of_at') as date))
        and (a.churned_at is null or getvariable('as_of_at') < a.churned_at)
)
select
    a.account_id, a.region, a.plan, a.industry,
    coalesce(c.nps_category, 'unsurveyed') as current_category,
    coalesce(c.category_source, 'none') as category_source,
    c.response_id as category_response_id,
    cast(date_trunc('month', a.renewal_date) as date) as renewal_month,
    a.arr_usd,
    a.arr_usd is null as is_arr_missing,
    p.p90 as churn_probability_90d,
    p.p365 as churn_probability_365d,
    p.e90 as calibration_responses_90d,
    p.e90 = 0 as is_prior_only_90d,
    a.arr_usd * p.p90 as expected_arr_at_risk_90d,
    p.e365 as calibration_responses_365d,
    p.e365 = 0 as is_prior_only_365d,
    a.arr_usd * p.p365 as expected_arr_at_risk_365d,
    a.arr_usd * case when f.effect = 'loss' and f.within_days <= 90 then f.revenue_share else 0 end
        as flat_rule_arr_at_risk_90d,
    a.arr_usd * case when f.effect = 'loss' and f.within_days <= 365 then f.revenue_share else 0 end
        as flat_rule_arr_at_risk_365d,
    a.arr_usd * case when f.effect = 'new_revenue' then f.revenue_share else 0 end as potential_referral_arr,
    coalesce(a.renewal_date <= cast(getvariable('as_of_at') + interval 90 day as date), false) as is_renewal_within_90d,
    coalesce(a.renewal_date <= cast(getvariable('as_of_at') + interval 365 day as date), false) as is_renewal_within_365d,
    a.renewal_date,
    c.responded_at as category_responded_at,
    getvariable('as_of_at') as as_of_at
from active_accounts as a
left join current_categories as c on a.account_id = c.account_id
inner join probabilities as p on coalesce(c.nps_category, 'unsurveyed') = p.nps_category
left join floor.flat_rule_rates as f on c.nps_category = f.nps_category;
