/** Geometry of a horizontal bar chart, drawn as SVG by views/partials-chart.ejs (no client JS). */
export interface Bar {
  label: string
  value: number
  display: string
  y: number
  width: number
}

export interface Chart {
  title: string
  width: number
  height: number
  labelWidth: number
  barHeight: number
  bars: Bar[]
}

export function barChart(
  title: string,
  data: Array<{ label: string; value: number; display?: string }>,
): Chart {
  const labelWidth = 160
  const plot = 360
  const barHeight = 22
  const max = Math.max(1, ...data.map((d) => d.value))
  return {
    title,
    width: labelWidth + plot + 90,
    height: Math.max(1, data.length) * (barHeight + 8) + 8,
    labelWidth,
    barHeight,
    bars: data.map((d, i) => ({
      label: d.label,
      value: d.value,
      display: d.display ?? String(d.value),
      y: 8 + i * (barHeight + 8),
      width: Math.round((d.value / max) * plot),
    })),
  }
}
