{#- Which detractors went more than 48 hours (their target) without a follow-up, by owner? Late
    follow-ups count for the owner who finally called; alerts still open at as_of are 'unassigned'. -#}
with

alerts as (
    select * from {{ ref('mart_close_the_loop') }}
),

missed as (
    select
        owner,
        {{ count_where("followup_status = 'open_overdue'") }} as still_open,
        {{ count_where("followup_status = 'closed_late'") }} as followed_up_late,
        count(*) as missed_target,
        max(open_hours) as oldest_open_hours
    from alerts
    where nps_category = 'detractor' and followup_status in ('open_overdue', 'closed_late')
    group by owner
)

select * from missed
order by missed_target desc
