"""Översikt: the period's key figures with the change since the previous period, progress per målområde, trend."""

import streamlit as st

from naringsdash import figures, ui

ui.guard()
data = ui.data()
sel = ui.filters(data)
st.title("Översikt")
if sel.period is None:
    ui.no_data()
ui.period_banner(data, sel.period)
summary = data.trend(sel)  # never past the chosen period; incomplete periods marked
cmp = data.comparison(sel)  # like for like: only förvaltningar found in both periods enter the arrows
if cmp.now is None:
    ui.nothing_matches()
    st.stop()
now, before = cmp.now, cmp.before
ui.period_caption(data, sel, compared=cmp)
facts = ui.room.overview(data, sel)  # the story, reporting, assessments and changes: derived once per data version
ui.room.overview_story(facts)
koder = list(sel.forvaltningar or ui.reference().forvaltningar)
# A period still being reported has no arrow here: fewer förvaltningar so far is missing data, not a decrease.
complete = data.state(sel.period).complete

ui.key_figures(now, before, now_common=cmp.now_common, leave_out=("Snitt andel klart",), extra=[
    ("Har rapporterat", f"{facts.reported_now} av {len(koder)}",
     ui.delta(facts.reported_now - facts.reported_before) if before is not None and complete else None,
     "Förvaltningar som lämnat uppföljning för perioden.")])
if now["forsenade"]:
    st.page_link("pages/forsenade.py", label=f"Visa de {ui.number(now['forsenade'])} försenade aktiviteterna",
                 icon=":material/arrow_forward:")
ui.room.overview_assessments_and_changes(facts, sel)

st.header("Status per målområde")
progress = data.progress(sel)
names = ui.reference().malomraden
best = progress.sort_values("andel_klara", ascending=False).iloc[0]
ui.chart(figures.progress_bars(progress, names), progress,
         ["malomrade", "antal", "klar", "pagar", "ej_paborjad", "forsenad_status", "avbruten", "forsenade",
          "andel_klara", "snitt_andel_klar"],
         alt=f"Liggande staplar: antal aktiviteter per status för {len(progress)} målområden. Högst andel klara "
             f"har {int(best['malomrade'])}. {names.get(int(best['malomrade']), '')} "
             f"({ui.number(best['andel_klara'], 1, ' %')}).")

st.header("Andel klara över tid")
if not summary["komplett"].all():
    st.caption("Streckad linje och ofylld punkt: perioden är ofullständig (alla förvaltningar har inte rapporterat).")
ui.chart(figures.share_trend(summary), summary,
         ["period", "antal", "klara", "andel_klara", "forsenade", "rapporterat", "snitt_andel_klar", "komplett"],
         labels={"rapporterat": "Förvaltningar med aktiviteter", "komplett": "Komplett"},
         alt=f"Linjediagram: andel klara aktiviteter per period, från {ui.number(summary['andel_klara'].iloc[0], 1)} "
             f"% ({summary['period'].iloc[0]}) till {ui.number(summary['andel_klara'].iloc[-1], 1)} % "
             f"({summary['period'].iloc[-1]}).")
