{#- Does following up a detractor in time go with a better next score and less churn? -#}
with

alerts as (
    select * from {{ ref('mart_close_the_loop') }}
    where nps_category = 'detractor'
),

by_status as (
    select
        followup_status,
        count(*) as detractors,
        {{ count_where('next_score is not null') }} as with_next_response,
        round(avg(next_score - score), 2) as mean_score_change,
        round(avg(case when is_account_churned_after then 1.0 else 0.0 end), 3) as churned_after_share
    from alerts
    group by followup_status
)

select * from by_status
order by followup_status
