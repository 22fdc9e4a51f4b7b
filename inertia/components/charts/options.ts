/**
 * ECharts options built from transformer output (pure; no ECharts import,
 * so pages can build them during server rendering without loading the library).
 * Series differ by line style and symbol as well as colour.
 */
export type PriceChart = {
  from: string
  to: string
  currency: string
  series: Array<{ platform: string; points: Array<[number, number | null, number | null]> }>
  availability: Array<[number, number, number]>
  markers: Array<{ at: number; label: string }>
}
export type SpreadRow = {
  section: string
  count: number
  minMinor: number
  q1Minor: number
  medianMinor: number
  q3Minor: number
  maxMinor: number
}

const dollars = (minor: number | null) => (minor === null ? null : minor / 100)
const money = (value: number) => `$${value.toLocaleString('en', { maximumFractionDigits: 0 })}`
const SYMBOLS = ['circle', 'rect', 'triangle', 'diamond', 'pin', 'arrow']

export function priceChartOption(chart: PriceChart) {
  const series: any[] = []
  chart.series.forEach((entry, index) => {
    series.push({
      name: `${entry.platform} lowest`,
      type: 'line',
      step: 'end',
      symbol: SYMBOLS[index % SYMBOLS.length],
      symbolSize: 5,
      showSymbol: false,
      data: entry.points.map((point) => [point[0], dollars(point[1])]),
      lineStyle: { width: 2 },
      ...(index === 0 && chart.markers.length
        ? {
            markLine: {
              symbol: 'none',
              lineStyle: { type: 'dashed', color: '#64748b' },
              label: {
                formatter: (params: any) => params.name,
                position: 'insideEndTop',
                fontSize: 10,
              },
              data: chart.markers.map((marker) => ({ name: marker.label, xAxis: marker.at })),
            },
          }
        : {}),
    })
    series.push({
      name: `${entry.platform} median`,
      type: 'line',
      step: 'end',
      symbol: 'none',
      data: entry.points.map((point) => [point[0], dollars(point[2])]),
      lineStyle: { width: 1.5, type: 'dashed' },
    })
  })
  return {
    animation: false,
    tooltip: {
      trigger: 'axis',
      valueFormatter: (value: number | null) =>
        value === null || value === undefined ? '—' : money(value),
    },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 56, right: 16, top: 36, bottom: 64 },
    xAxis: {
      type: 'time',
      min: Date.parse(chart.from),
      max: Date.parse(chart.to),
      axisLabel: { hideOverlap: true },
    },
    yAxis: { type: 'value', scale: true, axisLabel: { formatter: money } },
    dataZoom: [
      { type: 'inside', filterMode: 'none' },
      { type: 'slider', filterMode: 'none', height: 20, bottom: 8 },
    ],
    series,
  }
}

export function availabilityOption(chart: PriceChart) {
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 56, right: 56, top: 32, bottom: 28 },
    xAxis: {
      type: 'time',
      min: Date.parse(chart.from),
      max: Date.parse(chart.to),
      axisLabel: { hideOverlap: true },
    },
    yAxis: [
      { type: 'value', name: 'listings', minInterval: 1 },
      { type: 'value', name: 'tickets', minInterval: 1 },
    ],
    series: [
      {
        name: 'Listings',
        type: 'line',
        step: 'end',
        symbol: 'none',
        data: chart.availability.map((point) => [point[0], point[1]]),
      },
      {
        name: 'Tickets',
        type: 'line',
        step: 'end',
        symbol: 'none',
        yAxisIndex: 1,
        lineStyle: { type: 'dotted' },
        data: chart.availability.map((point) => [point[0], point[2]]),
      },
    ],
  }
}

export function spreadOption(rows: SpreadRow[]) {
  return {
    animation: false,
    tooltip: {
      trigger: 'item',
      formatter: (params: any) => {
        const row = rows[params.dataIndex]
        return `Section ${row.section} (${row.count} listings)<br/>lowest ${money(row.minMinor / 100)} · median ${money(row.medianMinor / 100)} · highest ${money(row.maxMinor / 100)}`
      },
    },
    grid: { left: 90, right: 16, top: 8, bottom: 28 },
    xAxis: { type: 'value', scale: true, axisLabel: { formatter: money } },
    yAxis: { type: 'category', data: rows.map((row) => row.section) },
    series: [
      {
        name: 'Price spread',
        type: 'boxplot',
        layout: 'horizontal',
        data: rows.map((row) =>
          [row.minMinor, row.q1Minor, row.medianMinor, row.q3Minor, row.maxMinor].map(
            (value) => value / 100
          )
        ),
      },
    ],
  }
}

export function lineOption(input: {
  categories: string[]
  series: Array<{ name: string; data: Array<number | null>; dashed?: boolean }>
  yMoney?: boolean
  yName?: string
  zoom?: boolean
}) {
  return {
    animation: false,
    tooltip: {
      trigger: 'axis',
      ...(input.yMoney
        ? {
            valueFormatter: (value: number | null) =>
              value === null || value === undefined ? '—' : money(value),
          }
        : {}),
    },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 56, right: 16, top: 32, bottom: input.zoom ? 60 : 28 },
    xAxis: { type: 'category', data: input.categories, axisLabel: { hideOverlap: true } },
    yAxis: {
      type: 'value',
      scale: true,
      name: input.yName,
      ...(input.yMoney ? { axisLabel: { formatter: money } } : {}),
    },
    ...(input.zoom
      ? { dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }] }
      : {}),
    series: input.series.map((entry, index) => ({
      name: entry.name,
      type: 'line',
      symbol: SYMBOLS[index % SYMBOLS.length],
      connectNulls: true,
      data: entry.data,
      lineStyle: entry.dashed ? { type: 'dashed' } : undefined,
    })),
  }
}

export function barOption(input: {
  categories: string[]
  series: Array<{ name: string; data: number[] }>
  yMoney?: boolean
}) {
  return {
    animation: false,
    tooltip: {
      trigger: 'axis',
      ...(input.yMoney ? { valueFormatter: (value: number) => money(value) } : {}),
    },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 64, right: 16, top: 32, bottom: 28 },
    xAxis: { type: 'category', data: input.categories, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', ...(input.yMoney ? { axisLabel: { formatter: money } } : {}) },
    series: input.series.map((entry, index) => ({
      name: entry.name,
      type: 'bar',
      data: entry.data,
      itemStyle:
        index % 2
          ? {
              decal: {
                symbol: 'rect',
                dashArrayX: [1, 0],
                dashArrayY: [4, 3],
                rotation: -Math.PI / 4,
              },
            }
          : undefined,
    })),
    aria: { enabled: true, decal: { show: true } },
  }
}
