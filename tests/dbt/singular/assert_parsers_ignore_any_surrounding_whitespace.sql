{#- The parsers read a value wrapped in whitespace of any kind (whitespace_code_points: tab,
    carriage return and line feed, no-break spaces, figure and ideographic spaces, a byte-order
    mark), as the landing check does; whitespace inside a value still makes it invalid. Literal
    rows through each macro; returns every row whose answer is wrong. -#}
with

cases as (
    select
        'parse_integer' as parser_macro,
        {{ unicode_char(9) }} || '7' || {{ unicode_char(9) }} as raw_text,
        '7' as expected
    union all
    select
        'parse_integer' as parser_macro,
        {{ unicode_char(160) }} || '8' || {{ unicode_char(8239) }} as raw_text,
        '8' as expected
    union all
    select
        'parse_integer' as parser_macro,
        {{ unicode_char(65279) }} || '10' || {{ unicode_char(13) }} || {{ unicode_char(10) }} as raw_text,
        '10' as expected
    union all
    select
        'parse_integer' as parser_macro,
        '7' || {{ unicode_char(160) }} || '5' as raw_text,
        null as expected
    union all
    select
        'parse_decimal' as parser_macro,
        {{ unicode_char(12288) }} || '1200.50' || {{ unicode_char(8199) }} as raw_text,
        '1200.500000' as expected
    union all
    select
        'parse_date' as parser_macro,
        {{ unicode_char(9) }} || '2026-02-28' || {{ unicode_char(160) }} as raw_text,
        '2026-02-28' as expected
    union all
    select
        'parse_timestamp_utc' as parser_macro,
        {{ unicode_char(8199) }} || '2026-03-01T01:30:00+02:00' || {{ unicode_char(13) }} || {{ unicode_char(10) }} as raw_text,
        '2026-02-28 23:30:00' as expected
    union all
    select
        'normalise_enum' as parser_macro,
        {{ unicode_char(160) }} || 'Decision Maker' || {{ unicode_char(9) }} as raw_text,
        'decision_maker' as expected
    union all
    select
        'normalise_tags' as parser_macro,
        {{ unicode_char(9) }} || 'Price' || {{ unicode_char(160) }} || ';'
        || {{ unicode_char(8239) }} || 'support' || {{ unicode_char(10) }} as raw_text,
        'price;support' as expected
    union all
    select
        'clean_text' as parser_macro,
        {{ unicode_char(65279) }} || 'RSP-1' || {{ unicode_char(12288) }} as raw_text,
        'RSP-1' as expected
    union all
    select
        'clean_text' as parser_macro,
        {{ unicode_char(9) }} || {{ unicode_char(160) }} || {{ unicode_char(8203) }} as raw_text,
        null as expected
),

parsed as (
    select
        parser_macro,
        raw_text,
        expected,
        case parser_macro
            when 'parse_integer' then cast({{ parse_integer('raw_text') }} as {{ dbt.type_string() }})
            when 'parse_decimal' then cast({{ parse_decimal('raw_text') }} as {{ dbt.type_string() }})
            when 'parse_date' then cast({{ parse_date('raw_text') }} as {{ dbt.type_string() }})
            when 'parse_timestamp_utc' then cast({{ parse_timestamp_utc('raw_text') }} as {{ dbt.type_string() }})
            when 'normalise_enum' then {{ normalise_enum('raw_text') }}
            when 'normalise_tags' then {{ normalise_tags('raw_text') }}
            when 'clean_text' then {{ clean_text('raw_text') }}
        end as answer
    from cases
)

select * from parsed
where answer is distinct from expected
