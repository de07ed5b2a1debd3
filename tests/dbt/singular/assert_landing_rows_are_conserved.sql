{#- Nothing lost, nothing invented: for every landing entity, the rows in the files equal the rows
    staged + the older versions superseded + the rows quarantined. Returns the entities that
    do not add up. -#}
select
    entity,
    raw_rows,
    staged_rows,
    superseded_rows,
    quarantined_rows
from {{ ref('landing_row_counts') }}
where raw_rows <> staged_rows + superseded_rows + quarantined_rows
