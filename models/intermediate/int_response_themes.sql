{{ per_response_model_config() }}
{#- Every theme a commented response mentions: in its tags, or by a keyword pattern of the
    theme_keywords seed matched in its comment. -#}
with

responses as (
    select
        response_id,
        comment,
        tags
    from (
        select * from {{ ref('fct_nps_responses') }}
        {{- where_recomputed('response_id') }}
    ) as recomputed_responses
    where comment is not null or tags is not null
),

theme_keywords as (
    select * from {{ ref('theme_keywords') }}
),

themes as (
    select distinct theme from theme_keywords
),

responses_searchable as (
    select
        response_id,
        tags,
        {{ keyword_search_text('comment') }} as search_text
    from responses
),

tag_mentions as (
    select
        responses_searchable.response_id,
        themes.theme
    from responses_searchable
    cross join themes
    where {{ has_tag('responses_searchable.tags', 'themes.theme') }}
),

keyword_mentions as (
    {#- One pattern per theme, the seed's patterns of the theme as alternatives, written into the
        query as a literal (compiled once, not once per row); a unit test's fixture seed is matched
        row by row instead (theme_keyword_patterns). -#}
    {%- set patterns = theme_keyword_patterns() %}
    {%- if patterns is none %}
        select distinct
            responses_searchable.response_id,
            theme_keywords.theme
        from responses_searchable
        inner join theme_keywords
            on {{ contains_pattern('responses_searchable.search_text', 'theme_keywords.keyword_pattern') }}
    {%- else %}
        select
            responses_searchable.response_id,
            themes.theme
        from responses_searchable
        cross join themes
        where
            case themes.theme
                {%- for theme, pattern in patterns %}
                when {{ string_literal(theme) }} then {{ contains_pattern('responses_searchable.search_text', string_literal(pattern)) }}
                {%- endfor %}
                else false
            end
    {%- endif %}
),

mentions as (
    select
        coalesce(tag_mentions.response_id, keyword_mentions.response_id) as response_id,
        coalesce(tag_mentions.theme, keyword_mentions.theme) as theme,
        tag_mentions.response_id is not null as is_tagged,
        keyword_mentions.response_id is not null as is_keyword_match
    from tag_mentions
    full outer join keyword_mentions
        on tag_mentions.response_id = keyword_mentions.response_id
            and tag_mentions.theme = keyword_mentions.theme
)

select * from mentions
