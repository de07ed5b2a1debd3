{#- Which comment themes grew most in the last full month of data, and how do their mentioners score? -#}
with

themes as (
    select * from {{ ref('mart_theme_trends') }}
),

last_month as (
    select max(month) as month from themes
),

movers as (
    select
        themes.theme,
        themes.mentions,
        themes.mentions_change,
        round(100 * themes.mention_share, 1) as mention_share_pct,
        round(100 * themes.mention_share_change, 1) as mention_share_change_pts,
        round(themes.relationship_mentioning_nps, 1) as relationship_mentioning_nps,
        round(themes.relationship_other_nps, 1) as relationship_other_nps
    from themes
    inner join last_month on themes.month = last_month.month
)

select * from movers
order by mention_share_change_pts desc
