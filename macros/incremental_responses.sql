{#- Models built by increments, by response or by invitation.
    - Per response: fct_nps_responses, int_response_themes, int_response_ticket_windows and
      mart_sentiment_vs_resolution hold rows keyed by response, and a response's rows depend only
      on its own staged row (and, through the validated models, its invitation, contact and
      account: a parent validated again brings its children back, rows_to_validate), on its
      account's tickets in the window before it and its trigger ticket, on as_of, and on the
      project's settings.
    - Per invitation: fct_survey_invitations holds one row per invitation, which depends only on
      its own staged row (its contact and account as above), the responses to it, whether its
      trigger ticket is staged, as_of and the settings.
    - Per contact: int_invitation_history holds one row per invitation, which depends on every
      invitation of the same contact in fct_survey_invitations (and the comments of their
      responses), so it is recomputed contact by contact.
    - Per campaign and contact: int_relationship_campaign_contacts holds one row per relationship
      campaign and contact, which depends on the campaign's first and last send and on the
      contact's own responses, account and invitations, so it is recomputed for every campaign
      whose first or last send moved (each row keeps them) and every contact whose responses or
      invitations changed.
    An incremental build deletes the rows of the responses (invitations, contacts) whose inputs may have
    changed since the build that last finished the model, and inserts them again, computed as a
    full build computes them; anything it cannot vouch for (no earlier build recorded, other
    settings, seeds or models) recomputes every row. -#}

{% macro per_response_model_config(with_tickets=false) %}
    {#- A per-response model's materialization (recomputed_model_config). The refs make dbt order
        the model after what responses_to_recompute reads (refs inside an is_incremental() branch
        are not seen at parse time); not in a unit test, which would need a fixture for each and
        computes every response anyway. -#}
    {%- set in_unit_test = model is defined and model.resource_type == 'unit_test' -%}
    {%- if not in_unit_test -%}
    {%- set _ = [ref('int_build_settings'), ref('int_build_as_of'), ref('base_survey__responses_validated'),
        ref('stg_survey__responses')] -%}
    {%- endif -%}
    {%- if with_tickets and not in_unit_test -%}
    {%- set _ = [ref('base_support__tickets_validated'), ref('stg_support__tickets'), ref('fct_nps_responses')] -%}
    {%- endif -%}
    {{ recomputed_model_config('response', with_tickets) }}
{% endmacro %}


{% macro per_invitation_model_config() %}
    {#- A per-invitation model's materialization (recomputed_model_config), ordered after what
        invitations_to_recompute reads, as per_response_model_config is. -#}
    {%- if not (model is defined and model.resource_type == 'unit_test') -%}
    {%- set _ = [ref('int_build_settings'), ref('int_build_as_of'), ref('base_survey__invitations_validated'),
        ref('base_survey__responses_validated'), ref('base_support__tickets_validated'),
        ref('stg_survey__invitations'), ref('stg_survey__responses')] -%}
    {%- endif -%}
    {{ recomputed_model_config('invitation') }}
{% endmacro %}


{% macro per_contact_model_config() %}
    {#- A per-contact model's materialization (recomputed_model_config), ordered after what
        contacts_to_recompute reads, as per_response_model_config is. -#}
    {%- if not (model is defined and model.resource_type == 'unit_test') -%}
    {%- set _ = [ref('int_build_settings'), ref('int_build_as_of'), ref('base_survey__invitations_validated'),
        ref('base_survey__responses_validated'), ref('base_support__tickets_validated'),
        ref('stg_survey__invitations'), ref('stg_survey__responses')] -%}
    {%- endif -%}
    {{ recomputed_model_config('contact') }}
{% endmacro %}


{% macro per_campaign_contact_model_config() %}
    {#- A per-campaign-and-contact model's materialization: incremental on DuckDB and PostgreSQL
        (append after the pre-hook delete_recomputed_campaign_contacts), a table on Spark; ordered
        after what relationship_campaign_bounds and answering_contacts_to_recompute read, as
        per_response_model_config is. -#}
    {%- if not (model is defined and model.resource_type == 'unit_test') -%}
    {%- set _ = [ref('int_build_settings'), ref('int_build_as_of'), ref('base_survey__invitations_validated'),
        ref('base_survey__responses_validated'), ref('base_support__tickets_validated'),
        ref('stg_survey__invitations'), ref('stg_survey__responses'), ref('fct_survey_invitations')] -%}
    {%- endif -%}
    {{ config(
        materialized='table' if target.type == 'spark' else 'incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_recomputed_campaign_contacts() }}",
    ) }}
{% endmacro %}


{% macro recomputed_model_config(grain, with_tickets=false) %}
    {#- Incremental on DuckDB and PostgreSQL (append after the pre-hook delete_recomputed deletes
        the rows of the `grain` ids recomputed), a table on Spark, whose plain Parquet tables
        cannot delete rows. -#}
    {{ config(
        materialized='table' if target.type == 'spark' else 'incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_recomputed('" ~ grain ~ "', " ~ ('true' if with_tickets else 'false') ~ ") }}",
    ) }}
{% endmacro %}


{% macro settings_fingerprint() %}
    {#- An md5 over what a per-response row depends on besides the data: every project var but
        as_of (settings_vars), every seed's and every model's checksum (their files). A build whose
        fingerprint differs from the one of the build that last finished a per-response model
        recomputes every response. Macros are not in dbt's graph: after changing one, build with
        --full-refresh. Empty where nothing runs (parsing). -#}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set parts = [] -%}
    {%- for name in settings_vars() -%}
        {%- do parts.append('var ' ~ name ~ '=' ~ tojson(var(name, none))) -%}
    {%- endfor -%}
    {%- for node in graph.nodes.values() if node.resource_type in ('seed', 'model') and node.package_name == project_name -%}
        {%- do parts.append(node.unique_id ~ '=' ~ node.checksum.checksum) -%}
    {%- endfor -%}
    {{ return(local_md5(parts | sort | join('\n'))) }}
{% endmacro %}


{% macro settings_vars() %}
    {#- Every var the project's models and macros read, but as_of (whose moves are followed
        response by response) and bi_reader_role (grants only). tests/python/test_incremental_plan.py
        checks that no var read anywhere is missing here. -#}
    {{ return([
        'account_health_high_nps_below', 'account_health_lookback_days', 'account_health_medium_nps_below',
        'account_health_medium_sla_breaches', 'account_health_recent_days', 'account_health_trend_days',
        'arr_usd_bands', 'benchmark_window_months', 'churn_horizons_days', 'drivers_slow_resolution_hours',
        'employee_count_bands', 'fatigue_days_since_previous_bands', 'fatigue_lookback_days',
        'fatigue_previous_invitation_bands', 'fatigue_response_window_days', 'forecast_decision_maker_days',
        'integrity_band_sds', 'integrity_jump_factor', 'integrity_min_evidence', 'integrity_min_score_edits',
        'integrity_min_z', 'integrity_skew_min_difference', 'integrity_trailing_months',
        'nonresponse_window_days', 'nps_change_min_responses', 'promoter_profile_window_days',
        'resolution_bucket_edges_hours', 'sla_clock', 'survey_cycle_days', 'survey_min_gap_days',
        'ticket_window_days', 'time_spine_end', 'time_spine_start', 'volume_band', 'volume_check_days',
        'volume_trailing_days',
    ]) }}
{% endmacro %}


{% macro recompute_since() %}
    {#- The build whose rows an incremental per-response or per-invitation model can keep: the number of the build
        that last finished it, when that build is recorded in int_build_settings with this build's
        settings fingerprint and both builds have an as_of (a landing folder without any event has
        none); else none (recompute every row). Also none on a full build and where nothing
        runs (parsing, unit tests): the model computes every row then anyway. -#}
    {%- if not execute or not is_incremental_build() -%}{{ return(none) }}{%- endif -%}
    {%- set since = run_query("select " ~ last_finished_build(this.identifier)).rows[0][0] -%}
    {%- if not since -%}{{ return(none) }}{%- endif -%}
    {%- set rows = run_query(
        "select settings.settings_fingerprint from " ~ ref('int_build_settings') ~ " as settings cross join "
        ~ ref('int_build_as_of') ~ " as current_build where settings.build_number = " ~ since
        ~ " and settings.as_of_at is not null and current_build.as_of_at is not null").rows -%}
    {%- if rows | length != 1 or rows[0][0] != settings_fingerprint() -%}{{ return(none) }}{%- endif -%}
    {{ return(since) }}
{% endmacro %}


{% macro as_of_bounds(since) %}
    {#- SQL: a one-row derived table `bounds` with the earlier (low_at) and later (high_at) of the
        as_of of the build `since` and this build's: what as_of moved over between them. -#}
        (
            select
                case when previous.as_of_at < current_build.as_of_at then previous.as_of_at else current_build.as_of_at end as low_at,
                case when previous.as_of_at < current_build.as_of_at then current_build.as_of_at else previous.as_of_at end as high_at
            from {{ ref('int_build_as_of') }} as current_build
            cross join (
                select as_of_at from {{ ref('int_build_settings') }} where build_number = {{ since }}
            ) as previous
        ) as bounds
{% endmacro %}


{% macro responses_to_recompute(since, with_tickets) %}
    {#- SQL: the ids of the responses whose rows may differ from those the build `since` wrote:
        - every response with a landing row validated again since (new, edited, quarantined or
          superseded, or brought back by its invitation or contact, which an account brings back);
        - every staged response that as_of moved over (responded between the two as_of);
        - with_tickets (models after fct_nps_responses): every response of fct_nps_responses
          whose account has a ticket validated again since
          (each version, so a ticket moved between accounts counts for both) or open at either
          as_of (its elapsed minutes and SLA breach follow as_of), created in the
          ticket_window_days before the response; and every response whose trigger ticket is
          one of them. -#}
    {%- set bounds = as_of_bounds(since) -%}
    select response_id
    from {{ ref('base_survey__responses_validated') }}
    where _build_number > {{ since }} and response_id is not null
    union
    select moved.response_id
    from {{ ref('stg_survey__responses') }} as moved
    cross join {{ bounds }}
    where moved.responded_at > bounds.low_at and moved.responded_at <= bounds.high_at
    {%- if with_tickets %}
    {#- The responses of fct_nps_responses, built before: a response that joined or left it since
        (validated again, or moved over by as_of) is recomputed by the parts above. -#}
    {%- set responses_with_account -%}
        (
            select response_id, account_id, responded_at, trigger_ticket_id
            from {{ ref('fct_nps_responses') }}
        ) as window_responses
    {%- endset -%}
    {%- set changed_tickets -%}
        (
            select ticket_id, account_id, created_at
            from {{ ref('base_support__tickets_validated') }}
            where _build_number > {{ since }}
            union all
            select open_tickets.ticket_id, open_tickets.account_id, open_tickets.created_at
            from {{ ref('stg_support__tickets') }} as open_tickets
            cross join {{ bounds }}
            where open_tickets.created_at <= bounds.high_at
                and (
                    open_tickets.created_at > bounds.low_at
                    or open_tickets.first_response_at is null or open_tickets.first_response_at > bounds.low_at
                    or open_tickets.solved_at is null or open_tickets.solved_at > bounds.low_at
                )
        ) as changed_tickets
    {%- endset %}
    union
    select window_responses.response_id
    from {{ responses_with_account }}
    inner join {{ changed_tickets }}
        on window_responses.account_id = changed_tickets.account_id
            and window_responses.responded_at > changed_tickets.created_at
            and window_responses.responded_at
            <= {{ dbt.dateadd('day', var('ticket_window_days'), 'changed_tickets.created_at') }}
    union
    select window_responses.response_id
    from {{ responses_with_account }}
    inner join {{ changed_tickets }} on window_responses.trigger_ticket_id = changed_tickets.ticket_id
    {%- endif %}
{% endmacro %}


{% macro invitations_to_recompute(since) %}
    {#- SQL: the ids of the invitations whose fct_survey_invitations row may differ from the one the
        build `since` wrote:
        - every invitation with a landing row validated again since (new, edited, quarantined or
          superseded, or brought back by its contact, which an account brings back);
        - every invitation named by a response row validated again since (each version, so a
          response moved between invitations counts for both): its response count and first
          response;
        - every staged invitation sent, or answered by a staged response, between the two as_of;
        - every staged invitation whose trigger ticket has a row validated again since (staged or
          not any more). -#}
    {%- set bounds = as_of_bounds(since) -%}
    select invitation_id
    from {{ ref('base_survey__invitations_validated') }}
    where _build_number > {{ since }} and invitation_id is not null
    union
    select invitation_id
    from {{ ref('base_survey__responses_validated') }}
    where _build_number > {{ since }} and invitation_id is not null
    union
    select moved.invitation_id
    from {{ ref('stg_survey__invitations') }} as moved
    cross join {{ bounds }}
    where moved.sent_at > bounds.low_at and moved.sent_at <= bounds.high_at
    union
    select answered.invitation_id
    from {{ ref('stg_survey__responses') }} as answered
    cross join {{ bounds }}
    where answered.responded_at > bounds.low_at and answered.responded_at <= bounds.high_at
    union
    select triggered.invitation_id
    from {{ ref('stg_survey__invitations') }} as triggered
    where triggered.trigger_ticket_id in (
        select ticket_id from {{ ref('base_support__tickets_validated') }}
        where _build_number > {{ since }} and ticket_id is not null
    )
{% endmacro %}


{% macro contacts_to_recompute(since) %}
    {#- SQL: the ids of the contacts any of whose invitations invitations_to_recompute names, under
        every contact a version of the invitation's landing rows gives (so an invitation moved to
        another contact recomputes the histories of both). -#}
    select distinct contact_id
    from {{ ref('base_survey__invitations_validated') }}
    where contact_id is not null
        and invitation_id in (select invitation_id from ({{ invitations_to_recompute(since) }}) as recomputed)
{% endmacro %}


{% macro answering_contacts_to_recompute(since) %}
    {#- SQL: contacts_to_recompute and the contacts of every version of each response
        responses_to_recompute names (without tickets): a contact whose invitations, answers, or
        account (which brings its contacts' responses back) may have changed. -#}
    {{ contacts_to_recompute(since) }}
    union
    select contact_id
    from {{ ref('base_survey__responses_validated') }}
    where contact_id is not null
        and response_id in (select response_id from ({{ responses_to_recompute(since, false) }}) as recomputed)
{% endmacro %}


{% macro relationship_campaign_bounds() %}
    {#- SQL: each relationship campaign of fct_survey_invitations (its invitations' survey type,
        max() over them) with its first and last send. -#}
    select
        campaign_id,
        min(sent_at) as started_at,
        max(sent_at) as ended_at
    from {{ ref('fct_survey_invitations') }}
    group by campaign_id
    having max(survey_type) = 'relationship'
{% endmacro %}


{% macro campaigns_with_other_bounds(stored, current) %}
    {#- SQL: the campaign ids of the rows of `stored` (a per-campaign-and-contact table with
        campaign_started_at and campaign_ended_at) whose campaign is not in `current` (SQL of
        relationship_campaign_bounds) with the same first and last send: gone, no longer a
        relationship campaign, or sent to more contacts since. -#}
    select stored.campaign_id
    from (select distinct campaign_id, campaign_started_at, campaign_ended_at from {{ stored }}) as stored
    left join ({{ current }}) as current_campaigns
        on stored.campaign_id = current_campaigns.campaign_id
            and stored.campaign_started_at = current_campaigns.started_at
            and stored.campaign_ended_at = current_campaigns.ended_at
    where current_campaigns.campaign_id is null
{% endmacro %}


{% macro recomputed_campaign_ids(all_campaigns) %}
    {#- SQL: the campaigns a per-campaign-and-contact model recomputes, as campaign_id: those of the
        CTE `all_campaigns` (relationship_campaign_bounds) without a row of the same first and last
        send in the model's table, after the pre-hook deleted the rows of campaigns whose bounds
        moved; every campaign on a build that recomputes every row. -#}
    {%- set since = recompute_since() -%}
    {%- if since is none %}
    select campaign_id from {{ all_campaigns }}
    {%- else %}
    select all_campaigns.campaign_id
    from {{ all_campaigns }} as all_campaigns
    left join (select distinct campaign_id, campaign_started_at, campaign_ended_at from {{ this }}) as kept
        on all_campaigns.campaign_id = kept.campaign_id
            and all_campaigns.started_at = kept.campaign_started_at
            and all_campaigns.ended_at = kept.campaign_ended_at
    where kept.campaign_id is null
    {%- endif %}
{% endmacro %}


{% macro recomputed_answering_contact_ids(any_contacts) %}
    {#- SQL: the contacts a per-campaign-and-contact model recomputes in the campaigns it keeps, as
        contact_id: none on a build that recomputes every row (no row of the CTE `any_contacts`),
        else answering_contacts_to_recompute. -#}
    {%- set since = recompute_since() -%}
    {%- if since is none %}
    select contact_id from {{ any_contacts }} where 1 = 0
    {%- else %}
    {{ answering_contacts_to_recompute(since) }}
    {%- endif %}
{% endmacro %}


{% macro delete_recomputed_campaign_contacts() %}
    {#- Pre-hook of a per-campaign-and-contact model: on an incremental build, deletes the rows of
        the campaigns whose first or last send moved, that are gone or no longer relationship
        campaigns (campaigns_with_other_bounds), and of the contacts it recomputes
        (answering_contacts_to_recompute); every row when it recomputes every row; nothing on a
        full build. -#}
    {%- if is_incremental_build() -%}
    {%- set since = recompute_since() -%}
    delete from {{ this }}
    {%- if since is not none %}
    where campaign_id in ({{ campaigns_with_other_bounds(this, relationship_campaign_bounds()) }})
        or contact_id in (select contact_id from ({{ answering_contacts_to_recompute(since) }}) as recomputed)
    {%- endif %}
    {%- endif -%}
{% endmacro %}


{% macro recomputed_ids(grain, since, with_tickets=false) %}
    {#- SQL: the ids an incremental build recomputes since the build `since`, by grain
        ('response', 'invitation' or 'contact'), as a column named <grain>_id. -#}
    {%- if grain == 'invitation' -%}
        {{ return(invitations_to_recompute(since)) }}
    {%- elif grain == 'contact' -%}
        {{ return(contacts_to_recompute(since)) }}
    {%- elif grain == 'response' -%}
        {{ return(responses_to_recompute(since, with_tickets)) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error("recomputed_ids: grain is 'response', 'invitation' or 'contact', not '" ~ grain ~ "'") }}
{% endmacro %}


{% macro where_recomputed(column, grain='response', with_tickets=false) %}
    {#- A where clause keeping the rows of the responses (invitations) an incremental build
        recomputes (nothing when it recomputes every row). -#}
    {%- set since = recompute_since() -%}
    {%- if since is not none %}
    where {{ column }} in (select {{ grain }}_id from ({{ recomputed_ids(grain, since, with_tickets) }}) as recomputed)
    {%- endif %}
{% endmacro %}


{% macro delete_recomputed(grain, with_tickets=false) %}
    {#- Pre-hook of a model built by increments: on an incremental build, deletes the rows of the
        responses (invitations) it recomputes (all rows when it recomputes every row); the model's
        rows are then appended. Nothing on a full build. -#}
    {%- if is_incremental_build() -%}
    {%- set since = recompute_since() -%}
    delete from {{ this }}
    {%- if since is not none %}
    where {{ grain }}_id in (select {{ grain }}_id from ({{ recomputed_ids(grain, since, with_tickets) }}) as recomputed)
    {%- endif %}
    {%- endif -%}
{% endmacro %}
