"""Indikatorer: one chart per indicator over the years, Trelleborg against riket and similar kommuner where the
data has them, with its target, the change since the year before, and its source under the chart."""

import pandas as pd
import streamlit as st

from naringsdash import figures, story, ui, wording

PER_PAGE = 6

ui.guard()
data = ui.data()
sel = ui.filters(data, period=False, forvaltning=False)
st.title("Indikatorer")
changes = data.indicator_changes(sel)
if changes.empty:
    if sel.malomraden:
        st.info("Inga indikatorer hör till de valda målområdena. Välj andra målområden i sidofältet.")
    else:
        st.info("Det finns inga indikatorer ännu. Näringslivsavdelningen laddar upp indikatorfilen (bladet "
                "Indikatorer), eller läs in demodata med `python -m naringsdash demo`.", icon=":material/upload_file:")
    st.stop()

st.header("Förändring sedan föregående år")
st.caption("Förbättring eller försämring bedöms efter indikatorns riktning: för en placering eller arbetslöshet är "
           "ett lägre tal bättre. Förändringen gäller Trelleborg.")
# The change as arrow and word after the direction; a share's or a placing's change never in percent.
# Derived once per data version and shown as is by later runs (ui.derived: shared, never modified).
changes = ui.derived("indikatorer_bedomning", data, (tuple(sel.malomraden), ui.reference().options.own_series),
                     lambda: changes.assign(
    bedomning=[wording.arrow(r.forandring, r.riktning) if pd.notna(r.foregaende) else "" for r in changes.itertuples()],
    forandring_procent=[None if wording.is_share(r.enhet) or wording.is_ranking(r.enhet) else r.forandring_procent
                        for r in changes.itertuples()]))
ui.room.judged_table(changes, ["indikator", "malomrade", "ar", "varde", "foregaende_ar", "foregaende", "forandring",
                               "forandring_procent", "bedomning", "enhet", "riktning"])


def sentence(r) -> str:
    """The latest value and its change in words (``wording.indicator_sentence``, as in the report), with the
    change in percent of the earlier value where it says something."""
    text = wording.indicator_sentence(r.ar, r.varde, r.enhet, r.riktning, r.foregaende, r.foregaende_ar)
    if pd.notna(r.foregaende) and pd.notna(r.forandring_procent) and not wording.is_share(r.enhet) \
            and not wording.is_ranking(r.enhet) and r.forandring:
        text = text[:-1] + f" ({wording.change(r.forandring_procent, 1, '%')})."
    return text


def compared(r, wide: pd.DataFrame) -> str:
    """The comparison series in the latest year, e.g. "Samma år: Riket 8,2 %, Liknande kommuner 7,7 %."."""
    row = wide[wide["ar"] == r.ar]
    others = [c for c in wide.columns if c not in ("ar", figures.own_series())]
    parts = [f"{serie} {wording.value_with_unit(row[serie].iloc[0], r.enhet)}" for serie in others
             if not row.empty and pd.notna(row[serie].iloc[0])]
    return f" Samma år: {', '.join(parts)}." if parts else ""


def target(r) -> str:
    return wording.target(r.malvarde, r.malar)


def source(r, fetched: pd.DataFrame | None) -> str:
    """Where the values come from; for Kolada per source (series grouped) with the day they were fetched."""
    if fetched is None or fetched.empty:
        return f"Källa: {r.kalla or 'okänd'}"
    groups: dict[tuple[str, str], list[str]] = {}
    order = figures.series_order(fetched["serie"])
    for f in sorted(fetched.itertuples(), key=lambda f: order.index(f.serie)):
        day = pd.Timestamp(f.hamtad).strftime("%Y-%m-%d") if pd.notna(f.hamtad) else ""
        names = groups.setdefault((f.kalla or "okänd", day), [])
        names += [] if f.serie in names else [f.serie]
    texts = {key: key[0] + (f", hämtad {key[1]}" if key[1] else "") for key in groups}
    if len(groups) == 1:
        return f"Källa: {next(iter(texts.values()))}."
    return " ".join(f"Källa för {' och '.join(series)}: {texts[key]}." for key, series in groups.items())


def wide_table(df: pd.DataFrame) -> pd.DataFrame:
    """Year by year, one column per series (own first): the chart's data as a table. Built from plain lists:
    a pivot costs milliseconds per chart."""
    cells = {(s, int(a)): v for s, a, v in zip(df["serie"].tolist(), df["ar"].tolist(), df["varde"].tolist())}
    years = sorted({a for _, a in cells})
    names = figures.series_order(s for s, _ in cells)
    return pd.DataFrame({"ar": years, **{n: [cells.get((n, y)) for y in years] for n in names}})


st.header("Utveckling över tid")
# Each indicator's series and Kolada sources, split once per data version (shared, read-only): a run draws six.
series, sources = ui.derived("indikatorer_serier", data, (tuple(sel.malomraden), ui.reference().options.own_series),
                             lambda: ({name: df for name, df in data.indicators(sel).groupby("indikator")},
                                      {name: df for name, df in data.kolada_fetched().groupby("indikator")}))
pages = max(1, -(-len(changes) // PER_PAGE))
page = st.pagination(pages, key="indikatorsida") if pages > 1 else 1
shown = changes.iloc[(page - 1) * PER_PAGE: page * PER_PAGE]
others = any((series[name]["serie"] != figures.own_series()).any() for name in shown["indikator"] if name in series)
st.caption(f"Visar indikator {(page - 1) * PER_PAGE + 1}–{(page - 1) * PER_PAGE + len(shown)} av {len(changes)}."
           + (" Trelleborg visas med heldragen linje, jämförelseserierna (riket, liknande kommuner) med streckade "
              "eller prickade linjer och egna markörer." if others else ""))
latest = next(iter(data.periods()), None)
links = ui.plan.links(data, latest)  # None without a plan for the latest period's year
for r in shown.itertuples():
    st.subheader(ui.md(r.indikator))
    st.caption(ui.md(f"{ui.RIKTNING.get(r.riktning, r.riktning)} · {target(r)}"))
    all_series = series[r.indikator]
    wide = wide_table(all_series)
    text = sentence(r) + compared(r, wide)
    st.markdown(ui.md(text))
    own = all_series[all_series["serie"] == figures.own_series()]
    outlook = story.outlook(own, r.malvarde, r.malar, r.riktning).text(r.malar)
    if outlook:
        st.markdown(ui.md(wording.sentence_case(outlook[0]) + ". " + " ".join(outlook[1:])))
    unit = f" ({r.enhet})" if r.enhet else ""
    ui.chart(figures.indicator(all_series, r.enhet, r.malvarde, r.malar, r.riktning), wide, list(wide.columns),
             labels={s: f"{s}{unit}" for s in wide.columns[1:]}, label="Visa värdena som tabell",
             alt=f"Linjediagram över {r.indikator} per år för {' och '.join(wide.columns[1:])}. {text}")
    st.caption(ui.md(source(r, sources.get(r.indikator))))
    ui.plan.indicator_activities(links, r.indikator, latest)
