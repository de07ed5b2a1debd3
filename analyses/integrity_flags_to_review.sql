{#- Customer-success operations: every integrity signal that fired, with its evidence, for review
    before the figures go to leadership. -#}
with

integrity as (
    select * from {{ ref('mart_nps_integrity') }}
    where is_flagged
),

to_review as (
    select
        signal,
        subject_type,
        subject,
        campaign_month,
        evidence,
        observed_value,
        expected_value,
        deviation_z
    from integrity
)

select * from to_review
order by signal, subject
