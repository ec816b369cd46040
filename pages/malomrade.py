"""Målområde: one målområde's activities, its status mix and how it moved since the previous period."""

import pandas as pd
import streamlit as st

from naringsdash import config, figures, ui, wording

ui.guard()
data = ui.data()
sel = ui.filters(data, malomrade="single")
nr = sel.malomraden[0]
st.title(f"Målområde {nr}. {ui.md(ui.reference().malomrade_name(nr))}")
if sel.period is None:
    ui.no_data()
ui.period_banner(data, sel.period)
# Like for like: the previous period holds only the förvaltningar found in both periods.
now, before, now_common, common = data.progress_compared(sel)
if now.empty:
    ui.nothing_matches()
    st.stop()
now = now.iloc[0]
before = before.iloc[0] if not before.empty else None
now_common = now_common.iloc[0] if before is not None and not now_common.empty else None
prev_label = config.period_label(sel.previous) if before is not None else None
cmp = data.comparison(sel)
ui.period_caption(data, sel, compared=cmp if before is not None else False)
ui.progress_metrics(now, before, now_common)

ui.analysis.section(data, sel)

st.header("Statusfördelning")
if prev_label:
    st.caption(f"Ljusa staplar: {prev_label}. Mörka staplar: {config.period_label(sel.period)}."
               + (f" Jämförelsen gäller de {len(common)} förvaltningar som finns i båda perioderna."
                  if cmp.like_for_like else ""))
mix = pd.DataFrame({"status": list(figures.STATUSES),
                    "nu": [int(now[figures.STATUS_COLUMNS[s]]) for s in figures.STATUSES],
                    "fore": [int(before[figures.STATUS_COLUMNS[s]]) if before is not None else None
                             for s in figures.STATUSES]})
mix["skillnad"] = mix["nu"] - mix["fore"]
fig = figures.status_compare(dict(zip(mix["status"], mix["nu"])),
                             dict(zip(mix["status"], mix["fore"])) if before is not None else None,
                             config.period_label(sel.period), prev_label or "")
ui.chart(fig, mix, ["status", "nu", "fore", "skillnad"] if before is not None else ["status", "nu"],
         labels={"nu": config.period_label(sel.period), "fore": prev_label or "", "skillnad": "Förändring"},
         alt="Stapeldiagram: antal aktiviteter per status, " + ", ".join(
             f"{s} {n}" for s, n in zip(mix["status"], mix["nu"])) + (f"; jämfört med {prev_label}." if prev_label
                                                                    else "."))

st.header("Förflyttningar sedan förra perioden")
moves = data.status_changes(sel)
if before is None:
    st.info("Det finns ingen uppföljning för förra perioden att jämföra med.")
elif moves.empty:
    st.info(f"Ingen aktivitet har bytt status sedan {prev_label}.")
else:
    st.caption(f"{wording.plural(len(moves), 'aktivitet', 'aktiviteter')} har ny status sedan {prev_label} (nya aktiviteter saknar tidigare status).")
    ui.table(moves, ["forvaltning", "aktivitet_id", "aktivitet", "ansvarig", "status_fore", "status",
                     "andel_klar_fore", "andel_klar"])

ui.plan.malomrade_section(data, sel)
ui.loop.malomrade_section(data, nr)

st.header("Aktiviteter")


def activities():
    acts, linked = ui.plan.with_indicators(data, sel, data.activities(sel))
    return ui.loop.with_open_decisions(data, acts), linked


# Joined once per data version and selection, then shared by later runs (ui.derived: never modified).
acts, linked = ui.derived("malomrade_aktiviteter", data, ui.sel_key(sel), activities)
ui.table(acts, ["forvaltning", "aktivitet_id", "aktivitet", "ansvarig", "slutdatum", "status", "andel_klar",
                "bedomning", "forsenad", "kommentar", "oppna_beslut"] + linked)
