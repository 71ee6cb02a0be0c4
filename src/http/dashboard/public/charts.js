/**
 * @module The dashboard's charts, drawn by Chart.js (its UMD build, served by the ledger from
 * node_modules as `window.Chart`): the team's effort-against-yield scatter with its quadrants,
 * a rep's activity and outcomes over time, coverage against required coverage, and the what-if bars.
 *
 * Every chart is registered so that a view can destroy the previous view's charts; none animates
 * (figures should appear, not dance).
 */
import { quadrants } from "./views/shared.js"

const live = new Set()

const ink = "#1c1917"
const muted = "#57534e"
const grid = "rgba(28, 25, 23, 0.08)"
const font = { family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 12 }

const make = (canvas, config) => {
  const Chart = window.Chart
  if (Chart === undefined) throw new Error("the charting library did not load (/ui/vendor/chart.umd.min.js)")
  Chart.defaults.font = { ...Chart.defaults.font, ...font }
  Chart.defaults.color = muted
  const chart = new Chart(canvas, {
    ...config,
    options: { animation: false, responsive: true, maintainAspectRatio: false, ...config.options },
  })
  live.add(chart)
  return chart
}

/** Destroys every chart drawn so far (before a view replaces the page). */
export const destroyCharts = () => {
  for (const chart of live) chart.destroy()
  live.clear()
}

/**
 * Shades the four quadrants split at the team medians, draws the median lines, and names each
 * quadrant in its corner of the plot (the legend says what each name means). The names' boxes are
 * kept so that the point labels keep clear of them.
 */
const quadrantPlugin = {
  id: "quadrants",
  beforeDatasetsDraw(chart, _args, options) {
    const { ctx, chartArea: area, scales } = chart
    const { medianX, medianY } = options
    chart.$quadrantLabels = []
    if (medianX === null || medianY === null || medianX === undefined || medianY === undefined) return
    const x = Math.min(Math.max(scales.x.getPixelForValue(medianX), area.left), area.right)
    const y = Math.min(Math.max(scales.y.getPixelForValue(medianY), area.top), area.bottom)
    ctx.save()
    for (const [name, left, top, width, height] of [
      ["focused", area.left, area.top, x - area.left, y - area.top],
      ["grinding", x, area.top, area.right - x, y - area.top],
      ["idle", area.left, y, x - area.left, area.bottom - y],
      ["spraying", x, y, area.right - x, area.bottom - y],
    ]) {
      ctx.fillStyle = quadrants[name].tint
      ctx.fillRect(left, top, width, height)
    }
    ctx.strokeStyle = "rgba(28, 25, 23, 0.45)"
    ctx.setLineDash([5, 4])
    ctx.lineWidth = 1
    ctx.beginPath()
    ctx.moveTo(x, area.top)
    ctx.lineTo(x, area.bottom)
    ctx.moveTo(area.left, y)
    ctx.lineTo(area.right, y)
    ctx.stroke()
    ctx.setLineDash([])
    // Names in the plot's corners: a narrow quadrant (a median near an edge) still has room for its name.
    ctx.font = `700 11px ${font.family}`
    for (const [name, alignX, alignY] of [
      ["focused", "left", "top"],
      ["grinding", "right", "top"],
      ["idle", "left", "bottom"],
      ["spraying", "right", "bottom"],
    ]) {
      const q = quadrants[name]
      const text = `${q.symbol} ${q.label.toUpperCase()}`
      const w = ctx.measureText(text).width
      const textX = alignX === "left" ? area.left + 6 : area.right - 6 - w
      const textY = alignY === "top" ? area.top + 5 : area.bottom - 5 - 13
      ctx.fillStyle = "rgba(255, 255, 255, 0.8)"
      ctx.fillRect(textX - 3, textY - 1, w + 6, 15)
      ctx.fillStyle = q.color
      ctx.textAlign = "left"
      ctx.textBaseline = "top"
      ctx.fillText(text, textX, textY + 1)
      chart.$quadrantLabels.push({ x: textX - 3, y: textY - 1, w: w + 6, h: 15 })
    }
    ctx.fillStyle = muted
    ctx.font = `11px ${font.family}`
    ctx.textBaseline = "bottom"
    ctx.textAlign = "left"
    ctx.fillText("median", x + 4, area.top + 36)
    ctx.textAlign = "right"
    ctx.fillText("median", area.right - 4, y - 3)
    ctx.restore()
  },
}

/**
 * Writes each point's label beside it: for each label, the first place around its point (right,
 * left, above, below, then the diagonals, then further out along the rows above and below) that
 * covers neither a label already written nor a point. A label set further out than its neighbour
 * slots gets a thin leader line back to its point, so that a crowded cluster stays readable.
 */
const pointLabelPlugin = {
  id: "pointLabels",
  afterDatasetsDraw(chart) {
    const { ctx, chartArea: area } = chart
    const placed = [...(chart.$quadrantLabels ?? [])]
    const points = chart
      .getSortedVisibleDatasetMetas()
      .flatMap((meta) =>
        meta.data
          .map((point, index) => ({ point, label: chart.data.datasets[meta.index].data[index]?.label }))
          .filter((p) => p.label && !p.point.skip),
      )
    const dots = points.map(({ point }) => ({ x: point.x - 7, y: point.y - 7, w: 14, h: 14 }))
    const overlap = (a, b) =>
      Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) *
      Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y))
    const covered = (box, boxes) => boxes.reduce((sum, other) => sum + overlap(box, other), 0)
    const inside = (b) => b.x >= area.left && b.x + b.w <= area.right && b.y >= area.top && b.y + b.h <= area.bottom
    const hgt = 13
    ctx.save()
    ctx.font = `500 11px ${font.family}`
    ctx.textBaseline = "middle"
    ctx.textAlign = "left"
    // Left to right, so that labels stay where they were when a window changes a little.
    for (const { point, label } of [...points].sort((a, b) => a.point.x - b.point.x || a.point.y - b.point.y)) {
      const w = ctx.measureText(label).width
      const near = [
        [9, -hgt / 2],
        [-9 - w, -hgt / 2],
        [-w / 2, -10 - hgt],
        [-w / 2, 10],
        [7, -7 - hgt],
        [7, 7],
        [-7 - w, -7 - hgt],
        [-7 - w, 7],
      ]
      const far = []
      for (let step = 1; step <= 7; step++)
        for (const dy of [-step * (hgt + 2), step * (hgt + 2)]) far.push([14, dy - hgt / 2], [-14 - w, dy - hgt / 2])
      const candidates = [
        ...near.map(([dx, dy]) => ({ dx, dy, leader: false })),
        ...far.map(([dx, dy]) => ({ dx, dy, leader: true })),
      ]
        .map((c) => ({ x: point.x + c.dx, y: point.y + c.dy, w, h: hgt, leader: c.leader }))
        .filter(inside)
      // The first free place; when none is free, the place that covers the least (labels count more than points).
      let box = candidates.find((b) => covered(b, placed) === 0 && covered(b, dots) === 0)
      if (box === undefined) {
        const cost = (b) => 3 * covered(b, placed) + covered(b, dots)
        box = candidates.reduce((best, b) => (best === undefined || cost(b) < cost(best) ? b : best), undefined) ?? {
          x: point.x + 9,
          y: point.y - hgt / 2,
          w,
          h: hgt,
          leader: false,
        }
      }
      placed.push(box)
      if (box.leader) {
        ctx.strokeStyle = "rgba(28, 25, 23, 0.35)"
        ctx.lineWidth = 1
        ctx.beginPath()
        ctx.moveTo(point.x, point.y)
        ctx.lineTo(box.x < point.x ? box.x + box.w : box.x, box.y + hgt / 2)
        ctx.stroke()
      }
      ctx.fillStyle = "rgba(255, 255, 255, 0.75)"
      ctx.fillRect(box.x - 1, box.y, box.w + 2, hgt)
      ctx.fillStyle = ink
      ctx.fillText(label, box.x, box.y + hgt / 2)
    }
    ctx.restore()
  },
}

/**
 * The team scatter: one point per rep with a yield (x activities, y yield), a dataset per quadrant
 * (its own shape and colour, named in the legend), the medians and quadrant names drawn behind.
 */
export const effortYieldScatter = (canvas, { reps, medians, yieldLabel, formatYield, formatEffort, onPick }) => {
  const plotted = reps.filter((rep) => rep.yield !== null)
  const datasets = Object.entries(quadrants).map(([name, q]) => ({
    label: `${q.label} (${q.meaning})`,
    data: plotted
      .filter((rep) => rep.quadrant === name)
      .map((rep) => ({ x: rep.activities, y: rep.yield, label: rep.name, repId: rep.repId })),
    pointStyle: q.pointStyle,
    backgroundColor: q.color,
    borderColor: "#fff",
    borderWidth: 1.5,
    pointRadius: 7,
    pointHoverRadius: 9,
  }))
  const maxX = Math.max(1, ...plotted.map((r) => r.activities))
  const maxY = Math.max(0, ...plotted.map((r) => r.yield))
  return make(canvas, {
    type: "scatter",
    data: { datasets },
    plugins: [quadrantPlugin, pointLabelPlugin],
    options: {
      layout: { padding: { top: 4, right: 12 } },
      scales: {
        x: {
          title: { display: true, text: "Activities (effort) →", color: ink },
          min: 0,
          suggestedMax: maxX * 1.08,
          grid: { color: grid },
          ticks: { callback: (v) => formatEffort(v) },
        },
        y: {
          title: { display: true, text: `${yieldLabel} (yield) →`, color: ink },
          // A band below zero keeps the lowest reps clear of the bottom quadrants' names.
          min: -(maxY || 1) * 0.07,
          suggestedMax: maxY * 1.12 || 1,
          grid: { color: grid },
          ticks: { callback: (v) => (v < 0 ? "" : formatYield(v)) },
        },
      },
      plugins: {
        quadrants: { medianX: medians.activities, medianY: medians.yield },
        legend: { position: "bottom", labels: { usePointStyle: true, boxHeight: 8, padding: 14 } },
        tooltip: {
          callbacks: {
            label: (item) =>
              `${item.raw.label}: ${formatEffort(item.raw.x)} activities, ${formatYield(item.raw.y)} ${yieldLabel.toLowerCase()}`,
          },
        },
      },
      onClick: (_event, elements, chart) => {
        const hit = elements[0]
        if (hit === undefined) return
        onPick(chart.data.datasets[hit.datasetIndex].data[hit.index].repId)
      },
      onHover: (event, elements) => {
        event.native.target.style.cursor = elements.length > 0 ? "pointer" : "default"
      },
    },
  })
}

/** A rep over time: activity as stacked bars (dials, emails, touches), outcomes as lines on their own axis. */
export const activityOutcomeSeries = (canvas, { labels, series, formatCount }) =>
  make(canvas, {
    type: "bar",
    data: {
      labels,
      datasets: [
        {
          type: "bar",
          label: "Dials",
          data: series.map((s) => s.metrics.dials),
          backgroundColor: "#cbd5e1",
          stack: "effort",
          yAxisID: "effort",
        },
        {
          type: "bar",
          label: "Emails",
          data: series.map((s) => s.metrics.emails),
          backgroundColor: "#94a3b8",
          stack: "effort",
          yAxisID: "effort",
        },
        {
          type: "bar",
          label: "Touches",
          data: series.map((s) => s.metrics.touches),
          backgroundColor: "#64748b",
          stack: "effort",
          yAxisID: "effort",
        },
        {
          type: "line",
          label: "Meetings booked",
          data: series.map((s) => s.metrics.meetingsBooked),
          borderColor: "#1d4ed8",
          backgroundColor: "#1d4ed8",
          pointStyle: "circle",
          pointRadius: 4,
          borderWidth: 2.5,
          yAxisID: "outcomes",
        },
        {
          type: "line",
          label: "Deals won",
          data: series.map((s) => s.metrics.dealsWon),
          borderColor: "#15803d",
          backgroundColor: "#15803d",
          pointStyle: "rectRot",
          pointRadius: 5,
          borderWidth: 2.5,
          borderDash: [6, 4],
          yAxisID: "outcomes",
        },
      ],
    },
    options: {
      interaction: { mode: "index", intersect: false },
      scales: {
        x: { stacked: true, grid: { display: false } },
        effort: {
          type: "linear",
          position: "left",
          stacked: true,
          beginAtZero: true,
          title: { display: true, text: "Activities", color: ink },
          grid: { color: grid },
          ticks: { callback: (v) => formatCount(v) },
        },
        outcomes: {
          type: "linear",
          position: "right",
          beginAtZero: true,
          grace: "10%",
          title: { display: true, text: "Meetings · deals won", color: ink },
          grid: { display: false },
          ticks: { precision: 0 },
        },
      },
      plugins: { legend: { position: "bottom", labels: { usePointStyle: true, boxHeight: 8, padding: 14 } } },
    },
  })

/** Coverage, qualified coverage and required coverage as bars on one scale of multiples. */
export const coverageBars = (canvas, { bars, formatMultiple }) =>
  make(canvas, {
    type: "bar",
    data: {
      labels: bars.map((b) => (b.value === null ? `${b.label}: —` : b.label)),
      datasets: [
        {
          label: "Multiple of quota left",
          data: bars.map((b) => b.value),
          backgroundColor: bars.map((b) => b.color),
          borderRadius: 3,
          maxBarThickness: 26,
        },
      ],
    },
    options: {
      indexAxis: "y",
      scales: {
        x: { beginAtZero: true, grid: { color: grid }, ticks: { callback: (v) => formatMultiple(v) } },
        y: { grid: { display: false }, ticks: { color: ink } },
      },
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (item) => formatMultiple(item.raw) } } },
    },
  })

/** Per rep, what a mandate demands: the extra activities, beside what the rep's own required coverage would. */
export const whatIfBars = (canvas, { labels, mandate, own, targetLabel, formatCount }) =>
  make(canvas, {
    type: "bar",
    data: {
      labels,
      datasets: [
        {
          label: `The ${targetLabel} mandate`,
          data: mandate,
          backgroundColor: "#c2410c",
          borderRadius: 3,
          maxBarThickness: 18,
        },
        {
          label: "The rep's own required coverage",
          data: own,
          backgroundColor: "#94a3b8",
          borderRadius: 3,
          maxBarThickness: 18,
        },
      ],
    },
    options: {
      indexAxis: "y",
      scales: {
        x: { beginAtZero: true, grid: { color: grid }, ticks: { callback: (v) => formatCount(v) } },
        y: { grid: { display: false }, ticks: { color: ink, autoSkip: false } },
      },
      plugins: {
        legend: { position: "bottom", labels: { boxHeight: 10, padding: 14 } },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${formatCount(item.raw)}` } },
      },
    },
  })
