{#- The calibrated churn probabilities the revenue forecast uses, as of the build date, with every
    input of the smoothing so finance can recompute each number. -#}
with

probabilities as (
    select probabilities.*
    from {{ ref('int_churn_probabilities') }} as probabilities
    inner join {{ ref('int_forecast_as_of_dates') }} as forecast_dates
        on probabilities.as_of_at = forecast_dates.as_of_at
    where forecast_dates.is_build_as_of
)

select * from probabilities
