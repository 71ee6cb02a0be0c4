/**
 * @module Ingestion status: each connector and the event API with their deliveries and last
 * rejection (`GET /v1/sources`: a webhook failing its signature check shows here), then per source
 * (the `source` each event was stamped with: api, demo, an importer…) how many events arrived and
 * the latest, and the last events of the log.
 */
import { getJson } from "../api.js"
import { h } from "../dom.js"
import { dataTable, empty, loadInto } from "./shared.js"

export const renderIngestion = (main, { f }) => {
  const body = h("div", { class: "view-body" })
  main.append(
    h(
      "div",
      { class: "view-head" },
      h("h1", { tabindex: "-1" }, "Ingestion"),
      h(
        "p",
        { class: "subtitle" },
        "Each connector's deliveries and refusals, what has arrived in the log, and the latest events",
      ),
    ),
    body,
  )
  const load = () => Promise.all([getJson("/ui/ingestion"), getJson("/v1/sources")])
  loadInto(body, "the ingestion status", load, ([{ sources, latestEvents }, connectors]) => {
    body.append(connectorsCard(connectors.sources, f))
    if (sources.length === 0) {
      body.append(
        empty("The log is empty.", "Send events to POST /v1/events (see /docs), import a CSV, or load the demo team."),
      )
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

/** Each connector's deliveries, its last event, and why its last refused delivery was refused. */
const connectorsCard = (sources, f) =>
  h(
    "section",
    { class: "card", "aria-label": "Connectors" },
    dataTable({
      caption: "Connectors: deliveries by outcome, and the last refusal",
      columns: [
        { label: "Connector", value: (s) => s.source, rowHeader: true, key: "connector" },
        { label: "Route", value: (s) => h("code", {}, s.route), key: "route" },
        { label: "Events", value: (s) => f.count(s.eventsReceived), numeric: true, key: "eventsReceived" },
        { label: "Accepted", value: (s) => f.count(s.deliveries.accepted), numeric: true, key: "accepted" },
        {
          label: "Retries",
          value: (s) => f.count(s.deliveries.duplicate),
          numeric: true,
          key: "duplicate",
          title: "Deliveries already stored: nothing appended",
        },
        { label: "Rejected", value: (s) => f.count(s.deliveries.rejected), numeric: true, key: "rejected" },
        { label: "Last event", value: (s) => f.instant(s.lastEventAt), key: "lastEventAt" },
        {
          label: "Last rejection",
          value: (s) =>
            s.lastRejection === null
              ? "—"
              : `${f.instant(s.lastRejection.at)}: ${s.lastRejection.status} ${s.lastRejection.reason}`,
          key: "lastRejection",
        },
      ],
      rows: sources,
    }),
  )
