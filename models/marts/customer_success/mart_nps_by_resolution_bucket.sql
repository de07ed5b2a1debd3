with

responses as (
    select * from {{ ref('mart_sentiment_vs_resolution') }}
),

tickets as (
    select
        account_id,
        {#- On the clock of the var sla_clock (calendar or business). -#}
        {{ sla_clock_column('is_sla_breached') }} as is_sla_breached,
        cast({{ dbt.date_trunc('month', 'created_at') }} as date) as created_month
    from {{ ref('fct_support_tickets') }}
),

responses_by_breakdown as (
    select
        survey_type,
        'resolution_bucket' as breakdown,
        resolution_bucket as breakdown_value,
        account_id,
        response_month,
        nps_category,
        attributed_resolution_hours
    from responses

    union all

    select
        survey_type,
        'sla_status' as breakdown,
        sla_status as breakdown_value,
        account_id,
        response_month,
        nps_category,
        attributed_resolution_hours
    from responses

    union all

    select
        survey_type,
        'respondent_role' as breakdown,
        respondent_role as breakdown_value,
        account_id,
        response_month,
        nps_category,
        attributed_resolution_hours
    from responses
),

scores as (
    select
        survey_type,
        breakdown,
        breakdown_value,
        cast(count(*) as {{ dbt.type_bigint() }}) as responses,
        {{ count_where("nps_category = 'promoter'") }} as promoters,
        {{ count_where("nps_category = 'passive'") }} as passives,
        {{ count_where("nps_category = 'detractor'") }} as detractors,
        cast(count(distinct account_id) as {{ dbt.type_bigint() }}) as respondent_accounts,
        {{ percentile_cont_value('attributed_resolution_hours', 0.5) }} as median_attributed_resolution_hours
    from responses_by_breakdown
    group by survey_type, breakdown, breakdown_value
),

account_months as (
    select distinct
        survey_type,
        breakdown,
        breakdown_value,
        account_id,
        response_month
    from responses_by_breakdown
),

internal_sla as (
    {#- The help desk's own view: every ticket the same accounts opened in the same months. -#}
    select
        account_months.survey_type,
        account_months.breakdown,
        account_months.breakdown_value,
        cast(count(tickets.account_id) as {{ dbt.type_bigint() }}) as internal_tickets,
        {{ count_where('not tickets.is_sla_breached') }} as internal_sla_met_tickets,
        {#- A ticket whose breach is unknown (an unusable first response or solve time) is left
            out of the attainment's denominator, not counted as missed. -#}
        cast(count(tickets.is_sla_breached) as {{ dbt.type_bigint() }}) as internal_judged_tickets
    from account_months
    left join tickets
        on account_months.account_id = tickets.account_id
            and account_months.response_month = tickets.created_month
    group by account_months.survey_type, account_months.breakdown, account_months.breakdown_value
),

scored as (
    select
        scores.survey_type,
        scores.breakdown,
        scores.breakdown_value,
        case scores.breakdown
            when 'resolution_bucket' then {{ resolution_bucket_order('scores.breakdown_value') }}
            when 'sla_status'
                then case scores.breakdown_value when 'met' then 1 when 'breached' then 2 else 3 end
            else case scores.breakdown_value when 'end_user' then 1 else 2 end
        end as breakdown_order,
        scores.responses,
        scores.promoters,
        scores.passives,
        scores.detractors,
        scores.respondent_accounts,
        internal_sla.internal_tickets,
        internal_sla.internal_sla_met_tickets,
        {{ nps('scores.promoters', 'scores.detractors', 'scores.responses') }} as nps,
        {{ nps_moe_95('scores.promoters', 'scores.detractors', 'scores.responses') }} as nps_moe_95,
        scores.median_attributed_resolution_hours,
        case
            when internal_sla.internal_judged_tickets > 0
                then cast(internal_sla.internal_sla_met_tickets as {{ type_double() }}) / internal_sla.internal_judged_tickets
        end as internal_sla_attainment
    from scores
    inner join internal_sla
        on scores.survey_type = internal_sla.survey_type
            and scores.breakdown = internal_sla.breakdown
            and scores.breakdown_value = internal_sla.breakdown_value
)

select * from scored
