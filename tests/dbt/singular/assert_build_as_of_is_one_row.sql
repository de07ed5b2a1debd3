{#- Every fact cross-joins int_build_as_of: more (or fewer) than one row would multiply (or drop)
    rows everywhere. Returns a row when the count is not exactly one. -#}
select count(*) as as_of_rows
from {{ ref('int_build_as_of') }}
having count(*) <> 1
