{#- Every row of every landing file of crm_accounts, all columns as text, plus the file and row it came from. -#}
with

landing as (
    {{ landing_relation('crm', 'crm_accounts') }}
)

select * from landing
