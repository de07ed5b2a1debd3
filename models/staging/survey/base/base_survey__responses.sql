{#- Every row of every landing file of survey_responses, all columns as text, plus the file and row it came from. -#}
with

landing as (
    {{ landing_relation('survey', 'survey_responses') }}
)

select * from landing
