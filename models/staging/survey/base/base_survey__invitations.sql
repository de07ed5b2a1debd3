{#- Every row of every landing file of survey_invitations, all columns as text, plus the file and row it came from. -#}
{#- Its pre-hook finds the rows that are not valid UTF-8 at run time (landing_read_check). -#}
{{ config(pre_hook="{{ landing_read_check('survey_invitations') }}") }}

with

landing as (
    {{ landing_relation('survey', 'survey_invitations') }}
)

select * from landing
