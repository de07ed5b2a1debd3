{#- Every row of every landing file of crm_accounts, all columns as text, plus the file and row it came from. -#}
{#- Its pre-hook finds the rows that are not valid UTF-8 at run time (landing_read_check). -#}
{{ config(pre_hook="{{ landing_read_check('crm_accounts') }}") }}

with

landing as (
    {{ landing_relation('crm', 'crm_accounts') }}
)

select * from landing
