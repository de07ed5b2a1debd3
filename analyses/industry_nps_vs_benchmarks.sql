{#- How does each industry's relationship NPS (12 months to as_of) compare with the 2014 published
    benchmarks, and is the gap larger than our margin of error? -#}
with

benchmarks as (
    select * from {{ ref('mart_nps_benchmarks') }}
    where survey_type = 'relationship'
),

compared as (
    select
        industry,
        benchmark_name,
        benchmark_kind,
        responses,
        round(nps, 1) as nps,
        round(nps_moe_95, 1) as nps_moe_95,
        benchmark_nps_low,
        benchmark_nps_high,
        round(nps_gap, 1) as nps_gap,
        is_gap_beyond_moe
    from benchmarks
)

select * from compared
order by industry, benchmark_kind, benchmark_name
