import { useChart } from './useChart.ts';

type Series = { name: string; values: number[]; colour: string };
type Props = { labels: string[]; series: Series[]; label: string };

/** Values per period (month) as lines, one per series, with a legend; the figures must also be on the page as text. */
export function TrendChart({ labels, series, label }: Props) {
  const ref = useChart(
    (fontFamily) => ({
      textStyle: { fontFamily },
      legend: { top: 0, textStyle: { fontFamily } },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value', minInterval: 1 },
      series: series.map((s) => ({
        type: 'line',
        name: s.name,
        data: s.values,
        itemStyle: { color: s.colour },
        lineStyle: { width: 2.5 },
        symbolSize: 7,
      })),
    }),
    JSON.stringify([labels, series]),
  );
  return <div ref={ref} className="chart" role="img" aria-label={label} style={{ height: 260 }} />;
}
