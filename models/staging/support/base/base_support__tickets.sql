{#- Every row of every landing file of support_tickets, all columns as text, plus the file and row it came from. -#}
with

landing as (
    {{ landing_relation('support', 'support_tickets') }}
)

select * from landing
