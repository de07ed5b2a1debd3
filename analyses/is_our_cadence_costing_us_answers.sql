{#- Is our cadence costing us answers? Response and comment rates, with 95% intervals, by the
    invitations a contact had received in the year before and by the days since the previous one.
    A cost shows as the high bands' intervals sitting below the low bands'. -#}
with

fatigue as (
    select * from {{ ref('mart_survey_fatigue') }}
    where survey_type = 'all'
),

rates as (
    select
        fatigue_dimension,
        band,
        invitations,
        round(response_rate, 3) as response_rate,
        round(response_rate_low_95, 3) as response_rate_low_95,
        round(response_rate_high_95, 3) as response_rate_high_95,
        round(comment_rate, 3) as comment_rate,
        band_order
    from fatigue
)

select * from rates
order by fatigue_dimension desc, band_order asc
