{% test accepted_ranges(model, ranges) %}
{#- Fails on every listed column holding a value outside its range, one row per such column with
    the range and its count of values outside it; the test's failures are those values added up.
    Each range names a column and a min_value, a max_value or both (inclusive, unless inclusive is
    false); nulls are not checked here (not_null_columns). One read of the model for all its
    ranges (an accepted_range test per column read it once per column). -#}
{{ config(fail_calc='coalesce(sum(values_outside), 0)') }}
{%- set checks = [] -%}
{%- for spec in ranges -%}
    {%- if spec.column is not defined or (spec.min_value is not defined and spec.max_value is not defined) -%}
        {{ exceptions.raise_compiler_error(
            "accepted_ranges on " ~ model ~ ": each range needs a column and a min_value or a max_value; got " ~ spec
        ) }}
    {%- endif -%}
    {%- set inclusive = spec.get('inclusive', true) -%}
    {%- set bounds = [] -%}
    {%- if spec.min_value is defined -%}
        {%- do bounds.append(spec.column ~ (' >= ' if inclusive else ' > ') ~ spec.min_value) -%}
    {%- endif -%}
    {%- if spec.max_value is defined -%}
        {%- do bounds.append(spec.column ~ (' <= ' if inclusive else ' < ') ~ spec.max_value) -%}
    {%- endif -%}
    {%- set accepted = bounds | join(' and ') -%}
    {%- do checks.append({
        'column': spec.column,
        'accepted': accepted,
        'condition': spec.column ~ ' is not null and not (' ~ accepted ~ ')',
    }) -%}
{%- endfor %}
{{ columns_failing(model, checks, 'values_outside', labels=['accepted']) }}
{% endtest %}
