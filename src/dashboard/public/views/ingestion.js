/**
 * @module Ingestion status: per source (the `source` each event was stamped with: api, demo, an
 * importer…) how many events arrived and the latest, and the last events of the log. The ledger keeps
 * no record of rejected requests (a rejection is answered to its sender and logged), so there is no
 * "last rejection" to show here.
 */
import { getJson } from "../api.js"
import { h } from "../dom.js"
import { dataTable, empty, loadInto } from "./shared.js"

export const renderIngestion = (main, { f }) => {
  const body = h("div", { class: "view-body" })
  main.append(
    h("div", { class: "view-head" }, h("h1", { tabindex: "-1" }, "Ingestion"), h("p", { class: "subtitle" }, "What has arrived in the log, by source, and the latest events")),
    body,
  )
  loadInto(body, "the ingestion status", () => getJson("/ui/ingestion"), ({ sources, latestEvents }) => {
    if (sources.length === 0) {
      body.append(empty("The log is empty.", "Send events to POST /v1/events (see /docs), import a CSV, or load the demo team."))
      return
    }
    body.append(
      h(
        "section",
        { class: "card" },
        dataTable({
          caption: "Sources",
          columns: [
            { label: "Source", value: (s) => s.source, rowHeader: true, key: "source" },
            { label: "Events", value: (s) => f.count(s.events), numeric: true, key: "events" },
            { label: "Latest event happened", value: (s) => f.instant(s.lastOccurredAt), key: "lastOccurredAt" },
            { label: "Latest event recorded", value: (s) => f.instant(s.lastRecordedAt), key: "lastRecordedAt" },
          ],
          rows: sources,
        }),
      ),
      h(
        "section",
        { class: "card" },
        dataTable({
          caption: `The last ${latestEvents.length} events of the log`,
          columns: [
            { label: "Position", value: (e) => f.count(e.position), numeric: true, key: "position" },
            { label: "Type", value: (e) => e.type, key: "type" },
            { label: "Stream", value: (e) => h("code", {}, e.streamId), key: "stream" },
            { label: "Happened", value: (e) => f.instant(e.occurredAt), key: "occurredAt" },
            { label: "Recorded", value: (e) => f.instant(e.recordedAt), key: "recordedAt" },
            { label: "Source", value: (e) => e.source, key: "source" },
          ],
          rows: latestEvents,
        }),
      ),
    )
  })
}
