"""`nps-report`: one self-contained HTML report (data/report/index.html) from the published marts.

It reads only the publication (`data/published/nps_marts.duckdb`, NPS_PUBLISH_PATH), never the
warehouse, so it can run while a build runs and shows the last successful build. Charts are
Plotly figures; plotly.js ships inside the `plotly` Python package and is written into the page
once, so the file opens offline, from disk, with no request to any server. Every chart says the
as_of of the build its numbers come from.
"""

from __future__ import annotations

import argparse
import html
import math
import os
import sys
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.offline
from plotly.subplots import make_subplots

from nps_warehouse import dbt, publish, settings

DEFAULT_REPORT_PATH = settings.DEFAULT_REPORT_PATH
CATEGORY_COLOURS = {"detractor": "#d62728", "passive": "#bcbd22", "promoter": "#2ca02c"}
CONFIG = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"format": "png"}}
BUCKET_LABELS = {
    "under_8h": "under 8 h",
    "8h_to_24h": "8–24 h",
    "24h_to_72h": "24–72 h",
    "72h_or_more": "72 h or more",
    "no_solved_tickets": "no solved ticket",
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="nps-report",
        description="Render the published marts as one HTML file that opens offline.",
    )
    parser.add_argument(
        "--publication",
        default=None,
        help="the published marts "
        f"(default: ${settings.PUBLISH_PATH_ENV} or {settings.DEFAULT_PUBLISH_PATH})",
    )
    parser.add_argument(
        "--out", default=None, help=f"the HTML file to write (default: {DEFAULT_REPORT_PATH})"
    )
    return parser.parse_args(argv)


def load(path: Path) -> dict:
    """Every table the report shows, as pandas frames, from one read-only connection."""
    import duckdb

    queries = {
        "publication": "select * from meta.publication",
        "summary": "select * from marts.mart_nps_summary",
        # NPS and its margin come from the marts (the nps and nps_moe_95 macros), never
        # recomputed here: the overall rows for the trend, the role rows for the role chart.
        "change": """
            select period_type, period_start, responses, nps, nps_moe_95, nps_change, z,
                significant_95
            from marts.mart_nps_change where segment_type = 'overall' order by all""",
        "roles": """
            select period_start, segment_value as respondent_role, responses, nps, nps_moe_95
            from marts.mart_nps_change
            where period_type = 'quarter' and segment_type = 'respondent_role'
                and period_start in (
                    select distinct period_start from marts.mart_nps_change
                    where period_type = 'quarter' order by period_start desc limit 4)
            order by period_start, respondent_role""",
        "scores": """
            select score, nps_category, responses, churn_rate_90d, churn_rate_180d,
                churn_rate_365d, responses_eligible_90d, responses_eligible_180d,
                responses_eligible_365d
            from marts.mart_churn_by_score where group_type = 'score' order by score""",
        "buckets": """
            select survey_type, breakdown_value, breakdown_order, responses, nps, nps_moe_95,
                internal_tickets, internal_sla_attainment
            from marts.mart_nps_by_resolution_bucket
            where breakdown = 'resolution_bucket' order by survey_type, breakdown_order""",
        "rollup": """
            select * from marts.mart_revenue_at_risk_rollup
            where rollup_dimension in ('region', 'renewal_month', 'overall')
            order by rollup_dimension, rollup_value""",
        "backtest": """
            select horizon_days, count(*) as backtest_dates,
                avg(abs(calibrated_error_arr)) as calibrated_mae,
                avg(abs(flat_rule_error_arr)) as flat_rule_mae,
                sum(prior_only_categories) as prior_only_categories
            from marts.mart_revenue_at_risk_backtest group by horizon_days order by horizon_days""",
        "themes": "select month, theme, mentions, mention_share from marts.mart_theme_trends "
        "order by theme, month",
        "backlog": """
            select owner, backlog, overdue_backlog, activity_date
            from marts.mart_close_the_loop_daily
            qualify activity_date = max(activity_date) over (partition by owner)
            order by backlog, owner""",
    }
    with duckdb.connect(str(path), read_only=True) as connection:
        return {name: connection.sql(sql).df() for name, sql in queries.items()}


def titled(figure, title: str, as_of: str, source: str, height: int = 380, note: str = ""):
    """Title with the as_of and the marts the numbers come from (and a note); the layout."""
    note_line = f"<br><sup>{html.escape(note, quote=False)}</sup>" if note else ""
    figure.update_layout(
        title={
            "text": f"{html.escape(title, quote=False)}<br><sup>as of {as_of} · {html.escape(source, quote=False)}</sup>"
            + note_line,
            "x": 0.01,
            "xanchor": "left",
        },
        template="plotly_white",
        height=height,
        margin={"l": 60, "r": 30, "t": 125 if note else 80, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": -0.3, "x": 0},
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12},
    )
    return figure


def trend_figure(data: dict, as_of: str):
    change = data["change"]
    monthly = change[change.period_type == "month"].rename(
        columns={"period_start": "month", "nps_moe_95": "moe"}
    )
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=list(monthly.month) + list(monthly.month[::-1]),
            y=list(monthly.nps + monthly.moe) + list((monthly.nps - monthly.moe)[::-1]),
            fill="toself",
            fillcolor="rgba(31, 119, 180, 0.15)",
            line={"width": 0},
            hoverinfo="skip",
            name="95% band (NPS ± margin of error)",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=monthly.month,
            y=monthly.nps,
            mode="lines+markers",
            name="monthly NPS",
            line={"color": "#1f77b4"},
            customdata=list(zip(monthly.moe, monthly.responses, strict=True)),
            hovertemplate="%{x|%b %Y}: NPS %{y:+.1f} ± %{customdata[0]:.1f}"
            " (%{customdata[1]:,} responses)<extra></extra>",
        )
    )
    significant = change[change.significant_95.fillna(False).astype(bool)]
    for kind, label, symbol in (
        ("month", "month on month", "circle"),
        ("quarter", "quarter on quarter", "diamond"),
    ):
        moves = significant[significant.period_type == kind]
        if moves.empty:
            continue
        figure.add_trace(
            go.Scatter(
                x=moves.period_start,
                y=moves.nps,
                mode="markers",
                name=f"significant move, {label} (95%)",
                marker={
                    "size": 14,
                    "symbol": [f"triangle-{'up' if c > 0 else 'down'}" for c in moves.nps_change]
                    if kind == "month"
                    else symbol,
                    "color": ["#2ca02c" if c > 0 else "#d62728" for c in moves.nps_change],
                    "line": {"width": 1, "color": "black"},
                },
                customdata=list(zip(moves.nps_change, moves.z, strict=True)),
                hovertemplate=f"{kind} from %{{x|%b %Y}}: NPS %{{y:+.1f}}, "
                "change %{customdata[0]:+.1f} (z %{customdata[1]:.2f})<extra></extra>",
            )
        )
    if significant.empty:
        figure.add_annotation(
            text="no significant move at 95%",
            xref="paper",
            yref="paper",
            x=1,
            y=1,
            showarrow=False,
            xanchor="right",
        )
    figure.update_yaxes(title="NPS")
    note = "mart_nps_change"
    return titled(figure, "NPS by month, with its 95% band and significant moves", as_of, note)


def scores_figure(data: dict, as_of: str):
    scores = data["scores"]
    figure = go.Figure(
        go.Bar(
            x=scores.score,
            y=scores.responses,
            marker_color=[CATEGORY_COLOURS.get(c, "grey") for c in scores.nps_category],
            customdata=scores.nps_category,
            hovertemplate="score %{x}: %{y:,} responses (%{customdata})<extra></extra>",
            name="responses",
        )
    )
    figure.update_xaxes(title="score", dtick=1)
    figure.update_yaxes(title="responses")
    return titled(figure, "Score distribution", as_of, "mart_churn_by_score")


def roles_figure(data: dict, as_of: str):
    roles = data["roles"]
    figure = go.Figure()
    for role in sorted(roles.respondent_role.unique()):
        rows = roles[roles.respondent_role == role]
        figure.add_trace(
            go.Bar(
                x=[f"{start:%Y} Q{(start.month - 1) // 3 + 1}" for start in rows.period_start],
                y=rows.nps,
                error_y={"type": "data", "array": list(rows.nps_moe_95)},
                name=role.replace("_", " "),
                customdata=rows.responses,
                hovertemplate="%{x}: NPS %{y:+.1f} (%{customdata:,} responses)<extra></extra>",
            )
        )
    figure.update_layout(barmode="group")
    figure.update_yaxes(title="NPS (± 95% margin)")
    return titled(figure, "NPS by respondent role, last four quarters", as_of, "mart_nps_change")


def perception_figure(data: dict, as_of: str):
    buckets = data["buckets"]
    kinds = sorted(buckets.survey_type.unique())
    figure = make_subplots(
        rows=1,
        cols=len(kinds),
        subplot_titles=[f"{k} surveys" for k in kinds],
        specs=[[{"secondary_y": True}] * len(kinds)],
    )
    for column, kind in enumerate(kinds, start=1):
        frame = buckets[buckets.survey_type == kind]
        labels = [BUCKET_LABELS.get(b, b) for b in frame.breakdown_value]
        figure.add_trace(
            go.Bar(
                x=labels,
                y=frame.nps,
                error_y={"type": "data", "array": frame.nps_moe_95},
                name="NPS the customers give",
                marker_color="#1f77b4",
                showlegend=column == 1,
                legendgroup="nps",
                customdata=frame.responses,
                hovertemplate="%{x}: NPS %{y:+.1f} (%{customdata:,} responses)<extra></extra>",
            ),
            row=1,
            col=column,
            secondary_y=False,
        )
        figure.add_trace(
            go.Scatter(
                x=labels,
                y=frame.internal_sla_attainment * 100,
                mode="lines+markers",
                name="help desk's SLA attainment (%)",
                line={"color": "#ff7f0e"},
                showlegend=column == 1,
                legendgroup="sla",
                customdata=frame.internal_tickets,
                hovertemplate="%{x}: %{y:.0f}% of %{customdata:,} tickets met SLA<extra></extra>",
            ),
            row=1,
            col=column,
            secondary_y=True,
        )
        figure.update_yaxes(title="NPS", row=1, col=column, secondary_y=False)
        figure.update_yaxes(
            title="SLA met (%)",
            range=[0, 100],
            tickmode="linear",
            tick0=0,
            dtick=20,
            showgrid=False,
            row=1,
            col=column,
            secondary_y=True,
        )
    return titled(
        figure,
        "Perception gap: NPS by resolution time, beside the help desk's SLA attainment",
        as_of,
        "mart_nps_by_resolution_bucket",
        height=420,
    )


def churn_figure(data: dict, as_of: str):
    scores = data["scores"]
    figure = go.Figure()
    for days, colour in ((90, "#9ecae1"), (180, "#4292c6"), (365, "#08519c")):
        figure.add_trace(
            go.Bar(
                x=scores.score,
                y=scores[f"churn_rate_{days}d"] * 100,
                name=f"within {days} days",
                marker_color=colour,
                customdata=scores[f"responses_eligible_{days}d"],
                hovertemplate=f"score %{{x}}: %{{y:.1f}}% churned within {days} days "
                "(%{customdata:,} responses with the whole horizon behind them)<extra></extra>",
            )
        )
    figure.update_layout(barmode="group")
    figure.update_xaxes(title="score", dtick=1)
    figure.update_yaxes(title="accounts churned (%)")
    return titled(figure, "Churn rate by score and horizon", as_of, "mart_churn_by_score")


def revenue_figure(data: dict, as_of: str):
    rollup = data["rollup"]
    panels = (("region", "by region"), ("renewal_month", "by renewal month"))
    figure = make_subplots(rows=1, cols=2, subplot_titles=[t for _, t in panels])
    series = (
        ("expected_arr_at_risk_90d", "calibrated, 90 days", "#08519c"),
        ("flat_rule_arr_at_risk_90d", "flat rule, 90 days", "#9ecae1"),
        ("expected_arr_at_risk_365d", "calibrated, 365 days", "#a63603"),
        ("flat_rule_arr_at_risk_365d", "flat rule, 365 days", "#fdae6b"),
    )
    for column, (dimension, _) in enumerate(panels, start=1):
        frame = rollup[rollup.rollup_dimension == dimension]
        labels = [str(v)[:7] for v in frame.rollup_value]
        for field, label, colour in series:
            figure.add_trace(
                go.Bar(
                    x=labels,
                    y=frame[field],
                    name=label,
                    marker_color=colour,
                    legendgroup=label,
                    showlegend=column == 1,
                    hovertemplate="%{x}: $%{y:,.0f} at risk (" + label + ")<extra></extra>",
                ),
                row=1,
                col=column,
            )
    figure.update_layout(barmode="group")
    figure.update_yaxes(title="ARR at risk (USD)", tickprefix="$")
    overall = rollup[rollup.rollup_dimension == "overall"]
    note = ""
    if not overall.empty:
        row = overall.iloc[0]
        note = (
            f"all accounts: ${row.expected_arr_at_risk_90d:,.0f} calibrated vs "
            f"${row.flat_rule_arr_at_risk_90d:,.0f} flat rule within 90 days, of "
            f"${row.arr_usd:,.0f} ARR"
        )
    return titled(
        figure,
        "Revenue at risk: calibrated on our churn vs the vendor's flat rule",
        as_of,
        "mart_revenue_at_risk_rollup",
        height=460,
        note=note,
    )


def backtest_figure(data: dict, as_of: str):
    backtest = data["backtest"]
    labels = [f"{days} days" for days in backtest.horizon_days]
    figure = go.Figure()
    for field, label, colour in (
        ("calibrated_mae", "calibrated", "#08519c"),
        ("flat_rule_mae", "flat rule", "#9ecae1"),
    ):
        figure.add_trace(
            go.Bar(
                x=labels,
                y=backtest[field],
                name=label,
                marker_color=colour,
                customdata=list(
                    zip(backtest.backtest_dates, backtest.prior_only_categories, strict=True)
                ),
                hovertemplate="%{x}: mean |predicted − actual| lost ARR $%{y:,.0f} over "
                "%{customdata[0]} past quarter ends (prior-only categories: %{customdata[1]})"
                "<extra></extra>",
            )
        )
    figure.update_layout(barmode="group")
    figure.update_xaxes(title="horizon")
    figure.update_yaxes(title="mean absolute error (USD)", tickprefix="$")
    return titled(
        figure,
        "Backtest error of the revenue-at-risk forecast, by horizon",
        as_of,
        "mart_revenue_at_risk_backtest",
    )


def themes_figure(data: dict, as_of: str):
    themes = data["themes"]
    figure = go.Figure()
    for theme, frame in themes.groupby("theme", sort=True):
        figure.add_trace(
            go.Scatter(
                x=frame.month,
                y=frame.mention_share * 100,
                mode="lines",
                name=theme.replace("_", " "),
                customdata=frame.mentions,
                hovertemplate=f"{theme}: %{{y:.1f}}% of comments (%{{customdata:,}} mentions),"
                " %{x|%b %Y}<extra></extra>",
            )
        )
    figure.update_yaxes(title="share of comments (%)")
    return titled(figure, "Comment themes by month", as_of, "mart_theme_trends", height=420)


def backlog_figure(data: dict, as_of: str):
    backlog = data["backlog"]
    within = backlog.backlog - backlog.overdue_backlog
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            y=backlog.owner,
            x=backlog.overdue_backlog,
            orientation="h",
            name="overdue",
            marker_color="#d62728",
            hovertemplate="%{y}: %{x:,} overdue<extra></extra>",
        )
    )
    figure.add_trace(
        go.Bar(
            y=backlog.owner,
            x=within,
            orientation="h",
            name="within target",
            marker_color="#bcbd22",
            text=[f"{b:,}" for b in backlog.backlog],
            textposition="outside",
            hovertemplate="%{y}: %{x:,} within target<extra></extra>",
        )
    )
    figure.update_layout(barmode="stack")
    figure.update_xaxes(range=[0, max(1, backlog.backlog.max()) * 1.15])
    figure.update_xaxes(title="detractors and passives nobody has called back yet")
    return titled(
        figure,
        "Close-the-loop backlog by owner ('unassigned': no follow-up logged yet)",
        as_of,
        "mart_close_the_loop_daily",
        height=420,
    )


# In page order; the wide ones take a whole row, the others pair up.
CHARTS = (
    ("trend", trend_figure),
    ("scores", scores_figure),
    ("roles", roles_figure),
    ("perception", perception_figure),
    ("revenue", revenue_figure),
    ("churn", churn_figure),
    ("backtest", backtest_figure),
    ("themes", themes_figure),
    ("backlog", backlog_figure),
)
WIDE = {"trend", "perception", "revenue", "themes", "backlog"}

STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 0;
  background: #f4f5f7; color: #222; }
header { padding: 18px 28px 8px; }
h1 { font-size: 22px; margin: 0 0 4px; }
.meta { color: #555; font-size: 13px; }
.sample { background: #fff3cd; border: 1px solid #e0c36b; padding: 6px 10px; margin: 8px 0;
  display: inline-block; font-weight: 600; font-size: 13px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; padding: 4px 28px 12px; }
.card { background: white; border-radius: 6px; padding: 10px 16px; min-width: 150px;
  box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.card .value { font-size: 22px; font-weight: 600; }
.card .label { font-size: 12px; color: #555; }
main { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 14px;
  padding: 0 28px 28px; }
.chart { background: white; border-radius: 6px; padding: 6px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.wide { grid-column: 1 / -1; }
footer { color: #666; font-size: 12px; padding: 0 28px 24px; }
"""


def render(path: Path) -> str:
    """The report's HTML for the publication at `path`."""
    data = load(path)
    publication = data["publication"].iloc[0]
    summary = data["summary"].iloc[0]
    as_of_at = publication.as_of_at
    as_of = f"{as_of_at:%Y-%m-%d %H:%M} UTC" if as_of_at is not None else "n/a"
    sample = publication.sample_data_set
    charts = []
    for key, build in CHARTS:
        figure = build(data, as_of)
        div = figure.to_html(
            full_html=False, include_plotlyjs=False, div_id=f"chart-{key}", config=CONFIG
        )
        css = "chart wide" if key in WIDE else "chart"
        charts.append(
            f'<section class="{css}" data-chart="{key}" data-as-of="{as_of}">{div}</section>'
        )
    rollup = data["rollup"]
    overall = rollup[rollup.rollup_dimension == "overall"]
    at_risk = overall.expected_arr_at_risk_90d.iloc[0] if not overall.empty else math.nan
    rate = summary.response_rate
    cards = [
        (f"{summary.nps:+.1f} ± {summary.nps_moe_95:.1f}", "NPS (95% margin of error)"),
        (f"{summary.responses:,}", "responses"),
        ("n/a" if pd.isna(rate) else f"{100 * rate:.1f}%", "response rate"),
        (f"${at_risk:,.0f}", "ARR at risk within 90 days (calibrated)"),
        (f"{summary.quarantined_rows:,}", "quarantined landing rows"),
    ]
    card_html = "".join(
        f'<div class="card"><div class="value">{html.escape(value)}</div>'
        f'<div class="label">{html.escape(label)} · as of {as_of}</div></div>'
        for value, label in cards
    )
    banner = (
        f'<div class="sample">SAMPLE DATA (synthetic: {html.escape(str(sample))}): not real '
        "customers</div>"
        if isinstance(sample, str)
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>NPS report, as of {as_of}</title>
<style>{STYLE}</style>
<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>
</head>
<body>
<header>
<h1>NPS report</h1>
{banner}
<div class="meta">Every number as of <strong>{as_of}</strong> (the build's as_of) ·
publication {publication.publication_number} of the marts ({html.escape(path.name)},
content {publication.content_fingerprint}) · margins are 95%</div>
</header>
<div class="cards">{card_html}</div>
<main>
{chr(10).join(charts)}
</main>
<footer>Made by nps-report from the published marts; opens offline (plotly.js is inside this
file). Read the figures as the project's docs say: an NPS without its margin is not a finding,
and a prior-only churn probability is an assumption.</footer>
</body>
</html>
"""


def write_atomically(text: str, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        project_dir = dbt.find_project_dir()
        source = Path(args.publication) if args.publication else publish.publish_path(project_dir)
        if not source.is_absolute():
            source = Path.cwd() / source
        publish.read_publication(source)  # a publication nps-build wrote, or a clear message
        out = Path(args.out) if args.out else project_dir / DEFAULT_REPORT_PATH
        write_atomically(render(source), out)
    except (FileNotFoundError, publish.PublishError, dbt.DbtError) as error:
        print(f"nps-report: {error}", file=sys.stderr)
        return 1
    print(f"Report written to {out}: open it in a browser (it works offline).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
