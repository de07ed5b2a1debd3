{#- mart_nps_drivers splits each survey type's responses in two, so for every driver with both
    sides nps_without + points_at_stake (= share × gap) is the survey type's NPS from the facts.
    Returns the drivers where it is not (beyond rounding). -#}
with

drivers as (
    select * from {{ ref('mart_nps_drivers') }}
    where nps_without is not null
),

survey_type_nps as (
    select
        survey_type,
        cast(count(*) as {{ dbt.type_bigint() }}) as responses,
        {{ nps(count_where("nps_category = 'promoter'"), count_where("nps_category = 'detractor'"), 'count(*)') }}
            as nps
    from {{ ref('fct_nps_responses') }}
    group by survey_type
),

mismatches as (
    select
        drivers.survey_type,
        drivers.driver_type,
        drivers.driver,
        drivers.nps_without + drivers.points_at_stake as rebuilt_nps,
        survey_type_nps.nps
    from drivers
    inner join survey_type_nps on drivers.survey_type = survey_type_nps.survey_type
    where
        abs(drivers.nps_without + drivers.points_at_stake - survey_type_nps.nps) > 1e-6
        or drivers.responses <> survey_type_nps.responses
)

select * from mismatches
