"""The seminar app: change how the party behaves, watch the curves move against the record.

Students change how the center, the secretaries and the rank and file behave and watch
the expulsion curves move against the historical ones.

Run with ``purges app`` (binds to 127.0.0.1) or ``solara run seminar/app.py``. Each browser
session gets its own model (``Page`` builds one per session; a module-level model would
be shared by every student, Mesa notes, pitfall 6).

The page is built from Mesa's pieces for a classroom rather than with ``SolaraViz``:
students see the controls with their values, a note to press RESET when a control has
changed, the numbered exercises (:mod:`seminar.exercises`) and the glossary, and not
Mesa's developer controls (play and render interval, threads). Play redraws the plots
every :data:`REDRAW_EVERY` months, so the run reaches 1939 in seconds; STEP advances
one month.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import markdown  # noqa: E402  (Solara's own dependency)
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import solara  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from mesa.visualization.utils import force_update, update_counter  # noqa: E402

from experiments import figures, history, targets  # noqa: E402
from experiments.runner import result_of  # noqa: E402
from model.census import ARRESTED, EXPELLED, LEVELS  # noqa: E402
from model.params import Parameters  # noqa: E402
from model.reporters import expulsions_table, yearly_table  # noqa: E402
from model.scenario import month_index  # noqa: E402
from model.variants import VARIANTS  # noqa: E402
from seminar.classroom import SeminarModel  # noqa: E402
from seminar.exercises import EXERCISES  # noqa: E402

TITLE = "The party purges, 1933-1939"
REDRAW_EVERY = 6  # months simulated between redraws while playing (a redraw takes ~1 s)

DEFAULTS = Parameters()
LEVEL_LABELS = {"rank_and_file": "rank and file", "ppo_secretary": "cell (PPO) secretary",
                "other_official": "other official", "district_secretary": "raikom secretary",
                "regional_secretary": "obkom secretary"}

MODEL_PARAMS = {
    "variant": {"type": "Select", "value": "center-periphery", "values": list(VARIANTS),
                "label": "Explanation (variant)"},
    "chistka_conducted_by": {"type": "Select", "value": "commission",
                             "values": ["commission", "secretaries", "rank_and_file"],
                             "label": "Who runs the 1933 chistka"},
    "proverka_conducted_by": {"type": "Select", "value": "secretaries",
                              "values": ["secretaries", "commission", "rank_and_file"],
                              "label": "Who runs the 1935 proverka"},
    "protection_strength": {"type": "SliderFloat", "value": DEFAULTS.protection_strength,
                            "min": 0.0, "max": 1.0, "step": 0.05,
                            "label": "Protection of clients by their patrons"},
    "lateral_rate": {"type": "SliderFloat", "value": DEFAULTS.lateral_rate, "min": 0.0,
                     "max": 0.5, "step": 0.01, "label": "Denunciation propensity (peers)"},
    "rebuke_pressure": {"type": "SliderFloat", "value": DEFAULTS.rebuke_pressure, "min": 0.0,
                        "max": 3.0, "step": 0.1, "label": "Center's pressure after a rebuke"},
    "n_members": {"type": "SliderInt", "value": 1500, "min": 500, "max": 4000, "step": 500,
                  "label": "Members simulated"},
    "rng": {"type": "InputText", "value": "1", "label": "Random seed"},
}

GLOSSARY = """
- **chistka** - purge: the 1933 screening of every member by purge commissions
- **proverka** - verification of party documents (1935)
- **obmen** - exchange of party documents (1936)
- **obkom / kraikom** - regional party committee; **raikom** - district committee
- **PPO** - primary party organization ("cell"), led by its secretary
- **Ezhovshchina** - the NKVD terror of 1937-38 under Ezhov
- **family circle** (*semeistvennost'*) - a secretary and the clients he appointed and
  protects
- **ballast** - passive members, expelled to show vigilance
- **dead souls** - members on the rolls who had long left
"""


def rates_by_operation(model: SeminarModel) -> pd.DataFrame:
    """Each operation the book gives a national rate for, simulated so far beside the book.

    Index: the operations' labels (:data:`experiments.targets.OPERATIONS`); columns
    ``book`` and ``simulated`` (% of the rolls when the operation began; NaN before it
    begins) and ``state``: ``not begun``, ``so far`` (under way: a partial rate) or
    ``done``.
    """
    runs = {"simulated": [result_of(model, seed=0)]} if model.steps else {}
    table = targets.by_operation(runs)
    if "simulated" not in table:
        table["simulated"] = np.nan
    campaigns = {c.name: c for c in model.calendar.campaigns}
    states = []
    for op in targets.OPERATIONS:
        if op.campaign:
            c = campaigns.get(op.campaign)
            first, last = ((month_index(c.start), month_index(c.end)) if c else (None, None))
        else:
            first, last = month_index(f"{op.year}-01"), month_index(f"{op.year}-12")
        states.append("not begun" if first is None or model.month < first
                      else "so far" if model.month < last else "done")
    table["state"] = states
    table.loc[table["state"] == "not begun", "simulated"] = np.nan
    return table[["book", "simulated", "state"]]


def calendar_years(model: SeminarModel) -> pd.DataFrame:
    """The simulated rate per calendar year (% of the rolls on 1 January), with ``complete``.

    The running year is marked ``complete = False``: its rate covers only the months
    simulated so far and is not drawn as a whole year.
    """
    if not model.steps:
        return pd.DataFrame({"year": pd.Series(dtype=int), "expulsion_rate_pct": pd.Series(
            dtype=float), "complete": pd.Series(dtype=bool), "months": pd.Series(dtype=int)})
    yearly = yearly_table(model)[["year", "expulsion_rate_pct"]]
    last_year, last_month = divmod(model.month, 12)
    return yearly.assign(complete=yearly["year"] < 1933 + last_year + (last_month == 11),
                         months=[12 if y < 1933 + last_year else last_month + 1
                                 for y in yearly["year"]])


def _footer(fig: Figure, model: SeminarModel) -> None:
    """Lay out ``fig`` with a footer naming what it shows runs of (as every figure does)."""
    made = figures.Provenance(model.calendar.name, model.variant, model.p.n_members, 1,
                              f"run, seed {model.controls['rng']}")
    figures.footer(fig, [made.line()], fontsize=6)


def _rates_figure(model: SeminarModel) -> Figure:
    fig = Figure(figsize=(7.5, 3.6))
    ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    ops = rates_by_operation(model)
    x = np.arange(len(ops))
    ax1.bar(x - 0.2, ops["book"], 0.4, color="black", label="book")
    under_way = ops["state"] == "so far"
    ax1.bar(x[~under_way] + 0.2, ops.loc[~under_way, "simulated"], 0.4, color="#4c72b0",
            label=f"simulated ({model.variant})")
    ax1.bar(x[under_way] + 0.2, ops.loc[under_way, "simulated"], 0.4, color="white",
            edgecolor="#4c72b0", hatch="//", label="simulated so far (under way)")
    ax1.set_xticks(x, [label.replace(" ", "\n", 1) for label in ops.index], fontsize=6)
    ax1.set_ylim(0, max(25, ax1.get_ylim()[1]))
    ax1.set_ylabel("% of the rolls expelled", fontsize=8)
    ax1.set_title("By operation: simulated against the book", fontsize=9)
    ax1.legend(fontsize=6)
    years = calendar_years(model)
    whole = years.loc[years["complete"]]
    running = years.loc[~years["complete"]]
    ax2.plot(whole["year"], whole["expulsion_rate_pct"], "-o", color="#4c72b0",
             label="simulated, whole years")
    for row in running.itertuples():
        ax2.plot([row.year], [row.expulsion_rate_pct], "o", mfc="white", color="#4c72b0",
                 label=f"{row.year} so far ({row.months} of 12 months)")
    book = history.calendar_year_rates()
    ax2.plot(book["year"], book["rate_pct"], "kD", ls="none",
             label="book, 1937 and 1938 (Table 7.1)")
    ax2.set_xlim(1932.5, 1939.5)
    ax2.set_ylim(0, max(25, ax2.get_ylim()[1]))
    ax2.set_xlabel("calendar year", fontsize=7)
    ax2.set_ylabel("% of the rolls on 1 January", fontsize=7)
    ax2.set_title("By calendar year", fontsize=9)
    ax2.tick_params(labelsize=7)
    ax2.legend(fontsize=6)
    _footer(fig, model)
    return fig


def ExpulsionCurves(model: SeminarModel):
    """Expelled per operation against the book's rates; the calendar years beside them."""
    return solara.FigureMatplotlib(_rates_figure(model), format="png")


def _who_figure(model: SeminarModel) -> Figure:
    fig = Figure(figsize=(6, 3.4))
    ax1, ax2 = fig.subplots(1, 2)
    e = expulsions_table(model) if model.steps else None
    if e is not None and len(e):
        by_level = e.groupby(["year", "level"]).size().unstack(fill_value=0)
        by_level = by_level.reindex(columns=[c for c in LEVELS if c in by_level.columns])
        by_level.rename(columns=LEVEL_LABELS).plot.bar(stacked=True, ax=ax1, width=0.8)
        ax1.legend(fontsize=6)
        e["reason"].value_counts().head(6).plot.barh(ax=ax2, color="#c44e52")
    ax1.set_title("expelled, by level", fontsize=9)
    ax2.set_title("expelled, by reason", fontsize=9)
    ax1.tick_params(labelsize=7)
    ax2.tick_params(labelsize=7)
    _footer(fig, model)
    return fig


def WhoIsExpelled(model: SeminarModel):
    """Who is being expelled: officeholders or rank and file, and on what grounds."""
    return solara.FigureMatplotlib(_who_figure(model), format="png")


NODE_COLORS = {"expelled or arrested": "#c44e52", "left / lost from the rolls": "#9aa5b1",
               "protected by a patron in office": "#55a868",
               "has denounced someone": "#dd8452", "other members": "#4c72b0"}


def node_color(member) -> str:
    """A member's colour in the network: the first of :data:`NODE_COLORS` that applies.

    Green means exactly "protected by a patron": a client whose patron is in the party
    and in office (:attr:`model.agents.Member.protected_now`).
    """
    if member.state in (EXPELLED, ARRESTED):
        return NODE_COLORS["expelled or arrested"]
    if not member.in_party:
        return NODE_COLORS["left / lost from the rolls"]
    if member.protected_now:
        return NODE_COLORS["protected by a patron in office"]
    if member.denunciations_made:
        return NODE_COLORS["has denounced someone"]
    return NODE_COLORS["other members"]


def district_graph(model: SeminarModel) -> nx.DiGraph:
    """The patron-client network of the first district of the first region."""
    district = model.regions[0].districts[0]
    members = [m for ppo in district.ppos for m in ppo.members]
    graph = nx.DiGraph()
    for m in members:
        graph.add_node(m.unique_id, member=m)
    for m in members:
        if m.patron is not None and m.patron.unique_id in graph:
            graph.add_edge(m.patron.unique_id, m.unique_id)
    return graph


def _network_figure(model: SeminarModel) -> Figure:
    graph = district_graph(model)
    # keep the family circles and a sample of the others, so the picture stays legible
    circle = {n for e in graph.edges for n in e}
    others = [n for n in graph.nodes if n not in circle][:60]
    g = graph.subgraph(list(circle) + others)
    pos = nx.spring_layout(g, seed=7, k=0.3)
    fig = Figure(figsize=(6, 4.2))
    ax = fig.subplots()
    members = [g.nodes[n]["member"] for n in g.nodes]
    nx.draw_networkx(g, pos, ax=ax, node_color=[node_color(m) for m in members],
                     node_size=[20 + 40 * m.office for m in members], with_labels=False,
                     arrows=False, width=0.5, edge_color="#bbbbbb")
    for label, color in NODE_COLORS.items():
        ax.scatter([], [], color=color, label=label, s=25)
    ax.legend(fontsize=7, loc="lower left")
    ax.set_title("One raikom's family circles (bigger = higher office; lines: patron-client)",
                 fontsize=9)
    ax.axis("off")
    _footer(fig, model)
    return fig


def DistrictNetwork(model: SeminarModel):
    """One district's patron-client network, with expelled, protected, denouncing members."""
    return solara.FigureMatplotlib(_network_figure(model), format="png")


def Text(markdown_text: str):
    """Markdown drawn as HTML on the server.

    ``solara.Markdown`` loads KaTeX for formulas from the CDN, which a classroom without
    internet cannot reach; our texts have no formulas and are our own (not students').
    """
    html = markdown.markdown(markdown_text).replace("<strong>", '<strong style="font-weight:600">')
    return solara.HTML(tag="div", unsafe_innerHTML=html)


def Status(model: SeminarModel):
    """The month and the campaigns running."""
    active = [c.russian or c.name for c in model.calendar.active_campaigns(model.month)]
    return Text(f"**Month:** {model.month_label if model.steps else '-'} &nbsp; "
                           f"**Campaigns now:** {', '.join(active) or 'none'} &nbsp; "
                           f"**Explanation:** {model.variant}")


COMPONENTS = (Status, ExpulsionCurves, WhoIsExpelled, DistrictNetwork)


def control_values(model: SeminarModel) -> dict:
    """The controls a model was built with (to tell whether a control has changed)."""
    return {name: model.controls.get(name, spec["value"]) for name, spec in MODEL_PARAMS.items()}


def changed_controls(chosen: dict, model: SeminarModel) -> list[str]:
    """The labels of the controls set differently from the running model's."""
    built = control_values(model)
    return [MODEL_PARAMS[k]["label"] for k in MODEL_PARAMS
            if str(chosen.get(k)).strip() != str(built[k]).strip()]


@solara.component
def Controls(chosen: solara.Reactive, model: SeminarModel):
    """The controls, each showing its value; a note to press RESET when one has changed."""
    def setter(name):
        return lambda value: chosen.set({**chosen.value, name: value})

    for name, spec in MODEL_PARAMS.items():
        value = chosen.value[name]
        label = spec["label"]
        if spec["type"] == "Select":
            solara.Select(label, value=value, values=spec["values"], on_value=setter(name))
        elif spec["type"] == "SliderFloat":
            solara.SliderFloat(f"{label}: {value:g}", value=value, min=spec["min"],
                               max=spec["max"], step=spec["step"], on_value=setter(name))
        elif spec["type"] == "SliderInt":
            solara.SliderInt(f"{label}: {value:,}", value=value, min=spec["min"],
                             max=spec["max"], step=spec["step"], on_value=setter(name))
        else:
            solara.InputText(label, value=value, on_value=setter(name))
    changed = changed_controls(chosen.value, model)
    if changed:
        solara.Warning("Press RESET to apply: " + ", ".join(changed) + " changed; the model "
                       "shown still runs with the old values.", dense=True)


@solara.component
def Controller(model: solara.Reactive, chosen: solara.Reactive):
    """RESET (a new party with the chosen controls), play or pause, STEP (one month)."""
    playing = solara.use_reactive(False)
    error = solara.use_reactive(None)

    def play():
        try:
            while playing.value and not model.value.finished:
                for _ in range(REDRAW_EVERY):
                    if model.value.finished or not playing.value:
                        break
                    model.value.step()
                force_update()
        except Exception as err:  # shown in the page, not lost in the server log
            error.set(f"the model stopped: {err}")
        playing.set(False)

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    def step():
        if not model.value.finished:
            model.value.step()
            force_update()

    def reset():
        playing.set(False)
        error.set(None)
        try:
            model.set(SeminarModel(**chosen.value))
        except ValueError as err:  # e.g. a seed that is not a number
            error.set(str(err))

    finished = model.value.finished
    with solara.Row(justify="space-between"):
        solara.Button("Reset", color="primary", on_click=reset)
        solara.Button("Pause" if playing.value else "Play", color="primary",
                      on_click=lambda: playing.set(not playing.value), disabled=finished)
        solara.Button("Step", color="primary", on_click=step,
                      disabled=playing.value or finished)
    solara.Text("Play redraws every half year; Step advances one month.",
                style={"font-size": "0.8em"})
    if error.value:
        solara.Error(error.value)


def exercises_markdown() -> str:
    """The numbered exercises, as in docs/teaching.md and the classroom notebook."""
    return "\n\n".join(f"**Exercise {ex.number}. {ex.title}** ({ex.minutes} min; {ex.book}). "
                       f"{ex.task}" for ex in EXERCISES)


@solara.component
def Dashboard(model: SeminarModel):
    """The plots, drawn again after every step (update_counter)."""
    update_counter.get()
    with solara.Column():
        for component in COMPONENTS:
            component(model)


@solara.component
def Page():
    """One model per browser session, with the classroom's controls."""
    model = solara.use_memo(lambda: solara.reactive(SeminarModel()), [])
    chosen = solara.use_reactive({name: spec["value"] for name, spec in MODEL_PARAMS.items()})
    solara.Title(TITLE)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar(), solara.Column():
        with solara.Card("Run"):
            Controller(model, chosen)
        with solara.Card("Controls"):
            Controls(chosen, model.value)
        with solara.Card("Exercises"):
            Text(exercises_markdown())
        with solara.Card("Glossary (Russian terms)"):
            Text(GLOSSARY)
    Dashboard(model.value)


plt.close("all")
