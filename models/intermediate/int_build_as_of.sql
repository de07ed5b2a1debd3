{#- The build's 'now', one row. The as_of var when set (a bare date means the end of that day),
    else the latest survey, ticket or follow-up event in the staged data. -#}
with

latest_events as (
    select max(responded_at) as event_at from {{ ref('stg_survey__responses') }}
    union all
    select max(sent_at) from {{ ref('stg_survey__invitations') }}
    union all
    select max(created_at) from {{ ref('stg_support__tickets') }}
    union all
    select max(first_response_at) from {{ ref('stg_support__tickets') }}
    union all
    select max(solved_at) from {{ ref('stg_support__tickets') }}
    union all
    select max(followed_up_at) from {{ ref('stg_loop__followups') }}
),

build_as_of as (
    {#- The var when set; else the latest event. -#}
    select coalesce({{ as_of_literal() or 'cast(null as ' ~ dbt.type_timestamp() ~ ')' }}, max(event_at)) as as_of_at
    from latest_events
)

select * from build_as_of
