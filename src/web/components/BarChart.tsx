import { useChart } from './useChart.ts';

type Props = { labels: string[]; values: number[]; label: string; colours?: string[] };

/**
 * A horizontal bar chart, one colour or one per bar; the numbers it shows must also be on the page as text
 * (screen readers, tests).
 */
export function BarChart({ labels, values, label, colours }: Props) {
  const ref = useChart(
    (fontFamily) => ({
      textStyle: { fontFamily },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: [...labels].reverse() },
      series: [
        {
          type: 'bar',
          data: values.map((value, i) => ({ value, itemStyle: { color: colours?.[i] ?? '#1f5fa8' } })).reverse(),
          barMaxWidth: 18,
        },
      ],
    }),
    JSON.stringify([labels, values, colours]),
  );
  return <div ref={ref} className="chart" role="img" aria-label={label} style={{ height: 40 + labels.length * 30 }} />;
}
