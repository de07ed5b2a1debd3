{#- Every row of every landing file of crm_contacts, all columns as text, plus the file and row it came from. -#}
with

landing as (
    {{ landing_relation('crm', 'crm_contacts') }}
)

select * from landing
