"""Streamlit glue for the handlingsplan: the Handlingsplan page's sections, the coverage on Inrapportering and in
the upload preview, and the links from activity to indicator on the Indikatorer and Målområde pages.

Every function draws nothing when there is no plan for the year in question, so the pages look as before a plan
is imported. Queries run through ``plan`` (cached on the data version); user text is escaped or shown in tables.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import config, plan, schema, store
from . import common as ui

LABELS = {
    "aktivitet_id": "ID", "medverkande": "Medverkande förvaltningar", "mal": "Mål/förväntat resultat",
    "indikatorer": "Indikatorer", "andring": "Ändring", "malomrade_fore": "Målområde förra planen",
    "forvaltning_fore": "Förvaltning förra planen", "slutstatus": "Status vid årets slut",
    "slut_andel_klar": "Andel klart vid årets slut (%)", "slutperiod": "Senast rapporterad",
    "i_planen_antal": "I planen", "rapporterade_ur_planen": "Rapporterade ur planen",
    "saknas": "Saknas i uppföljningen", "ej_i_planen": "Rapporterade, ej i planen",
    "har_rapporterat": "Har rapporterat",
    "lage": "Läge", "varde": "Senaste värde", "varde_ar": "År", "aktiviteter": "Aktiviteter som bär målet",
    "uploaded_at": "Inläst", "user_name": "Av", "file_name": "Fil", "rows": "Aktiviteter", "aktuell": "Gäller",
    "antagen": "Antagen", "antagen_av": "Antagen av", "dnr": "Dnr", "id": "Version", "status": "Status",
    "andel_klar": "Andel klart (%)", "mal_text": "Mål",
}
LAGE = {"uppnått": "Uppnått", "på väg": "På väg", "inte på väg": "Inte på väg", "ingen mätning": "Ingen mätning"}


@st.cache_data(show_spinner=False, max_entries=256)
def _query(name: str, db: store.Store, version: int, args: tuple) -> object:
    """``plan.<name>(con, *args)``, cached on the data version like the dashboard's queries."""
    with store.connect(db) as con:
        return getattr(plan, name)(con, *args)


def q(d: ui.Data, name: str, *args) -> object:
    return _query(name, d.db, d.version, args)


def _joined(values) -> str:
    return ", ".join(values) if isinstance(values, (list, tuple)) or hasattr(values, "tolist") else ""


def _status_text(r) -> str:
    pct = f", {int(r.andel_klar)} %" if pd.notna(r.andel_klar) and r.status != plan.NOT_REPORTED else ""
    return f"{r.status}{pct}"


# --- Inrapportering and the upload preview: the report against the plan ------------------------------------


def coverage_section(d: ui.Data, sel: ui.Selection) -> None:
    """Per förvaltning: the plan's activities reported, missing from the report, and reported but not planned."""
    if sel.period is None:
        return
    rows = q(d, "coverage_period", sel.period, tuple(sel.forvaltningar))
    if rows is None:
        return
    year = int(sel.period[:4])
    ref = ui.reference()
    st.header(f"Mot handlingsplanen {year}")
    st.caption("Aktiviteterna i planen räknas till den ansvariga förvaltningen och jämförs på Aktivitets-ID med "
               "förvaltningens uppföljning för perioden.")
    summary = plan.coverage_summary(rows)
    summary["forvaltning_namn"] = [ref.forvaltning_name(c) for c in summary["forvaltning"]]
    gaps = [c for c in plan.coverages(rows, sel.period) if c.missing or c.unplanned]
    if not gaps:
        st.caption(f"Förvaltningarna som har rapporterat följer upp alla sina aktiviteter i handlingsplanen {year}, "
                   "och inga andra.")
    for cov in gaps:
        st.warning(ui.md(f"{cov.forvaltning} ({ref.forvaltning_name(cov.forvaltning)}): "
                         + " ".join(cov.messages("uppföljningen"))), icon=":material/rule:")
    ui.table(summary, ["forvaltning", "forvaltning_namn", "har_rapporterat", "i_planen_antal",
                       "rapporterade_ur_planen", "saknas", "ej_i_planen"], labels=LABELS, key="plan_tackning")


def upload_coverage(result, db: store.Store) -> None:
    """In the upload preview: which of the förvaltning's plan activities the file leaves out, and which of its
    activities the plan does not have (nothing when there is no plan for the period's year)."""
    parsed = result.parsed
    if not result.ok or parsed is None or not parsed.has_activities:
        return
    with store.connect(db) as con:
        cov = plan.coverage(con, parsed.forvaltning, parsed.period, parsed.activities)
    if cov is None:
        return
    messages = cov.messages("filen")
    for text in messages:
        st.warning(ui.md(text), icon=":material/rule:")
    if not messages:
        st.caption(f"Filen följer upp alla {cov.planned} aktiviteter i handlingsplanen {cov.year} för "
                   f"{cov.forvaltning}.")


# --- From activity to effect --------------------------------------------------------------------------------


def links(d: ui.Data, period: str | None) -> pd.DataFrame | None:
    return q(d, "indicator_links", period, d.today) if period else None


def indicator_activities(all_links: pd.DataFrame | None, indikator: str, period: str) -> None:
    """Under an indicator: the plan's activities meant to move it, each with its state in ``period``."""
    if all_links is None:
        return
    mine = all_links[all_links["indikator"] == indikator]
    year = int(period[:4])
    if mine.empty:
        st.caption(f"Ingen aktivitet i handlingsplanen {year} är kopplad till indikatorn.")
        return
    lines = [f"Aktiviteter i handlingsplanen {year} som ska påverka indikatorn (läget {config.period_label(period)}):"]
    lines += [f"- {ui.md(f'{r.aktivitet_id} {r.aktivitet} ({r.forvaltning}): {_status_text(r)}')}"
              for r in mine.itertuples()]
    st.markdown("\n".join(lines))


def with_indicators(d: ui.Data, sel: ui.Selection, acts: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The activities with the indicators the plan links each to, and the extra column to show (none
    without a plan). The column is named by its Swedish header, which ``ui.table`` keeps as it is."""
    year = q(d, "plan_year_for", sel.period)
    if year is None or acts.empty:
        return acts, []
    linked = q(d, "activity_indicators", year)
    acts = acts.assign(Indikatorer=[", ".join(linked.get((f, a), [])) for f, a in
                                    zip(acts["forvaltning"], acts["aktivitet_id"])])
    return acts, ["Indikatorer"]


def malomrade_section(d: ui.Data, sel: ui.Selection) -> None:
    """On the Målområde page: the plan's goals for the målområde, where they stand, and per indicator the
    activities linked to it with their state."""
    nr = sel.malomraden[0]
    all_links = links(d, sel.period)
    if all_links is None:
        return
    year = int(sel.period[:4])
    st.header("Från aktivitet till effekt")
    goals = q(d, "goals_status", sel.period, d.today, ui.reference().options.own_series)
    goals = goals[goals["malomrade"] == nr] if goals is not None else pd.DataFrame()
    for g in goals.itertuples():
        st.markdown(f"**Mål:** {ui.md(g.mal)}  \n{ui.md(goal_sentence(g))}")
    mine = all_links[all_links["malomrade"] == nr]
    if mine.empty:
        st.caption(f"Ingen aktivitet i målområdet är kopplad till en indikator i handlingsplanen {year}.")
        return
    st.caption(f"Aktiviteterna i handlingsplanen {year} och de indikatorer de ska påverka, med läget "
               f"{config.period_label(sel.period)}.")
    ui.table(mine, ["indikator", "aktivitet_id", "aktivitet", "forvaltning", "status", "andel_klar"], labels=LABELS,
             key="plan_lankar")


def goal_sentence(g) -> str:
    """Where a goal stands, e.g. "Svenskt Näringslivs ranking …: 133 (2025), mål 100 till 2030 – på väg. Bärs av 3
    aktiviteter: 1 klar, 2 pågår."."""
    if not isinstance(g.indikator, str):
        text = "Ingen indikator mäter målet."
    else:
        unit = f" {g.enhet}" if isinstance(g.enhet, str) else ""
        value = f"{ui.number(g.varde)}{unit} ({int(g.varde_ar)})" if pd.notna(g.varde) else "inget värde"
        target = (f", mål {ui.number(g.malvarde)}{unit}" + (f" till {int(g.malar)}" if pd.notna(g.malar) else "")
                  if pd.notna(g.malvarde) else "")
        text = f"{g.indikator}: {value}{target} – {g.lage}."
    n = len(g.aktivitet_status)
    if not n:
        return text + " Ingen aktivitet i planen är kopplad till målet."
    counts = pd.Series(g.aktivitet_status).value_counts()
    order = [s for s in (*schema.STATUS_ORDER, plan.NOT_REPORTED) if s in counts]
    return (text + f" Bärs av {n} {'aktivitet' if n == 1 else 'aktiviteter'}: "
            + ", ".join(f"{counts[s]} {s.lower()}" for s in order) + ".")


# --- The Handlingsplan page ------------------------------------------------------------------------------------


def choose_year(d: ui.Data, sel: ui.Selection) -> int:
    """The plan year to show (the selected period's, else the newest); stops with what to do when there is none."""
    years = q(d, "years")
    if not years:
        st.info("Det finns ingen handlingsplan i databasen ännu. Näringslivsavdelningen läser in den med "
                "`python -m naringsdash plan import FIL --year ÅÅÅÅ` (en tom mall: `python -m naringsdash plan "
                "template --out FIL`), eller läs in demodata med `python -m naringsdash demo`.",
                icon=":material/upload_file:")
        st.stop()
    default = int(sel.period[:4]) if sel.period and int(sel.period[:4]) in years else years[0]
    return st.columns([1, 3])[0].selectbox("Handlingsplan för år", years, index=years.index(default), key="plan_ar")


def period_for(d: ui.Data, sel: ui.Selection, year: int) -> str:
    """The period whose reports show the plan's state: the selected one in that year, else the year's latest,
    else the year's first (nothing reported yet)."""
    if sel.period and sel.period.startswith(str(year)):
        return sel.period
    return next((p for p in d.periods() if p.startswith(str(year))), f"{year}-T1")


def _scoped(df: pd.DataFrame, sel: ui.Selection) -> pd.DataFrame:
    """Rows of the selected förvaltningar and målområden (in this plan or, for a revision, the one before)."""
    for key, chosen in (("forvaltning", sel.forvaltningar), ("malomrade", sel.malomraden)):
        if chosen and key in df:
            mask = df[key].isin(chosen)
            if f"{key}_fore" in df:
                mask |= df[f"{key}_fore"].isin(chosen)
            df = df[mask]
    return df


def header(d: ui.Data, year: int) -> None:
    meta = q(d, "current", year)
    st.caption(ui.md(f"Handlingsplan {year} · {plan.describe(meta)} · inläst "
                     f"{pd.Timestamp(meta['uploaded_at']).strftime('%Y-%m-%d')} av {meta['user_name']}"))


def goals_section(d: ui.Data, year: int, period: str, sel: ui.Selection) -> None:
    st.header("Mål per målområde")
    goals = q(d, "goals_status", period, d.today, ui.reference().options.own_series)
    if goals is None or goals.empty:
        st.caption("Planen har inga mål per målområde (bladet Mål).")
        return
    goals = _scoped(goals, sel)
    st.caption(f"Läget bedöms efter indikatorns senaste värde mot målvärdet och förändringen sedan året innan; "
               f"aktiviteternas läge gäller {config.period_label(period)}.")
    for g in goals.itertuples():
        st.markdown(f"**{ui.md(ui.reference().malomrade_name(g.malomrade))}: {ui.md(g.mal)}**  \n"
                    f"{ui.md(goal_sentence(g))}")
    view = goals.assign(lage=goals["lage"].map(LAGE), mal_text=goals["mal"],
                        aktiviteter=[len(a) for a in goals["aktiviteter"]])
    ui.table(view, ["malomrade", "mal_text", "indikator", "varde", "varde_ar", "malvarde", "malar", "lage",
                    "aktiviteter"], labels=LABELS | {"aktiviteter": "Kopplade aktiviteter"}, key="plan_mal")


def revision_section(d: ui.Data, year: int, sel: ui.Selection) -> None:
    st.header(f"Ändringar mot handlingsplanen {year - 1}")
    rev = q(d, "revision", year)
    if rev is None:
        st.info(f"Det finns ingen handlingsplan för {year - 1} att jämföra med.", icon=":material/compare_arrows:")
        return
    rev = _scoped(rev, sel)
    counts = plan.revision_counts(rev)
    cols = st.columns(5)
    for col, (label, key) in zip(cols, (("Nya", "ny"), ("Fortsätter", "fortsätter"), ("Borttagna", "borttagen"),
                                        ("Nytt målområde", "nytt_malomrade"), ("Ny förvaltning", "ny_forvaltning"))):
        ui.metric(col, label, ui.number(counts[key]))
    for title, part, columns in (
        ("Nya aktiviteter", rev[rev["andring"] == "ny"], ["aktivitet_id", "aktivitet", "malomrade", "forvaltning"]),
        ("Borttagna aktiviteter", rev[rev["andring"] == "borttagen"],
         ["aktivitet_id", "aktivitet", "malomrade_fore", "forvaltning_fore", "slutstatus", "slut_andel_klar",
          "slutperiod"]),
        ("Nytt målområde eller ny förvaltning", rev[rev["nytt_malomrade"] | rev["ny_forvaltning"]],
         ["aktivitet_id", "aktivitet", "malomrade_fore", "malomrade", "forvaltning_fore", "forvaltning"]),
    ):
        st.subheader(title)
        if part.empty:
            st.caption("Inga.")
        else:
            part = part.assign(malomrade_fore=part["malomrade_fore"].map(
                lambda m: f"{int(m)}. {ui.reference().malomrade_name(int(m))}" if pd.notna(m) else ""))
            ui.table(part, columns, labels=LABELS, key=f"plan_revision_{title}")


def activities_section(d: ui.Data, year: int, period: str, sel: ui.Selection) -> None:
    st.header("Planens aktiviteter")
    acts = _scoped(q(d, "activities", year), sel)
    now = d.activities(ui.Selection(period))
    reported = {(f, a): (s, p) for f, a, s, p in zip(now["forvaltning"], now["aktivitet_id"], now["status"],
                                                       now["andel_klar"])}
    keys = list(zip(acts["forvaltning"], acts["aktivitet_id"]))
    acts = acts.assign(medverkande=[_joined(v) for v in acts["medverkande"]],
                       indikatorer=[_joined(v) for v in acts["indikatorer"]],
                       status=[reported.get(k, (plan.NOT_REPORTED, None))[0] for k in keys],
                       andel_klar=pd.array([reported.get(k, (None, None))[1] for k in keys], dtype="Int64"))
    st.caption(f"{len(acts)} aktiviteter; status och andel klart enligt uppföljningen {config.period_label(period)}.")
    columns = ["aktivitet_id", "aktivitet", "malomrade", "forvaltning", "medverkande", "mal", "startdatum",
               "slutdatum", "indikatorer", "status", "andel_klar"]
    ui.table(acts, columns, labels=LABELS, key="plan_aktiviteter")
    ui.downloads(acts, columns, f"handlingsplan_{year}", f"Handlingsplan {year}")


def versions_section(d: ui.Data, year: int) -> None:
    st.header("Versioner")
    st.caption("Varje inläsning av planen blir en ny version; den senaste gäller. Originalfilen sparas.")
    ui.table(q(d, "versions", year), ["id", "uploaded_at", "user_name", "file_name", "rows", "antagen", "antagen_av",
                                      "dnr", "aktuell"], labels=LABELS, key="plan_versioner")
