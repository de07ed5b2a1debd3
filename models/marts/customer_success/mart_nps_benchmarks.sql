{#- NPS of the last 12 months to as_of, by industry and survey type, beside each published
    benchmark matched to the industry (and the average-company range for every industry). -#}
with

responses as (
    select * from {{ ref('fct_nps_responses') }}
),

benchmarks as (
    select * from {{ ref('nps_benchmarks') }}
),

build_as_of as (
    select as_of_at from {{ ref('int_build_as_of') }}
),

industry_scores as (
    select
        responses.industry,
        responses.survey_type,
        cast(count(*) as {{ dbt.type_bigint() }}) as responses,
        {{ count_where("responses.nps_category = 'promoter'") }} as promoters,
        {{ count_where("responses.nps_category = 'detractor'") }} as detractors,
        min(build_as_of.as_of_at) as as_of_at
    from responses
    cross join build_as_of
    where responses.responded_at > {{ dbt.dateadd('month', -var('benchmark_window_months'), 'build_as_of.as_of_at') }}
    group by responses.industry, responses.survey_type
),

scored as (
    select
        industry,
        survey_type,
        responses,
        promoters,
        detractors,
        {{ nps('promoters', 'detractors', 'responses') }} as nps,
        {{ nps_moe_95('promoters', 'detractors', 'responses') }} as nps_moe_95,
        as_of_at
    from industry_scores
),

compared as (
    select
        scored.industry,
        scored.survey_type,
        benchmarks.benchmark_name,
        benchmarks.benchmark_kind,
        benchmarks.benchmark_sector,
        benchmarks.source,
        benchmarks.source_year,
        scored.responses,
        scored.promoters,
        scored.detractors,
        scored.nps,
        scored.nps_moe_95,
        benchmarks.benchmark_nps_low,
        benchmarks.benchmark_nps_high,
        scored.nps - (benchmarks.benchmark_nps_low + benchmarks.benchmark_nps_high) / 2.0 as nps_gap,
        coalesce(
            scored.nps - scored.nps_moe_95 > benchmarks.benchmark_nps_high
            or scored.nps + scored.nps_moe_95 < benchmarks.benchmark_nps_low,
            false
        ) as is_gap_beyond_moe,
        {{ dbt.dateadd('month', -var('benchmark_window_months'), 'scored.as_of_at') }} as window_start_at,
        scored.as_of_at
    from scored
    inner join benchmarks
        on scored.industry = benchmarks.matched_industry or benchmarks.matched_industry = 'all'
)

select * from compared
