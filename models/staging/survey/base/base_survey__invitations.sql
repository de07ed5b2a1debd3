{#- Every row of every landing file of survey_invitations, all columns as text, plus the file and row it came from. -#}
with

landing as (
    {{ landing_relation('survey', 'survey_invitations') }}
)

select * from landing
