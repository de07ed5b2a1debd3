{#- Every row of every landing file of support_tickets, all columns as text, plus the file and row it came from. -#}
{#- Its pre-hook finds the rows that are not valid UTF-8 at run time (landing_read_check). -#}
{{ config(pre_hook="{{ landing_read_check('support_tickets') }}") }}

with

landing as (
    {{ landing_relation('support', 'support_tickets') }}
)

select * from landing
