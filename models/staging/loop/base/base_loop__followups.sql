{#- Every row of every landing file of loop_followups, all columns as text, plus the file and row it came from. -#}
with

landing as (
    {{ landing_relation('loop', 'loop_followups') }}
)

select * from landing
