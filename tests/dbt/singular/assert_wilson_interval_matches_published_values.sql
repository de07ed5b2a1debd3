{#- The Wilson score interval macros against published 95% intervals (Newcombe 1998, "Two-sided
    confidence intervals for the single proportion", table I: 81/263, 15/148, 0/20, 1/29, 29/29)
    and the symmetric 5/10 case; no trials gives null. Literal rows through the macros; returns
    every row more than 0.00005 off (the table's four decimals). -#}
with

cases as (
    select
        81 as successes,
        263 as trials,
        0.2553 as expected_low,
        0.3662 as expected_high
    union all
    select
        15 as successes,
        148 as trials,
        0.0624 as expected_low,
        0.1605 as expected_high
    union all
    select
        0 as successes,
        20 as trials,
        0.0 as expected_low,
        0.1611 as expected_high
    union all
    select
        1 as successes,
        29 as trials,
        0.0061 as expected_low,
        0.1718 as expected_high
    union all
    select
        29 as successes,
        29 as trials,
        0.8830 as expected_low,
        1.0 as expected_high
    union all
    select
        5 as successes,
        10 as trials,
        0.2366 as expected_low,
        0.7634 as expected_high
    union all
    select
        0 as successes,
        0 as trials,
        null as expected_low,
        null as expected_high
),

computed as (
    select
        successes,
        trials,
        expected_low,
        expected_high,
        {{ wilson_interval_low('successes', 'trials') }} as actual_low,
        {{ wilson_interval_high('successes', 'trials') }} as actual_high
    from cases
)

select * from computed
where
    (expected_low is null and (actual_low is not null or actual_high is not null))
    or (expected_low is not null and (
        actual_low is null or actual_high is null
        or abs(actual_low - expected_low) > 0.00005
        or abs(actual_high - expected_high) > 0.00005
    ))
